// The digital datapath after the ADCs, in float32 like the chip's FP unit (paper section 5: "each ADC
// quantized value requires a floating point activation/scaling operation"). Per output position, in
// the order of models/graphs/types.ts: ADC code × Δ_ADC × α_GDC, BN affine (scale, offset per channel),
// ReLU, residual add (zero-pad the narrower; no ReLU after), then either global average pooling or
// requantization to the next layer's DAC codes. The last layer leaves float32 logits.
// Each step is SIMD over 4 channels with a scalar tail; lane arithmetic is the same IEEE float32
// operation as the scalar one, so results do not depend on the channel count.

import { dacCode } from './converters';
import { sramLoadCode, sramStoreCode } from './sram';

/**
 * y[p][c] = (adc[p][c] · gain) · scale[c] + offset[c] for all positions and c < nMat, then ReLU (to +0)
 * if asked; gain = Δ_ADC · α. adc rows are nMat wide, y rows nOut wide (room for a wider skip).
 */
export function scaleBnRelu(adc: usize, positions: i32, nMat: i32, gain: f32, scale: usize, offset: usize, relu: bool, y: usize, nOut: i32): void {
  if (relu) bnLoop(adc, positions, nMat, gain, scale, offset, true, y, nOut);
  else bnLoop(adc, positions, nMat, gain, scale, offset, false, y, nOut);
}

/**
 * scaleBnRelu for values that go straight to requantize: ReLU as one max, which leaves −0 and NaN
 * where scaleBnRelu writes +0 — requantize gives all three the code 0.
 */
export function scaleBnReluMax(adc: usize, positions: i32, nMat: i32, gain: f32, scale: usize, offset: usize, y: usize, nOut: i32): void {
  const g = f32x4.splat(gain);
  const zero = f32x4.splat(0);
  for (let p = 0; p < positions; p++) {
    const a0 = adc + (<usize>(p * nMat) << 2);
    const y0 = y + (<usize>(p * nOut) << 2);
    let c = 0;
    for (; c + 4 <= nMat; c += 4) {
      const i = <usize>c << 2;
      const v = f32x4.add(f32x4.mul(f32x4.mul(f32x4.convert_i32x4_s(v128.load(a0 + i)), g), v128.load(scale + i)), v128.load(offset + i));
      v128.store(y0 + i, f32x4.pmax(v, zero));
    }
    for (; c < nMat; c++) {
      const i = <usize>c << 2;
      const v = (<f32>load<i32>(a0 + i) * gain) * load<f32>(scale + i) + load<f32>(offset + i);
      store<f32>(y0 + i, v > 0 ? v : 0);
    }
  }
}

@inline function bnLoop(adc: usize, positions: i32, nMat: i32, gain: f32, scale: usize, offset: usize, relu: bool, y: usize, nOut: i32): void {
  const g = f32x4.splat(gain);
  const zero = f32x4.splat(0);
  for (let p = 0; p < positions; p++) {
    const a0 = adc + (<usize>(p * nMat) << 2);
    const y0 = y + (<usize>(p * nOut) << 2);
    let c = 0;
    for (; c + 4 <= nMat; c += 4) {
      const i = <usize>c << 2;
      let v = f32x4.add(f32x4.mul(f32x4.mul(f32x4.convert_i32x4_s(v128.load(a0 + i)), g), v128.load(scale + i)), v128.load(offset + i));
      if (relu) v = v128.and(v, f32x4.gt(v, zero));
      v128.store(y0 + i, v);
    }
    for (; c < nMat; c++) {
      const i = <usize>c << 2;
      let v = (<f32>load<i32>(a0 + i) * gain) * load<f32>(scale + i) + load<f32>(offset + i);
      if (relu) v = v > 0 ? v : 0;
      store<f32>(y0 + i, v);
    }
  }
}

/**
 * Residual add (contracts.md §3) over all positions: y rows have nMat computed channels and become nOut
 * wide; the skip rows hold resC codes with step Δ_res. Channels missing on either side count as zero.
 * Every skip code is read before anything is requantized, so an in-place skip (same buffer as the
 * destination) is safe.
 */
export function residualAdd(y: usize, positions: i32, nMat: i32, nOut: i32, res: usize, resSigned: bool, resC: i32, resStep: f32): void {
  const s = f32x4.splat(resStep);
  const codeBytes: i32 = resSigned ? 2 : 1;
  for (let p = 0; p < positions; p++) {
    const y0 = y + (<usize>(p * nOut) << 2);
    const r0 = res + <usize>(p * resC * codeBytes);
    for (let c = nMat; c < nOut; c++) store<f32>(y0 + (<usize>c << 2), 0);
    let c = 0;
    for (; c + 4 <= resC; c += 4) {
      const i = <usize>c << 2;
      const codes = resSigned
        ? v128.load16x4_s(r0 + (<usize>c << 1))
        : i32x4.extend_low_i16x8_u(i16x8.extend_low_i8x16_u(v128.load32_zero(r0 + <usize>c)));
      v128.store(y0 + i, f32x4.add(v128.load(y0 + i), f32x4.mul(f32x4.convert_i32x4_s(codes), s)));
    }
    for (; c < resC; c++) {
      const i = <usize>c << 2;
      store<f32>(y0 + i, load<f32>(y0 + i) + <f32>sramLoadCode(r0, c, resSigned) * resStep);
    }
  }
}

/** Global average pool: sums[c] = Σ_p y[p][c] in position order, then / positions. */
export function averagePool(y: usize, positions: i32, n: i32, sums: usize): void {
  memory.fill(sums, 0, <usize>n << 2);
  for (let p = 0; p < positions; p++) {
    const y0 = y + (<usize>(p * n) << 2);
    let c = 0;
    for (; c + 4 <= n; c += 4) {
      const i = <usize>c << 2;
      v128.store(sums + i, f32x4.add(v128.load(sums + i), v128.load(y0 + i)));
    }
    for (; c < n; c++) {
      const i = <usize>c << 2;
      store<f32>(sums + i, load<f32>(sums + i) + load<f32>(y0 + i));
    }
  }
  const inv = <f32>positions;
  for (let c = 0; c < n; c++) {
    const i = <usize>c << 2;
    store<f32>(sums + i, load<f32>(sums + i) / inv);
  }
}

/**
 * dacCode on 4 lanes: y/Δ, NaN → 0, clipped to [lo, hi] (integers: clipping before rounding gives the same
 * code), rounded half to even by adding 1.5·2^23 (exact for |v| ≤ 2^22), read back as int32.
 */
@inline function codes4(y: v128, sv: v128, loF: v128, hiF: v128, magic: v128): v128 {
  let v = f32x4.div(y, sv);
  v = v128.and(v, f32x4.eq(v, v));
  v = f32x4.pmax(f32x4.pmin(v, hiF), loF);
  return i32x4.sub(f32x4.add(v, magic), magic);
}

/**
 * Quantize n float32 values to DAC codes in SRAM (eq. 4, round half to even, clip to ±(2^b−1), ≥ 0 if
 * unsigned): requantization to the consumer's range, and the network input through the first DAC. The
 * SIMD lanes (codes4) give dacCode's codes for every float, NaN, ±∞ and −0 included
 * (test/assembly/datapath.test.ts).
 */
export function requantize(y: usize, n: i32, dst: usize, signed: bool, step: f32, maxCode: i32): void {
  const minCode = signed ? -maxCode : 0;
  const sv = f32x4.splat(step);
  const hiF = f32x4.splat(<f32>maxCode);
  const loF = f32x4.splat(<f32>minCode);
  const magic = f32x4.splat(12582912.0); // 1.5 · 2^23
  let c = 0;
  for (; c + 8 <= n; c += 8) {
    const i = <usize>c << 2;
    const q0 = codes4(v128.load(y + i), sv, loF, hiF, magic);
    const q1 = codes4(v128.load(y + i + 16), sv, loF, hiF, magic);
    const h = i16x8.narrow_i32x4_s(q0, q1); // |code| ≤ 255: exact
    if (signed) v128.store(dst + (<usize>c << 1), h);
    else v128.store64_lane(dst + <usize>c, i8x16.narrow_i16x8_u(h, h), 0); // 0 … 255: exact
  }
  if (c + 4 <= n) {
    const q = codes4(v128.load(y + (<usize>c << 2)), sv, loF, hiF, magic);
    const h = i16x8.narrow_i32x4_s(q, q);
    if (signed) v128.store64_lane(dst + (<usize>c << 1), h, 0);
    else v128.store32_lane(dst + <usize>c, i8x16.narrow_i16x8_u(h, h), 0);
    c += 4;
  }
  for (; c < n; c++) sramStoreCode(dst, c, signed, dacCode(load<f32>(y + (<usize>c << 2)), step, minCode, maxCode));
}
