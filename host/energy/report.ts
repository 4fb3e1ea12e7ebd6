/**
 * The energy report of one measured inference — per-layer and total latency, µJ, TOPS and TOPS/W, full
 * scale (the paper's accounting) and measured (this input's DAC pulses), next to the paper's figures —
 * and Figure 8 drawn from reports. `aon-cim energy` prints it; the web page's meter and Figure 8 use it.
 * Only the chip's counters and the placement go in: no file system.
 */
import type { NetworkName } from '../../models/graphs/types.js';
import type { InferenceCounters } from '../chip/counters.js';
import type { Bits, Preset } from '../chip/program.js';
import type { Placement } from '../compiler/tiler.js';
import { efficiencySvg, type EfficiencySeries } from '../plots/efficiency-svg.js';
import { DEFAULT_CONSTANTS, PAPER } from './constants.js';
import { bestShapeLine } from './figure8-sweep.js';
import { ALL_FIGURES, FIT_FIGURES, figureLabel, inFit } from './fit.js';
import { energyOf, type InferenceEnergy } from './model.js';

/** What a report is built from: one inference's counters on a placed network (host/energy/measure.ts). */
export interface MeasuredInference {
  placement: Placement;
  counters: InferenceCounters;
  /** Where the weights came from (a path, "random(seed)", a URL). */
  imageSource: string;
  /** The input: a path or a description ("microphone"). */
  inputSource: string;
}

/** The settings the inference ran with. */
export interface ReportSettings {
  model: NetworkName;
  bits: Bits;
  array?: { rows: number; cols: number };
  preset: Preset;
  drift: number;
  seed: number;
  gdc: boolean;
}

export interface EnergyLayerReport {
  name: string;
  rows: number;
  columns: number;
  positions: number;
  weights: number;
  pieces: number;
  cycles: number;
  macs: number;
  latencyUs: number;
  uJ: number;
  tops: number;
  topsPerWatt: number;
  measured: { uJ: number; topsPerWatt: number; pulseFraction: number };
}

export interface EnergyReport {
  model: NetworkName;
  bits: Bits;
  array: string;
  tiles: number;
  image: string;
  input: string;
  preset: Preset;
  driftS: number;
  seed: number;
  gdc: boolean;
  /** Replicated layers, "stem=4,…" (host/compiler/replicate.ts); absent when none. */
  replicate?: string;
  constants: string;
  /** The paper's TOPS/W figures the constants were fitted on, and those held out to test them. */
  fit: { figures: string[]; heldOut: string[] };
  infPerSec: number;
  latencyUs: number;
  /** Full-scale pulses (the paper's accounting). */
  uJPerInf: number;
  tops: number;
  topsPerWatt: number;
  /** The same inference with the DAC pulses the input really took. */
  measured: { uJPerInf: number; topsPerWatt: number; pulseFraction: number };
  utilization: number;
  macs: number;
  breakdownUj: { fullScale: InferenceEnergy['total']['breakdownUj']; measured: InferenceEnergy['total']['breakdownUj'] };
  /** Layers whose digital datapath would stall the array. */
  digitalStalls: string[];
  /** The paper's figures for this model and bits, when it gives them (1024×512 only). */
  paper: { infPerSec?: number; tops?: number; topsPerWatt?: number; uJPerInf?: number; utilization?: number; inFit?: boolean } | null;
  layers: EnergyLayerReport[];
}

function paperFigures(model: NetworkName, bits: Bits, arrayName: string): EnergyReport['paper'] {
  if (model === 'micronet-kws-s') {
    const ips = bits === 8 ? PAPER.micronetKwsS.infPerSec8[arrayName] : undefined;
    return ips === undefined ? null : { infPerSec: ips };
  }
  if (arrayName !== '1024x512') return null;
  const p = PAPER[model];
  return {
    ...(bits === 8 ? { infPerSec: p.infPerSec8, uJPerInf: p.uJ8 } : {}),
    tops: p.tops[bits],
    topsPerWatt: p.topsPerWatt[bits],
    utilization: p.utilization,
    // Whether this TOPS/W was one the constants were fitted on (else it is a prediction).
    inFit: inFit({ workload: model, bits }),
  };
}

export function buildReport(m: MeasuredInference, flags: ReportSettings): EnergyReport {
  const fs = energyOf(m.counters, { mode: 'fullScale' });
  const me = energyOf(m.counters, { mode: 'measured' });
  const tile = flags.array ?? { rows: 1024, cols: 512 };
  const arrayName = `${tile.rows}x${tile.cols}`;
  const replicated = m.placement.layers.flatMap((l) => (l.pieces[0] && l.pieces[0].copies > 1 ? [`${l.name}=${l.pieces[0].copies}`] : [])).join(',');
  const layers = m.placement.layers.map((pl, i): EnergyLayerReport => {
    const f = fs.perLayer[i]!;
    const q = me.perLayer[i]!;
    if (f.name !== pl.name) throw new Error(`counters layer ${f.name} does not match placement layer ${pl.name}`);
    return {
      name: pl.name,
      rows: pl.matrixRows,
      columns: pl.matrixCols,
      positions: pl.pieces[0]?.positions ?? 0,
      weights: pl.weights,
      pieces: pl.pieces.length,
      cycles: f.arrayCycles,
      macs: f.macs,
      latencyUs: f.latencyUs,
      uJ: f.energyUj,
      tops: f.tops,
      topsPerWatt: f.topsPerWatt,
      measured: { uJ: q.energyUj, topsPerWatt: q.topsPerWatt, pulseFraction: q.pulseFraction },
    };
  });
  return {
    model: flags.model,
    bits: flags.bits,
    array: arrayName,
    tiles: m.placement.geometry.tiles,
    image: m.imageSource,
    input: m.inputSource,
    preset: flags.preset,
    driftS: flags.drift,
    seed: flags.seed,
    gdc: flags.gdc,
    ...(replicated ? { replicate: replicated } : {}),
    constants: DEFAULT_CONSTANTS.name,
    fit: { figures: FIT_FIGURES.map(figureLabel), heldOut: ALL_FIGURES.filter((f) => !inFit(f)).map(figureLabel) },
    infPerSec: fs.total.infPerSec,
    latencyUs: fs.total.latencyUs,
    uJPerInf: fs.total.energyUj,
    tops: fs.total.tops,
    topsPerWatt: fs.total.topsPerWatt,
    measured: { uJPerInf: me.total.energyUj, topsPerWatt: me.total.topsPerWatt, pulseFraction: me.total.pulseFraction },
    utilization: m.placement.utilization,
    macs: fs.total.macs,
    breakdownUj: { fullScale: fs.total.breakdownUj, measured: me.total.breakdownUj },
    digitalStalls: fs.digitalStalls,
    paper: paperFigures(flags.model, flags.bits, arrayName),
    layers,
  };
}

/** Figure 8: per-layer TOPS/W vs weights for each report, full scale and measured, plus the best-shape line. */
export function figure8(reports: EnergyReport[]): string {
  const series: EfficiencySeries[] = [];
  for (const r of reports) {
    const total = r.layers.reduce((a, l) => a + l.weights, 0);
    series.push({
      name: `${r.model} ${r.bits}b full scale`,
      layers: r.layers.map((l) => ({ label: `${l.name} ${l.rows}×${l.columns}`, weights: l.weights, topsPerWatt: l.topsPerWatt })),
      model: { label: r.model, weights: total, topsPerWatt: r.topsPerWatt },
    });
    series.push({
      name: `${r.model} ${r.bits}b measured`,
      layers: r.layers.map((l) => ({ label: `${l.name} ${l.rows}×${l.columns}`, weights: l.weights, topsPerWatt: l.measured.topsPerWatt })),
      model: { label: r.model, weights: total, topsPerWatt: r.measured.topsPerWatt },
    });
  }
  const bits = reports[0]!.bits;
  return efficiencySvg({
    title: `Layer and model efficiency on AON-CiM, ${bits}-bit activations (Figure 8)`,
    series,
    line: { name: 'best shape, full scale', points: bestShapeLine(bits) },
  });
}

