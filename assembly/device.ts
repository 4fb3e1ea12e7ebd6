// The PCM device model (../shared/spec/pcm-model.md §2–4). One code path for the presets `ideal`,
// `paper` and `aihwkit`, in the strategy of aihwkit's PCMLikeNoiseModel: programming noise, drift
// coefficient ν, then drift + 1/f read noise at time t. A preset only picks constants and variants.
// Conductances here are in µS, times in seconds, all arithmetic in f64.

import { rngSeed, gauss } from './rng';
import { G_MAX_US, PROG_C0, PROG_C1, PROG_C2 } from './pcm-constants';

export { G_MAX_US };
/** 1/f noise fit parameter t_r. */
export const T_READ_S: f64 = 250e-9;

export const PRESET_IDEAL: i32 = 0;
export const PRESET_PAPER: i32 = 1;
export const PRESET_AIHWKIT: i32 = 2;
/**
 * Test model, not a user preset (the host never selects it): `ideal` plus deterministic drift — no
 * programming or read noise, every device drifts with ν = μ_ν(G_T) (σ_ν = 0) from t_c = 25 s — so a test
 * can compute conductances, GDC's α and ADC codes by hand at any t.
 */
export const PRESET_DRIFT_ONLY: i32 = 3;

/** One preset: the scales and variants of the table in pcm-model.md §4. */
export class DeviceModel {
  constructor(
    /** 0 turns programming noise off (aihwkit's prog_noise_scale). */
    public progNoiseScale: f64,
    /** 0 turns drift off (aihwkit's drift_scale multiplies ν). */
    public driftScale: f64,
    /** 0 turns 1/f read noise off (aihwkit's read_noise_scale). */
    public readNoiseScale: f64,
    /** t_abs = t + tOffsetS (aihwkit counts from t_0 = 20 s; the paper from programming). */
    public tOffsetS: f64,
    /** Drift reference: G_D = G_P·(t_abs/tRefS)^−ν for t_abs > tRefS, else G_P (paper t_c = 25 s; aihwkit t_0 = 20 s). */
    public tRefS: f64,
    /** Read-noise log term ln((t_abs + t_r)/(readLogDiv·t_r)): 1 in the paper, 2 in aihwkit. */
    public readLogDiv: f64,
    /** Q from the programmed conductance (aihwkit) instead of the target (paper). */
    public qFromProgrammed: bool,
    /** Before drift, re-map the programmed weights of a rectangle so max|W_P| → g_max (aihwkit's convert_to_conductances). */
    public remap: bool,
    /** Scales σ_ν: 1 in every preset, 0 for the drift-only test model (ν = μ_ν). */
    public nuSpread: f64 = 1,
  ) {}

  /** No random draw can change anything: callers may skip the generator. */
  get noiseFree(): bool {
    return this.progNoiseScale == 0 && this.driftScale == 0 && this.readNoiseScale == 0;
  }
}

const IDEAL = new DeviceModel(0, 0, 0, 0, 25.0, 1.0, false, false);
const PAPER = new DeviceModel(1, 1, 1, 0, 25.0, 1.0, false, false);
const AIHWKIT = new DeviceModel(1, 1, 1, 20.0, 20.0, 2.0, true, true);
const DRIFT_ONLY = new DeviceModel(0, 1, 0, 0, 25.0, 1.0, false, false, 0);

export function deviceModel(preset: i32): DeviceModel {
  if (preset == PRESET_PAPER) return PAPER;
  if (preset == PRESET_AIHWKIT) return AIHWKIT;
  if (preset == PRESET_IDEAL) return IDEAL;
  if (preset == PRESET_DRIFT_ONLY) return DRIFT_ONLY;
  abort('unknown device preset (0 ideal, 1 paper, 2 aihwkit; 3 drift-only, for tests)');
  return IDEAL;
}

// ---- programming (§2) ----

/** σ_P in µS: a polynomial of the normalised target (aihwkit's prog_coeff, g_max reference 25 µS). */
// @ts-ignore: decorator
@inline
export function sigmaProgUs(gTargetUs: f64): f64 {
  const x = gTargetUs / G_MAX_US;
  return max<f64>(PROG_C0 + PROG_C1 * x - PROG_C2 * x * x, 0);
}

/** G_P = max(G_T + σ_P·z, 0). */
// @ts-ignore: decorator
@inline
export function programmedUs(m: DeviceModel, gTargetUs: f64, z: f64): f64 {
  return max<f64>(gTargetUs + m.progNoiseScale * sigmaProgUs(gTargetUs) * z, 0);
}

// ---- drift coefficient (§3), drawn once from the target ----

/** ln of the floor of the normalised target in driftNu: what Math.log gives for every target 0. */
const LN_REL_FLOOR: f64 = Math.log(1e-7);

/** ν = |μ_ν + σ_ν·z| (folded normal), both clipped log-linear in the normalised target. */
// @ts-ignore: decorator
@inline
export function driftNu(m: DeviceModel, gTargetUs: f64, z: f64): f64 {
  // Every cell has a device of target 0 (the unused side of the pair): its log is the floor's.
  const lnRel = gTargetUs == 0 ? LN_REL_FLOOR : Math.log(max<f64>(abs<f64>(gTargetUs) / G_MAX_US, 1e-7));
  const mu = min<f64>(max<f64>(-0.0155 * lnRel + 0.0244, 0.049), 0.1);
  const sigma = min<f64>(max<f64>(-0.0125 * lnRel - 0.0059, 0.008), 0.045);
  return abs<f64>(mu + sigma * m.nuSpread * z) * m.driftScale; // σ·1 is σ exactly: presets unchanged
}

// ---- drift and 1/f read noise at time t (§4) ----

/** 1/f noise amplitude Q of a device of conductance g (the target in `paper`, the programmed one in `aihwkit`). */
// @ts-ignore: decorator
@inline
export function readQ(gUs: f64): f64 {
  if (gUs == 0) return min<f64>(0.0088 / 1e-3, 0.2); // pow(0, 0.65) = 0: the same value without the pow
  return min<f64>(0.0088 / max<f64>(Math.pow(abs<f64>(gUs) / G_MAX_US, 0.65), 1e-3), 0.2);
}

/** ln(t_abs / t_ref) when the device has started drifting, else 0 (so (t_abs/t_ref)^−ν = exp(−ν·this)). */
export function driftLogTime(m: DeviceModel, tSeconds: f64): f64 {
  const tAbs = tSeconds + m.tOffsetS;
  return tAbs > m.tRefS ? Math.log(tAbs / m.tRefS) : 0;
}

/** read-noise scale × sqrt(ln((t_abs + t_r)/(div·t_r))), 0 where the log is not positive. */
export function readNoiseRoot(m: DeviceModel, tSeconds: f64): f64 {
  const tAbs = tSeconds + m.tOffsetS;
  const l = Math.log((tAbs + T_READ_S) / (m.readLogDiv * T_READ_S));
  return l > 0 ? m.readNoiseScale * Math.sqrt(l) : 0;
}

/** G = max(G_D + |G_D|·Q·root·z, 0) with G_D = G_P·exp(−ν·driftLog). */
// @ts-ignore: decorator
@inline
export function readUs(gProgUs: f64, nu: f64, driftLog: f64, q: f64, root: f64, z: f64): f64 {
  // Exact shortcuts, no exp: a device programmed to 0 reads +0 (0·anything + ±0, clipped at 0), and
  // before drift starts exp(−ν·0) = 1.
  if (gProgUs == 0) return 0;
  const gD = driftLog == 0 ? gProgUs : gProgUs * Math.exp(-nu * driftLog);
  return max<f64>(gD + abs<f64>(gD) * q * root * z, 0);
}

// ---- independent devices for `aon-cim device` (contracts.md §5: no re-mapping) ----

let sampleProgrammed: StaticArray<f64> = new StaticArray<f64>(0);
let sampleNu: StaticArray<f64> = new StaticArray<f64>(0);
let sampleRead: StaticArray<f64> = new StaticArray<f64>(0);

/** Allocate the sample buffers for up to `capacity` devices per deviceSample call. */
export function deviceInit(capacity: i32): void {
  sampleProgrammed = new StaticArray<f64>(capacity);
  sampleNu = new StaticArray<f64>(capacity);
  sampleRead = new StaticArray<f64>(capacity);
}

/** Start the sampler's normal stream at `seed`. */
export function deviceSeed(seed: u64): void {
  rngSeed(seed);
}

/**
 * The next n devices of the stream at target g (µS), read at t seconds: device i takes the next three
 * normals in order (programming noise, ν, read noise). Results in the buffers below (µS, ν, µS).
 */
export function deviceSample(preset: i32, gTargetUs: f64, tSeconds: f64, n: i32): void {
  if (n > sampleRead.length) abort('deviceSample: n exceeds the capacity of deviceInit');
  const m = deviceModel(preset);
  const driftLog = driftLogTime(m, tSeconds);
  const root = readNoiseRoot(m, tSeconds);
  for (let i = 0; i < n; i++) {
    const gP = programmedUs(m, gTargetUs, gauss());
    const nu = driftNu(m, gTargetUs, gauss());
    const q = readQ(m.qFromProgrammed ? gP : gTargetUs);
    const g = readUs(gP, nu, driftLog, q, root, gauss());
    unchecked((sampleProgrammed[i] = gP));
    unchecked((sampleNu[i] = nu));
    unchecked((sampleRead[i] = g));
  }
}

export function deviceProgrammedPtr(): usize {
  return changetype<usize>(sampleProgrammed);
}
export function deviceNuPtr(): usize {
  return changetype<usize>(sampleNu);
}
export function deviceReadPtr(): usize {
  return changetype<usize>(sampleRead);
}
