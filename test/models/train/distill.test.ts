/**
 * The distillation loss (models/train/distill.ts) against hand-computed values:
 * L = (1 − w)·CE(labels, s) + w·T²·CE(softmax(t/T), s/T).
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { distillationLoss, softCrossEntropy } from '../../../models/train/distill.js';
import { useWasmTrainingBackend } from '../../../models/train/kernels.js';

beforeAll(async () => {
  await useWasmTrainingBackend();
});

const val = (t: tf.Scalar) => t.dataSync()[0]!;
const t2 = (rows: number[][]) => tf.tensor2d(rows);
/** Softmax and cross-entropy in plain float64, independent of tfjs. */
const softmax = (z: number[]) => {
  const m = Math.max(...z);
  const e = z.map((v) => Math.exp(v - m));
  const s = e.reduce((a, b) => a + b, 0);
  return e.map((v) => v / s);
};
const ce = (p: number[], z: number[]) => -softmax(z).reduce((a, q, i) => a + p[i]! * Math.log(q), 0);

describe('soft cross-entropy', () => {
  it('logits [0, ln 3] against label 1: −ln 0.75; against a blend, the blend of both', () => {
    const s = t2([[0, Math.log(3)]]);
    expect(val(softCrossEntropy(t2([[0, 1]]), s))).toBeCloseTo(-Math.log(0.75), 6);
    expect(val(softCrossEntropy(t2([[0.5, 0.5]]), s))).toBeCloseTo(0.5 * -Math.log(0.25) + 0.5 * -Math.log(0.75), 6);
  });
  it('with one-hot labels equals tfjs\' own softmax cross-entropy (mean over the batch)', () => {
    const logits = t2([[1, 2, 0.5], [-1, 0, 3]]);
    const labels = t2([[0, 1, 0], [1, 0, 0]]);
    expect(val(softCrossEntropy(labels, logits))).toBeCloseTo(val(tf.losses.softmaxCrossEntropy(labels, logits) as tf.Scalar), 6);
  });
});

describe('distillation loss', () => {
  const s = [0.3, -1.2, 2.0];
  const t = [1.5, 0.1, -0.7];
  const y = [0, 0, 1];
  it('matches the formula for w = 0.7, T = 3', () => {
    const w = 0.7;
    const T = 3;
    const want = (1 - w) * ce(y, s) + w * T * T * ce(softmax(t.map((v) => v / T)), s.map((v) => v / T));
    expect(val(distillationLoss(t2([s]), t2([y]), t2([t]), { weight: w, temp: T }))).toBeCloseTo(want, 5);
  });
  it('w = 0 or no teacher is the label loss alone', () => {
    const hard = ce(y, s);
    expect(val(distillationLoss(t2([s]), t2([y]), t2([t]), { weight: 0, temp: 2 }))).toBeCloseTo(hard, 6);
    expect(val(distillationLoss(t2([s]), t2([y]), null, { weight: 0.9, temp: 2 }))).toBeCloseTo(hard, 6);
  });
  it('the soft term\'s gradient vanishes where the student equals the teacher (shifted logits too)', () => {
    const g = tf.grad((z: tf.Tensor) => distillationLoss(z as tf.Tensor2D, t2([y]), t2([t.map((v) => v + 5)]), { weight: 1, temp: 2 }));
    const d = g(t2([t])).dataSync();
    for (const v of d) expect(Math.abs(v)).toBeLessThan(1e-6);
  });
});
