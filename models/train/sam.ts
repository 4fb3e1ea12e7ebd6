/**
 * Sharpness-aware minimisation (Foret et al. 2021, "SAM"), measured in the chip's noise metric.
 *
 * A SAM step takes the gradient g at the weights w, moves to w + e, the worst nearby point to first
 * order, and descends with the gradient taken there. On the chip every analog weight of layer l is
 * perturbed by noise whose scale is W_l,max (eq. 1: σ_N,l = η·W_l,max; drift and read noise likewise),
 * so the neighbourhood is a ball in W_max units: ‖T⁻¹e‖₂ = ρ with T = diag(W_l,max). Its first-order
 * worst point is e = ρ·T²g / ‖T g‖₂ (the ASAM form of Kwon et al. 2021 with this T). Only the analog
 * weights are perturbed: biases and BN run digitally on the chip and see no noise.
 */
import * as tf from '@tensorflow/tfjs';

/**
 * The SAM perturbation e_l = ρ·s_l²·g_l / ‖(s_l·g_l)_l‖₂ of gradients `grads` (one per layer) with
 * per-layer scales `scales` (W_l,max). A zero gradient gives a zero perturbation.
 */
export function samPerturbation(grads: tf.Tensor[], scales: number[], rho: number): tf.Tensor[] {
  if (grads.length !== scales.length) throw new RangeError(`samPerturbation: ${grads.length} gradients, ${scales.length} scales`);
  return tf.tidy(() => {
    const sq = grads.map((g, i) => tf.mul(tf.sum(tf.square(g)), scales[i]! * scales[i]!));
    const norm = tf.sqrt(tf.addN(sq));
    // 1e-12 keeps a zero gradient at zero rather than NaN.
    const k = tf.div(rho, tf.add(norm, 1e-12));
    return grads.map((g, i) => tf.mul(g, tf.mul(k, scales[i]! * scales[i]!)));
  });
}

/**
 * Runs `fn` with each variable moved by its perturbation, then puts every variable back exactly (its
 * saved value, not w + e − e, whose rounding would drift a resumed run from an unbroken one).
 */
export function withPerturbation<T>(vars: tf.Variable[], perturbation: tf.Tensor[], fn: () => T): T {
  const saved = vars.map((v) => tf.clone(v));
  try {
    vars.forEach((v, i) => v.assign(tf.tidy(() => tf.add(v, perturbation[i]!))));
    return fn();
  } finally {
    vars.forEach((v, i) => v.assign(saved[i]!));
    tf.dispose(saved);
  }
}
