/**
 * Converter-range initialisation and learning for `full` runs: the quantizer's MSE by hand, the
 * MSE-optimal range against an independent quadrature for a Gaussian, the shared-gain split by hand,
 * and the range optimiser's rate relative to each range's starting value.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { Adam } from '../../../models/train/adam.js';
import { useWasmTrainingBackend } from '../../../models/train/kernels.js';
import { mseOptimalRange, quantizationMse, sharedGainSplit } from '../../../models/train/hw.js';
import { InitRng } from '../../../models/image/prng.js';

/** E[(q(x) − x)²] for x ~ N(0, 1), eq. 4 with range r at `bits`: Simpson's rule on [−10, 10]. */
function gaussianMse(r: number, bits: number): number {
  const n = 2 ** (bits - 1) - 1;
  const delta = r / n;
  const f = (x: number) => {
    const c = Math.max(-r, Math.min(r, x));
    const e = Math.round(c / delta) * delta - x; // ties have measure zero under a density
    return (e * e * Math.exp(-0.5 * x * x)) / Math.sqrt(2 * Math.PI);
  };
  const m = 100_000;
  const h = 20 / m;
  let s = f(-10) + f(10);
  for (let i = 1; i < m; i++) s += (i % 2 ? 4 : 2) * f(-10 + i * h);
  return (s * h) / 3;
}

describe('quantizationMse', () => {
  it('matches a hand computation (2 bit: codes −1, 0, 1, Δ = r)', () => {
    // r = 1: 0.3 → 0 (err 0.09); 1.2 → clip 1 → 1 (0.04); −2 → −1 (1); 0.5 → round half even 0 (0.25)
    expect(quantizationMse(Float32Array.of(0.3, 1.2, -2, 0.5), 1, 2)).toBeCloseTo((0.09 + 0.04 + 1 + 0.25) / 4, 6);
  });
});

describe('mseOptimalRange', () => {
  // Seeded Gaussian samples (Box–Muller on the project's init generator).
  const rng = new InitRng(7);
  const xs = new Float32Array(1 << 17);
  for (let i = 0; i < xs.length; i++) {
    const u = Math.max(rng.uniform(), 1e-12);
    xs[i] = Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng.uniform());
  }

  it.each([4, 6, 8])('at %i bit: near the quadrature optimum for N(0,1) and no worse than it there', (bits) => {
    let best = 0;
    let bestMse = Infinity;
    for (let r = 1.5; r <= 5; r += 0.01) {
      const e = gaussianMse(r, bits);
      if (e < bestMse) [best, bestMse] = [r, e];
    }
    const fitted = mseOptimalRange(xs, bits);
    // Grid step 2^(1/16) (4.4 %) plus sampling noise of 131,072 draws near a flat optimum.
    expect(Math.abs(fitted / best - 1)).toBeLessThan(0.08);
    // What matters is the error: within 3 % of the optimal expected MSE.
    expect(gaussianMse(fitted, bits)).toBeLessThan(bestMse * 1.03);
  });

  it('narrows with fewer bits (a wide range wastes 4-bit codes) and is 1e-6 for all-zero input', () => {
    expect(mseOptimalRange(xs, 4)).toBeLessThan(mseOptimalRange(xs, 6));
    expect(mseOptimalRange(xs, 6)).toBeLessThan(mseOptimalRange(xs, 8));
    expect(mseOptimalRange(new Float32Array(10), 4)).toBe(1e-6);
  });
});

describe('sharedGainSplit', () => {
  it('hand case: two layers whose ideal gains differ 4× share S = their geometric mean', () => {
    // ratios r*_DAC·W/r*_ADC: layer 0: 8·0.5/2 = 2; layer 1: 1·0.5/1 = 0.5 → S = 1.
    const { S, rAdc } = sharedGainSplit([8, 1], [2, 1], [0.5, 0.5]);
    expect(S).toBeCloseTo(1, 12);
    // layer 0: sqrt(2 · 8·0.5/1) = 2√2 (ADC √2 too wide, DAC 8→ r_ADC·S/W = 4√2: √2 too narrow)
    expect(rAdc[0]).toBeCloseTo(2 * Math.SQRT2, 12);
    expect(rAdc[1]).toBeCloseTo(Math.sqrt(0.5), 12);
    expect((rAdc[0]! * S) / 0.5 / 8).toBeCloseTo(1 / (rAdc[0]! / 2), 12);
  });

  it('reaches both targets exactly when one gain fits every layer', () => {
    const { S, rAdc } = sharedGainSplit([3, 16], [6, 8], [0.2, 0.05]);
    expect(S).toBeCloseTo(0.1, 12);
    expect(rAdc[0]).toBeCloseTo(6, 12);
    expect(rAdc[1]).toBeCloseTo(8, 12);
  });
});

describe('Adam with per-variable rates', () => {
  // The trainer's own backend (tfjs' default cpu backend would also print its Node.js banner).
  beforeAll(async () => {
    await useWasmTrainingBackend();
  });
  it("the first step moves each variable by lr × its scale (Adam's first step is lr·sign(g))", () => {
    const a = tf.variable(tf.scalar(10), true, 'ranges-test/a');
    const b = tf.variable(tf.scalar(0.1), true, 'ranges-test/b');
    const opt = new Adam([a, b], 0.9, 0.999, 1e-12, [10, 0.1]);
    opt.apply({ [a.name]: tf.scalar(3), [b.name]: tf.scalar(-0.02) }, 1e-3);
    expect(a.dataSync()[0]).toBeCloseTo(10 - 1e-2, 5);
    expect(b.dataSync()[0]).toBeCloseTo(0.1 + 1e-4, 7);
    opt.dispose();
    a.dispose();
    b.dispose();
  });
});
