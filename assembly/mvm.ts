// The array's matrix-vector multiply in integers: DAC codes (int16) × conductances (int16, LSB = g_max/4096)
// → int32 bit-line accumulators, for many input vectors (output positions) at once.
//
// Layout (per piece, built by the controller after every snapshot):
//   x   [positions][rowsPad] int16            the IM2COL output, one row vector per position
//   w   [colsPad/4][rowsPad/8][4][8] int16    the piece's conductances transposed and interleaved in
//        blocks of 4 columns: for each 8 rows, the 4 columns' 8 cells follow each other (64 bytes), so
//        the kernel reads them at immediate offsets of one pointer (+18 % over 4 column pointers, bench/)
//   acc [positions][colsPad] int32
// wIndex(k, c, rowsPad) gives the int16 index of cell (row k, column c).
// rowsPad is a multiple of 8 (one v128 of int16), colsPad a multiple of 4 and positions a multiple of 2
// (the 2 × 4 register block); padding holds zeros, so it adds nothing.
//
// Overflow is impossible by construction: |code| ≤ 2^8 − 1 = 255 (8-bit ADC → 9-bit DAC), |G| ≤ 2·g_max
// = 8192 LSB (the crossbar clamps), rows ≤ 1024, so |acc| ≤ 1024 · 255 · 8192 = 2,139,095,040 < 2^31 − 1.
// The pairwise i32x4.dot_i16x8_s products are ≤ 2 · 255 · 8192, far from its one overflow case
// (−32768 · −32768 · 2). Both kernels therefore agree exactly with integer arithmetic.

/** Index (in int16) of cell (row k, column c) in the interleaved weight layout. */
@inline export function wIndex(k: i32, c: i32, rowsPad: i32): i32 {
  return (c >> 2) * rowsPad * 4 + (k >> 3) * 32 + (c & 3) * 8 + (k & 7);
}

/** Horizontal sums of four i32x4 vectors, as one i32x4 [Σa, Σb, Σc, Σd]. */
@inline export function hsum4(a: v128, b: v128, c: v128, d: v128): v128 {
  const ab = i32x4.add(i32x4.shuffle(a, b, 0, 4, 1, 5), i32x4.shuffle(a, b, 2, 6, 3, 7));
  const cd = i32x4.add(i32x4.shuffle(c, d, 0, 4, 1, 5), i32x4.shuffle(c, d, 2, 6, 3, 7));
  return i32x4.add(i32x4.shuffle(ab, cd, 0, 1, 4, 5), i32x4.shuffle(ab, cd, 2, 3, 6, 7));
}

/**
 * SIMD kernel, 2 positions × 4 columns per register block (8 accumulators, 2 + 4 operand registers).
 * Columns are the outer loop so the 4-column weight block (4 · rowsPad · 2 bytes) stays in L1 while the
 * position vectors stream through.
 */
export function mvmSimd(x: usize, w: usize, acc: usize, positions: i32, rowsPad: i32, colsPad: i32): void {
  mvmSimdFrom(x, w, acc, positions, rowsPad, colsPad, 0);
}

/** mvmSimd on columns [c0, colsPad) only (c0 a multiple of 4): the rest of a piece mvm-lanes.ts computes. */
export function mvmSimdFrom(x: usize, w: usize, acc: usize, positions: i32, rowsPad: i32, colsPad: i32, c0: i32): void {
  simdLoop(x, <usize>rowsPad << 1, w, acc, positions, rowsPad, colsPad, c0);
}

/** mvmSimdFrom with position vectors xStride bytes apart (rowsPad of their rows read): a row range of longer vectors (winograd.ts's parts). */
export function mvmSimdStrided(x: usize, xStride: i32, w: usize, acc: usize, positions: i32, rowsPad: i32, colsPad: i32, c0: i32): void {
  simdLoop(x, <usize>xStride, w, acc, positions, rowsPad, colsPad, c0);
}

@inline function simdLoop(x: usize, xStride: usize, w: usize, acc: usize, positions: i32, rowsPad: i32, colsPad: i32, c0: i32): void {
  const rowBytes = <usize>rowsPad << 1;
  const blockBytes = rowBytes << 2;
  const accRowBytes = <usize>colsPad << 2;
  for (let c = c0; c < colsPad; c += 4) {
    const wBlock = w + (<usize>(c >> 2)) * blockBytes;
    let out = acc + (<usize>c << 2);
    let x0 = x;
    for (let p = 0; p < positions; p += 2) {
      let a00 = i32x4.splat(0), a01 = i32x4.splat(0), a02 = i32x4.splat(0), a03 = i32x4.splat(0);
      let a10 = i32x4.splat(0), a11 = i32x4.splat(0), a12 = i32x4.splat(0), a13 = i32x4.splat(0);
      let xp = x0;
      const xEnd = x0 + rowBytes;
      let wp = wBlock;
      for (; xp < xEnd; xp += 16, wp += 64) {
        const v0 = v128.load(xp);
        const v1 = v128.load(xp + xStride);
        const g0 = v128.load(wp, 0);
        const g1 = v128.load(wp, 16);
        const g2 = v128.load(wp, 32);
        const g3 = v128.load(wp, 48);
        a00 = i32x4.add(a00, i32x4.dot_i16x8_s(v0, g0));
        a01 = i32x4.add(a01, i32x4.dot_i16x8_s(v0, g1));
        a02 = i32x4.add(a02, i32x4.dot_i16x8_s(v0, g2));
        a03 = i32x4.add(a03, i32x4.dot_i16x8_s(v0, g3));
        a10 = i32x4.add(a10, i32x4.dot_i16x8_s(v1, g0));
        a11 = i32x4.add(a11, i32x4.dot_i16x8_s(v1, g1));
        a12 = i32x4.add(a12, i32x4.dot_i16x8_s(v1, g2));
        a13 = i32x4.add(a13, i32x4.dot_i16x8_s(v1, g3));
      }
      v128.store(out, hsum4(a00, a01, a02, a03));
      v128.store(out + accRowBytes, hsum4(a10, a11, a12, a13));
      out += accRowBytes << 1;
      x0 += xStride << 1;
    }
  }
}

/** The golden scalar kernel: the same contract, one multiply-add at a time. Tests hold mvmSimd to it. */
export function mvmGolden(x: usize, w: usize, acc: usize, positions: i32, rowsPad: i32, colsPad: i32): void {
  for (let p = 0; p < positions; p++) {
    for (let c = 0; c < colsPad; c++) {
      let s: i32 = 0;
      for (let k = 0; k < rowsPad; k++) {
        s += <i32>load<i16>(x + ((<usize>p * rowsPad + k) << 1)) * <i32>load<i16>(w + (<usize>wIndex(k, c, rowsPad) << 1));
      }
      store<i32>(acc + ((<usize>p * colsPad + c) << 2), s);
    }
  }
}

/** Test and bench surface: scratch memory for kernel operands (allocated once, grows only). */
let scratchPtr: usize = 0;
let scratchBytes: usize = 0;
export function mvmScratch(bytes: i32): usize {
  if (<usize>bytes > scratchBytes) {
    scratchPtr = heap.alloc(<usize>bytes + 16);
    scratchPtr = (scratchPtr + 15) & ~<usize>15;
    scratchBytes = <usize>bytes;
  }
  return scratchPtr;
}
