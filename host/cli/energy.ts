/**
 * `aon-cim energy --model kws|vww|micronet-kws-s --bits 8|6|4 [--array RxC] [--input FILE]
 * [--image FILE] [--json] [--svg FILE]` plus `--preset`, `--drift`, `--seed`, `--no-gdc`:
 * runs the image (default: the shipped full-<bits> image of the task) on the input (default: the demo
 * input) through the chip, then applies the energy model to the chip's counters. Energy two ways (contracts.md §7):
 * full-scale DAC pulses (comparable with the paper's Table 2) and the pulses this input really took.
 */
import type { Command } from 'commander';
import type { NetworkName } from '../../models/graphs/types.js';
import { isNetworkName, NETWORK_NAMES } from '../../models/graphs/index.js';
import type { Bits, Preset } from '../chip/program.js';
import { PAPER, DEFAULT_CONSTANTS } from '../energy/constants.js';
import { bestShapeLine } from '../energy/figure8-sweep.js';
import { ALL_FIGURES, FIT_FIGURES, figureLabel, inFit } from '../energy/fit.js';
import { measure, type Measurement } from '../energy/measure.js';
import { energyOf, type InferenceEnergy } from '../energy/model.js';
import { isUserError, UserError } from '../errors.js';
import { efficiencySvg, type EfficiencySeries } from '../plots/efficiency-svg.js';
import { shippedImageForBits, shownPath } from '../runtime/shipped-images.js';
import { noteWriter, type Io } from './io.js';
import type { RegisterCommand } from './command.js';
import { parseArray } from './array.js';
import { optionWithDefault, parseBits, parseDuration, parseNonNegInt, parsePreset } from './options.js';
import { checkOutputPath, writeOutput } from './output-path.js';

interface EnergyFlags {
  model: string;
  bits: Bits;
  array?: { rows: number; cols: number };
  input?: string;
  image?: string;
  json?: boolean;
  svg?: string;
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

export function buildReport(m: Measurement, flags: Omit<EnergyFlags, 'model' | 'json' | 'svg'> & { model: NetworkName }): EnergyReport {
  const fs = energyOf(m.counters, { mode: 'fullScale' });
  const me = energyOf(m.counters, { mode: 'measured' });
  const tile = flags.array ?? { rows: 1024, cols: 512 };
  const arrayName = `${tile.rows}x${tile.cols}`;
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

function pad(s: string | number, n: number): string {
  return String(s).padStart(n);
}

function num(v: number, digits: number): string {
  return v.toFixed(digits);
}

export function formatReport(r: EnergyReport): string {
  const lines: string[] = [];
  lines.push(
    `${r.model} at ${r.bits} bit on ${r.tiles} × ${r.array} (utilization ${(100 * r.utilization).toFixed(1)} %); ` +
      `image: ${r.image}; input: ${r.input}; preset ${r.preset}, drift ${r.driftS} s, seed ${r.seed}, GDC ${r.gdc ? 'on' : 'off'}`,
  );
  lines.push(`energy constants: ${r.constants}; full-scale = every driven row at full-scale code (the paper's accounting), measured = this input's DAC pulses`);
  lines.push(`fitted on the paper's ${r.fit.figures.join(', ')} TOPS/W; held out (predicted): ${r.fit.heldOut.join(', ')}`);
  lines.push('');
  const head = [
    'layer'.padEnd(10),
    pad('rows', 5),
    pad('cols', 5),
    pad('pos', 6),
    pad('cycles', 7),
    pad('MACs', 10),
    pad('µs', 8),
    pad('µJ', 8),
    pad('µJ meas', 8),
    pad('TOPS', 7),
    pad('TOPS/W', 7),
    pad('meas', 7),
    pad('pulses', 7),
  ].join(' ');
  lines.push(head);
  for (const l of r.layers) {
    lines.push(
      [
        (l.name + (l.pieces > 1 ? `[${l.pieces}]` : '')).padEnd(10),
        pad(l.rows, 5),
        pad(l.columns, 5),
        pad(l.positions, 6),
        pad(l.cycles, 7),
        pad(l.macs, 10),
        pad(num(l.latencyUs, 2), 8),
        pad(num(l.uJ, 3), 8),
        pad(num(l.measured.uJ, 3), 8),
        pad(num(l.tops, 3), 7),
        pad(num(l.topsPerWatt, 2), 7),
        pad(num(l.measured.topsPerWatt, 2), 7),
        pad(`${(100 * l.measured.pulseFraction).toFixed(1)}%`, 7),
      ].join(' '),
    );
  }
  lines.push('');
  const p = r.paper;
  const vs = (v: number | undefined, d: number) => (v === undefined ? '' : `   (paper ${v.toFixed(d)})`);
  lines.push(`inf/s        ${num(r.infPerSec, 0).padStart(10)}${vs(p?.infPerSec, 0)}`);
  lines.push(`latency      ${num(r.latencyUs, 2).padStart(10)} µs`);
  lines.push(`MACs         ${String(r.macs).padStart(10)}`);
  lines.push(`TOPS         ${num(r.tops, 3).padStart(10)}${vs(p?.tops, 3)}`);
  lines.push(`µJ/inf       ${num(r.uJPerInf, 3).padStart(10)} full scale${vs(p?.uJPerInf, 2)}`);
  const fitNote = p?.inFit === undefined ? '' : p.inFit ? ' in the fit' : ' held out of the fit';
  lines.push(`TOPS/W       ${num(r.topsPerWatt, 2).padStart(10)} full scale${vs(p?.topsPerWatt, 2)}${fitNote}`);
  lines.push(`µJ/inf       ${num(r.measured.uJPerInf, 3).padStart(10)} measured (DAC pulses ${(100 * r.measured.pulseFraction).toFixed(1)} % of full scale)`);
  lines.push(`TOPS/W       ${num(r.measured.topsPerWatt, 2).padStart(10)} measured`);
  lines.push(`utilization  ${(100 * r.utilization).toFixed(2).padStart(9)} %${p?.utilization === undefined ? '' : `   (paper ${(100 * p.utilization).toFixed(1)} %)`}`);
  const b = r.breakdownUj.fullScale;
  const m = r.breakdownUj.measured;
  lines.push(
    `energy split µJ (full scale / measured): rows (DAC pulses) ${num(b.rows, 3)}/${num(m.rows, 3)}, ADCs ${num(b.adcs, 3)}, ` +
      `conversions ${num(b.conversions, 3)}, SRAM ${num(b.sram, 3)}, digital ${num(b.digital, 3)}, static ${num(b.static, 3)}`,
  );
  lines.push(
    r.digitalStalls.length === 0
      ? 'digital datapath keeps up at every layer (no array stall)'
      : `digital datapath too slow, array stalls in: ${r.digitalStalls.join(', ')}`,
  );
  return lines.join('\n') + '\n';
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

function checkModel(v: string): NetworkName {
  if (!isNetworkName(v)) throw new UserError(`unknown model "${v}" (known: ${NETWORK_NAMES.join(', ')})`);
  return v;
}

export const register: RegisterCommand = (program: Command, io: Io) => {
  program
    .command('energy')
    .description('emulated latency and energy per inference from the chip\'s event counters: per-layer table and totals')
    .requiredOption('--model <name>', `network: ${NETWORK_NAMES.join('|')}`)
    .addOption(optionWithDefault('--bits <b>', 'converter bits: 8|6|4', parseBits, '8'))
    .option('--array <RxC>', 'crossbar tile size (default 1024x512; as many tiles as the model needs)', parseArray)
    .option('--input <file>', 'input: .wav (KWS), .png/.jpg (VWW) or raw float32 .f32 (default: the demo input)')
    .option('--image <file>', 'weight image (default: the shipped full-<bits> image of the task, else the seeded random image)')
    .addOption(optionWithDefault('--preset <preset>', 'device model: paper|aihwkit|ideal', parsePreset, 'paper'))
    .addOption(optionWithDefault('--drift <time>', 'time since programming: seconds or 25s, 1h, 1d, 1mo, 1y', parseDuration, '25s'))
    .option('--seed <n>', 'random seed', parseNonNegInt, 0)
    .option('--no-gdc', 'turn global drift compensation off')
    .option('--json', 'machine output: {model, bits, infPerSec, latencyUs, uJPerInf, tops, topsPerWatt, utilization, measured, layers, ...}')
    .option('--svg <file>', 'write Figure 8 (per-layer TOPS/W vs weights; with kws or vww both AnalogNets are run)')
    .action(async (flags: EnergyFlags) => {
      const model = checkModel(flags.model);
      if (flags.svg !== undefined) checkOutputPath(flags.svg, '--svg');
      const run = async (name: NetworkName, input: string | undefined, given: string | undefined) => {
        // No --image: the image trained for these bits (full-4 at 4 bit), not full-8 run at 4 bits.
        const shipped = given === undefined ? shippedImageForBits(name, flags.bits) : undefined;
        if (shipped !== undefined && flags.bits !== 8) noteWriter(io)(`no --image: ${name} at ${flags.bits} bit runs its shipped ${flags.bits}-bit image, ${shownPath(shipped)}`);
        const image = given ?? shipped;
        const m = await measure({
          model: name,
          bits: flags.bits,
          ...(flags.array ? { array: flags.array } : {}),
          ...(input ? { input } : {}),
          ...(image ? { image } : {}),
          preset: flags.preset,
          driftS: flags.drift,
          seed: flags.seed,
          gdc: flags.gdc,
          onNote: noteWriter(io),
        });
        return buildReport(m, { ...flags, model: name });
      };
      const report = await run(model, flags.input, flags.image);
      io.out(flags.json ? `${JSON.stringify(report)}\n` : formatReport(report));
      if (flags.svg) {
        const reports = [report];
        if (model === 'kws' || model === 'vww') {
          // The paper's figure has both AnalogNets: add the other one on its demo input when it has one.
          const other = model === 'kws' ? 'vww' : 'kws';
          try {
            reports.push(await run(other, undefined, undefined));
          } catch (e) {
            if (!isUserError(e)) throw e;
            noteWriter(io)(`Figure 8 without ${other}: ${e.message}`);
          }
        }
        writeOutput(flags.svg, figure8(reports));
        if (!flags.json) io.out(`Figure 8 written to ${flags.svg}\n`);
      }
    });
};
