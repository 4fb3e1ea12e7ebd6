/**
 * Knowledge distillation (Hinton et al. 2015) for the hardware-aware trainer: the loss adds the
 * teacher's softened scores to the labels,
 *   L = (1 − w)·CE(labels, s) + w·T²·CE(softmax(t/T), s/T),
 * with s the student's logits, t the teacher's (log-probabilities serve: softmax is shift-invariant),
 * labels a distribution (one-hot, or a mixed view's blend) and T² keeping the soft term's gradient
 * scale independent of T. The student sees the paper's noise and converters; the teacher is float.
 */
import * as tf from '@tensorflow/tfjs';

export { DEFAULT_KD, type KdConfig } from './options.js';
import type { KdConfig } from './options.js';

/** Mean cross-entropy of logits against target distributions [B, K] (rows sum to 1). */
export function softCrossEntropy(targets: tf.Tensor2D, logits: tf.Tensor2D): tf.Scalar {
  return tf.tidy(() => tf.neg(tf.mean(tf.sum(tf.mul(targets, tf.logSoftmax(logits)), 1))) as tf.Scalar);
}

/** The training loss: labels only (kd null) or labels and teacher (the formula above). */
export function distillationLoss(student: tf.Tensor2D, labels: tf.Tensor2D, teacher: tf.Tensor2D | null, kd: KdConfig | null): tf.Scalar {
  const hard = softCrossEntropy(labels, student);
  if (!teacher || !kd || kd.weight === 0) return hard;
  const soft = softCrossEntropy(tf.softmax(tf.div(teacher, kd.temp)) as tf.Tensor2D, tf.div(student, kd.temp) as tf.Tensor2D);
  return tf.add(tf.mul(hard, 1 - kd.weight), tf.mul(soft, kd.weight * kd.temp * kd.temp)) as tf.Scalar;
}
