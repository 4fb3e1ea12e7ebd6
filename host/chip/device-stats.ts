/**
 * Independent PCM devices sampled on the chip's own device model (assembly/device.ts), for
 * `aon-cim device` and the model's tests. contracts.md §5: independent devices (no aihwkit re-mapping,
 * which needs a whole array), population statistics, one stream seeded by deriveSeed(seed, run, device).
 */
import type { Preset } from './program.js';
import { UserError } from '../errors.js';
import { isPreset, PRESET_CODE } from './preset-code.js';
import { instantiateChip, type ChipExports } from './wasm.js';
import { deriveSeed, SeedPurpose } from './seeds.js';

import { G_MAX_US } from '../../assembly/pcm-constants.js';

/** g_max of the model, µS (assembly/pcm-constants.ts, the chip's own). */
export { G_MAX_US };

export interface DeviceQuery {
  preset: Preset;
  /** Target conductance G_T, µS, in [0, g_max]. */
  gUs: number;
  /** Time since programming, s. */
  tSeconds: number;
  /** Number of devices. */
  n: number;
  seed: number | bigint;
  /** Run index for the seed derivation (default 0). */
  run?: number;
}

export interface Moments {
  mean: number;
  /** Population standard deviation (divide by n). */
  std: number;
}

export interface DeviceStats {
  /** G_P, µS. */
  programmed: Moments;
  /** Drift coefficient ν. */
  nu: Moments;
  /** G read at t (drift and one 1/f read-noise draw), µS. */
  read: Moments;
}

export interface DeviceSamples {
  programmed: Float64Array;
  nu: Float64Array;
  read: Float64Array;
}

/** Most devices one request may ask for (the sampler streams, so this bounds time, not memory). */
export const MAX_DEVICES = 100_000_000;
const CHUNK = 1 << 16;

function validate(q: DeviceQuery): void {
  if (!isPreset(q.preset)) throw new UserError(`unknown preset "${q.preset}" (paper, aihwkit or ideal)`);
  if (!Number.isFinite(q.gUs) || q.gUs < 0 || q.gUs > G_MAX_US) {
    throw new UserError(`target conductance must be between 0 and ${G_MAX_US} µS (got ${q.gUs})`);
  }
  if (!Number.isFinite(q.tSeconds) || q.tSeconds < 0) throw new UserError(`time must be ≥ 0 s (got ${q.tSeconds})`);
  if (!Number.isSafeInteger(q.n) || q.n < 1 || q.n > MAX_DEVICES) {
    throw new UserError(`device count must be an integer from 1 to ${MAX_DEVICES} (got ${q.n})`);
  }
}

/** Runs the sampler in chunks; `each` sees the views of every chunk before the next overwrites them. */
async function stream(q: DeviceQuery, each: (chunk: DeviceSamples, offset: number) => void): Promise<void> {
  validate(q);
  const chip: ChipExports = await instantiateChip();
  const cap = Math.min(q.n, CHUNK);
  chip.deviceInit(cap);
  chip.deviceSeed(deriveSeed(q.seed, q.run ?? 0, SeedPurpose.device));
  for (let offset = 0; offset < q.n; offset += cap) {
    const len = Math.min(cap, q.n - offset);
    chip.deviceSample(PRESET_CODE[q.preset], q.gUs, q.tSeconds, len);
    const buf = chip.memory.buffer;
    each(
      {
        programmed: new Float64Array(buf, chip.deviceProgrammedPtr(), len),
        nu: new Float64Array(buf, chip.deviceNuPtr(), len),
        read: new Float64Array(buf, chip.deviceReadPtr(), len),
      },
      offset,
    );
  }
}

/** Every device's values (24 bytes per device: for tests and histograms). */
export async function sampleDevices(q: DeviceQuery): Promise<DeviceSamples> {
  validate(q);
  const out: DeviceSamples = { programmed: new Float64Array(q.n), nu: new Float64Array(q.n), read: new Float64Array(q.n) };
  await stream(q, (c, off) => {
    out.programmed.set(c.programmed, off);
    out.nu.set(c.nu, off);
    out.read.set(c.read, off);
  });
  return out;
}

/** Running mean and sum of squared deviations, merged chunk by chunk (Chan et al.) so large n stays accurate. */
class Accumulator {
  private count = 0;
  private mean = 0;
  private m2 = 0;

  add(xs: Float64Array): void {
    const n = xs.length;
    if (n === 0) return;
    let s = 0;
    for (let i = 0; i < n; i++) s += xs[i]!;
    const m = s / n;
    let m2 = 0;
    for (let i = 0; i < n; i++) m2 += (xs[i]! - m) ** 2;
    const total = this.count + n;
    const delta = m - this.mean;
    this.mean += (delta * n) / total;
    this.m2 += m2 + (delta * delta * this.count * n) / total;
    this.count = total;
  }

  moments(): Moments {
    return { mean: this.mean, std: Math.sqrt(this.m2 / this.count) };
  }
}

/** Population mean and std of a sample. */
export function moments(xs: Float64Array): Moments {
  const a = new Accumulator();
  a.add(xs);
  return a.moments();
}

/** Mean and population std of G_P, ν and G read at t over n independent devices. */
export async function deviceStats(q: DeviceQuery): Promise<DeviceStats> {
  const acc = { programmed: new Accumulator(), nu: new Accumulator(), read: new Accumulator() };
  await stream(q, (c) => {
    acc.programmed.add(c.programmed);
    acc.nu.add(c.nu);
    acc.read.add(c.read);
  });
  return { programmed: acc.programmed.moments(), nu: acc.nu.moments(), read: acc.read.moments() };
}
