/**
 * Stochastic depth (Huang et al. 2016), training only: each example skips a residual block's branch with
 * probability rate, and a kept branch is scaled by 1 / (1 − rate), so its expected output is the branch
 * the chip computes (inference runs every branch, unscaled). The rate grows linearly with depth,
 * p · (layer + 1) / layers (the deepest blocks are dropped most). A regulariser for a student that fits
 * the teacher on its few training images better than on held-out ones (docs/training.md).
 */
import * as tf from '@tensorflow/tfjs';
import { keepMask } from './keep-mask.js';

/** The drop rate of layer `index` of `count` at the run's top rate p. */
export function dropPathRate(p: number, index: number, count: number): number {
  return (p * (index + 1)) / count;
}

/** `branch` [B, H, W, C] with whole examples zeroed (rate) and the rest scaled by 1 / (1 − rate); seeded. */
export function dropBranch(branch: tf.Tensor4D, rate: number, seed: number): tf.Tensor4D {
  if (rate <= 0) return branch;
  const keep = 1 - rate;
  return tf.tidy(() => {
    const mask = keepMask([branch.shape[0], 1, 1, 1], keep, seed);
    return tf.mul(branch, tf.div(mask, keep)) as tf.Tensor4D;
  });
}
