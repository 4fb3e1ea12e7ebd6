// The array's 3×3, stride-1 MVMs in 2/3 of the multiplies: Winograd's F(2,3) along each kernel row
// (issue 14, VWW's expand layers). Two neighbouring output positions (ox, ox+1) of one kernel row ky
// read four input pixels d0…d3 (columns ox−1 … ox+2 at 'same' padding) against taps g0, g1, g2:
//   y0 = d0·g0 + d1·g1 + d2·g2 = m0 + (M1 + M2)/2,   y1 = d1·g0 + d2·g1 + d3·g2 = (M1 − M2)/2 − m3
// with m0 = Σ (d0 − d2)·g0, M1 = Σ (d1 + d2)·(g0 + g1 + g2), M2 = Σ (d2 − d1)·(g0 − g1 + g2),
// m3 = Σ (d1 − d3)·g2, the sums over ky and the channels: four GEMMs of 3·inC rows (mvmSimd) for two
// positions instead of two of 9·inC. Integer arithmetic throughout, so the accumulators are
// mvmGolden's bit for bit: transformed codes |d ± d| ≤ 2·255 and weights |g0 ± g1 + g2| ≤ 3·8192 =
// 24,576 fit int16 (the crossbar clamps |G| ≤ 8192); sums may wrap mod 2^32 on the way, but
// M1 ± M2 = 2·(d1·g1 + d2·(g0 + g2)) resp. 2·(d1·(g0 + g2) + d2·g1), each half bounded by 255 · Σ|G| over
// the 9·inC rows < 2^30 when 9·inC ≤ 512, so M1 ± M2 is exact in i32 and its halving exact; y0, y1
// are then exact mod 2^32 and, being true accumulators (< 2^31), exact.
//
// Layouts: T_i [pairsPad][rp] int16 (rp = 3·inC padded to 8; row r = ky·inC + ci), one per i; U_i packed
// as mvm.ts packs a rp × colsPad piece; M_i [pairsPad][colsPad] int32; pairs run over output rows, then
// column pairs (an odd grid width's last pair has a virtual second position, never stored).

import { wIndex } from './mvm';
import { lanesIndex } from './mvm-lanes';
import { codeAbsSum } from './mvm-implicit';

/** True for a piece F(2,3) can run: a 3×3 stride-1 conv whose piece holds all 9·inC rows, ≤ 512 of them, one copy. */
export function winogradEligible(kh: i32, kw: i32, stride: i32, inC: i32, rowStart: i32, rows: i32, copies: i32): bool {
  return kh == 3 && kw == 3 && stride == 1 && rowStart == 0 && rows == 9 * inC && rows <= 512 && copies == 1;
}

/** Rows of each transformed matrix: 3·inC padded to a multiple of 8. */
@inline export function winogradRows(inC: i32): i32 {
  return (3 * inC + 7) & ~7;
}

/** Output position pairs of a gridH × gridW layer, padded to even (mvmSimd's 2-position block). */
@inline export function winogradPairsPad(gridH: i32, gridW: i32): i32 {
  return (gridH * ((gridW + 1) >> 1) + 1) & ~1;
}

/**
 * U_0 … U_3 of a piece from the snapshot: g at (row, col) of a tile `geoCols` wide, matrix row
 * (ky·3 + kx)·inC + ci (HWIO), `cols` columns; each U_i rp × colsPad at u + i·rp·colsPad·2 bytes, zero in
 * the padding: columns < `lanes` in mvm-lanes.ts's layout (⌈3·inC/2⌉ row pairs), the others in mvm.ts's.
 */
export function winogradPackWeights(g: usize, row: i32, col: i32, geoCols: i32, inC: i32, cols: i32, colsPad: i32, u: usize, lanes: i32): void {
  const rp = winogradRows(inC);
  const pairs = (3 * inC + 1) >> 1;
  const matBytes = <usize>(rp * colsPad) << 1;
  memory.fill(u, 0, matBytes << 2);
  for (let ky = 0; ky < 3; ky++) {
    for (let ci = 0; ci < inC; ci++) {
      const r = ky * inC + ci;
      const s0 = g + (<usize>((row + (ky * 3) * inC + ci) * geoCols + col) << 1);
      const s1 = g + (<usize>((row + (ky * 3 + 1) * inC + ci) * geoCols + col) << 1);
      const s2 = g + (<usize>((row + (ky * 3 + 2) * inC + ci) * geoCols + col) << 1);
      for (let c = 0; c < cols; c++) {
        const g0 = <i32>load<i16>(s0 + (<usize>c << 1));
        const g1 = <i32>load<i16>(s1 + (<usize>c << 1));
        const g2 = <i32>load<i16>(s2 + (<usize>c << 1));
        const at = <usize>(c < lanes ? lanesIndex(r, c, pairs, lanes) : wIndex(r, c, rp)) << 1;
        store<i16>(u + at, <i16>g0);
        store<i16>(u + matBytes + at, <i16>(g0 + g1 + g2));
        store<i16>(u + 2 * matBytes + at, <i16>(g0 - g1 + g2));
        store<i16>(u + 3 * matBytes + at, <i16>g2);
      }
    }
  }
}

/** Σ|code| over the IM2COL vectors the same positions would have had (as im2colPulses). */
export let winogradPulses: i64 = 0;
/** Codes IM2COL would have fetched (as im2colFetches). */
export let winogradFetches: i64 = 0;

/** Test surface: winogradPulses (pulses true) or winogradFetches of the last transform. */
export function winogradCounts(pulses: bool): i64 {
  return pulses ? winogradPulses : winogradFetches;
}

// inC zero codes (int16 or bytes) that stand for the pixels over the padding; grows only.
let zeros: usize = 0;
let zeroBytes: i32 = 0;

function zeroPixel(bytes: i32): usize {
  if (bytes > zeroBytes) {
    zeros = (heap.alloc(<usize>bytes + 32) + 15) & ~<usize>15;
    memory.fill(zeros, 0, <usize>bytes + 16);
    zeroBytes = bytes;
  }
  return zeros;
}

/** Windows over output positions [0, grid) that contain input index i (3 taps, stride 1, `pad` before). */
@inline function cover(i: i32, pad: i32, grid: i32): i32 {
  // Positions o with o − pad ≤ i ≤ o − pad + 2: o ∈ [i + pad − 2, i + pad] ∩ [0, grid).
  return max<i32>(0, min<i32>(i + pad, grid - 1) - max<i32>(i + pad - 2, 0) + 1);
}

/** Σ|code| and fetches of im2colConv over this layer's positions: every input pixel counts once per window holding it. */
function countWindows(src: usize, signed: bool, inH: i32, inW: i32, inC: i32, padTop: i32, padLeft: i32, gridH: i32, gridW: i32): void {
  const bytes = signed ? 2 : 1;
  // Columns covered by 3 windows form one run [xa, xb]; the others are the few at the edges.
  const xa = max<i32>(0, 2 - padLeft);
  const xb = min<i32>(inW - 1, gridW - 1 - padLeft);
  let colWindows: i64 = 0;
  for (let ix = 0; ix < inW; ix++) colWindows += cover(ix, padLeft, gridW);
  let pulses: i64 = 0;
  let fetches: i64 = 0;
  for (let iy = 0; iy < inH; iy++) {
    const cy = cover(iy, padTop, gridH);
    if (cy == 0) continue;
    const row = src + <usize>(iy * inW * inC * bytes);
    let s: i64 = 0;
    if (xb >= xa) s = 3 * codeAbsSum(row + <usize>(xa * inC * bytes), signed, (xb - xa + 1) * inC);
    for (let ix = 0; ix < inW; ix++) {
      if (ix >= xa && ix <= xb) continue;
      const cx = cover(ix, padLeft, gridW);
      if (cx > 0) s += <i64>cx * codeAbsSum(row + <usize>(ix * inC * bytes), signed, inC);
    }
    pulses += <i64>cy * s;
    fetches += <i64>cy * colWindows;
  }
  winogradPulses = pulses;
  winogradFetches = fetches * <i64>inC;
}

/** inC codes of 4 pixels → the 4 transformed rows' inC entries at t (T_i rows `mat` bytes apart). */
@inline function transformPixels(d0: usize, d1: usize, d2: usize, d3: usize, signed: bool, inC: i32, t: usize, mat: usize): void {
  let ci = 0;
  for (; ci + 8 <= inC; ci += 8) {
    const o = <usize>ci << (signed ? 1 : 0);
    const a = signed ? v128.load(d0 + o) : v128.load8x8_u(d0 + o);
    const b = signed ? v128.load(d1 + o) : v128.load8x8_u(d1 + o);
    const c = signed ? v128.load(d2 + o) : v128.load8x8_u(d2 + o);
    const d = signed ? v128.load(d3 + o) : v128.load8x8_u(d3 + o);
    const to = t + (<usize>ci << 1);
    v128.store(to, i16x8.sub(a, c));
    v128.store(to + mat, i16x8.add(b, c));
    v128.store(to + 2 * mat, i16x8.sub(c, b));
    v128.store(to + 3 * mat, i16x8.sub(b, d));
  }
  if (ci + 4 <= inC) {
    const o = <usize>ci << (signed ? 1 : 0);
    const a = signed ? v128.load64_zero(d0 + o) : i16x8.extend_low_i8x16_u(v128.load32_zero(d0 + o));
    const b = signed ? v128.load64_zero(d1 + o) : i16x8.extend_low_i8x16_u(v128.load32_zero(d1 + o));
    const c = signed ? v128.load64_zero(d2 + o) : i16x8.extend_low_i8x16_u(v128.load32_zero(d2 + o));
    const d = signed ? v128.load64_zero(d3 + o) : i16x8.extend_low_i8x16_u(v128.load32_zero(d3 + o));
    const to = t + (<usize>ci << 1);
    v128.store64_lane(to, i16x8.sub(a, c), 0);
    v128.store64_lane(to + mat, i16x8.add(b, c), 0);
    v128.store64_lane(to + 2 * mat, i16x8.sub(c, b), 0);
    v128.store64_lane(to + 3 * mat, i16x8.sub(b, d), 0);
    ci += 4;
  }
  for (; ci < inC; ci++) {
    const a = signed ? <i32>load<i16>(d0 + (<usize>ci << 1)) : <i32>load<u8>(d0 + <usize>ci);
    const b = signed ? <i32>load<i16>(d1 + (<usize>ci << 1)) : <i32>load<u8>(d1 + <usize>ci);
    const c = signed ? <i32>load<i16>(d2 + (<usize>ci << 1)) : <i32>load<u8>(d2 + <usize>ci);
    const d = signed ? <i32>load<i16>(d3 + (<usize>ci << 1)) : <i32>load<u8>(d3 + <usize>ci);
    const to = t + (<usize>ci << 1);
    store<i16>(to, <i16>(a - c));
    store<i16>(to + mat, <i16>(b + c));
    store<i16>(to + 2 * mat, <i16>(c - b));
    store<i16>(to + 3 * mat, <i16>(b - d));
  }
}

/**
 * The transformed codes T_0 … T_3 of a layer (at t + i·pairsPad·rp·2 bytes) from the HWC tensor at src,
 * rows past 3·inC and padding pairs zero; also winogradPulses and winogradFetches.
 */
export function winogradTransform(
  src: usize, signed: bool, inH: i32, inW: i32, inC: i32, padTop: i32, padLeft: i32, gridH: i32, gridW: i32, t: usize,
): void {
  if (signed) transformAll(src, true, inH, inW, inC, padTop, padLeft, gridH, gridW, t);
  else transformAll(src, false, inH, inW, inC, padTop, padLeft, gridH, gridW, t);
  countWindows(src, signed, inH, inW, inC, padTop, padLeft, gridH, gridW);
}

@inline function transformAll(
  src: usize, signed: bool, inH: i32, inW: i32, inC: i32, padTop: i32, padLeft: i32, gridH: i32, gridW: i32, t: usize,
): void {
  const rp = winogradRows(inC);
  const rowBytes = <usize>rp << 1;
  const pairsRow = (gridW + 1) >> 1;
  const pairs = gridH * pairsRow;
  const pairsPad = winogradPairsPad(gridH, gridW);
  const mat = <usize>pairsPad * rowBytes;
  const pixel = <usize>inC << (signed ? 1 : 0);
  const zero = zeroPixel(inC * 2);
  const tail = <usize>(3 * inC) << 1; // the padding rows [3·inC, rp) of every transformed row
  let q = t;
  for (let oy = 0; oy < gridH; oy++) {
    for (let j = 0; j < pairsRow; j++) {
      const ix0 = 2 * j - padLeft;
      for (let ky = 0; ky < 3; ky++) {
        const iy = oy - padTop + ky;
        const inside = iy >= 0 && iy < inH;
        const line = src + <usize>(iy * inW) * pixel;
        const d0 = inside && ix0 >= 0 && ix0 < inW ? line + <usize>ix0 * pixel : zero;
        const d1 = inside && ix0 + 1 >= 0 && ix0 + 1 < inW ? line + <usize>(ix0 + 1) * pixel : zero;
        const d2 = inside && ix0 + 2 >= 0 && ix0 + 2 < inW ? line + <usize>(ix0 + 2) * pixel : zero;
        const d3 = inside && ix0 + 3 >= 0 && ix0 + 3 < inW ? line + <usize>(ix0 + 3) * pixel : zero;
        transformPixels(d0, d1, d2, d3, signed, inC, q + (<usize>(ky * inC) << 1), mat);
      }
      for (let o = tail; o < rowBytes; o += 2) {
        store<i16>(q + o, 0);
        store<i16>(q + mat + o, 0);
        store<i16>(q + 2 * mat + o, 0);
        store<i16>(q + 3 * mat + o, 0);
      }
      q += rowBytes;
    }
  }
  for (let p = pairs; p < pairsPad; p++) {
    for (let i = 0; i < 4; i++) memory.fill(t + <usize>i * mat + <usize>p * rowBytes, 0, rowBytes);
  }
}

/**
 * The accumulators acc [positions][colsPad] (mvmSimd's layout) from M_0 … M_3 (at m + i·pairsPad·colsPad·4
 * bytes): y0 = M0 + (M1 + M2) >> 1 and y1 = (M1 − M2) >> 1 − M3 per pair, y1 only where ox + 1 < gridW.
 */
export function winogradCombine(m: usize, gridH: i32, gridW: i32, colsPad: i32, acc: usize): void {
  const pairsRow = (gridW + 1) >> 1;
  const rowBytes = <usize>colsPad << 2;
  const mat = <usize>winogradPairsPad(gridH, gridW) * rowBytes;
  let q = m;
  for (let oy = 0; oy < gridH; oy++) {
    for (let j = 0; j < pairsRow; j++) {
      const ox = 2 * j;
      const out = acc + <usize>(oy * gridW + ox) * rowBytes;
      const two = ox + 1 < gridW;
      for (let o: usize = 0; o < rowBytes; o += 16) {
        const m0 = v128.load(q + o);
        const m1 = v128.load(q + mat + o);
        const m2 = v128.load(q + 2 * mat + o);
        const m3 = v128.load(q + 3 * mat + o);
        v128.store(out + o, i32x4.add(m0, i32x4.shr_s(i32x4.add(m1, m2), 1)));
        if (two) v128.store(out + rowBytes + o, i32x4.sub(i32x4.shr_s(i32x4.sub(m1, m2), 1), m3));
      }
      q += rowBytes;
    }
  }
}
