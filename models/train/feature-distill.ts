/**
 * Feature distillation on the penultimate layer (FitNets, Romero et al. 2015, with the hint taken where
 * the classifier reads): a linear map from the student's pooled features f to the teacher's pooled
 * features t, trained with the student, adds to the loss
 *   w · mean_{n, j active} ((f P + b)_{nj} − (t_{nj} − μ_j)/σ_j)²,
 * μ, σ the teacher's per-channel mean and std over the run's first view (fixed for the run); a channel is
 * active when σ_j ≥ ACTIVE_STD·max σ (VWW's teacher leaves ~90 % of its 256 pooled channels at zero on
 * this data, and their standardised noise would otherwise dominate). VWW's teacher gives two class scores
 * per view, barely one bit; its ~25 live pooled features describe the view, and matching them asks the
 * student to see what the teacher sees rather than to fit 662 labels.
 * The map is training-only (the image holds the network alone); it starts at the ridge-regression fit
 * of the teacher's features on the starting student's, so no random map pushes noise into the student.
 */
import * as tf from '@tensorflow/tfjs';
import { UserError } from '../../host/errors.js';
import { Adam, type AdamState } from './adam.js';

/** Per-channel statistics of the teacher's features (their standardisation). */
export interface FeatureStats {
  mean: Float32Array;
  std: Float32Array;
}

/** What a checkpoint keeps of the head: its two variables and their optimiser. */
export interface FeatureHeadState {
  variables: Float32Array[];
  opt: AdamState;
}

/** A teacher channel whose std is below this fraction of the largest is left out of the loss. */
export const ACTIVE_STD = 0.01;

/** Ridge strength relative to the mean variance of the student's features (a well-posed solve, barely shrunk). */
export const RIDGE = 1e-3;

/** Mean and std per column of rows [n, width] (std floored so a dead teacher channel cannot blow up). */
export function featureStats(rows: Float32Array, width: number): FeatureStats {
  const n = rows.length / width;
  if (!Number.isInteger(n) || n < 2) throw new Error(`feature statistics need at least 2 rows of ${width} (got ${rows.length} values)`);
  const mean = new Float64Array(width);
  const sq = new Float64Array(width);
  for (let i = 0; i < n; i++) for (let j = 0; j < width; j++) mean[j]! += rows[i * width + j]!;
  for (let j = 0; j < width; j++) mean[j]! /= n;
  for (let i = 0; i < n; i++) for (let j = 0; j < width; j++) sq[j]! += (rows[i * width + j]! - mean[j]!) ** 2;
  const std = Float32Array.from(sq, (s) => Math.max(Math.sqrt(s / n), 1e-3));
  return { mean: Float32Array.from(mean), std };
}

/** Solves A X = B for symmetric positive-definite A [k, k] and B [k, m] (Cholesky, float64; A and B are left as they are). */
export function solveSpd(a: Float64Array, b: Float64Array, k: number, m: number): Float64Array {
  const l = new Float64Array(k * k);
  for (let i = 0; i < k; i++) {
    for (let j = 0; j <= i; j++) {
      let s = a[i * k + j]!;
      for (let p = 0; p < j; p++) s -= l[i * k + p]! * l[j * k + p]!;
      if (i === j) {
        if (!(s > 0)) throw new Error('ridge system is not positive definite');
        l[i * k + i] = Math.sqrt(s);
      } else {
        l[i * k + j] = s / l[j * k + j]!;
      }
    }
  }
  const x = Float64Array.from(b);
  for (let c = 0; c < m; c++) {
    for (let i = 0; i < k; i++) {
      let s = x[i * m + c]!;
      for (let p = 0; p < i; p++) s -= l[i * k + p]! * x[p * m + c]!;
      x[i * m + c] = s / l[i * k + i]!;
    }
    for (let i = k - 1; i >= 0; i--) {
      let s = x[i * m + c]!;
      for (let p = i + 1; p < k; p++) s -= l[p * k + i]! * x[p * m + c]!;
      x[i * m + c] = s / l[i * k + i]!;
    }
  }
  return x;
}

/**
 * Ridge regression of targets [n, m] on features [n, k] with an intercept: P [k, m] minimising
 * |F_c P − T_c|² + λ·|P|² on the centred columns, λ = RIDGE · n · (mean variance of F), and b = T̄ − F̄ P.
 */
export function ridgeFit(features: Float32Array, k: number, targets: Float32Array, m: number): { proj: Float32Array; bias: Float32Array } {
  const n = features.length / k;
  if (targets.length !== n * m) throw new Error(`ridge fit: ${n} feature rows but ${targets.length / m} target rows`);
  const fm = new Float64Array(k);
  const tm = new Float64Array(m);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < k; j++) fm[j]! += features[i * k + j]! / n;
    for (let j = 0; j < m; j++) tm[j]! += targets[i * m + j]! / n;
  }
  const a = new Float64Array(k * k);
  const b = new Float64Array(k * m);
  const f = new Float64Array(k);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < k; j++) f[j] = features[i * k + j]! - fm[j]!;
    for (let p = 0; p < k; p++) {
      const fp = f[p]!;
      if (fp === 0) continue;
      for (let q = 0; q < k; q++) a[p * k + q]! += fp * f[q]!;
      for (let q = 0; q < m; q++) b[p * m + q]! += fp * (targets[i * m + q]! - tm[q]!);
    }
  }
  let trace = 0;
  for (let j = 0; j < k; j++) trace += a[j * k + j]!;
  const lambda = RIDGE * Math.max(trace / k, 1e-12);
  for (let j = 0; j < k; j++) a[j * k + j]! += lambda;
  const p = solveSpd(a, b, k, m);
  const bias = new Float32Array(m);
  for (let q = 0; q < m; q++) {
    let s = tm[q]!;
    for (let j = 0; j < k; j++) s -= fm[j]! * p[j * m + q]!;
    bias[q] = s;
  }
  return { proj: Float32Array.from(p), bias };
}

/** Rows gathered batch by batch, as one array. */
export function concatRows(rows: readonly Float32Array[]): Float32Array {
  const out = new Float32Array(rows.reduce((a, r) => a + r.length, 0));
  rows.reduce((o, r) => (out.set(r, o), o + r.length), 0);
  return out;
}

/** FeatureHead.standardise on plain rows [n, width]: (t − μ)/σ on the active channels, 0 elsewhere (the ridge fit's targets). */
export function standardiseRows(rows: Float32Array, stats: FeatureStats): Float32Array {
  const width = stats.mean.length;
  const live = activeChannels(stats);
  return rows.map((v, i) => (live[i % width] ? (v - stats.mean[i % width]!) / stats.std[i % width]! : 0));
}

/** 1 for the channels that enter the loss (σ_j ≥ ACTIVE_STD · max σ), else 0. */
export function activeChannels(stats: FeatureStats): Float32Array {
  const top = stats.std.reduce((a, b) => Math.max(a, b), 0);
  return Float32Array.from(stats.std, (s) => (s >= ACTIVE_STD * top && s > 1e-3 ? 1 : 0));
}

/**
 * Adaptive average pooling of maps [N, H, W, C] to a g × g grid, as rows [N·g², C] in (n, i, j) order:
 * cell (i, j) averages rows ⌊iH/g⌋ … ⌈(i+1)H/g⌉ − 1 and the same columns (PyTorch's AdaptiveAvgPool2d).
 * Teacher and student maps of different sizes (VWW: 3×3 and 4×4) then meet cell for cell; g = 1 is the
 * global pool.
 */
export function gridPool(map: tf.Tensor4D, g: number): tf.Tensor2D {
  return tf.tidy(() => {
    const [n, h, w, c] = map.shape;
    if (!(Number.isInteger(g) && g >= 1 && g <= h && g <= w)) throw new UserError(`--feature-grid ${g} does not fit a ${h}×${w} feature map (at most ${Math.min(h, w)})`);
    const span = (i: number, size: number) => [Math.floor((i * size) / g), Math.ceil(((i + 1) * size) / g)] as const;
    const cells: tf.Tensor[] = [];
    for (let i = 0; i < g; i++) {
      const [y0, y1] = span(i, h);
      for (let j = 0; j < g; j++) {
        const [x0, x1] = span(j, w);
        cells.push(tf.mean(tf.slice(map, [0, y0, x0, 0], [n, y1 - y0, x1 - x0, c]), [1, 2]));
      }
    }
    // cells: g² × [N, C] → [N, g², C] → rows.
    return tf.reshape(tf.stack(cells, 1), [n * g * g, c]) as tf.Tensor2D;
  });
}

/** The student's feature rows: its pooled features [B, C], or (grid g) the map before the pool on a g × g grid [B·g², C]. */
export function studentFeatureRows(pooled: { value?: tf.Tensor2D; map?: tf.Tensor4D }, grid: number | null | undefined): tf.Tensor2D {
  const rows = grid ? (pooled.map ? gridPool(pooled.map, grid) : undefined) : pooled.value;
  if (!rows) throw new UserError('feature distillation: the network has no pooling layer to match the teacher\'s features at');
  return rows;
}

let headCount = 0;

/** The training-only map from student to (standardised) teacher features, with its own Adam. */
export class FeatureHead {
  readonly proj: tf.Variable;
  readonly bias: tf.Variable;
  readonly opt: Adam;
  private readonly mean: tf.Tensor1D;
  private readonly invStd: tf.Tensor1D;
  private readonly active: tf.Tensor1D;
  /** Channels in the loss (activeChannels()). */
  readonly activeCount: number;

  constructor(
    readonly studentWidth: number,
    readonly teacherWidth: number,
    stats: FeatureStats,
    init: { proj: Float32Array; bias: Float32Array },
  ) {
    if (stats.mean.length !== teacherWidth || init.proj.length !== studentWidth * teacherWidth || init.bias.length !== teacherWidth) {
      throw new Error('feature head: statistics or initial map do not match the widths');
    }
    const id = `feature-head${++headCount}`;
    this.proj = tf.variable(tf.tensor2d(init.proj, [studentWidth, teacherWidth]), true, `${id}/proj`);
    this.bias = tf.variable(tf.tensor1d(init.bias), true, `${id}/bias`);
    const mask = activeChannels(stats);
    this.activeCount = mask.reduce((a, b) => a + b, 0);
    this.mean = tf.tensor1d(stats.mean);
    this.invStd = tf.tensor1d(stats.std.map((s, j) => (mask[j] ? 1 / s : 0)));
    this.active = tf.tensor1d(mask);
    this.opt = new Adam([this.proj, this.bias]);
  }

  variables(): tf.Variable[] {
    return [this.proj, this.bias];
  }

  /** The teacher's features standardised with the run's statistics (the regression targets; inactive channels 0). */
  standardise(teacher: tf.Tensor2D): tf.Tensor2D {
    return tf.tidy(() => tf.mul(tf.sub(teacher, this.mean), this.invStd) as tf.Tensor2D);
  }

  /** Mean squared error over the active channels between the mapped student features and the standardised teacher features. */
  loss(student: tf.Tensor2D, teacher: tf.Tensor2D): tf.Scalar {
    return tf.tidy(() => {
      const mapped = tf.add(tf.matMul(student, this.proj), this.bias);
      const sq = tf.mul(tf.square(tf.sub(mapped, this.standardise(teacher))), this.active);
      return tf.div(tf.sum(sq), student.shape[0] * this.activeCount) as tf.Scalar;
    });
  }

  state(): FeatureHeadState {
    return { variables: this.variables().map((v) => Float32Array.from(v.dataSync() as Float32Array)), opt: this.opt.getState() };
  }

  /** Restores a checkpoint's head; a mismatch is the user's file (another network or teacher). */
  restore(s: FeatureHeadState): void {
    const vars = this.variables();
    if (s.variables.length !== vars.length || s.variables.some((a, i) => a.length !== vars[i]!.size)) {
      throw new UserError(`checkpoint's feature head does not map ${this.studentWidth} student to ${this.teacherWidth} teacher features`);
    }
    vars.forEach((v, i) => tf.tidy(() => v.assign(tf.tensor(s.variables[i]!, v.shape))));
    this.opt.setState(s.opt);
  }

  dispose(): void {
    tf.dispose([this.proj, this.bias, this.mean, this.invStd, this.active]);
    this.opt.dispose();
  }
}
