// The crossbar: tiles × rows × cols differential PCM pairs (G+, G−), with the device model of device.ts.
// What the controller calls: crossbarInit, crossbarSetPreset, targetsBuffer,
// crossbarProgram, crossbarRead, conductancePtr, rectAbsSumRead, rectAbsSumProgrammed.
//
// Life of a cell: programming draws G_P and ν for both devices, once; each crossbarRead(t, seed) drifts
// them to t and draws one 1/f read-noise snapshot, leaving G_P and ν untouched (a chip read at 1 h and
// then at 1 day is the same chip). Set the preset before programming: it decides how cells are programmed.
//
// Fixed point of the snapshot the MVM reads (contracts.md §2): int16, LSB = g_max/4096, value =
// G+_eff − G−_eff clamped to ±2·g_max (±8192), so 1024 · 255 · 8192 < 2^31 in the accumulator.
//
// Storage is per cell and normalised to g_max (so the ideal preset reproduces w/wMax bit for bit):
// the conductance each device drifts from (G_P, or aihwkit's re-mapped G_P), its ν and its 1/f
// amplitude Q, fixed at programming, and a per-cell output scale that undoes aihwkit's re-mapping.
//
// Random draws (normals of rng.ts, cells in row-major order within the rectangle / the chip):
//   crossbarProgram: per cell, 4 normals: G+ programming, G− programming, ν+, ν−; stream seeded with
//                    deriveSeed(seed, rectangle origin, PURPOSE_PROGRAM) so two rectangles given the
//                    same seed still get independent noise.
//   crossbarRead:    per cell of every tile, 2 normals: G+ read noise, G− read noise; stream seeded with
//                    deriveSeed(seed, 0, PURPOSE_READ). A cell no rectangle was programmed into reads 0
//                    whatever its draws (G_P = 0), so crossbarRead only advances the stream past it;
//                    crossbarReadGolden computes every cell, and tests check the two agree bit for bit.
// The ideal preset draws nothing (no draw could change a value).

import { rngSeed, rngSkip, gaussPair, gaussA, gaussB, deriveSeed } from './rng';
import {
  G_MAX_US,
  DeviceModel,
  deviceModel,
  programmedUs,
  driftNu,
  readQ,
  driftLogTime,
  readNoiseRoot,
  readUs,
  PRESET_IDEAL,
} from './device';

export { G_MAX_US };
// The conductance LSB, once for the WASM (the host's: host/chip/fixed-point.ts; a test pins them equal).
export const CONDUCTANCE_LSB_PER_GMAX: f64 = 4096.0;
const SNAPSHOT_LIMIT: f64 = 8192.0;
const PURPOSE_PROGRAM: u64 = 0x70726f67; // "prog"
const PURPOSE_READ: u64 = 0x72656164; // "read"
/** aihwkit's _ZERO_CLIP: the smallest max|W_P| a rectangle is re-mapped by. */
const ZERO_CLIP_US: f64 = 1e-7 * G_MAX_US;

let nTiles: i32 = 0;
let nRows: i32 = 0;
let nCols: i32 = 0;
let preset: i32 = PRESET_IDEAL;

let targets = new StaticArray<f32>(0); // w/wMax per cell (0 = unprogrammed)
let gPos = new StaticArray<f32>(0); // G+ the device drifts from, / g_max
let gNeg = new StaticArray<f32>(0); // G−, / g_max
let nuPos = new StaticArray<f32>(0);
let nuNeg = new StaticArray<f32>(0);
let qPos = new StaticArray<f32>(0); // 1/f amplitude Q of G+
let qNeg = new StaticArray<f32>(0);
let outScale = new StaticArray<f32>(0); // (G+ − G−)·outScale is the cell's weight in g_max units
let snapshotFloat = new StaticArray<f32>(0); // current effective G+ − G−, / g_max, before quantization
let snapshot = new StaticArray<i16>(0); // the same in fixed point: what the MVM reads
let scratch = new StaticArray<f32>(0);
let programmed = new StaticArray<u8>(0); // 1 where a rectangle was programmed (crossbarRead skips the rest)

/** Allocate an empty chip of `tiles` crossbars, each rows × cols (the only place the crossbar allocates). */
export function crossbarInit(tiles: i32, rows: i32, cols: i32): void {
  if (tiles < 1 || rows < 1 || cols < 1) abort('crossbarInit: tiles, rows and cols must be ≥ 1');
  nTiles = tiles;
  nRows = rows;
  nCols = cols;
  const n = tiles * rows * cols;
  targets = new StaticArray<f32>(n);
  gPos = new StaticArray<f32>(n);
  gNeg = new StaticArray<f32>(n);
  nuPos = new StaticArray<f32>(n);
  nuNeg = new StaticArray<f32>(n);
  qPos = new StaticArray<f32>(n);
  qNeg = new StaticArray<f32>(n);
  outScale = new StaticArray<f32>(n);
  snapshotFloat = new StaticArray<f32>(n);
  snapshot = new StaticArray<i16>(n);
  scratch = new StaticArray<f32>(rows * cols);
  programmed = new StaticArray<u8>(n);
}

/** 0 = ideal, 1 = paper, 2 = aihwkit. Applies to later programming and reads. */
export function crossbarSetPreset(p: i32): void {
  deviceModel(p); // aborts on an unknown preset
  preset = p;
}

/** The scratch buffer of n ≤ rows·cols float32 the host fills with a rectangle's targets before crossbarProgram. */
export function targetsBuffer(n: i32): usize {
  if (n > scratch.length) abort('targetsBuffer: more targets than one crossbar holds');
  return changetype<usize>(scratch);
}

// @ts-ignore: decorator
@inline
function cellIndex(tile: i32, row: i32, col: i32): i32 {
  return (tile * nRows + row) * nCols + col;
}

function checkRect(tile: i32, row: i32, col: i32, rows: i32, cols: i32): void {
  if (tile < 0 || tile >= nTiles || row < 0 || col < 0 || rows < 0 || cols < 0 || row + rows > nRows || col + cols > nCols) {
    abort('crossbar: rectangle outside the array');
  }
}

// @ts-ignore: decorator
@inline
function quantize(diffNorm: f64): i16 {
  return <i16>min<f64>(max<f64>(nearest(diffNorm * CONDUCTANCE_LSB_PER_GMAX), -SNAPSHOT_LIMIT), SNAPSHOT_LIMIT);
}

/**
 * Program rows × cols cells at (tile, row, col) from the scratch targets (row-major w/wMax): G_T± =
 * g_max·max(±w, 0), both devices get programming noise and ν. The snapshot of the rectangle becomes
 * the programmed state (no drift, no read noise) until the next crossbarRead.
 */
export function crossbarProgram(tile: i32, row: i32, col: i32, rows: i32, cols: i32, seed: u64): void {
  checkRect(tile, row, col, rows, cols);
  const m = deviceModel(preset);
  const draw = !m.noiseFree;
  const origin = (<u64>tile << 40) | (<u64>row << 20) | <u64>col;
  rngSeed(deriveSeed(seed, origin, PURPOSE_PROGRAM));
  let maxAbsUs: f64 = 0;
  for (let r = 0; r < rows; r++) {
    const base = cellIndex(tile, row + r, col);
    for (let c = 0; c < cols; c++) {
      const i = base + c;
      const w = unchecked(scratch[r * cols + c]);
      const gTp = G_MAX_US * max<f64>(<f64>w, 0);
      const gTn = G_MAX_US * max<f64>(-<f64>w, 0);
      let zP: f64 = 0, zN: f64 = 0, zNuP: f64 = 0, zNuN: f64 = 0;
      if (draw) {
        gaussPair();
        zP = gaussA;
        zN = gaussB;
        gaussPair();
        zNuP = gaussA;
        zNuN = gaussB;
      }
      const gPp = programmedUs(m, gTp, zP);
      const gPn = programmedUs(m, gTn, zN);
      unchecked((targets[i] = w));
      unchecked((gPos[i] = <f32>(gPp / G_MAX_US)));
      unchecked((gNeg[i] = <f32>(gPn / G_MAX_US)));
      unchecked((nuPos[i] = <f32>driftNu(m, gTp, zNuP)));
      unchecked((nuNeg[i] = <f32>driftNu(m, gTn, zNuN)));
      unchecked((qPos[i] = <f32>readQ(m.qFromProgrammed ? gPp : gTp)));
      unchecked((qNeg[i] = <f32>readQ(m.qFromProgrammed ? gPn : gTn)));
      unchecked((outScale[i] = 1));
      unchecked((programmed[i] = 1));
      maxAbsUs = max<f64>(maxAbsUs, abs<f64>(gPp - gPn));
    }
  }
  if (m.remap) remapRect(m, tile, row, col, rows, cols, maxAbsUs);
  for (let r = 0; r < rows; r++) {
    const base = cellIndex(tile, row + r, col);
    for (let c = 0; c < cols; c++) {
      const i = base + c;
      const d = (<f64>unchecked(gPos[i]) - <f64>unchecked(gNeg[i])) * <f64>unchecked(outScale[i]);
      unchecked((snapshotFloat[i] = <f32>d));
      unchecked((snapshot[i] = quantize(d)));
    }
  }
}

/**
 * aihwkit's "before drift" step: the programmed weights W_P = G+_P − G−_P of the rectangle are mapped
 * again so that max|W_P| → g_max, the net difference on one device and 0 on the other; ν stays with its
 * device, Q comes from the re-mapped conductance, and outScale = max|W_P|/g_max undoes the scaling
 * (aihwkit's convert_back_to_weights).
 */
function remapRect(m: DeviceModel, tile: i32, row: i32, col: i32, rows: i32, cols: i32, maxAbsUs: f64): void {
  const maxUs = max<f64>(maxAbsUs, ZERO_CLIP_US);
  const scale = G_MAX_US / maxUs;
  const back = <f32>(maxUs / G_MAX_US);
  for (let r = 0; r < rows; r++) {
    const base = cellIndex(tile, row + r, col);
    for (let c = 0; c < cols; c++) {
      const i = base + c;
      const wpUs = (<f64>unchecked(gPos[i]) - <f64>unchecked(gNeg[i])) * G_MAX_US;
      const gP = max<f64>(wpUs, 0) * scale;
      const gN = max<f64>(-wpUs, 0) * scale;
      unchecked((gPos[i] = <f32>(gP / G_MAX_US)));
      unchecked((gNeg[i] = <f32>(gN / G_MAX_US)));
      unchecked((qPos[i] = <f32>readQ(gP)));
      unchecked((qNeg[i] = <f32>readQ(gN)));
      unchecked((outScale[i] = back));
    }
  }
}

/**
 * Take the snapshot of effective conductances of every cell at t seconds after programming, read noise
 * from `seed`. Cells never programmed stay 0 (what reading them gives: G_P = 0); their draws are
 * skipped, not computed, so every programmed cell gets the normals crossbarReadGolden gives it.
 */
export function crossbarRead(tSeconds: f64, seed: u64): void {
  const m = deviceModel(preset);
  const draw = !m.noiseFree;
  const driftLog = driftLogTime(m, tSeconds);
  const root = readNoiseRoot(m, tSeconds);
  rngSeed(deriveSeed(seed, 0, PURPOSE_READ));
  const n = targets.length;
  let skipped = 0; // draws owed to cells passed over, paid before the next programmed cell
  for (let i = 0; i < n; i++) {
    if (!unchecked(programmed[i])) {
      skipped += 2;
      continue;
    }
    let zP: f64 = 0, zN: f64 = 0;
    if (draw) {
      if (skipped > 0) {
        rngSkip(skipped);
        skipped = 0;
      }
      gaussPair();
      zP = gaussA;
      zN = gaussB;
    }
    readCell(i, driftLog, root, zP, zN);
  }
}

/** The reference snapshot: every cell computed, programmed or not (tests check crossbarRead against it). */
export function crossbarReadGolden(tSeconds: f64, seed: u64): void {
  const m = deviceModel(preset);
  const draw = !m.noiseFree;
  const driftLog = driftLogTime(m, tSeconds);
  const root = readNoiseRoot(m, tSeconds);
  rngSeed(deriveSeed(seed, 0, PURPOSE_READ));
  const n = targets.length;
  for (let i = 0; i < n; i++) {
    let zP: f64 = 0, zN: f64 = 0;
    if (draw) {
      gaussPair();
      zP = gaussA;
      zN = gaussB;
    }
    readCell(i, driftLog, root, zP, zN);
  }
}

// @ts-ignore: decorator
@inline
function readCell(i: i32, driftLog: f64, root: f64, zP: f64, zN: f64): void {
  const gP = readUs(<f64>unchecked(gPos[i]) * G_MAX_US, <f64>unchecked(nuPos[i]), driftLog, <f64>unchecked(qPos[i]), root, zP);
  const gN = readUs(<f64>unchecked(gNeg[i]) * G_MAX_US, <f64>unchecked(nuNeg[i]), driftLog, <f64>unchecked(qNeg[i]), root, zN);
  const d = ((gP - gN) / G_MAX_US) * <f64>unchecked(outScale[i]);
  unchecked((snapshotFloat[i] = <f32>d));
  unchecked((snapshot[i] = quantize(d)));
}

/** Pointer to tile `tile`'s snapshot: int16 [rows × cols] row-major. */
export function conductancePtr(tile: i32): usize {
  return changetype<usize>(snapshot) + <usize>(tile * nRows * nCols) * 2;
}

/** Pointer to tile `tile`'s snapshot before quantization: float32 (G+ − G−)/g_max [rows × cols] row-major. */
export function conductanceFloatPtr(tile: i32): usize {
  return changetype<usize>(snapshotFloat) + <usize>(tile * nRows * nCols) * 4;
}

/** GDC readout: Σ|G+ − G−| in µS over a rectangle of the current snapshot, at full precision (before int16). */
export function rectAbsSumRead(tile: i32, row: i32, col: i32, rows: i32, cols: i32): f64 {
  checkRect(tile, row, col, rows, cols);
  let s: f64 = 0;
  for (let r = 0; r < rows; r++) {
    const base = cellIndex(tile, row + r, col);
    for (let c = 0; c < cols; c++) s += abs<f64>(<f64>unchecked(snapshotFloat[base + c]));
  }
  return s * G_MAX_US;
}

/** GDC baseline: Σ|G+_P − G−_P| in µS over a rectangle right after programming (programming noise only). */
export function rectAbsSumProgrammed(tile: i32, row: i32, col: i32, rows: i32, cols: i32): f64 {
  checkRect(tile, row, col, rows, cols);
  let s: f64 = 0;
  for (let r = 0; r < rows; r++) {
    const base = cellIndex(tile, row + r, col);
    for (let c = 0; c < cols; c++) {
      const i = base + c;
      s += abs<f64>((<f64>unchecked(gPos[i]) - <f64>unchecked(gNeg[i])) * <f64>unchecked(outScale[i]));
    }
  }
  return s * G_MAX_US;
}
