// IM2COL for a 3×3 kernel over 3 channels (VWW's stem on the RGB input; issue 14): the general
// im2colConv copies its 3 kernel rows of 9 codes as 8 + 1 codes each, ~22 ns a position, half the
// stem's time. Here an inside position is 3 loads of 16 bytes, 2 byte shuffles that pack the 27 codes,
// 4 widening stores: the row vector [27 codes, 5 zeros] of rowsPad = 32. Positions whose window meets
// the padding, or whose last load would pass the tensor's end, are copied tap by tap. Signed codes (int16,
// VWW's centred input) take im2colRgbSigned: per kernel row one 16-byte load and one int16 load, stored
// as they are (no packing: a kernel row is 18 contiguous bytes in the source and in the vector).
// Same vectors, Σ|code| and fetch count as im2colConv (test/host/chip/im2col-rgb.test.ts).

/** True when im2colRgb can build this piece's vectors: 3×3 kernel, 3 channels, the whole kernel in the piece. */
export function im2colRgbEligible(kh: i32, kw: i32, inC: i32, rowStart: i32, rows: i32, rowsPad: i32): bool {
  return kh == 3 && kw == 3 && inC == 3 && rowStart == 0 && rows == 27 && rowsPad == 32;
}

/** Σ|code| over the vectors of the last call (the PWM pulses, as im2colPulses). */
export let rgbPulses: i64 = 0;
/** Codes fetched from SRAM by the last call. */
export let rgbFetches: i64 = 0;

/** im2colConv's contract for an eligible piece: x[posPad][32] int16, rows of padding positions zero. */
export function im2colRgb(
  src: usize, signed: bool, inH: i32, inW: i32, stride: i32, padTop: i32, padLeft: i32, gridH: i32, gridW: i32, posPad: i32, x: usize,
): void {
  if (signed) {
    im2colRgbSigned(src, inH, inW, stride, padTop, padLeft, gridH, gridW, posPad, x);
    return;
  }
  const rowBytes = <usize>(inW * 3);
  const tensorEnd = src + <usize>inH * rowBytes;
  // Keeps bytes 0–10 of the second packed vector (B[7], B[8], C[0..8]); lanes 11–15 become the zero rows 27–31.
  const keep11 = i8x16(-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, 0, 0, 0, 0, 0);
  let pulses: i64 = 0;
  let fetches: i64 = 0;
  let dst = x;
  for (let oy = 0; oy < gridH; oy++) {
    const iy0 = oy * stride - padTop;
    let lanes = i32x4.splat(0); // ≤ 8 · 255 a lane per position, ≤ 2^20 positions a row: no overflow
    for (let ox = 0; ox < gridW; ox++) {
      const ix0 = ox * stride - padLeft;
      const a = src + <usize>iy0 * rowBytes + <usize>(ix0 * 3);
      if (iy0 >= 0 && iy0 + 3 <= inH && ix0 >= 0 && ix0 + 3 <= inW && a + (rowBytes << 1) + 16 <= tensorEnd) {
        const r0 = v128.load(a);
        const r1 = v128.load(a + rowBytes);
        const r2 = v128.load(a + (rowBytes << 1));
        // Codes 0–15: row 0's 9, row 1's first 7; codes 16–31: row 1's last 2, row 2's 9, 5 zeros.
        const lo = i8x16.shuffle(r0, r1, 0, 1, 2, 3, 4, 5, 6, 7, 8, 16, 17, 18, 19, 20, 21, 22);
        const hi = v128.and(i8x16.shuffle(r1, r2, 7, 8, 16, 17, 18, 19, 20, 21, 22, 23, 24, 0, 0, 0, 0, 0), keep11);
        v128.store(dst, i16x8.extend_low_i8x16_u(lo));
        v128.store(dst, i16x8.extend_high_i8x16_u(lo), 16);
        v128.store(dst, i16x8.extend_low_i8x16_u(hi), 32);
        v128.store(dst, i16x8.extend_high_i8x16_u(hi), 48);
        lanes = i32x4.add(lanes, i32x4.extadd_pairwise_i16x8_u(i16x8.add(i16x8.extadd_pairwise_i8x16_u(lo), i16x8.extadd_pairwise_i8x16_u(hi))));
        fetches += 27;
      } else {
        pulses += tapByTap(src, false, rowBytes, inH, inW, iy0, ix0, dst);
        fetches += 3 * windowTaps(iy0, ix0, inH, inW);
      }
      dst += 64;
    }
    pulses += <i64>i32x4.extract_lane(lanes, 0) + <i64>i32x4.extract_lane(lanes, 1) + <i64>i32x4.extract_lane(lanes, 2) + <i64>i32x4.extract_lane(lanes, 3);
  }
  zeroPaddingRows(x, gridH * gridW, posPad);
  rgbPulses = pulses;
  rgbFetches = fetches;
}

/**
 * A window that meets the padding (or, unsigned, whose last 16-byte load would pass the tensor's end):
 * its row vector zeroed, then copied tap by tap (3 codes a tap, 1 byte each unsigned, 2 signed).
 * Returns the window's Σ|code|.
 */
function tapByTap(src: usize, signed: bool, rowBytes: usize, inH: i32, inW: i32, iy0: i32, ix0: i32, dst: usize): i64 {
  const z = i32x4.splat(0);
  v128.store(dst, z);
  v128.store(dst, z, 16);
  v128.store(dst, z, 32);
  v128.store(dst, z, 48);
  const pixelBytes = signed ? 6 : 3;
  let sum = 0;
  for (let ky = 0; ky < 3; ky++) {
    const iy = iy0 + ky;
    if (iy < 0 || iy >= inH) continue;
    for (let kx = 0; kx < 3; kx++) {
      const ix = ix0 + kx;
      if (ix < 0 || ix >= inW) continue;
      const from = src + <usize>iy * rowBytes + <usize>(ix * pixelBytes);
      const to = dst + (<usize>((ky * 3 + kx) * 3) << 1);
      for (let ci = 0; ci < 3; ci++) {
        const code = signed ? <i32>load<i16>(from + (<usize>ci << 1)) : <i32>load<u8>(from + <usize>ci);
        store<i16>(to + (<usize>ci << 1), <i16>code);
        sum += abs(code);
      }
    }
  }
  return <i64>sum;
}

/** Taps of the 3×3 window at (iy0, ix0) that lie inside the inH × inW tensor (3 code fetches each). */
function windowTaps(iy0: i32, ix0: i32, inH: i32, inW: i32): i32 {
  return max(min(iy0 + 3, inH) - max(iy0, 0), 0) * max(min(ix0 + 3, inW) - max(ix0, 0), 0);
}

/** Rows of the padding positions gridH·gridW … posPad − 1 are zero. */
function zeroPaddingRows(x: usize, from: i32, posPad: i32): void {
  const z = i32x4.splat(0);
  for (let p = from; p < posPad; p++) {
    const row = x + (<usize>p << 6);
    v128.store(row, z);
    v128.store(row, z, 16);
    v128.store(row, z, 32);
    v128.store(row, z, 48);
  }
}

/**
 * The signed form: codes are int16 LE, a pixel 6 bytes. An inside position's kernel row is codes 0–7 in
 * one 16-byte load plus code 8, stored at bytes 18·ky of the vector; bytes 54–63 (rows 27–31) stay zero.
 * Every load stays inside the window (9 codes = 18 bytes a row), so no position needs the end check.
 */
function im2colRgbSigned(
  src: usize, inH: i32, inW: i32, stride: i32, padTop: i32, padLeft: i32, gridH: i32, gridW: i32, posPad: i32, x: usize,
): void {
  const rowBytes = <usize>(inW * 6);
  const z = i32x4.splat(0);
  let pulses: i64 = 0;
  let fetches: i64 = 0;
  let dst = x;
  for (let oy = 0; oy < gridH; oy++) {
    const iy0 = oy * stride - padTop;
    let lanes = i32x4.splat(0); // ≤ 6 · 255 a lane per position (|code| ≤ 2^b − 1), ≤ 2^20 positions a row
    for (let ox = 0; ox < gridW; ox++) {
      const ix0 = ox * stride - padLeft;
      if (iy0 >= 0 && iy0 + 3 <= inH && ix0 >= 0 && ix0 + 3 <= inW) {
        const a = src + <usize>iy0 * rowBytes + <usize>(ix0 * 6);
        const r0 = v128.load(a);
        const r1 = v128.load(a + rowBytes);
        const r2 = v128.load(a + (rowBytes << 1));
        const c0 = <i32>load<i16>(a, 16);
        const c1 = <i32>load<i16>(a + rowBytes, 16);
        const c2 = <i32>load<i16>(a + (rowBytes << 1), 16);
        v128.store(dst, z, 48); // rows 24–31 first: row 2's store then overwrites 24–26
        v128.store(dst, r0);
        store<i16>(dst, <i16>c0, 16);
        v128.store(dst, r1, 18);
        store<i16>(dst, <i16>c1, 34);
        v128.store(dst, r2, 36);
        store<i16>(dst, <i16>c2, 52);
        lanes = i32x4.add(lanes, i32x4.extadd_pairwise_i16x8_s(i16x8.add(i16x8.add(i16x8.abs(r0), i16x8.abs(r1)), i16x8.abs(r2))));
        pulses += <i64>(abs(c0) + abs(c1) + abs(c2));
        fetches += 27;
      } else {
        pulses += tapByTap(src, true, rowBytes, inH, inW, iy0, ix0, dst);
        fetches += 3 * windowTaps(iy0, ix0, inH, inW);
      }
      dst += 64;
    }
    pulses += <i64>i32x4.extract_lane(lanes, 0) + <i64>i32x4.extract_lane(lanes, 1) + <i64>i32x4.extract_lane(lanes, 2) + <i64>i32x4.extract_lane(lanes, 3);
  }
  zeroPaddingRows(x, gridH * gridW, posPad);
  rgbPulses = pulses;
  rgbFetches = fetches;
}
