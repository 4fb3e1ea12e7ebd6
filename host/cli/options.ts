import { InvalidArgumentError, Option } from 'commander';
import type { Bits, Preset } from '../chip/program.js';

/** Argument parsers shared by subcommands: each rejects bad values with a specific message. */

export function parseBits(v: string): Bits {
  if (v === '8' || v === '6' || v === '4') return Number(v) as Bits;
  throw new InvalidArgumentError(`bits must be 8, 6 or 4 (got "${v}")`);
}

export function parseBitsList(v: string): Bits[] {
  return v.split(',').map((s) => parseBits(s.trim()));
}

export function parsePreset(v: string): Preset {
  if (v === 'paper' || v === 'aihwkit' || v === 'ideal') return v;
  throw new InvalidArgumentError(`preset must be paper, aihwkit or ideal (got "${v}")`);
}

export function parseNonNegInt(v: string): number {
  if (!/^\d+$/.test(v)) throw new InvalidArgumentError(`expected a non-negative integer (got "${v}")`);
  const n = Number(v);
  if (!Number.isSafeInteger(n)) throw new InvalidArgumentError(`integer too large: ${v}`);
  return n;
}

export function parsePositiveInt(v: string): number {
  // 0 and -1 are the same mistake: one message for both.
  if (!/^\d+$/.test(v) || Number(v) === 0) throw new InvalidArgumentError(`expected a positive integer (got "${v}")`);
  return parseNonNegInt(v);
}

export function parseFiniteNumber(v: string): number {
  const n = Number(v);
  if (v.trim() === '' || !Number.isFinite(n)) throw new InvalidArgumentError(`expected a number (got "${v}")`);
  return n;
}

/** The times of Figure 7: `eval`'s default --times. */
export const FIGURE7_TIMES = '25s,1h,1d,1mo,1y';

const UNIT_SECONDS: Record<string, number> = { s: 1, min: 60, h: 3600, d: 86_400, mo: 30 * 86_400, y: 365 * 86_400 };

/** Time since programming (contracts.md §5): "25s", "1h", "1d", "1mo", "1y", "90min" or plain seconds. */
export function parseDuration(v: string): number {
  const m = /^\s*(\d+(?:\.\d+)?(?:e[+-]?\d+)?)\s*(s|min|h|d|mo|y)?\s*$/i.exec(v);
  if (!m) throw new InvalidArgumentError(`time must look like 25s, 90min, 1h, 1d, 1mo or 1y (got "${v}")`);
  const unit = (m[2] ?? 's').toLowerCase();
  const secs = Number(m[1]) * UNIT_SECONDS[unit]!;
  if (!Number.isFinite(secs)) throw new InvalidArgumentError(`time out of range: ${v}`);
  return secs;
}

export function parseDurationList(v: string): number[] {
  return v.split(',').map((s) => parseDuration(s));
}

/** Seconds → the shortest exact label in the CLI's units (86400 → "1d"), for tables and JSON. */
export function formatDuration(seconds: number): string {
  const units: Array<[string, number]> = [['y', UNIT_SECONDS['y']!], ['mo', UNIT_SECONDS['mo']!], ['d', 86_400], ['h', 3600], ['min', 60]];
  for (const [name, u] of units) if (seconds >= u && Number.isInteger(seconds / u)) return `${seconds / u}${name}`;
  return `${seconds}s`;
}

/** An option whose help shows its default as a person writes it (`25s`, `1024x512`, `paper`), not the parsed value (25, {rows, cols}, "paper"). */
export function optionWithDefault<T>(flags: string, description: string, parse: (v: string) => T, shown: string): Option {
  return new Option(flags, description).argParser((v: string) => parse(v)).default(parse(shown), shown);
}
