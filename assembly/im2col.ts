// The IM2COL unit: the address generator that turns an HWC activation tensor in SRAM into the row
// vectors the DACs drive, one per output position, for one piece of a layer (mvm.ts layout:
// x[positions][rowsPad] int16, zero where the window hangs over the 'same' padding or past `rows`).
//
// conv / dense: matrix row r = (ky·kw + kx)·cin + ci (HWIO), a piece takes rows [rowStart, rowStart+rows).
//   A dense layer is a kh = in.h, kw = in.w window at one position (flatten in HWC order).
// depthwise: a piece covers channels [c0, c0+G); its rows are (tap, channel) tap-major, taps·G of them.
// Each call also counts the PWM pulses Σ|code| it produced and the codes it fetched from SRAM.


/** Σ|code| over the vectors written by the last call (PWM unit pulses per array cycle, summed). */
export let im2colPulses: i64 = 0;
/** Codes fetched from SRAM by the last call (padding taps fetch nothing). */
export let im2colFetches: i64 = 0;

/**
 * Copy `count` codes from SRAM to int16 at `out` and add their |code| to the lanes of `pulses` (summed
 * once per call of the IM2COL unit, not per copy). Chunks of 8 and 4 codes go through SIMD; short
 * kernel rows (the KWS input layer's 4 codes, the VWW stem's 9) are mostly such chunks.
 */
@inline function copyCodes(src: usize, signed: bool, index: i32, count: i32, out: usize, pulses: v128): v128 {
  let c = 0;
  let tail = 0;
  if (signed) {
    const from = src + (<usize>index << 1);
    for (; c + 8 <= count; c += 8) {
      const v = v128.load(from + (<usize>c << 1));
      v128.store(out + (<usize>c << 1), v);
      pulses = i32x4.add(pulses, i32x4.extadd_pairwise_i16x8_s(i16x8.abs(v)));
    }
    if (c + 4 <= count) {
      const v = v128.load64_zero(from + (<usize>c << 1));
      v128.store64_lane(out + (<usize>c << 1), v, 0);
      pulses = i32x4.add(pulses, i32x4.extadd_pairwise_i16x8_s(i16x8.abs(v)));
      c += 4;
    }
    for (; c < count; c++) {
      const code = <i32>load<i16>(from + (<usize>c << 1));
      store<i16>(out + (<usize>c << 1), <i16>code);
      tail += abs<i32>(code);
    }
  } else {
    const from = src + <usize>index;
    for (; c + 8 <= count; c += 8) {
      const v = v128.load8x8_u(from + <usize>c);
      v128.store(out + (<usize>c << 1), v);
      pulses = i32x4.add(pulses, i32x4.extadd_pairwise_i16x8_s(v));
    }
    if (c + 4 <= count) {
      const v = i16x8.extend_low_i8x16_u(v128.load32_zero(from + <usize>c));
      v128.store64_lane(out + (<usize>c << 1), v, 0);
      pulses = i32x4.add(pulses, i32x4.extadd_pairwise_i16x8_s(v));
      c += 4;
    }
    for (; c < count; c++) {
      const code = <i32>load<u8>(from + <usize>c);
      store<i16>(out + (<usize>c << 1), <i16>code);
      tail += code;
    }
  }
  return tail != 0 ? i32x4.add(pulses, i32x4.replace_lane(i32x4.splat(0), 0, tail)) : pulses;
}

@inline function laneSum(v: v128): i64 {
  return <i64>i32x4.extract_lane(v, 0) + <i64>i32x4.extract_lane(v, 1) + <i64>i32x4.extract_lane(v, 2) + <i64>i32x4.extract_lane(v, 3);
}

/** Zero `bytes` (a multiple of 16) at `p`: inline stores beat V8's out-of-line memory.fill on short rows. */
@inline function zeroRow(p: usize, bytes: usize): void {
  const z = i32x4.splat(0);
  for (let o: usize = 0; o < bytes; o += 16) v128.store(p + o, z);
}

/**
 * conv / dense: rows [rowStart, rowStart + rows) of the (kh·kw·inC)-row matrix, for the gridH × gridW
 * output positions; rows ≥ `rows` and positions ≥ gridH·gridW up to posPad are zero.
 */
export function im2colConv(
  src: usize, signed: bool, inH: i32, inW: i32, inC: i32,
  kh: i32, kw: i32, stride: i32, padTop: i32, padLeft: i32, gridH: i32, gridW: i32, posPad: i32,
  rowStart: i32, rows: i32, rowsPad: i32, x: usize,
): void {
  const rowBytes = <usize>rowsPad << 1;
  const tapFirst = rowStart / inC;
  const tapLast = (rowStart + rows - 1) / inC;
  const kyFirst = tapFirst / kw;
  const kyLast = min<i32>(tapLast / kw, kh - 1);
  let pulses: i64 = 0;
  let fetches: i64 = 0;
  let dst = x;
  for (let oy = 0; oy < gridH; oy++) {
    for (let ox = 0; ox < gridW; ox++) {
      let lanes = i32x4.splat(0); // Σ|code| of this position, 4 partial sums (each < 2^31: ≤ 1024·255)
      zeroRow(dst, rowBytes);
      const ix0 = ox * stride - padLeft;
      const rowInside = ix0 >= 0 && ix0 + kw <= inW;
      for (let ky = kyFirst; ky <= kyLast; ky++) {
        const iy = oy * stride - padTop + ky;
        if (iy < 0 || iy >= inH) continue;
        const r0 = ky * kw * inC - rowStart;
        if (r0 >= 0 && r0 + kw * inC <= rows) {
          // The whole kernel row is in the piece: its taps inside the input, kx ∈ [kxFirst, kxEnd), are
          // contiguous in HWC and in the row vector — one copy (the taps over the padding stay zero).
          // One copy instead of one per tap matters for few channels (KWS conv1: 4 taps of 1 channel).
          const kxFirst = rowInside ? 0 : max<i32>(0, -ix0);
          const kxEnd = rowInside ? kw : min<i32>(kw, inW - ix0);
          if (kxEnd > kxFirst) {
            const n = (kxEnd - kxFirst) * inC;
            lanes = copyCodes(src, signed, (iy * inW + ix0 + kxFirst) * inC, n, dst + (<usize>(r0 + kxFirst * inC) << 1), lanes);
            fetches += n;
          }
          continue;
        }
        for (let kx = 0; kx < kw; kx++) {
          const t = ky * kw + kx;
          if (t < tapFirst || t > tapLast) continue;
          const ix = ox * stride - padLeft + kx;
          if (ix < 0 || ix >= inW) continue;
          const cFirst = max<i32>(rowStart - t * inC, 0);
          const cEnd = min<i32>(rowStart + rows - t * inC, inC);
          const out = dst + (<usize>(t * inC + cFirst - rowStart) << 1);
          lanes = copyCodes(src, signed, (iy * inW + ix) * inC + cFirst, cEnd - cFirst, out, lanes);
          fetches += cEnd - cFirst;
        }
      }
      pulses += laneSum(lanes);
      dst += rowBytes;
    }
  }
  for (let p = gridH * gridW; p < posPad; p++) zeroRow(x + <usize>p * rowBytes, rowBytes);
  im2colPulses = pulses;
  im2colFetches = fetches;
}

/** depthwise: channels [c0, c0 + groupC), rows (tap, channel) tap-major (kh·kw·groupC of them). */
export function im2colDepthwise(
  src: usize, signed: bool, inH: i32, inW: i32, inC: i32,
  kh: i32, kw: i32, stride: i32, padTop: i32, padLeft: i32, gridH: i32, gridW: i32, posPad: i32,
  c0: i32, groupC: i32, rowsPad: i32, x: usize,
): void {
  const rowBytes = <usize>rowsPad << 1;
  let pulses: i64 = 0;
  let fetches: i64 = 0;
  let dst = x;
  for (let oy = 0; oy < gridH; oy++) {
    for (let ox = 0; ox < gridW; ox++) {
      let lanes = i32x4.splat(0);
      zeroRow(dst, rowBytes);
      for (let ky = 0; ky < kh; ky++) {
        const iy = oy * stride - padTop + ky;
        if (iy < 0 || iy >= inH) continue;
        for (let kx = 0; kx < kw; kx++) {
          const ix = ox * stride - padLeft + kx;
          if (ix < 0 || ix >= inW) continue;
          const out = dst + (<usize>((ky * kw + kx) * groupC) << 1);
          lanes = copyCodes(src, signed, (iy * inW + ix) * inC + c0, groupC, out, lanes);
          fetches += groupC;
        }
      }
      pulses += laneSum(lanes);
      dst += rowBytes;
    }
  }
  for (let p = gridH * gridW; p < posPad; p++) zeroRow(x + <usize>p * rowBytes, rowBytes);
  im2colPulses = pulses;
  im2colFetches = fetches;
}

/**
 * Whether im2colQuad takes a piece: a conv whose kernel rows are 4 codes (kw·inC = 4: KWS's conv1, 10 × 4
 * on one channel) and whose piece holds all kh·4 rows.
 */
export function im2colQuadEligible(kw: i32, inC: i32, kh: i32, rowStart: i32, rows: i32): bool {
  return kw * inC == 4 && rowStart == 0 && rows == kh * 4;
}

/** int16 codes of im2colQuad's zero-bordered copy of the source: (gridH−1)·stride + kh rows of (gridW−1)·stride + kw pixels. */
export function im2colQuadBytes(kh: i32, kw: i32, inC: i32, stride: i32, gridH: i32, gridW: i32): i32 {
  return (((gridH - 1) * stride + kh) * ((gridW - 1) * stride + kw) * inC) * 2;
}

/**
 * im2colConv for a piece im2colQuadEligible takes: the source copied once into a zero-bordered int16
 * tensor at `pad` (im2colQuadBytes), whose every window row is then 4 contiguous codes — two kernel rows
 * per 16-byte store, no bounds checks. The same vectors, pulses and fetches as im2colConv.
 */
export function im2colQuad(
  src: usize, signed: bool, inH: i32, inW: i32, inC: i32, kh: i32, kw: i32, stride: i32, padTop: i32, padLeft: i32,
  gridH: i32, gridW: i32, posPad: i32, rowsPad: i32, x: usize, pad: usize,
): void {
  const ph = (gridH - 1) * stride + kh;
  const pw = (gridW - 1) * stride + kw;
  const line = <usize>(pw * inC) << 1; // bytes per padded row
  memory.fill(pad, 0, <usize>(ph * pw * inC) << 1);
  // Copy the input pixels some window reads; count fetches as im2colConv does (taps inside the input).
  const y1 = min<i32>(inH, ph - padTop);
  const x1 = min<i32>(inW, pw - padLeft);
  for (let iy = 0; iy < y1; iy++) {
    const to = pad + <usize>(iy + padTop) * line + (<usize>(padLeft * inC) << 1);
    const from = iy * inW * inC;
    for (let i = 0; i < x1 * inC; i++) {
      const code = signed ? <i32>load<i16>(src + (<usize>(from + i) << 1)) : <i32>load<u8>(src + <usize>(from + i));
      store<i16>(to + (<usize>i << 1), <i16>code);
    }
  }
  let insideY: i64 = 0;
  for (let oy = 0; oy < gridH; oy++) {
    const a = oy * stride - padTop;
    insideY += max<i32>(0, min<i32>(inH, a + kh) - max<i32>(0, a));
  }
  let insideX: i64 = 0;
  for (let ox = 0; ox < gridW; ox++) {
    const a = ox * stride - padLeft;
    insideX += max<i32>(0, min<i32>(inW, a + kw) - max<i32>(0, a));
  }
  const rowBytes = <usize>rowsPad << 1;
  const step = <usize>(stride * inC) << 1;
  const pairs = kh >> 1;
  let lanes = i32x4.splat(0); // per lane ≤ 2 codes of ≤ 32767 per store, < 2^31 over any layer here
  let pulses: i64 = 0;
  let dst = x;
  for (let oy = 0; oy < gridH; oy++) {
    let w = pad + <usize>(oy * stride) * line;
    for (let ox = 0; ox < gridW; ox++) {
      let r = w;
      let o = dst;
      for (let k = 0; k < pairs; k++) {
        const v = v128.load64_lane(r + line, v128.load64_zero(r), 1);
        v128.store(o, v);
        lanes = i32x4.add(lanes, i32x4.extadd_pairwise_i16x8_s(i16x8.abs(v)));
        r += line << 1;
        o += 16;
      }
      if (kh & 1) {
        const v = v128.load64_zero(r);
        v128.store64_lane(o, v, 0);
        lanes = i32x4.add(lanes, i32x4.extadd_pairwise_i16x8_s(i16x8.abs(v)));
        o += 8;
      }
      for (; o < dst + rowBytes; o += 2) store<i16>(o, 0);
      dst += rowBytes;
      w += step;
    }
    pulses += laneSum(lanes);
    lanes = i32x4.splat(0);
  }
  for (let p = gridH * gridW; p < posPad; p++) zeroRow(x + <usize>p * rowBytes, rowBytes);
  im2colPulses = pulses;
  im2colFetches = insideY * insideX * <i64>inC;
}
