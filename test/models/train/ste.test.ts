/**
 * The trainer's hardware abstractions on the wasm backend: STE rounding (half to even), the clip +
 * noise STE, the eq. 4 quantizer's values and gradients at its edges (hand-computed), the S-gradient
 * clip, eq. 5–6's r_DAC, and the schedules of section 6.1.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { getGraph } from '../../../models/graphs/index.js';
import { clipGainGradient, cosineLr, rangeLr, S_GRAD_CLIP } from '../../../models/train/hw.js';
import { useWasmTrainingBackend } from '../../../models/train/kernels.js';
import { createModel, disposeModel, rDacOf } from '../../../models/train/model.js';
import { clipNoiseSTE, clipSymmetric, maxCode, quantize, roundSTE } from '../../../models/train/ste.js';

beforeAll(async () => {
  await useWasmTrainingBackend();
});

const arr = (t: tf.Tensor) => Array.from(t.dataSync());

describe('roundSTE', () => {
  it('rounds half to even and passes the gradient straight through', () => {
    const x = tf.tensor1d([-2.5, -1.5, -0.5, 0.5, 1.5, 2.5, 0.49, -0.51, 3.7]);
    expect(arr(roundSTE(x)).map((v) => v + 0)).toEqual([-2, -2, 0, 0, 2, 2, 0, -1, 4]);
    const g = tf.grad((v: tf.Tensor) => tf.sum(tf.mul(roundSTE(v), tf.range(1, 10))))(x);
    expect(arr(g)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });
});

describe('clipNoiseSTE (eq. 1–2 under one STE)', () => {
  it('forward = clip(W0, ±W_max) + noise; gradient reaches W0 unchanged, also where clipped', () => {
    const w = tf.tensor1d([-3, -0.5, 0, 0.7, 2]);
    const noise = tf.tensor1d([0.1, -0.1, 0.2, 0, -0.3]);
    const y = clipNoiseSTE(w, 1, noise);
    arr(y).forEach((v, i) => expect(v).toBeCloseTo([-0.9, -0.6, 0.2, 0.7, 0.7][i]!, 6));
    const g = tf.grad((v: tf.Tensor) => tf.sum(tf.mul(clipNoiseSTE(v, 1, noise), tf.tensor1d([1, 2, 3, 4, 5]))))(w);
    expect(arr(g)).toEqual([1, 2, 3, 4, 5]);
  });
});

describe('quantize (eq. 4)', () => {
  it('4-bit ADC: codes ±7, Δ = r/7, clipped beyond ±r, half to even', () => {
    expect(maxCode(4)).toBe(7);
    expect(maxCode(9)).toBe(255); // an 8-bit chip's DAC (ADC + 1 bits): codes ±255 (contracts §2)
    const r = tf.scalar(7); // Δ = 1
    const x = tf.tensor1d([0.5, 1.5, 2.5, -2.5, 3.49, 7, 7.4, 100, -100, -6.6]);
    expect(arr(quantize(x, r, 4)).map((v) => v + 0)).toEqual([0, 2, 2, -2, 3, 7, 7, 7, -7, -7]);
  });

  it('8-bit with r = 2: step 2/127, values at the edges', () => {
    const q = arr(quantize(tf.tensor1d([2, -2, 1e-3, 2 / 127, 2.0001]), tf.scalar(2), 8));
    const d = 2 / 127;
    [2, -2, 0, d, 2].forEach((v, i) => expect(q[i]).toBeCloseTo(v, 6));
  });

  it('gradients: ∂/∂x = 1 inside and 0 outside; ∂/∂r = (round(x/Δ) − x/Δ)/n inside, ±1 outside', () => {
    const x = tf.tensor1d([2.5, 1.25, -3.5, 9, -8]);
    const r = tf.scalar(7);
    const [gx, gr] = tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(quantize(a, b as tf.Scalar, 4)))([x, r]);
    expect(arr(gx!)).toEqual([1, 1, 1, 0, 0]);
    // Inside: (2 − 2.5)/7 + (1 − 1.25)/7 + (−4 − (−3.5))/7 = −1.25/7; outside: +1 (x = 9) and −1 (x = −8).
    expect(gr!.dataSync()[0]).toBeCloseTo(-1.25 / 7 + 1 - 1, 6);
  });

  it('clipSymmetric alone: ∂/∂r counts the clipped elements with their sign', () => {
    const g = tf.grad((r: tf.Tensor) => tf.sum(clipSymmetric(tf.tensor1d([5, 6, -7, 0.5]), r as tf.Scalar)))(tf.scalar(1));
    expect(g.dataSync()[0]).toBe(1 + 1 - 1);
  });

  it('quantization noise: masked-out elements pass clipped but unrounded', () => {
    const x = tf.tensor1d([0.4, 0.4, 9, 9]);
    const keep = tf.tensor1d([1, 0, 1, 0]);
    const q = arr(quantize(x, tf.scalar(7), 4, keep));
    expect(q[0]).toBe(0);
    expect(q[1]).toBeCloseTo(0.4, 6);
    expect(q[2]).toBe(7);
    expect(q[3]).toBe(7);
  });
});

describe('eq. 5–6 and section 6.1', () => {
  it('r_DAC,l = r_ADC,l·|S|/W_l,max, also for negative S', () => {
    const m = createModel(getGraph('kws'), 1);
    const l = m.layers[1]!;
    l.rAdc.assign(tf.scalar(3));
    m.S.assign(tf.scalar(-0.5));
    expect(rDacOf(m, l).dataSync()[0]).toBeCloseTo((3 * 0.5) / l.wMax, 4);
    // W_l,max starts at 2σ of the initial weights.
    const w = Array.from(l.w.dataSync() as Float32Array);
    const mean = w.reduce((a, b) => a + b, 0) / w.length;
    const sd = Math.sqrt(w.reduce((a, b) => a + (b - mean) ** 2, 0) / w.length);
    expect(l.wMax).toBeCloseTo(2 * sd, 5);
    disposeModel(m);
  });

  it('dL/dS is clipped at ±0.01; other gradients untouched', () => {
    const m = createModel(getGraph('kws'), 2);
    for (const [gs, want] of [[0.5, S_GRAD_CLIP], [-3, -S_GRAD_CLIP], [0.004, 0.004]] as const) {
      const grads: Record<string, tf.Tensor> = { [m.S.name]: tf.scalar(gs), other: tf.scalar(7) };
      clipGainGradient(m, grads);
      expect(grads[m.S.name]!.dataSync()[0]).toBeCloseTo(want, 7);
      expect(grads['other']!.dataSync()[0]).toBe(7);
    }
    disposeModel(m);
  });

  it('cosine LR decays from lr0 to 0; the range LR from 1e-3 to 1e-4 exponentially', () => {
    expect(cosineLr(0.01, 0, 100)).toBeCloseTo(0.01, 12);
    expect(cosineLr(0.01, 50, 100)).toBeCloseTo(0.005, 12);
    expect(cosineLr(0.01, 100, 100)).toBeCloseTo(0, 12);
    expect(rangeLr(0, 100)).toBeCloseTo(1e-3, 12);
    expect(rangeLr(50, 100)).toBeCloseTo(Math.sqrt(1e-3 * 1e-4), 12);
    expect(rangeLr(100, 100)).toBeCloseTo(1e-4, 12);
  });
});
