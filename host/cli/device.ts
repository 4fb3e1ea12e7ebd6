/**
 * `aon-cim device --preset aihwkit|paper|ideal --g <µS> --t <time> --n <count> --seed <n> [--json]`:
 * programs n independent PCM devices at target g, drifts them to t and prints mean and population std
 * of the programmed conductance, of ν and of the conductance read at t — to compare with aihwkit.
 */
import { InvalidArgumentError, type Command } from 'commander';
import type { Preset } from '../chip/program.js';
import { deviceStats, G_MAX_US, MAX_DEVICES, type DeviceStats, type Moments } from '../chip/device-stats.js';
import type { Io } from './io.js';
import type { RegisterCommand } from './command.js';
import { optionWithDefault, parseDuration, parseFiniteNumber, parseNonNegInt, parsePositiveInt, parsePreset } from './options.js';

interface DeviceFlags {
  preset: Preset;
  g: number;
  t: number;
  n: number;
  seed: number;
  json?: boolean;
}

/** The JSON document: the echo of the inputs, then the three statistics. */
export interface DeviceReport extends DeviceStats {
  preset: Preset;
  /** Target conductance, µS. */
  g: number;
  /** Time since programming, s. */
  t: number;
  n: number;
  seed: number;
}

function parseTargetUs(v: string): number {
  const g = parseFiniteNumber(v);
  if (g < 0 || g > G_MAX_US) throw new InvalidArgumentError(`target conductance must be between 0 and ${G_MAX_US} µS (got "${v}")`);
  return g;
}

function parseCount(v: string): number {
  const n = parsePositiveInt(v);
  if (n > MAX_DEVICES) throw new InvalidArgumentError(`at most ${MAX_DEVICES} devices (got ${v})`);
  return n;
}

function row(label: string, m: Moments, unit: string, digits: number): string {
  return `${label.padEnd(12)}${m.mean.toFixed(digits).padStart(12)}${m.std.toFixed(digits).padStart(12)}${unit ? `  ${unit}` : ''}\n`;
}

export function formatTable(r: DeviceReport): string {
  return (
    `PCM devices: preset ${r.preset}, G_T = ${r.g} µS, t = ${r.t} s, n = ${r.n}, seed ${r.seed}\n` +
    `${''.padEnd(12)}${'mean'.padStart(12)}${'std'.padStart(12)}\n` +
    row('programmed', r.programmed, 'µS', 4) +
    row('nu', r.nu, '', 5) +
    row('read at t', r.read, 'µS', 4)
  );
}

export const register: RegisterCommand = (program: Command, io: Io) => {
  program
    .command('device')
    .description('sample independent PCM devices: programmed conductance, drift coefficient ν, conductance read at t')
    .addOption(optionWithDefault('--preset <preset>', 'device model: paper|aihwkit|ideal', parsePreset, 'paper'))
    .requiredOption('--g <µS>', `target conductance in µS (0..${G_MAX_US})`, parseTargetUs)
    .addOption(optionWithDefault('--t <time>', 'time since programming: seconds or 25s, 90min, 1h, 1d, 1mo, 1y', parseDuration, '25s'))
    .option('--n <count>', 'number of devices', parseCount, 100_000)
    .option('--seed <n>', 'random seed', parseNonNegInt, 0)
    .option('--json', 'machine output: {preset, g, t, n, seed, programmed, nu, read}, each {mean, std}')
    .action(async (flags: DeviceFlags) => {
      const stats = await deviceStats({ preset: flags.preset, gUs: flags.g, tSeconds: flags.t, n: flags.n, seed: flags.seed });
      const report: DeviceReport = { preset: flags.preset, g: flags.g, t: flags.t, n: flags.n, seed: flags.seed, ...stats };
      io.out(flags.json ? `${JSON.stringify(report)}\n` : formatTable(report));
    });
};
