// The chip's one random generator: xoshiro256** (Blackman & Vigna 2018), its 256-bit state filled from a
// u64 seed by splitmix64 (the seeding its authors recommend). Gaussians by the Box–Muller transform in
// f64 with AssemblyScript's own Math (a port of musl's log/sin/cos compiled to WASM, no host imports),
// so the same seed gives bit-identical draws on any machine.
//
// Normal stream: each Box–Muller step turns two uniforms into two normals, used in order (the second one
// is kept for the next gauss() call). Callers that want a pair (e.g. the two devices of a differential
// cell) call gaussPair() and read gaussA, gaussB.

const GOLDEN: u64 = 0x9e3779b97f4a7c15;
const TWO_PI: f64 = 6.283185307179586;
const INV_2_53: f64 = 1.0 / 9007199254740992.0;

let s0: u64 = 0;
let s1: u64 = 0;
let s2: u64 = 0;
let s3: u64 = 0;
let haveSpare: bool = false;
let spare: f64 = 0;

/** The two normals of the last gaussPair() call. */
export let gaussA: f64 = 0;
export let gaussB: f64 = 0;

/** splitmix64's output function (Stafford's mix13) of z + golden ratio: a bijection of u64. */
// @ts-ignore: decorator
@inline
export function mix64(z: u64): u64 {
  z += GOLDEN;
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9;
  z = (z ^ (z >> 27)) * 0x94d049bb133111eb;
  return z ^ (z >> 31);
}

/**
 * Derived seed for (seed, run index, purpose) (contracts.md §5): a chain of splitmix64 mixes.
 * host/chip/seeds.ts implements the same function on bigint; tests check they agree.
 */
export function deriveSeed(seed: u64, run: u64, purpose: u64): u64 {
  let h = mix64(seed ^ 0x243f6a8885a308d3); // π's first digits: seed 0 does not start at mix64(0)
  h = mix64(h ^ run);
  return mix64(h ^ purpose);
}

/** Restart the generator from a u64 seed (splitmix64 expands it to the 256-bit state). */
export function rngSeed(seed: u64): void {
  let x = seed;
  x += GOLDEN;
  s0 = splitmixOut(x);
  x += GOLDEN;
  s1 = splitmixOut(x);
  x += GOLDEN;
  s2 = splitmixOut(x);
  x += GOLDEN;
  s3 = splitmixOut(x);
  haveSpare = false;
}

// @ts-ignore: decorator
@inline
function splitmixOut(z: u64): u64 {
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9;
  z = (z ^ (z >> 27)) * 0x94d049bb133111eb;
  return z ^ (z >> 31);
}

/** Next 64 random bits (xoshiro256**). */
// @ts-ignore: decorator
@inline
export function nextU64(): u64 {
  const result = rotl<u64>(s1 * 5, 7) * 9;
  const t = s1 << 17;
  s2 ^= s0;
  s3 ^= s1;
  s1 ^= s2;
  s0 ^= s3;
  s2 ^= t;
  s3 = rotl<u64>(s3, 45);
  return result;
}

/** Advance the generator by n outputs without using them (what n/2 gaussPair() calls draw, at a fraction of the cost). */
// @ts-ignore: decorator
@inline
export function rngSkip(n: i32): void {
  for (let i = 0; i < n; i++) nextU64();
}

/** Uniform in [0, 1): the top 53 bits. */
// @ts-ignore: decorator
@inline
export function uniform(): f64 {
  return <f64>(nextU64() >> 11) * INV_2_53;
}

/** Two independent N(0,1) into gaussA, gaussB (Box–Muller; u1 ∈ (0, 1] so the log is finite). */
export function gaussPair(): void {
  const u1 = <f64>((nextU64() >> 11) + 1) * INV_2_53;
  const u2 = <f64>(nextU64() >> 11) * INV_2_53;
  const r = Math.sqrt(-2.0 * Math.log(u1));
  // musl's sincos runs sin's and cos's argument reduction and kernels, branch for branch: their exact
  // values, for one reduction instead of two.
  NativeMath.sincos(TWO_PI * u2);
  gaussA = r * NativeMath.sincos_cos;
  gaussB = r * NativeMath.sincos_sin;
}

/** One N(0,1): the stream of normals gaussPair() produces, in order. */
export function gauss(): f64 {
  if (haveSpare) {
    haveSpare = false;
    return spare;
  }
  gaussPair();
  spare = gaussB;
  haveSpare = true;
  return gaussA;
}

// Exported to the host for tests of the generator itself (the chip never needs them from JS).

/** Seed the generator and write n normals (f64) to `ptr` (a buffer from deviceInit). */
export function rngFillGauss(seed: u64, ptr: usize, n: i32): void {
  rngSeed(seed);
  for (let i = 0; i < n; i++) store<f64>(ptr + (<usize>i << 3), gauss());
}

/** Seed the generator and return its k-th 64-bit output (k ≥ 1), to check against the reference. */
export function rngNth(seed: u64, k: i32): u64 {
  rngSeed(seed);
  let x: u64 = 0;
  for (let i = 0; i < k; i++) x = nextU64();
  return x;
}
