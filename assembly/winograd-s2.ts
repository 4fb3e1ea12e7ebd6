// The array's 3×3, stride-2 MVMs in 5/6 of the multiplies (issue 14, KWS's conv2: 25 × 5 grid, 84
// channels): F(2,2) on the outer taps. Along one axis two neighbouring outputs (o, o+1) read five input
// pixels d0…d4 (stride 2: indices 2o−pad … 2o−pad+4) against taps g0, g1, g2:
//   y0 = d0·g0 + d1·g1 + d2·g2 = P + M,   y1 = d2·g0 + d3·g1 + d4·g2 = Q + M
// with M = Σ d2·(g0 + g2), P = Σ (d0 − d2)·g0 + d1·g1, Q = Σ (d4 − d2)·g2 + d3·g1, the sums over the 3·inC
// transformed rows r = k·inC + ci (k the kernel column kx for pairs of output rows, `vertical`, or the
// kernel row ky for pairs of output columns): three GEMMs (P, Q of 6·inC rows, M of 3·inC) for two
// positions instead of two of 9·inC — 15 multiplies for 18. The axis with fewer pairs runs
// (winogradVertical: KWS's 25 × 5 pairs output rows, 65 pairs for 125 positions).
//
// No division: the codes |d − d| ≤ 2·255 and the weights |g0 + g2| ≤ 2·8192 fit int16, every product and
// sum is an integer, so y0 and y1 equal mvmGolden's accumulators mod 2^32 — exactly, whatever the row
// count (mvmGolden's i32 sum wraps the same way; its true values are < 2^31 anyway, mvm.ts).
//
// Layouts: T_P, T_Q [pairsPad][rpP] int16 (rpP = 6·inC padded to 8: rows r, the (d − d) codes, then 3·inC + r,
// the d1 or d3 codes), T_M [pairsPad][rpM] (rpM = 3·inC padded to 8), one after the other at t; U_P, U_Q, U_M
// likewise at u (mvm.ts's layout, or mvm-lanes.ts's for the first `lanes` columns); M_P, M_Q, M_M
// [pairsPad][colsPad] int32 at m. Pairs as winograd.ts's (a virtual second position at an odd extent).

import { mvmSimdFrom } from './mvm';
import { mvmLanes } from './mvm-lanes';
import { codeAbsSum } from './mvm-implicit';
import { uCell, winogradPairsPad, zeroPixel } from './winograd';

/** True for a piece this file runs: a 3×3 stride-2 conv whose piece holds all 9·inC rows, one copy. */
export function s2Eligible(kh: i32, kw: i32, stride: i32, inC: i32, rowStart: i32, rows: i32, copies: i32): bool {
  return kh == 3 && kw == 3 && stride == 2 && rowStart == 0 && rows == 9 * inC && copies == 1;
}

@inline function rowsP(inC: i32): i32 {
  return (6 * inC + 7) & ~7;
}
@inline function rowsM(inC: i32): i32 {
  return (3 * inC + 7) & ~7;
}

/** Int16 of T (per pair: 2·rpP + rpM) or U (per column) for inC channels. */
export function s2Rows(inC: i32): i32 {
  return 2 * rowsP(inC) + rowsM(inC);
}

/** U_P, U_Q, U_M of a piece from the snapshot (as winogradPackWeights: HWIO rows of a tile geoCols wide). */
export function s2PackWeights(g: usize, row: i32, col: i32, geoCols: i32, inC: i32, cols: i32, colsPad: i32, u: usize, lanes: i32, vertical: bool): void {
  const n3 = 3 * inC;
  const n6 = 6 * inC;
  const uP = u;
  const uQ = u + (<usize>(rowsP(inC) * colsPad) << 1);
  const uM = u + (<usize>(2 * rowsP(inC) * colsPad) << 1);
  memory.fill(u, 0, <usize>(s2Rows(inC) * colsPad) << 1);
  const a = vertical ? 3 : 1; // matrix-row step of the tap index i
  const b = vertical ? 1 : 3; // and of k
  for (let k = 0; k < 3; k++) {
    for (let ci = 0; ci < inC; ci++) {
      const r = k * inC + ci;
      const s0 = g + (<usize>((row + (b * k) * inC + ci) * geoCols + col) << 1);
      const s1 = g + (<usize>((row + (a + b * k) * inC + ci) * geoCols + col) << 1);
      const s2 = g + (<usize>((row + (2 * a + b * k) * inC + ci) * geoCols + col) << 1);
      for (let c = 0; c < cols; c++) {
        const g0 = <i32>load<i16>(s0 + (<usize>c << 1));
        const g1 = <i32>load<i16>(s1 + (<usize>c << 1));
        const g2 = <i32>load<i16>(s2 + (<usize>c << 1));
        const lo = <usize>uCell(r, c, n6, lanes) << 1;
        const hi = <usize>uCell(n3 + r, c, n6, lanes) << 1;
        store<i16>(uP + lo, <i16>g0);
        store<i16>(uP + hi, <i16>g1);
        store<i16>(uQ + lo, <i16>g2);
        store<i16>(uQ + hi, <i16>g1);
        store<i16>(uM + (<usize>uCell(r, c, n3, lanes) << 1), <i16>(g0 + g2));
      }
    }
  }
}

/** M_P, M_Q, M_M (at m) from T (at t) and U (at u): mvmLanes on the first `lanes` columns (0: none), mvmSimd on the rest. */
export function s2Gemms(t: usize, u: usize, m: usize, inC: i32, pairsPad: i32, colsPad: i32, lanes: i32): void {
  let tp = t;
  let up = u;
  let mp = m;
  for (let i = 0; i < 3; i++) {
    const rp = i < 2 ? rowsP(inC) : rowsM(inC);
    const n = i < 2 ? 6 * inC : 3 * inC;
    if (lanes > 0) mvmLanes(tp, rp << 1, false, up, mp, colsPad, pairsPad, (n + 1) >> 1, lanes);
    if (lanes < colsPad) mvmSimdFrom(tp, up, mp, pairsPad, rp, colsPad, lanes);
    tp += <usize>(pairsPad * rp) << 1;
    up += <usize>(rp * colsPad) << 1;
    mp += <usize>(pairsPad * colsPad) << 2;
  }
}

/** Σ|code| over the IM2COL vectors the same positions would have had (as im2colPulses). */
export let s2Pulses: i64 = 0;
/** Codes IM2COL would have fetched (as im2colFetches). */
export let s2Fetches: i64 = 0;

/** Test surface: s2Pulses (pulses true) or s2Fetches of the last transform. */
export function s2Counts(pulses: bool): i64 {
  return pulses ? s2Pulses : s2Fetches;
}

/** Windows over output positions [0, grid) that contain input index i (3 taps, stride 2, `pad` before). */
@inline function cover2(i: i32, pad: i32, grid: i32): i32 {
  // Positions o with 2·o − pad ≤ i ≤ 2·o − pad + 2.
  const lo = max<i32>(0, (i + pad - 1) >> 1);
  const hi = min<i32>(grid - 1, (i + pad) >> 1);
  return max<i32>(0, hi - lo + 1);
}

function countWindows2(src: usize, signed: bool, inH: i32, inW: i32, inC: i32, padTop: i32, padLeft: i32, gridH: i32, gridW: i32): void {
  const bytes = signed ? 2 : 1;
  let colWindows: i64 = 0;
  for (let ix = 0; ix < inW; ix++) colWindows += cover2(ix, padLeft, gridW);
  let pulses: i64 = 0;
  let fetches: i64 = 0;
  for (let iy = 0; iy < inH; iy++) {
    const cy = cover2(iy, padTop, gridH);
    if (cy == 0) continue;
    const row = src + <usize>(iy * inW * inC * bytes);
    let s: i64 = 0;
    for (let ix = 0; ix < inW; ix++) {
      const cx = cover2(ix, padLeft, gridW);
      if (cx > 0) s += <i64>cx * codeAbsSum(row + <usize>(ix * inC * bytes), signed, inC);
    }
    pulses += <i64>cy * s;
    fetches += <i64>cy * colWindows;
  }
  s2Pulses = pulses;
  s2Fetches = fetches * <i64>inC;
}

/** inC codes of 5 pixels → P's rows r and 3·inC + r, Q's the same, M's r (each block's first entry at tp, tq, tm). */
@inline function s2Pixels(d0: usize, d1: usize, d2: usize, d3: usize, d4: usize, signed: bool, inC: i32, tp: usize, tq: usize, tm: usize, half: usize): void {
  let ci = 0;
  for (; ci + 8 <= inC; ci += 8) {
    const o = <usize>ci << (signed ? 1 : 0);
    const a = signed ? v128.load(d0 + o) : v128.load8x8_u(d0 + o);
    const b = signed ? v128.load(d1 + o) : v128.load8x8_u(d1 + o);
    const c = signed ? v128.load(d2 + o) : v128.load8x8_u(d2 + o);
    const d = signed ? v128.load(d3 + o) : v128.load8x8_u(d3 + o);
    const e = signed ? v128.load(d4 + o) : v128.load8x8_u(d4 + o);
    const to = <usize>ci << 1;
    v128.store(tp + to, i16x8.sub(a, c));
    v128.store(tp + half + to, b);
    v128.store(tq + to, i16x8.sub(e, c));
    v128.store(tq + half + to, d);
    v128.store(tm + to, c);
  }
  if (ci + 4 <= inC) {
    const o = <usize>ci << (signed ? 1 : 0);
    const a = signed ? v128.load64_zero(d0 + o) : i16x8.extend_low_i8x16_u(v128.load32_zero(d0 + o));
    const b = signed ? v128.load64_zero(d1 + o) : i16x8.extend_low_i8x16_u(v128.load32_zero(d1 + o));
    const c = signed ? v128.load64_zero(d2 + o) : i16x8.extend_low_i8x16_u(v128.load32_zero(d2 + o));
    const d = signed ? v128.load64_zero(d3 + o) : i16x8.extend_low_i8x16_u(v128.load32_zero(d3 + o));
    const e = signed ? v128.load64_zero(d4 + o) : i16x8.extend_low_i8x16_u(v128.load32_zero(d4 + o));
    const to = <usize>ci << 1;
    v128.store64_lane(tp + to, i16x8.sub(a, c), 0);
    v128.store64_lane(tp + half + to, b, 0);
    v128.store64_lane(tq + to, i16x8.sub(e, c), 0);
    v128.store64_lane(tq + half + to, d, 0);
    v128.store64_lane(tm + to, c, 0);
    ci += 4;
  }
  for (; ci < inC; ci++) {
    const a = signed ? <i32>load<i16>(d0 + (<usize>ci << 1)) : <i32>load<u8>(d0 + <usize>ci);
    const b = signed ? <i32>load<i16>(d1 + (<usize>ci << 1)) : <i32>load<u8>(d1 + <usize>ci);
    const c = signed ? <i32>load<i16>(d2 + (<usize>ci << 1)) : <i32>load<u8>(d2 + <usize>ci);
    const d = signed ? <i32>load<i16>(d3 + (<usize>ci << 1)) : <i32>load<u8>(d3 + <usize>ci);
    const e = signed ? <i32>load<i16>(d4 + (<usize>ci << 1)) : <i32>load<u8>(d4 + <usize>ci);
    const to = <usize>ci << 1;
    store<i16>(tp + to, <i16>(a - c));
    store<i16>(tp + half + to, <i16>b);
    store<i16>(tq + to, <i16>(e - c));
    store<i16>(tq + half + to, <i16>d);
    store<i16>(tm + to, <i16>c);
  }
}

/** T_P, T_Q, T_M of a layer from the HWC tensor at src (padding rows and pairs zero); also s2Pulses and s2Fetches. */
export function s2Transform(
  src: usize, signed: bool, inH: i32, inW: i32, inC: i32, padTop: i32, padLeft: i32, gridH: i32, gridW: i32, t: usize, vertical: bool,
): void {
  if (signed) transformAll2(src, true, inH, inW, inC, padTop, padLeft, gridH, gridW, t, vertical);
  else transformAll2(src, false, inH, inW, inC, padTop, padLeft, gridH, gridW, t, vertical);
  countWindows2(src, signed, inH, inW, inC, padTop, padLeft, gridH, gridW);
}

@inline function transformAll2(
  src: usize, signed: bool, inH: i32, inW: i32, inC: i32, padTop: i32, padLeft: i32, gridH: i32, gridW: i32, t: usize, vertical: bool,
): void {
  const rpP = rowsP(inC);
  const rpM = rowsM(inC);
  const pBytes = <usize>rpP << 1;
  const mBytes = <usize>rpM << 1;
  const pairsPad = winogradPairsPad(gridH, gridW, vertical);
  const tq0 = t + <usize>pairsPad * pBytes;
  const tm0 = tq0 + <usize>pairsPad * pBytes;
  const pixel = <usize>inC << (signed ? 1 : 0);
  const zero = zeroPixel(inC * 2);
  const half = <usize>(3 * inC) << 1;
  const outer = vertical ? (gridH + 1) >> 1 : gridH;
  const inner = vertical ? gridW : (gridW + 1) >> 1;
  let q = 0; // pair index
  for (let a = 0; a < outer; a++) {
    for (let b = 0; b < inner; b++) {
      const tp = t + <usize>q * pBytes;
      const tq = tq0 + <usize>q * pBytes;
      const tm = tm0 + <usize>q * mBytes;
      for (let k = 0; k < 3; k++) {
        // Pixel i of this kernel column (vertical) or row: (y0 + dy·i, x0 + dx·i).
        const y0 = vertical ? 4 * a - padTop : 2 * a - padTop + k;
        const x0 = vertical ? 2 * b - padLeft + k : 4 * b - padLeft;
        const dy = vertical ? 1 : 0;
        const dx = vertical ? 0 : 1;
        const p0 = pixelAt(src, y0, x0, inH, inW, pixel, zero);
        const p1 = pixelAt(src, y0 + dy, x0 + dx, inH, inW, pixel, zero);
        const p2 = pixelAt(src, y0 + 2 * dy, x0 + 2 * dx, inH, inW, pixel, zero);
        const p3 = pixelAt(src, y0 + 3 * dy, x0 + 3 * dx, inH, inW, pixel, zero);
        const p4 = pixelAt(src, y0 + 4 * dy, x0 + 4 * dx, inH, inW, pixel, zero);
        const o = <usize>(k * inC) << 1;
        s2Pixels(p0, p1, p2, p3, p4, signed, inC, tp + o, tq + o, tm + o, half);
      }
      for (let o = <usize>(6 * inC) << 1; o < pBytes; o += 2) {
        store<i16>(tp + o, 0);
        store<i16>(tq + o, 0);
      }
      for (let o = half; o < mBytes; o += 2) store<i16>(tm + o, 0);
      q++;
    }
  }
  for (; q < pairsPad; q++) {
    memory.fill(t + <usize>q * pBytes, 0, pBytes);
    memory.fill(tq0 + <usize>q * pBytes, 0, pBytes);
    memory.fill(tm0 + <usize>q * mBytes, 0, mBytes);
  }
}

@inline function pixelAt(src: usize, iy: i32, ix: i32, inH: i32, inW: i32, pixel: usize, zero: usize): usize {
  return iy >= 0 && iy < inH && ix >= 0 && ix < inW ? src + <usize>(iy * inW + ix) * pixel : zero;
}

/** The accumulators acc [positions][colsPad] from M_P, M_Q, M_M (at m): y0 = P + M, y1 = Q + M where its position exists. */
export function s2Combine(m: usize, gridH: i32, gridW: i32, colsPad: i32, acc: usize, vertical: bool): void {
  const rowBytes = <usize>colsPad << 2;
  const mat = <usize>winogradPairsPad(gridH, gridW, vertical) * rowBytes;
  const outer = vertical ? (gridH + 1) >> 1 : gridH;
  const inner = vertical ? gridW : (gridW + 1) >> 1;
  const second = vertical ? <usize>gridW * rowBytes : rowBytes;
  let q = m;
  for (let a = 0; a < outer; a++) {
    for (let b = 0; b < inner; b++) {
      const oy = vertical ? 2 * a : a;
      const ox = vertical ? b : 2 * b;
      const out = acc + <usize>(oy * gridW + ox) * rowBytes;
      const two = vertical ? oy + 1 < gridH : ox + 1 < gridW;
      for (let o: usize = 0; o < rowBytes; o += 16) {
        const mm = v128.load(q + 2 * mat + o);
        v128.store(out + o, i32x4.add(v128.load(q + o), mm));
        if (two) v128.store(out + second + o, i32x4.add(v128.load(q + mat + o), mm));
      }
      q += rowBytes;
    }
  }
}
