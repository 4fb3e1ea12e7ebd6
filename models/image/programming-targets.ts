/**
 * Programming targets that cancel the PCM's mean programming error (docs/pcm-model.md §1, §2, §9).
 *
 * A conductance cannot go below 0: G_P = max(G_T + σ_P(G_T)·z, 0). Every weight is a differential pair
 * whose unused device has target 0 and so programs to E[max(σ_P(0)·z, 0)] = σ_P(0)/√(2π) ≈ 0.0042·g_max,
 * and devices with small targets land above them on average. The result is a systematic shrinkage of
 * every weight by ~0.4 % of W_max, the same on every chip. Unlike the random part it adds coherently
 * over a column's rows (post-ReLU inputs are ≥ 0), and deep networks feel it: VWW full-8 loses ~4 points
 * to it alone in float.
 *
 * An image marked `mean-corrected` (training.targets) keeps its trained weights x; the compiler
 * (host/compiler/compile.ts) programs each pair for the target y with sign(y)·(m(|y|) − m(0)) = x, where
 * m(g) = E[max(g + σ_P(g)·z, 0)], so the expected programmed weight is the trained one. Float references
 * (eval's float baseline, ONNX export, further training) read the weights as they are. Read noise and
 * drift are left out: read noise is zero-mean before its own clip, and drift is mostly a global factor
 * that GDC removes.
 */
import { G_MAX_US, PROG_C0, PROG_C1, PROG_C2 } from '../../assembly/pcm-constants.js';
import type { WeightImage } from './types.js';

/** How the trainer marks its images: programmed at mean-corrected targets, or at the trained weights as they are. */
export type TargetMode = 'mean-corrected' | 'trained';
export const TARGET_MODES: readonly TargetMode[] = ['mean-corrected', 'trained'];

/** σ_P / g_max as a function of the normalised target g ∈ [0, 1] (the chip's polynomial, assembly/device.ts). */
export function sigmaProgNorm(g: number): number {
  return Math.max(PROG_C0 + PROG_C1 * g - PROG_C2 * g * g, 0) / G_MAX_US;
}

/** Abramowitz–Stegun 7.1.26 (|error| < 1.5e-7), enough for a mean of ~1e-2 · g_max. */
function erf(x: number): number {
  const t = 1 / (1 + 0.3275911 * Math.abs(x));
  const y = 1 - ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496735) * t + 0.254829592) * t * Math.exp(-x * x);
  return x >= 0 ? y : -y;
}

const normalPdf = (z: number) => Math.exp(-0.5 * z * z) / Math.sqrt(2 * Math.PI);
const normalCdf = (z: number) => 0.5 * (1 + erf(z / Math.SQRT2));

/** E[max(g + σ_P(g)·z, 0)] for a normalised target g ≥ 0: the mean of a normal clipped at 0 from below. */
export function expectedProgrammedNorm(g: number): number {
  const s = sigmaProgNorm(g);
  return g * normalCdf(g / s) + s * normalPdf(g / s);
}

const M0 = expectedProgrammedNorm(0);
const M1 = expectedProgrammedNorm(1);

/** The expected programmed weight (÷ W_max) of a pair programmed for target y ∈ [−1, 1]. */
export function expectedWeightNorm(y: number): number {
  return Math.sign(y) * (expectedProgrammedNorm(Math.abs(y)) - M0);
}

/**
 * The target y whose expected programmed weight is x (both ÷ W_max). |x| beyond what |y| ≤ 1 reaches
 * (x ≥ m(1) − m(0) ≈ 0.9958) gets y = ±1: the closest the array can do (those weights keep a 0.42 %
 * shrinkage on the chip).
 */
export function correctedTargetNorm(x: number): number {
  const a = Math.abs(x);
  if (a === 0) return 0;
  if (a >= M1 - M0) return Math.sign(x);
  // Eight σ_P above 0 the clip is 1e-15 of the mean away: m(y) = y, so y = x + m(0) (most weights).
  let y = a + M0;
  if (y >= 8 * sigmaProgNorm(y)) return Math.sign(x) * y;
  // Newton on f(y) = m(y) − m(0) − a from y = a + m(0), right of the root (m(y) ≥ y) on a convex
  // increasing m, so the steps fall monotonically onto it; dm/dy = Φ(y/σ) + φ(y/σ)·dσ/dy.
  for (let k = 0; k < 50; k++) {
    const s = sigmaProgNorm(y);
    const z = y / s;
    const f = y * normalCdf(z) + s * normalPdf(z) - M0 - a;
    const next = y - f / (normalCdf(z) + normalPdf(z) * ((PROG_C1 - 2 * PROG_C2 * y) / G_MAX_US));
    if (!(next < y)) break; // converged (no further decrease in float64)
    y = next;
  }
  return Math.sign(x) * y;
}

/**
 * The normalised target the chip programs for a weight of `image` (÷ W_max): corrected when the image
 * asks for it (training.targets = 'mean-corrected'), else the weight itself (docs/pcm-model.md §1).
 */
export function targetMapOf(image: WeightImage): (wNorm: number) => number {
  return image.training.targets === 'mean-corrected' ? correctedTargetNorm : (w) => w;
}

/** What correcting an image's targets does, as fractions of W_max. */
export interface CorrectionSummary {
  /** Largest |target − weight|. */
  moved: number;
  /** Largest |expected programmed weight − weight| over targets inside ±1. */
  residual: number;
  /** Share of weights whose target is at ±1 (they keep a 0.42 % shrinkage: the array cannot go further). */
  atBound: number;
}

export function correctionSummary(image: WeightImage): CorrectionSummary {
  let moved = 0;
  let residual = 0;
  let atBound = 0;
  let total = 0;
  for (const l of image.layers) {
    total += l.weights.length;
    for (const w of l.weights) {
      const x = w / l.wMax;
      const y = correctedTargetNorm(x);
      moved = Math.max(moved, Math.abs(y - x));
      if (Math.abs(y) === 1) atBound++;
      else residual = Math.max(residual, Math.abs(expectedWeightNorm(y) - x));
    }
  }
  return { moved, residual, atBound: atBound / total };
}

/** The image marked for mean-corrected programming (its weights, the trained network, are unchanged). */
export function withCorrectedTargets(image: WeightImage): WeightImage {
  if (image.training.targets === 'mean-corrected') return image;
  return { ...image, training: { ...image.training, targets: 'mean-corrected' } };
}
