// The array's 3×3, stride-1 MVMs in 2/3 of the multiplies: Winograd's F(2,3) along each kernel row
// (issue 14, VWW's expand layers) or along each kernel column (KWS's 25 × 5 grids). Along rows, two
// neighbouring output positions (ox, ox+1) of one kernel row ky read four input pixels d0…d3 (columns
// ox−1 … ox+2 at 'same' padding) against taps g0, g1, g2 (kx = 0, 1, 2); along columns, (oy, oy+1) of one
// kernel column kx read rows oy−1 … oy+2 against the taps ky = 0, 1, 2. Either way
//   y0 = d0·g0 + d1·g1 + d2·g2 = m0 + (M1 + M2)/2,   y1 = d1·g0 + d2·g1 + d3·g2 = (M1 − M2)/2 − m3
// with m0 = Σ (d0 − d2)·g0, M1 = Σ (d1 + d2)·(g0 + g1 + g2), M2 = Σ (d2 − d1)·(g0 − g1 + g2),
// m3 = Σ (d1 − d3)·g2, the sums over the 3·inC transformed rows r = k·inC + ci (k the kernel row ky, or
// column kx): four GEMMs of 3·inC rows (mvmSimd) for two positions instead of two of 9·inC. The axis with
// fewer pairs runs (winogradVertical): rows unless the grid's width is odd and its height even or much
// larger (KWS: 25 × 5, 65 column pairs instead of 75 row pairs).
//
// Integer arithmetic throughout, so the accumulators are mvmGolden's bit for bit: transformed codes
// |d ± d| ≤ 2·255 and weights |g0 ± g1 + g2| ≤ 3·8192 = 24,576 fit int16 (the crossbar clamps |G| ≤ 8192).
// Sums may wrap mod 2^32 on the way; only the halvings need more. Per transformed row,
// (M1 + M2)/2 gets d1·g1 + d2·(g0 + g2) and (M1 − M2)/2 gets d1·(g0 + g2) + d2·g1, each ≤ 255·3·8192 =
// 6,266,880 in magnitude. So M1 and M2 are split into PARTS of ≤ WINO_PART_ROWS = 168 transformed rows
// (a multiple of 8; 171 would still do: 171 · 6,266,880 < 2^30 ≤ 172 · 6,266,880): within a part each half
// is < 2^30, so that part's M1 ± M2 (= twice it) is exact in i32 and its arithmetic shift halves exactly.
// y0 = m0 + Σ_parts (M1 + M2)_part/2 and y1 = Σ_parts (M1 − M2)_part/2 − m3 are then exact mod 2^32, as
// is mvmGolden's i32 sum (it wraps the same way), so the two are equal bit for bit whatever the size:
// the true accumulators of ≤ 1024 rows are < 2^31 anyway (mvm.ts). m0 and m3 need no split. 3·inC ≤ 168
// (9·inC ≤ 504, every VWW piece) is one part, the F(2,3) of before; KWS's conv3 (3·112 = 336) has two
// parts of 168 rows, conv4/5 (3·84 = 252) 168 + 84.
//
// Layouts: T_i [pairsPad][rp] int16 (rp = 3·inC padded to 8; row r = k·inC + ci), one per i, T_1 and T_2
// read part by part (rows [168·s, …), position stride rp); U_0, then U_1's parts, U_2's parts, U_3, each
// packed as mvm.ts packs a piece of its rows (a part's padded to 8) × colsPad (or mvm-lanes.ts for the
// first `lanes` columns), at winogradUOffset; M [2 + 2·parts][pairsPad][colsPad] int32: M0, M1 per part,
// M2 per part, M3. Pairs run over output rows, then column pairs (along rows), or over row pairs, then
// columns (along columns); an odd extent's last pair has a virtual second position, never stored.

import { mvmSimdStrided, wIndex } from './mvm';
import { lanesIndex, mvmLanes } from './mvm-lanes';
import { codeAbsSum } from './mvm-implicit';

/** Transformed rows of one part of M1 and M2 (a multiple of 8; the header's bound allows ≤ 171). */
export const WINO_PART_ROWS = 168;

/**
 * True for a piece F(2,3) can run: a 3×3 stride-1 conv whose piece holds all 9·inC rows, one copy;
 * ≤ maxRows of them (512: one part, the chip before the parts; 1 << 30: any).
 */
export function winogradEligible(kh: i32, kw: i32, stride: i32, inC: i32, rowStart: i32, rows: i32, copies: i32, maxRows: i32): bool {
  return kh == 3 && kw == 3 && stride == 1 && rowStart == 0 && rows == 9 * inC && rows <= maxRows && copies == 1;
}

/** Whether F(2,3) runs along kernel columns (pairs of output rows): fewer pairs that way. */
export function winogradVertical(gridH: i32, gridW: i32): bool {
  return gridW * ((gridH + 1) >> 1) < gridH * ((gridW + 1) >> 1);
}

/** Rows of each transformed matrix: 3·inC padded to a multiple of 8. */
@inline export function winogradRows(inC: i32): i32 {
  return (3 * inC + 7) & ~7;
}

/** Parts M1 and M2 are split into (≤ WINO_PART_ROWS transformed rows each). */
@inline export function winogradParts(inC: i32): i32 {
  return (3 * inC + WINO_PART_ROWS - 1) / WINO_PART_ROWS;
}

/** Output position pairs of a gridH × gridW layer, padded to even (mvmSimd's 2-position block). */
@inline export function winogradPairsPad(gridH: i32, gridW: i32, vertical: bool): i32 {
  return ((vertical ? gridW * ((gridH + 1) >> 1) : gridH * ((gridW + 1) >> 1)) + 1) & ~1;
}

/** Int16 offset of U_i's part s (i = 0 or 3: s = 0, the whole matrix) in a piece's transformed weights. */
@inline function uOffset(i: i32, s: i32, rp: i32, colsPad: i32): i32 {
  return (i * rp + s * WINO_PART_ROWS) * colsPad;
}

/** Int16 offset of transformed row r's cell (r, c) within its matrix: its part's layout (U_1, U_2) or the whole (U_0, U_3). */
@inline export function uCell(r: i32, c: i32, n: i32, lanes: i32): i32 {
  // n: rows of the matrix r lies in (from its first row); r relative to that.
  return c < lanes ? lanesIndex(r, c, (n + 1) >> 1, lanes) : wIndex(r, c, (n + 7) & ~7);
}

/**
 * U_0 … U_3 of a piece from the snapshot: g at (row, col) of a tile `geoCols` wide, matrix row
 * (ky·3 + kx)·inC + ci (HWIO), `cols` columns; laid out as the header says (4·rp·colsPad int16 at u), zero
 * in the padding: columns < `lanes` in mvm-lanes.ts's layout, the others in mvm.ts's. Taps g0, g1, g2 run
 * along kx (transformed row ky·inC + ci) or, `vertical`, along ky (row kx·inC + ci).
 */
export function winogradPackWeights(g: usize, row: i32, col: i32, geoCols: i32, inC: i32, cols: i32, colsPad: i32, u: usize, lanes: i32, vertical: bool): void {
  const rp = winogradRows(inC);
  const n = 3 * inC;
  memory.fill(u, 0, <usize>(4 * rp * colsPad) << 1);
  const a = vertical ? 3 : 1; // matrix-row step of the tap index i
  const b = vertical ? 1 : 3; // and of k
  for (let k = 0; k < 3; k++) {
    for (let ci = 0; ci < inC; ci++) {
      const r = k * inC + ci;
      const s = r / WINO_PART_ROWS;
      const rs = r - s * WINO_PART_ROWS; // row within its part
      const ns = min<i32>(n - s * WINO_PART_ROWS, WINO_PART_ROWS); // rows of its part
      const s0 = g + (<usize>((row + (b * k) * inC + ci) * geoCols + col) << 1);
      const s1 = g + (<usize>((row + (a + b * k) * inC + ci) * geoCols + col) << 1);
      const s2 = g + (<usize>((row + (2 * a + b * k) * inC + ci) * geoCols + col) << 1);
      const u0 = u + (<usize>uOffset(0, 0, rp, colsPad) << 1);
      const u1 = u + (<usize>uOffset(1, s, rp, colsPad) << 1);
      const u2 = u + (<usize>uOffset(2, s, rp, colsPad) << 1);
      const u3 = u + (<usize>uOffset(3, 0, rp, colsPad) << 1);
      for (let c = 0; c < cols; c++) {
        const g0 = <i32>load<i16>(s0 + (<usize>c << 1));
        const g1 = <i32>load<i16>(s1 + (<usize>c << 1));
        const g2 = <i32>load<i16>(s2 + (<usize>c << 1));
        const whole = <usize>uCell(r, c, n, lanes) << 1;
        const part = <usize>uCell(rs, c, ns, lanes) << 1;
        store<i16>(u0 + whole, <i16>g0);
        store<i16>(u1 + part, <i16>(g0 + g1 + g2));
        store<i16>(u2 + part, <i16>(g0 - g1 + g2));
        store<i16>(u3 + whole, <i16>g2);
      }
    }
  }
}

/**
 * M0, M1 and M2 per part, M3 (layout in the header, at m) from T (at t) and U (at u): mvmLanes on the
 * first `lanes` columns (0: none), mvmSimd on the rest.
 */
export function winogradGemms(t: usize, u: usize, m: usize, inC: i32, pairsPad: i32, colsPad: i32, lanes: i32): void {
  const rp = winogradRows(inC);
  const n = 3 * inC;
  const parts = winogradParts(inC);
  const tMat = <usize>(pairsPad * rp) << 1;
  const mMat = <usize>(pairsPad * colsPad) << 2;
  let mi = m;
  for (let i = 0; i < 4; i++) {
    const ti = t + <usize>i * tMat;
    const split = i == 1 || i == 2;
    const count = split ? parts : 1;
    for (let s = 0; s < count; s++) {
      const r0 = s * WINO_PART_ROWS;
      const ns = split ? min<i32>(n - r0, WINO_PART_ROWS) : n;
      const x = ti + (<usize>r0 << 1);
      const w = u + (<usize>uOffset(i, s, rp, colsPad) << 1);
      if (lanes > 0) mvmLanes(x, rp << 1, false, w, mi, colsPad, pairsPad, (ns + 1) >> 1, lanes);
      if (lanes < colsPad) mvmSimdStrided(x, rp << 1, w, mi, pairsPad, (ns + 7) & ~7, colsPad, lanes);
      mi += mMat;
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

export function zeroPixel(bytes: i32): usize {
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
 * rows past 3·inC and padding pairs zero; along kernel rows, or columns when `vertical`; also
 * winogradPulses and winogradFetches.
 */
export function winogradTransform(
  src: usize, signed: bool, inH: i32, inW: i32, inC: i32, padTop: i32, padLeft: i32, gridH: i32, gridW: i32, t: usize, vertical: bool,
): void {
  if (vertical) {
    if (signed) transformColumns(src, true, inH, inW, inC, padTop, padLeft, gridH, gridW, t);
    else transformColumns(src, false, inH, inW, inC, padTop, padLeft, gridH, gridW, t);
  } else if (signed) transformAll(src, true, inH, inW, inC, padTop, padLeft, gridH, gridW, t);
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
  const pairsPad = winogradPairsPad(gridH, gridW, false);
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

/** transformAll along kernel columns: pairs (jy, ox), output rows 2·jy and 2·jy + 1, transformed row kx·inC + ci. */
@inline function transformColumns(
  src: usize, signed: bool, inH: i32, inW: i32, inC: i32, padTop: i32, padLeft: i32, gridH: i32, gridW: i32, t: usize,
): void {
  const rp = winogradRows(inC);
  const rowBytes = <usize>rp << 1;
  const pairsCol = (gridH + 1) >> 1;
  const pairs = pairsCol * gridW;
  const pairsPad = winogradPairsPad(gridH, gridW, true);
  const mat = <usize>pairsPad * rowBytes;
  const pixel = <usize>inC << (signed ? 1 : 0);
  const zero = zeroPixel(inC * 2);
  const tail = <usize>(3 * inC) << 1;
  let q = t;
  for (let j = 0; j < pairsCol; j++) {
    const iy0 = 2 * j - padTop;
    const in0 = iy0 >= 0 && iy0 < inH;
    const in1 = iy0 + 1 >= 0 && iy0 + 1 < inH;
    const in2 = iy0 + 2 >= 0 && iy0 + 2 < inH;
    const in3 = iy0 + 3 >= 0 && iy0 + 3 < inH;
    const line = <usize>inW * pixel;
    const l0 = src + <usize>iy0 * line;
    for (let ox = 0; ox < gridW; ox++) {
      for (let kx = 0; kx < 3; kx++) {
        const ix = ox - padLeft + kx;
        const inside = ix >= 0 && ix < inW;
        const p = l0 + <usize>ix * pixel;
        const d0 = inside && in0 ? p : zero;
        const d1 = inside && in1 ? p + line : zero;
        const d2 = inside && in2 ? p + 2 * line : zero;
        const d3 = inside && in3 ? p + 3 * line : zero;
        transformPixels(d0, d1, d2, d3, signed, inC, q + (<usize>(kx * inC) << 1), mat);
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
 * The accumulators acc [positions][colsPad] (mvmSimd's layout) from M (winogradGemms' layout at m, the
 * parts of inC): y0 = M0 + Σ_s (M1_s + M2_s) >> 1 and y1 = Σ_s (M1_s − M2_s) >> 1 − M3 per pair, y1 only
 * where its position exists (ox + 1 < gridW, or oy + 1 < gridH when `vertical`).
 */
export function winogradCombine(m: usize, gridH: i32, gridW: i32, colsPad: i32, acc: usize, inC: i32, vertical: bool): void {
  const parts = winogradParts(inC);
  // Binaryen does not unroll the parts loop: one and two parts (every VWW and KWS piece) are written out.
  if (parts == 1) combineParts(m, gridH, gridW, colsPad, acc, 1, vertical);
  else if (parts == 2) combineParts(m, gridH, gridW, colsPad, acc, 2, vertical);
  else combineParts(m, gridH, gridW, colsPad, acc, parts, vertical);
}

@inline function combineParts(m: usize, gridH: i32, gridW: i32, colsPad: i32, acc: usize, parts: i32, vertical: bool): void {
  const rowBytes = <usize>colsPad << 2;
  const mat = <usize>winogradPairsPad(gridH, gridW, vertical) * rowBytes;
  const m3 = <usize>(1 + 2 * parts) * mat;
  const pairsOuter = vertical ? (gridH + 1) >> 1 : gridH;
  const pairsInner = vertical ? gridW : (gridW + 1) >> 1;
  const second = vertical ? <usize>gridW * rowBytes : rowBytes; // y1's offset from y0 in acc
  let q = m;
  for (let a = 0; a < pairsOuter; a++) {
    for (let b = 0; b < pairsInner; b++) {
      const oy = vertical ? 2 * a : a;
      const ox = vertical ? b : 2 * b;
      const out = acc + <usize>(oy * gridW + ox) * rowBytes;
      const two = vertical ? oy + 1 < gridH : ox + 1 < gridW;
      for (let o: usize = 0; o < rowBytes; o += 16) {
        let h0: v128, h1: v128;
        if (parts == 1) {
          const m1 = v128.load(q + mat + o);
          const m2 = v128.load(q + 2 * mat + o);
          h0 = i32x4.shr_s(i32x4.add(m1, m2), 1);
          h1 = i32x4.shr_s(i32x4.sub(m1, m2), 1);
        } else if (parts == 2) {
          const m1a = v128.load(q + mat + o);
          const m1b = v128.load(q + 2 * mat + o);
          const m2a = v128.load(q + 3 * mat + o);
          const m2b = v128.load(q + 4 * mat + o);
          h0 = i32x4.add(i32x4.shr_s(i32x4.add(m1a, m2a), 1), i32x4.shr_s(i32x4.add(m1b, m2b), 1));
          h1 = i32x4.add(i32x4.shr_s(i32x4.sub(m1a, m2a), 1), i32x4.shr_s(i32x4.sub(m1b, m2b), 1));
        } else {
          h0 = i32x4.splat(0);
          h1 = i32x4.splat(0);
          for (let s = 0; s < parts; s++) {
            const m1 = v128.load(q + <usize>(1 + s) * mat + o);
            const m2 = v128.load(q + <usize>(1 + parts + s) * mat + o);
            h0 = i32x4.add(h0, i32x4.shr_s(i32x4.add(m1, m2), 1));
            h1 = i32x4.add(h1, i32x4.shr_s(i32x4.sub(m1, m2), 1));
          }
        }
        v128.store(out + o, i32x4.add(v128.load(q + o), h0));
        if (two) v128.store(out + second + o, i32x4.sub(h1, v128.load(q + m3 + o)));
      }
      q += rowBytes;
    }
  }
}
