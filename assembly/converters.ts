// The converters at the array's edges (paper section 3.2, eq. 3–5; pcm-model.md §7–8; contracts.md §2).
//
// DAC: symmetric (b+1)-bit quantizer, codes −(2^b−1) … 2^b−1, Δ_DAC = r_DAC/(2^b−1); a PWM DAC applies
//      |code| unit pulses. After a ReLU only the 2^b−1 positive codes occur (the paper's extra bit).
// ADC: symmetric b-bit quantizer on the bit-line charge: a = clip(round(k·I), ±(2^(b−1)−1)),
//      k = |S|·c_b with c_b = (2^(b−1)−1)/((2^b−1)·g_max) (pcm-model.md §8). The MVM accumulates
//      I in units of (DAC code × conductance LSB), LSB = g_max/4096, so k_LSB = |S|·(2^(b−1)−1)/((2^b−1)·4096).
// Mux4: an array of C columns has C/4 ADCs; ADC j serves columns j, j+C/4, j+2C/4, j+3C/4, each with its
//      own select, so a piece needs as many conversions per position as the most columns on one ADC.
// Rounding is half to even everywhere (WASM `nearest`).

import { CONDUCTANCE_LSB_PER_GMAX } from './crossbar';

export const MUX_WAYS: i32 = 4;

/** Largest DAC code magnitude at b ADC bits: 2^b − 1 (the DAC has b+1 bits). */
@inline export function dacMaxCode(bits: i32): i32 {
  return (1 << bits) - 1;
}

/** Largest ADC code magnitude: 2^(b−1) − 1. */
@inline export function adcMaxCode(bits: i32): i32 {
  return (1 << (bits - 1)) - 1;
}

/** Δ_DAC = r_DAC / (2^b − 1). */
@inline export function dacStep(rDac: f32, bits: i32): f32 {
  return rDac / <f32>dacMaxCode(bits);
}

/** Δ_ADC = r_ADC / (2^(b−1) − 1). */
@inline export function adcStep(rAdc: f32, bits: i32): f32 {
  return rAdc / <f32>adcMaxCode(bits);
}

/**
 * DAC code of x (eq. 4): clip(nearest(x/Δ), minCode, maxCode); unsigned buffers pass minCode = 0 (an
 * unsigned SRAM code cannot hold a negative value). Clamping the rounded code equals eq. 4's clipping of
 * x to ±r first: x/Δ and rounding are monotonic and nearest(r/Δ) = 2^b − 1 exactly. NaN gives 0.
 */
@inline export function dacCode(x: f32, step: f32, minCode: i32, maxCode: i32): i32 {
  return min<i32>(max<i32>(<i32>nearest<f32>(x / step), minCode), maxCode);
}

/** Current-to-code gain in accumulator units: k = |S|·(2^(b−1)−1) / ((2^b−1)·4096). */
export function adcGain(absS: f64, bits: i32): f64 {
  return (absS * <f64>adcMaxCode(bits)) / (<f64>dacMaxCode(bits) * CONDUCTANCE_LSB_PER_GMAX);
}

/** ADC code of an accumulated bit-line charge: clip(nearest(k·acc), ±maxCode) (k·acc in f64: exact enough for 2^31). */
@inline export function adcCode(acc: i32, k: f64, maxCode: i32): i32 {
  return min<i32>(max<i32>(<i32>nearest<f64>(<f64>acc * k), -maxCode), maxCode);
}

/**
 * ADC code of a replicated piece's column charge (`copies` stacked copies of its rows): the ADC's gain is
 * k/copies (its integration time ÷ copies), applied as clip(nearest((acc / copies)·k)). acc / copies is
 * one correctly rounded f64 division, so when the copies are identical (ideal preset: acc = copies·a
 * exactly) the code is adcCode(a) bit for bit.
 */
@inline export function adcCodeCopies(acc: i32, copies: i32, k: f64, maxCode: i32): i32 {
  return min<i32>(max<i32>(<i32>nearest<f64>((<f64>acc / <f64>copies) * k), -maxCode), maxCode);
}

/**
 * The ADCs of one piece over all positions: out[p·outStride + c] += clip(nearest(k·acc[p·accStride + c]), ±maxCode)
 * for c < cols (row pieces of a split layer add their codes digitally). SIMD, 4 columns at a time: the
 * clip happens before rounding (same result, the bounds are integers) and nearest() is the f64
 * "add 1.5·2^52" trick (round half to even, WASM's only rounding mode), whose low 32 bits are the code.
 * copies > 1 (row replication): the charge is divided by copies first (adcCodeCopies); 1 leaves it alone.
 */
export function adcConvertRows(acc: usize, accStride: i32, positions: i32, cols: i32, k: f64, maxCode: i32, out: usize, outStride: i32, copies: i32): void {
  const kv = f64x2.splat(k);
  const cv = f64x2.splat(<f64>copies);
  const replicated = copies > 1;
  const hi = f64x2.splat(<f64>maxCode);
  const lo = f64x2.splat(-<f64>maxCode);
  const magic = f64x2.splat(6755399441055744.0); // 1.5 · 2^52
  for (let p = 0; p < positions; p++) {
    const a0 = acc + (<usize>(p * accStride) << 2);
    const o0 = out + (<usize>(p * outStride) << 2);
    let c = 0;
    for (; c + 4 <= cols; c += 4) {
      const i = <usize>c << 2;
      const a = v128.load(a0 + i);
      let x0 = f64x2.convert_low_i32x4_s(a);
      let x1 = f64x2.convert_low_i32x4_s(i32x4.shuffle(a, a, 2, 3, 0, 1));
      if (replicated) {
        x0 = f64x2.div(x0, cv);
        x1 = f64x2.div(x1, cv);
      }
      const v0 = f64x2.add(f64x2.pmax(f64x2.pmin(f64x2.mul(x0, kv), hi), lo), magic);
      const v1 = f64x2.add(f64x2.pmax(f64x2.pmin(f64x2.mul(x1, kv), hi), lo), magic);
      v128.store(o0 + i, i32x4.add(v128.load(o0 + i), i32x4.shuffle(v0, v1, 0, 2, 4, 6)));
    }
    for (; c < cols; c++) {
      const i = <usize>c << 2;
      const a = load<i32>(a0 + i);
      store<i32>(o0 + i, load<i32>(o0 + i) + (replicated ? adcCodeCopies(a, copies, k, maxCode) : adcCode(a, k, maxCode)));
    }
  }
}

/**
 * adcConvertRows for the one piece of a layer, one copy: out[p·outStride + c] = the code (written, not
 * added: nothing else contributes). When k ≤ 1/2, |k·acc| ≤ 2^30 for every int32 acc, so the rounded
 * charge fits int32 and the clip can follow the rounding in integers (the same code: the bounds are
 * integers and rounding is monotonic) — two f64 min/max fewer per 2 lanes.
 */
export function adcConvertPiece(acc: usize, accStride: i32, positions: i32, cols: i32, k: f64, maxCode: i32, out: usize, outStride: i32): void {
  const kv = f64x2.splat(k);
  const magic = f64x2.splat(6755399441055744.0); // 1.5 · 2^52
  const hiF = f64x2.splat(<f64>maxCode);
  const loF = f64x2.splat(-<f64>maxCode);
  const hi = i32x4.splat(maxCode);
  const lo = i32x4.splat(-maxCode);
  const intClip = k <= 0.5;
  for (let p = 0; p < positions; p++) {
    const a0 = acc + (<usize>(p * accStride) << 2);
    const o0 = out + (<usize>(p * outStride) << 2);
    let c = 0;
    if (intClip) {
      for (; c + 4 <= cols; c += 4) {
        const i = <usize>c << 2;
        const a = v128.load(a0 + i);
        const v0 = f64x2.add(f64x2.mul(f64x2.convert_low_i32x4_s(a), kv), magic);
        const v1 = f64x2.add(f64x2.mul(f64x2.convert_low_i32x4_s(i32x4.shuffle(a, a, 2, 3, 0, 1)), kv), magic);
        v128.store(o0 + i, i32x4.min_s(i32x4.max_s(i32x4.shuffle(v0, v1, 0, 2, 4, 6), lo), hi));
      }
    } else {
      for (; c + 4 <= cols; c += 4) {
        const i = <usize>c << 2;
        const a = v128.load(a0 + i);
        const v0 = f64x2.add(f64x2.pmax(f64x2.pmin(f64x2.mul(f64x2.convert_low_i32x4_s(a), kv), hiF), loF), magic);
        const v1 = f64x2.add(f64x2.pmax(f64x2.pmin(f64x2.mul(f64x2.convert_low_i32x4_s(i32x4.shuffle(a, a, 2, 3, 0, 1)), kv), hiF), loF), magic);
        v128.store(o0 + i, i32x4.shuffle(v0, v1, 0, 2, 4, 6));
      }
    }
    for (; c < cols; c++) {
      const i = <usize>c << 2;
      store<i32>(o0 + i, adcCode(load<i32>(a0 + i), k, maxCode));
    }
  }
}

/** Exported for tests: the DAC quantizer on one value. */
export function dacQuantize(x: f32, rDac: f32, bits: i32, signed: bool): i32 {
  const m = dacMaxCode(bits);
  return dacCode(x, dacStep(rDac, bits), signed ? -m : 0, m);
}

/** Exported for tests: the ADC on one accumulator value. */
export function adcQuantize(acc: i32, absS: f64, bits: i32): i32 {
  return adcCode(acc, adcGain(absS, bits), adcMaxCode(bits));
}

/**
 * Mux4: conversions per output position for columns [col, col+cols) of an array `arrayCols` wide —
 * the most columns that share one ADC (ADC j serves columns ≡ j mod arrayCols/4).
 */
export function muxCyclesPerPosition(col: i32, cols: i32, arrayCols: i32): i32 {
  const nAdc = arrayCols / MUX_WAYS;
  let most = 0;
  for (let j = 0; j < nAdc; j++) {
    let n = 0;
    for (let c = j; c < arrayCols; c += nAdc) if (c >= col && c < col + cols) n++;
    if (n > most) most = n;
  }
  return most;
}

/** Mux4: ADCs serving at least one column of [col, col+cols) (the others are clock-gated). */
export function adcsInUse(col: i32, cols: i32, arrayCols: i32): i32 {
  const nAdc = arrayCols / MUX_WAYS;
  let used = 0;
  for (let j = 0; j < nAdc; j++) {
    for (let c = j; c < arrayCols; c += nAdc) {
      if (c >= col && c < col + cols) {
        used++;
        break;
      }
    }
  }
  return used;
}
