/**
 * The energy and latency model on the chip's real counters, next to the paper (Table 2, 6.4, Table 3,
 * Figure 8). Tolerances:
 * - inf/s and TOPS follow from the cycle counts exactly: agreement to the paper's rounding.
 * - VWW inf/s: within 2 % (the issue's bar; the VWW graph is a reconstruction).
 * - TOPS/W, full-scale pulses, shipped constants: within 5 % on the five figures they were fitted on,
 *   within 10 % on the four held out (KWS/VWW at 6 and 4 bit: predictions, never fitted).
 * - µJ: within 10 % of ops ÷ the paper's TOPS/W on all nine (Table 2's own 8-bit µJ are ~9 % below
 *   that: 8.22 vs 9.02 and 15.6 vs 16.29; the fit targets TOPS/W, given at every width).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { InferenceCounters } from '../../../host/chip/counters.js';
import type { Bits } from '../../../host/chip/program.js';
import { DEFAULT_CONSTANTS, FITTED, HERMES, PAPER } from '../../../host/energy/constants.js';
import {
  compareWithPaper,
  fullScaleLayerCounters,
  impliedConversionToRowRatio,
  shapePairVerdicts,
  tallerWinsAboveRatio,
  tallerWinsBelow,
  type FigureResult,
} from '../../../host/energy/fit.js';
import { energyOf, type PulseMode } from '../../../host/energy/model.js';
import { measure } from '../../../host/energy/measure.js';
import { countersOf, kwsTestClip, paperRuns, type PaperRuns } from './runs.js';

let runs: PaperRuns;
let table: FigureResult[];
const at = (model: 'kws' | 'vww', bits: Bits) => runs.find((r) => r.model === model && r.counters.bits === bits)!.counters;

beforeAll(async () => {
  runs = await paperRuns();
  table = compareWithPaper(FITTED, runs);
  console.log(
    table
      .map((r) => `${r.label}${r.inFit ? ' (in fit)' : ' (held out)'}: ${r.modelTopsPerWatt.toFixed(2)} TOPS/W vs ${r.paperTopsPerWatt} (${(100 * r.relErr).toFixed(1)} %), ` +
        `${r.modelUj.toFixed(3)} µJ vs ${r.paperUj.toFixed(3)} (${(100 * r.uJRelErr).toFixed(1)} %)`)
      .join('\n'),
  );
});

describe('throughput from the chip counters (Table 2)', () => {
  it('KWS 8 bit: 991 cycles → 7,762 inf/s, 0.601 TOPS', () => {
    const e = energyOf(at('kws', 8));
    expect(e.perLayer.reduce((a, l) => a + l.arrayCycles, 0)).toBe(991);
    expect(Math.round(e.total.infPerSec)).toBe(PAPER.kws.infPerSec8);
    expect(e.total.macs).toBe(38_691_408);
    expect(Math.abs(e.total.tops - 0.601)).toBeLessThan(0.0005);
  });
  it('VWW 8 bit: 1,063 inf/s within 2 %, 0.076 TOPS', () => {
    const e = energyOf(at('vww', 8));
    expect(Math.abs(e.total.infPerSec / PAPER.vww.infPerSec8 - 1)).toBeLessThan(0.02);
    expect(Math.abs(e.total.tops - 0.076)).toBeLessThan(0.0005);
  });
  it('the digital datapath keeps up with every layer, even at 4 bit (≤ 128 words per 10 ns cycle)', () => {
    for (const r of runs) expect(energyOf(r.counters).digitalStalls).toEqual([]);
  });
  it('KWS and VWW TOPS at 6 and 4 bit: the paper\'s 2.29 / 7.8 and 0.29 / 0.98 within 1 %', () => {
    // 991 cycles × 34 ns gives 2.297 TOPS, which the paper prints as 2.29 (truncated, 0.3 % low);
    // the others agree to the paper's rounding. 1 % covers truncation of the paper's 2–3 digits.
    for (const b of [6, 4] as const) {
      expect(Math.abs(energyOf(at('kws', b)).total.tops / PAPER.kws.tops[b] - 1)).toBeLessThan(0.01);
      expect(Math.abs(energyOf(at('vww', b)).total.tops / PAPER.vww.tops[b] - 1)).toBeLessThan(0.01);
    }
  });
});

describe('MicroNet-KWS-S on three arrays (Table 3, 8 bit)', () => {
  it('1024×512: 1,866 cycles → 4,122 inf/s', async () => {
    const c = await countersOf({ model: 'micronet-kws-s', bits: 8 });
    expect(Math.round(energyOf(c).total.infPerSec)).toBe(PAPER.micronetKwsS.infPerSec8['1024x512']);
  });
  it.each([
    [128, 128],
    [64, 64],
  ])('%i×%i tiles: latency = the chip\'s cycles (C/4 ADCs per tile, contracts §7) × 130 ns; Table 3 needs one cycle per position per piece', async (rows, cols) => {
    const m = await measure({ model: 'micronet-kws-s', bits: 8, array: { rows, cols }, input: kwsTestClip() });
    const e = energyOf(m.counters);
    const cycles = m.counters.layers.reduce((a, l) => a + l.arrayCycles, 0);
    expect(cycles).toBe(m.placement.cycles);
    expect(e.total.latencyUs).toBeCloseTo((cycles * 130) / 1000, 9);
    const paper = PAPER.micronetKwsS.infPerSec8[`${rows}x${cols}`]!;
    // The paper's figure follows from positions × ceil(cols/128) per piece (128 ADCs per tile).
    expect(Math.round(1e9 / (m.placement.paperCycles * 130))).toBe(paper);
    console.log(`MicroNet-KWS-S ${rows}×${cols}: ${e.total.infPerSec.toFixed(0)} inf/s with ${cols / 4} ADCs per tile (${cycles} cycles); Table 3: ${paper} (${m.placement.paperCycles} cycles with 128 ADCs)`);
  });
});

describe('TOPS/W next to the paper (full-scale pulses, shipped constants)', () => {
  it('the shipped constants are the default ones', () => {
    expect(DEFAULT_CONSTANTS).toBe(FITTED);
  });
  it('in-sample (peaks 8/6/4 b, KWS 8 b, VWW 8 b): within 5 %', () => {
    const inFit = table.filter((r) => r.inFit);
    expect(inFit.map((r) => r.label).sort()).toEqual(['kws 8b', 'peak 4b', 'peak 6b', 'peak 8b', 'vww 8b']);
    for (const r of inFit) expect(Math.abs(r.relErr), r.label).toBeLessThan(0.05);
  });
  it('held out (KWS 6/4 b, VWW 6/4 b): predicted within 10 %', () => {
    const heldOut = table.filter((r) => !r.inFit);
    expect(heldOut.map((r) => r.label).sort()).toEqual(['kws 4b', 'kws 6b', 'vww 4b', 'vww 6b']);
    for (const r of heldOut) expect(Math.abs(r.relErr), r.label).toBeLessThan(0.1);
  });
  it('µJ per inference within 10 % of ops ÷ the paper\'s TOPS/W, in-sample and held out', () => {
    for (const r of table) {
      const c = r.workload === 'peak' ? null : runs.find((x) => x.model === r.workload && x.counters.bits === r.bits)!.counters;
      if (c) expect(r.paperUj).toBeCloseTo((2 * c.layers.reduce((a, l) => a + l.macs, 0)) / (PAPER[r.workload as 'kws' | 'vww'].topsPerWatt[r.bits] * 1e6), 9);
      expect(Math.abs(r.uJRelErr), r.label).toBeLessThan(0.1);
    }
  });
  it('the table is the model: each row is energyOf on the chip\'s counters', () => {
    const k8 = energyOf(at('kws', 8)).total;
    const row = table.find((r) => r.label === 'kws 8b')!;
    expect(row.modelTopsPerWatt).toBeCloseTo(k8.topsPerWatt, 12);
    expect(row.modelUj).toBeCloseTo(k8.energyUj, 12);
  });
  it('measured pulses never cost more than full scale, and less for a real input', () => {
    for (const r of runs) {
      const fs = energyOf(r.counters, { mode: 'fullScale' }).total.energyUj;
      const me = energyOf(r.counters, { mode: 'measured' }).total.energyUj;
      expect(me).toBeLessThan(fs);
    }
  });
});

describe('cross-check against the HERMES core (measured silicon, never fitted)', () => {
  it('a 256×256 layer on 256 ADCs at 8 bit: the same order as HERMES\'s 10.5 TOPS/W (within 2×)', () => {
    const e = energyOf({ bits: 8, layers: [fullScaleLayerCounters(8, HERMES.rows, HERMES.cols, HERMES.adcs)] }, { constants: FITTED }).total;
    console.log(`HERMES-sized layer with the shipped constants: ${e.tops.toFixed(2)} TOPS, ${e.topsPerWatt.toFixed(1)} TOPS/W (HERMES: ${HERMES.topsPerWatt})`);
    expect(e.topsPerWatt / HERMES.topsPerWatt).toBeGreaterThan(0.5);
    expect(e.topsPerWatt / HERMES.topsPerWatt).toBeLessThan(2);
  });
});

describe('Figure 8 with the shipped constants, both accountings', () => {
  it('the hand-built shapes (best-shape line) count as the chip does, layer by layer', () => {
    // Per single-piece layer: the chip's counters = positions × one full-scale position of that shape.
    for (const r of runs) {
      r.shapes.forEach((sh, i) => {
        if (sh.pieces !== 1) return;
        const c = r.counters.layers[i]!;
        const one = fullScaleLayerCounters(r.counters.bits, sh.rows, sh.cols);
        expect([c.arrayCycles, c.activeRowCycles, c.activeAdcCycles, c.adcConversions, c.dacPulsesFullScale], c.name).toEqual(
          [one.arrayCycles, one.activeRowCycles, one.activeAdcCycles, one.adcConversions, one.dacPulsesFullScale].map((v) => v * sh.positions),
        );
      });
    }
  });
  it('needs a conversion to cost > 9 full-scale row-cycles (KWS conv3 1008×84 vs conv2 756×112)', () => {
    const k = at('kws', 8).layers;
    expect(tallerWinsAboveRatio(k[2]!, k[1]!)).toBeCloseTo(9, 12);
  });
  it('Table 2 alone implies a conversion costs about one full-scale row-cycle (far below 9)', () => {
    const ops = (c: InferenceCounters) => 2 * c.layers.reduce((a, l) => a + l.macs, 0);
    const k8 = at('kws', 8);
    const v8 = at('vww', 8);
    const fromTopsW = impliedConversionToRowRatio(k8, ops(k8) / 8.58e12, v8, ops(v8) / 4.37e12);
    const fromUj = impliedConversionToRowRatio(k8, 8.22e-6, v8, 15.6e-6);
    console.log(`conversion / full-scale row-cycle implied by Table 2: ${fromTopsW.toFixed(2)} (TOPS/W pair), ${fromUj.toFixed(2)} (µJ pair)`);
    expect(fromTopsW).toBeGreaterThan(0);
    expect(fromTopsW).toBeLessThan(9);
    expect(fromUj).toBeLessThan(9);
  });
  it('8 bit (the figure\'s width): full scale ranks the wider conv2 first; measured pulses rank the taller conv3 first', () => {
    const c = at('kws', 8);
    const [fs, me] = shapePairVerdicts(c.layers[2]!, c.layers[1]!, 8, FITTED);
    const fStar = tallerWinsBelow(c.layers[2]!, c.layers[1]!, 8, FITTED);
    console.log(
      `KWS 8b conv3 1008×84 / conv2 756×112 TOPS/W: full scale ${fs!.tallTopsPerWatt.toFixed(2)} / ${fs!.wideTopsPerWatt.toFixed(2)}; ` +
        `measured ${me!.tallTopsPerWatt.toFixed(2)} / ${me!.wideTopsPerWatt.toFixed(2)} at code fractions ` +
        `${me!.tallPulseFraction.toFixed(3)} / ${me!.widePulseFraction.toFixed(3)}; taller wins below a common f = ${fStar.toFixed(3)}`,
    );
    expect(fs!.tallerWins).toBe(false);
    expect(me!.tallerWins).toBe(true);
    expect(fStar).toBeGreaterThan(0);
    expect(fStar).toBeLessThan(1);
    // Not a fluke of one layer's sparser input: both layers' code fractions sit well below f*.
    expect(Math.max(me!.tallPulseFraction, me!.widePulseFraction)).toBeLessThan(fStar / 2);
  });
  it.each([6, 4] as const)('%i bit: the verdicts, printed (shorter windows make rows cheaper against ADCs)', (bits) => {
    const c = at('kws', bits);
    const [fs, me] = shapePairVerdicts(c.layers[2]!, c.layers[1]!, bits, FITTED);
    const fStar = tallerWinsBelow(c.layers[2]!, c.layers[1]!, bits, FITTED);
    console.log(
      `KWS ${bits}b conv3 / conv2 TOPS/W: full scale ${fs!.tallTopsPerWatt.toFixed(2)} / ${fs!.wideTopsPerWatt.toFixed(2)}; ` +
        `measured ${me!.tallTopsPerWatt.toFixed(2)} / ${me!.wideTopsPerWatt.toFixed(2)}; taller wins below f = ${fStar.toFixed(3)}`,
    );
    expect(me!.tallerWins).toBe(true);
    // f* grows as the window shrinks: a row-cycle costs less against the ADC's cycle.
    expect(fStar).toBeGreaterThan(tallerWinsBelow(at('kws', 8).layers[2]!, at('kws', 8).layers[1]!, 8, FITTED));
  });
  it('trend (a): bigger layers are more efficient, in both accountings (rank correlation over KWS + VWW layers, 8 bit)', () => {
    for (const mode of ['fullScale', 'measured'] as PulseMode[]) {
      const pts = (['kws', 'vww'] as const).flatMap((m) => {
        const r = runs.find((x) => x.model === m && x.counters.bits === 8)!;
        const e = energyOf(r.counters, { mode }).perLayer;
        return r.shapes.map((sh, i) => ({ weights: sh.weights, topsPerWatt: e[i]!.topsPerWatt }));
      });
      const rho = spearman(pts.map((p) => p.weights), pts.map((p) => p.topsPerWatt));
      console.log(`Figure 8 trend (a), ${mode}: Spearman ρ(weights, TOPS/W) = ${rho.toFixed(2)} over ${pts.length} layers`);
      expect(rho).toBeGreaterThan(0.5);
    }
  });
});

function ranks(xs: number[]): number[] {
  const order = xs.map((x, i) => [x, i] as const).sort((a, b) => a[0] - b[0]);
  const r = new Array<number>(xs.length);
  for (let i = 0; i < order.length; ) {
    let j = i;
    while (j + 1 < order.length && order[j + 1]![0] === order[i]![0]) j++;
    for (let k = i; k <= j; k++) r[order[k]![1]] = (i + j) / 2; // ties share their mean rank
    i = j + 1;
  }
  return r;
}

function spearman(a: number[], b: number[]): number {
  const ra = ranks(a);
  const rb = ranks(b);
  const mean = (v: number[]) => v.reduce((s, x) => s + x, 0) / v.length;
  const ma = mean(ra);
  const mb = mean(rb);
  let num = 0;
  let da = 0;
  let db = 0;
  for (let i = 0; i < a.length; i++) {
    num += (ra[i]! - ma) * (rb[i]! - mb);
    da += (ra[i]! - ma) ** 2;
    db += (rb[i]! - mb) ** 2;
  }
  return num / Math.sqrt(da * db);
}
