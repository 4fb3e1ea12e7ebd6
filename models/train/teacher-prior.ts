/**
 * The teacher's class prior, refitted to our data (`train --teacher-prior fit`; docs/training.md, "The
 * teacher's prior").
 *
 * MLPerf's teachers learnt their training sets' class frequencies and calibration, not ours. Measured on
 * KWS: with per-class logit offsets fitted on our training split, the teacher goes 92.4 → 94.4 % there
 * and 88.5 → 90.7 % on the held-out split (it never saw either); the offset of "_unknown_" is −2.8, so the
 * teacher calls too many of our keywords unknown, and students distilled from it do the same. With this
 * option the run fits the offsets once, before training, and distils from t + b instead of t. With
 * 'fit-init' it also adds b to the --init image's class scores (its output layer's digital offsets): a
 * student distilled from t carries t's prior, and continuing it from the corrected start lets training
 * adjust the correction instead of having to make it (stage 2's Adam moves an offset ~1e-4 a step).
 *
 * The fit: the b that minimises the mean cross-entropy of softmax(t + b) against the labels over the
 * run's unaugmented training examples (maximum likelihood of a bias-only recalibration). The loss is
 * convex in b and its Hessian, the mean of diag(p) − p pᵀ, has eigenvalues ≤ ½, so gradient descent with
 * step 2 descends monotonically. b is shift-free (softmax is), so it is returned centred (mean 0).
 * Plain float64 in fixed order: the same logits give the same offsets on any machine.
 */

import type { WeightImage } from '../image/types.js';

/** Gradient descent stops when every component of the gradient is below this, or after MAX_ITERATIONS. */
export const FIT_TOLERANCE = 1e-9;
export const MAX_ITERATIONS = 20_000;

export interface FittedOffsets {
  /** Per class, added to the teacher's logits; mean 0. */
  offsets: number[];
  /** Mean cross-entropy of the teacher on the examples before and after. */
  lossBefore: number;
  lossAfter: number;
  /** Accuracy of the teacher's argmax on the examples before and after. */
  accuracyBefore: number;
  accuracyAfter: number;
  iterations: number;
}

/**
 * Fits per-class offsets to `logits` ([n × classes], row-major) against `labels` (class indices).
 * A class without examples would drift to −∞; it is held at the lowest offset a present class reaches.
 */
export function fitLogitOffsets(logits: ArrayLike<number>, labels: ArrayLike<number>, classes: number): FittedOffsets {
  const n = labels.length;
  if (n === 0 || logits.length !== n * classes) throw new Error(`fitLogitOffsets: ${logits.length} logits for ${n} labels of ${classes} classes`);
  // exp(t − max t) once per example; an offset then only scales columns: p ∝ e · exp(b).
  const e = new Float64Array(n * classes);
  for (let i = 0; i < n; i++) {
    let m = -Infinity;
    for (let j = 0; j < classes; j++) m = Math.max(m, logits[i * classes + j]!);
    for (let j = 0; j < classes; j++) e[i * classes + j] = Math.exp(logits[i * classes + j]! - m);
  }
  const counts = new Float64Array(classes);
  for (let i = 0; i < n; i++) counts[labels[i]!]! += 1;
  const present = Array.from(counts, (c) => c > 0);
  const b = new Float64Array(classes);
  const eb = new Float64Array(classes);
  const grad = new Float64Array(classes);
  let it = 0;
  for (; it < MAX_ITERATIONS; it++) {
    for (let j = 0; j < classes; j++) eb[j] = present[j] ? Math.exp(b[j]!) : 0;
    grad.fill(0);
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (let j = 0; j < classes; j++) s += e[i * classes + j]! * eb[j]!;
      for (let j = 0; j < classes; j++) grad[j]! += (e[i * classes + j]! * eb[j]!) / s;
    }
    let worst = 0;
    for (let j = 0; j < classes; j++) {
      grad[j] = present[j] ? (grad[j]! - counts[j]!) / n : 0;
      worst = Math.max(worst, Math.abs(grad[j]!));
    }
    if (worst < FIT_TOLERANCE) break;
    for (let j = 0; j < classes; j++) b[j]! -= 2 * grad[j]!;
  }
  const lowest = Math.min(...b.filter((_, j) => present[j]));
  for (let j = 0; j < classes; j++) if (!present[j]) b[j] = lowest;
  const mean = b.reduce((a, v) => a + v, 0) / classes;
  const offsets = Array.from(b, (v) => v - mean);
  const score = (off: ArrayLike<number>): { loss: number; accuracy: number } => {
    let loss = 0;
    let right = 0;
    for (let i = 0; i < n; i++) {
      let m = -Infinity;
      let arg = 0;
      for (let j = 0; j < classes; j++) {
        const z = logits[i * classes + j]! + off[j]!;
        if (z > m) [m, arg] = [z, j];
      }
      let s = 0;
      for (let j = 0; j < classes; j++) s += Math.exp(logits[i * classes + j]! + off[j]! - m);
      loss += m + Math.log(s) - (logits[i * classes + labels[i]!]! + off[labels[i]!]!);
      if (arg === labels[i]) right++;
    }
    return { loss: loss / n, accuracy: right / n };
  };
  const before = score(new Float64Array(classes));
  const after = score(offsets);
  return { offsets, lossBefore: before.loss, lossAfter: after.loss, accuracyBefore: before.accuracy, accuracyAfter: after.accuracy, iterations: it };
}

/** A copy of `image` whose output layer adds `offsets` to its class scores (its digital per-class offsets). */
export function withOutputOffsets(image: WeightImage, offsets: readonly number[]): WeightImage {
  const last = image.layers.at(-1)!;
  if (last.offset.length !== offsets.length) throw new Error(`withOutputOffsets: ${offsets.length} offsets for ${last.offset.length} classes`);
  const shifted = { ...last, offset: Float32Array.from(last.offset, (v, j) => v + offsets[j]!) };
  return { ...image, layers: [...image.layers.slice(0, -1), shifted] };
}
