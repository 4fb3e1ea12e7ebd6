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
import { measure } from '../energy/measure.js';
import { buildReport, figure8, type EnergyReport } from '../energy/report.js';
import { isUserError, UserError } from '../errors.js';
import { shippedImageForBits, shownPath } from '../runtime/shipped-images.js';
import { noteWriter, type Io } from './io.js';
import type { RegisterCommand } from './command.js';
import { parseArray } from './array.js';
import { parseReplicate, REPLICATE_HELP } from './chip-flags.js';
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
  replicate?: Array<[string, number]>;
}

export { buildReport, figure8, type EnergyLayerReport, type EnergyReport } from '../energy/report.js';

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
      `image: ${r.image}; input: ${r.input}; preset ${r.preset}, drift ${r.driftS} s, seed ${r.seed}, GDC ${r.gdc ? 'on' : 'off'}` +
      (r.replicate ? `; replicate ${r.replicate}` : ''),
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
    .option('--replicate <LAYER=K,…>', REPLICATE_HELP, parseReplicate)
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
          // --replicate names the --model's layers; Figure 8's other network runs unreplicated.
          ...(flags.replicate && name === model ? { replicate: flags.replicate } : {}),
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
