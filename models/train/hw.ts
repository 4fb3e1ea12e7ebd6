/**
 * The paper's hardware-aware training method (section 4.2, 6.1), one optimisation step at a time.
 * Stage 1: float training, weights clipped to ±2σ(W_l,0) (σ updated every 10 steps), cosine LR decay.
 * Stage 2 (from stage 1): W_l,max fixed, weight noise σ_N,l = η·W_l,max per pass (eq. 1), and for
 * `full` the DAC/ADC quantizers (eq. 4) with learned r_ADC,l and one shared gain S (eq. 5–6); LR 1/10 of
 * stage 1 with the same cosine decay; ranges on their own rate decaying 1e-3 → 1e-4; dL/dS clipped at 0.01;
 * quantization noise p = 0.5.
 * The paper's ranges start at 1, so its range rate is a rate relative to the range. Ranges that start
 * elsewhere (calibrated: r_ADC,l ≈ 4–56, S ≈ 0.1 for KWS) get the same relative rate: each range
 * variable's rate is scaled by its starting magnitude. With an absolute 1e-3, 440 steps left every
 * r_ADC,l of KWS where calibration put it while S (≈0.1) moved by half.
 */
import * as tf from '@tensorflow/tfjs';
import { Adam } from './adam.js';
import { distillationLoss } from './distill.js';
import { studentFeatureRows, type FeatureHead } from './feature-distill.js';
import type { KdConfig } from './options.js';
import { forward, rangeVariables, stdOf, weightVariables, type AnalogModel, type ForwardOptions, type LayerTap, type PooledOut } from './model.js';
import { samPerturbation, withPerturbation } from './sam.js';
import { maxCode } from './ste.js';
import { roundHalfEven } from '../../host/round.js';

export type TrainMode = 'baseline' | 'noise' | 'full';
export type { RangeInit } from './options.js';

export interface HwConfig {
  mode: TrainMode;
  /** ADC bits of `full` training (DAC = ADC + 1). */
  bits: 8 | 6 | 4;
  /** η of eq. 1 (stage 2). */
  eta: number;
  /**
   * Stage 2: η of the layers reading the network's input (absent: eta). VWW's stem has 27 rows of
   * correlated pixels: weight noise there shifts each output by x̄·Σn, and on the [0, 1] input it cost more
   * on the chip than every other layer together (docs/training.md; the centred input cut that); the paper
   * calls such narrow early layers bottlenecks.
   */
  etaInput?: number | null;
  /** Stage-1 initial learning rate (stage 2 uses a tenth of it). */
  lr: number;
  /**
   * `full`: the lowest drift gain modelled before each ADC (model.ts ForwardOptions.driftGain); null or
   * undefined = none (the paper's method).
   */
  driftGainMin?: number | null;
  /** With driftGainMin: one gain per pass for all layers (model.ts ForwardOptions.driftGainShared). */
  driftGainShared?: boolean;
  /** Stage 2: BN normalises with the stage-1 moving statistics, frozen (model.ts ForwardOptions.bnFrozen). */
  bnFrozen?: boolean;
  /** Stochastic depth: the top rate of residual branches dropped (model.ts ForwardOptions.dropPath); null = none. */
  dropPath?: number | null;
  /** SAM's radius ρ in W_max units (sam.ts): a second pass per step at the worst nearby analog weights; null = off. */
  sam?: number | null;
}

/** What a step learns from besides the integer labels: a mixed view's label blend and the teacher's logits. */
export interface StepTargets {
  /** [B, classes] label distributions (mixed views); else the one-hot labels are used. */
  soft?: tf.Tensor2D;
  /** [B, classes] the teacher's logits on the same views. */
  teacher?: tf.Tensor2D;
  kd?: KdConfig | null;
  /** Feature distillation: the teacher's pooled features on the same views [B, width], the head mapping to them, the term's weight. */
  features?: { teacher: tf.Tensor2D; head: FeatureHead; weight: number; grid?: number | null };
}

/** Section 6.1's constants. */
export const QUANT_NOISE_P = 0.5;
export const S_GRAD_CLIP = 0.01;
export const RANGE_LR_START = 1e-3;
export const RANGE_LR_END = 1e-4;
export const SIGMA_UPDATE_EVERY = 10;
/** Contracts §1: converter ranges of `baseline`/`noise` images are 99.995th percentiles. */
export const CALIBRATION_PERCENTILE = 99.995;

/** Stage of a mode: `baseline` trains stage 1 only; `noise` and `full` train stage 2. */
export function stageOf(mode: TrainMode): 1 | 2 {
  return mode === 'baseline' ? 1 : 2;
}

/** Cosine decay from lr0 to 0 over `total` steps. */
export function cosineLr(lr0: number, step: number, total: number): number {
  return 0.5 * lr0 * (1 + Math.cos((Math.PI * Math.min(step, total)) / Math.max(total, 1)));
}

/** Exponential decay of the quantizer-range rate, 1e-3 → 1e-4 over `total` steps. */
export function rangeLr(step: number, total: number): number {
  return RANGE_LR_START * (RANGE_LR_END / RANGE_LR_START) ** (Math.min(step, total) / Math.max(total, 1));
}

/** Stage 1: W_l,max = 2σ of the unclipped weights (call every SIGMA_UPDATE_EVERY steps). */
export function updateClipBounds(model: AnalogModel): void {
  for (const l of model.layers) l.wMax = 2 * stdOf(l.w);
}

/** The forward options of a training pass of this mode. */
export function trainForwardOptions(cfg: HwConfig, seed: number): ForwardOptions {
  const stage2 = stageOf(cfg.mode) === 2;
  return {
    training: true,
    eta: stage2 ? cfg.eta : 0,
    ...(stage2 && cfg.etaInput != null ? { etaInput: cfg.etaInput } : {}),
    bits: cfg.mode === 'full' ? cfg.bits : null,
    quantNoiseP: QUANT_NOISE_P,
    seed,
    ...(cfg.mode === 'full' && cfg.driftGainMin ? { driftGain: cfg.driftGainMin, ...(cfg.driftGainShared ? { driftGainShared: true } : {}) } : {}),
    ...(stage2 && cfg.bnFrozen ? { bnFrozen: true } : {}),
    ...(cfg.dropPath ? { dropPath: cfg.dropPath } : {}),
  };
}

export interface StepResult {
  loss: number;
  correct: number;
}

/** The optimisers of one run: the network's weights, and (full) the converter ranges. */
export interface Optimizers {
  weights: Adam;
  ranges: Adam | null;
}

/** Call once the ranges hold their starting values: the range rates are relative to them. */
export function createOptimizers(model: AnalogModel, cfg: HwConfig): Optimizers {
  const rVars = rangeVariables(model);
  const scale = rVars.map((v) => Math.max(Math.abs(v.dataSync()[0]!), 1e-6));
  return {
    weights: new Adam(weightVariables(model)),
    ranges: cfg.mode === 'full' ? new Adam(rVars, 0.9, 0.999, 1e-7, scale) : null,
  };
}

/** Section 6.1: the gradient of S is clipped to ±0.01 (in place). */
export function clipGainGradient(model: AnalogModel, grads: Record<string, tf.Tensor>): void {
  const g = grads[model.S.name];
  if (g) grads[model.S.name] = tf.clipByValue(g, -S_GRAD_CLIP, S_GRAD_CLIP);
}

/** Per-example cross-entropy of logits against integer labels, averaged. */
function crossEntropy(logits: tf.Tensor2D, labels: tf.Tensor1D): tf.Scalar {
  const oneHot = tf.oneHot(labels, logits.shape[1]);
  return tf.losses.softmaxCrossEntropy(oneHot, logits) as tf.Scalar;
}

/**
 * One step. `step` counts from 0 over the whole run (`total` steps), `seed` drives this pass's noise.
 */
export function trainStep(
  model: AnalogModel,
  opt: Optimizers,
  cfg: HwConfig,
  x: tf.Tensor4D,
  labels: tf.Tensor1D,
  step: number,
  total: number,
  seed: number,
  targets: StepTargets = {},
): StepResult {
  if (stageOf(cfg.mode) === 1 && step % SIGMA_UPDATE_EVERY === 0) updateClipBounds(model);
  const fo = trainForwardOptions(cfg, seed);
  const wVars = weightVariables(model);
  const rVars = opt.ranges ? rangeVariables(model) : [];
  const feat = targets.features;
  let correct = 0;
  const lossOf = (passOpts: ForwardOptions, count: boolean) => (): tf.Scalar => {
    const pooled: PooledOut = {};
    const logits = forward(model, x, passOpts, undefined, feat ? pooled : undefined);
    if (count) correct = tf.sum(tf.cast(tf.equal(tf.argMax(logits, 1), labels), 'int32')).dataSync()[0]!;
    // Labels alone keep the exact loss of runs made before distillation existed.
    let l: tf.Scalar;
    if (!targets.soft && !targets.teacher) l = crossEntropy(logits, labels);
    else {
      const dist = targets.soft ?? (tf.oneHot(labels, logits.shape[1]).toFloat() as tf.Tensor2D);
      l = distillationLoss(logits, dist, targets.teacher ?? null, targets.kd ?? null);
    }
    if (!feat) return l;
    return tf.add(l, tf.mul(feat.head.loss(studentFeatureRows(pooled, feat.grid), feat.teacher), feat.weight)) as tf.Scalar;
  };
  // SAM (sam.ts): an ascent pass with the same noise draws finds the worst nearby analog weights; BN's
  // moving statistics are left alone there (momentum 1), so only the descent pass moves them, once.
  const analog = model.layers.map((l) => l.w);
  const sam = cfg.sam ?? 0;
  let lossAtWeights: number | null = null;
  const perturbation = sam > 0
    ? tf.tidy(() => {
        const { value, grads } = tf.variableGrads(lossOf({ ...fo, bnMomentum: 1 }, true), analog);
        lossAtWeights = value.dataSync()[0]!;
        return samPerturbation(analog.map((v) => grads[v.name]!), model.layers.map((l) => l.wMax), sam);
      })
    : null;
  const loss = tf.tidy(() => {
    const descent = () => tf.variableGrads(lossOf(fo, perturbation === null), [...wVars, ...rVars, ...(feat ? feat.head.variables() : [])]);
    const { value, grads } = perturbation ? withPerturbation(analog, perturbation, descent) : descent();
    clipGainGradient(model, grads);
    const lr = cosineLr(stageOf(cfg.mode) === 1 ? cfg.lr : cfg.lr / 10, step, total);
    opt.weights.apply(grads, lr);
    opt.ranges?.apply(grads, rangeLr(step, total));
    // The head is fitted afresh at every run's start (a stage-2 run's too): it learns at stage 1's rate.
    feat?.head.opt.apply(grads, cosineLr(cfg.lr, step, total));
    return value.dataSync()[0]!;
  });
  if (perturbation) tf.dispose(perturbation);
  // The loss reported is the one at the weights themselves, comparable with runs without SAM.
  return { loss: lossAtWeights ?? loss, correct };
}

/**
 * BN re-estimation for the deployed datapath (as in post-training quantization practice): the moving BN
 * statistics of a `full` run come from training passes in which only a fraction p of the converter
 * outputs were rounded (quantization noise) and the weights were noisy; the chip rounds every output.
 * Passes over `batches` with every converter at `bits` (null: none, for `noise` images, whose ranges are
 * calibrated afterwards for every bit width), no weight noise and batch statistics set each layer's moving
 * mean/variance to the cumulative average of the batches' (momentum (k−1)/k at batch k).
 */
export function reestimateBatchNorm(model: AnalogModel, batches: tf.Tensor4D[], bits: number | null): void {
  batches.forEach((x, k) => {
    tf.tidy(() => void forward(model, x, { training: true, eta: 0, bits, quantNoiseP: 1, seed: 0, bnMomentum: k / (k + 1) }));
  });
}

/** Logits of the evaluation forward pass: clipped weights, no noise, converters at `bits` (or none), every ADC at gain `adcGain` (default 1). */
export function evalLogits(model: AnalogModel, x: tf.Tensor4D, bits: number | null, adcGain?: number): tf.Tensor2D {
  return forward(model, x, { training: false, eta: 0, bits, quantNoiseP: 1, seed: 0, ...(adcGain === undefined ? {} : { adcGain }) });
}

/** The p-th percentile (0–100) of |values|, nearest rank. */
export function absPercentile(values: Float32Array, p: number): number {
  const a = Float32Array.from(values, Math.abs).sort();
  if (a.length === 0) return 0;
  const rank = Math.min(a.length - 1, Math.max(0, Math.ceil((p / 100) * a.length) - 1));
  return a[rank]!;
}

export interface CalibratedRanges {
  /** Per layer r_DAC,l and r_ADC,l (calibrateRanges: the pre-activation percentile, as the image stores it). */
  rDac: number[];
  rAdc: number[];
  /** The shared gain. */
  S: number;
}

/** Each layer's DAC input and ADC pre-activation values over calibration batches (float forward). */
function collectLayerValues(model: AnalogModel, batches: tf.Tensor4D[]): { ins: Float32Array[]; pres: Float32Array[] } {
  const n = model.layers.length;
  const ins: Float32Array[][] = Array.from({ length: n }, () => []);
  const pres: Float32Array[][] = Array.from({ length: n }, () => []);
  for (const x of batches) {
    const taps: LayerTap[] = [];
    tf.tidy(() => void forward(model, x, { training: false, eta: 0, bits: null, quantNoiseP: 1, seed: 0 }, taps));
    taps.forEach((t, i) => {
      ins[i]!.push(t.input.dataSync() as Float32Array);
      pres[i]!.push(t.preActivation.dataSync() as Float32Array);
      t.input.dispose();
      t.preActivation.dispose();
    });
  }
  const cat = (parts: Float32Array[]) => {
    const out = new Float32Array(parts.reduce((a, p) => a + p.length, 0));
    let o = 0;
    for (const p of parts) {
      out.set(p, o);
      o += p.length;
    }
    return out;
  };
  return { ins: ins.map(cat), pres: pres.map(cat) };
}

/** Sets S and every r_ADC,l in the model (rDacOf then gives r_DAC,l = r_ADC,l·S/W_l,max). */
function assignRanges(model: AnalogModel, rAdc: number[], S: number): CalibratedRanges {
  model.S.assign(tf.scalar(S));
  model.layers.forEach((l, i) => l.rAdc.assign(tf.scalar(rAdc[i]!)));
  return { rDac: model.layers.map((l, i) => (rAdc[i]! * S) / l.wMax), rAdc, S };
}

/**
 * Contracts §1 (Appendix C style) for images trained without converter constraints: r_DAC,l and the
 * pre-activation range from the 99.995th percentiles of float forward passes over calibration inputs;
 * then S = mean over layers of r_DAC,l·W_l,max/r_ADC,l and the chip's r_ADC,l = r_DAC,l·W_l,max/S.
 */
export function calibrateRanges(model: AnalogModel, batches: tf.Tensor4D[]): CalibratedRanges {
  const { ins, pres } = collectLayerValues(model, batches);
  const rDac = ins.map((v) => Math.max(absPercentile(v, CALIBRATION_PERCENTILE), 1e-6));
  const rPre = pres.map((v) => Math.max(absPercentile(v, CALIBRATION_PERCENTILE), 1e-6));
  const S = model.layers.reduce((a, l, i) => a + (rDac[i]! * l.wMax) / rPre[i]!, 0) / model.layers.length;
  assignRanges(model, model.layers.map((l, i) => (rDac[i]! * l.wMax) / S), S);
  // The image stores the percentile ranges; the chip derives its r_ADC,l from r_DAC,l and S.
  return { rDac, rAdc: rPre, S };
}


/** Mean squared error of eq. 4's quantizer (range r, `bits`) on `values`. */
export function quantizationMse(values: Float32Array, r: number, bits: number): number {
  const delta = r / maxCode(bits);
  let se = 0;
  for (let i = 0; i < values.length; i++) {
    const x = values[i]!;
    const c = x > r ? r : x < -r ? -r : x;
    const e = roundHalfEven(c / delta) * delta - x;
    se += e * e;
  }
  return values.length === 0 ? 0 : se / values.length;
}

/** At most this many values (an even stride through them) enter the range search. */
const MSE_SAMPLE = 1 << 17;

/**
 * The range that minimises the quantization MSE at `bits`, searched over max|x|·2^(−k/16), k = 0…159
 * (down to ~1e-3 of the maximum): the usual post-training choice of clipping range for few-bit
 * quantizers — a percentile near the maximum is right at 8 bit and far too wide at 4 bit.
 */
export function mseOptimalRange(values: Float32Array, bits: number): number {
  const stride = Math.max(1, Math.ceil(values.length / MSE_SAMPLE));
  const sample = stride === 1 ? values : Float32Array.from({ length: Math.floor(values.length / stride) }, (_, i) => values[i * stride]!);
  let max = 0;
  for (const v of sample) max = Math.max(max, Math.abs(v));
  if (max === 0) return 1e-6;
  let best = max;
  let bestMse = Infinity;
  for (let k = 0; k < 160; k++) {
    const r = max * 2 ** (-k / 16);
    const mse = quantizationMse(sample, r, bits);
    if (mse < bestMse) {
      bestMse = mse;
      best = r;
    }
  }
  return best;
}

/**
 * Starting ranges of a `full` run at `bits` (`--range-init fitted`): per layer the MSE-optimal DAC range
 * r*_DAC,l ((bits+1)-bit, layer input) and ADC range r*_ADC,l (bits, pre-activation). One shared S
 * cannot give both exactly (r_DAC,l = r_ADC,l·S/W_l,max), so S is their geometric-mean ratio
 * (least squares in log space) and each layer splits its remaining mismatch evenly between its DAC
 * and its ADC: r_ADC,l = sqrt(r*_ADC,l · r*_DAC,l·W_l,max/S). Training then learns the rest.
 */
export function fitRangesForBits(model: AnalogModel, batches: tf.Tensor4D[], bits: number): CalibratedRanges {
  const { ins, pres } = collectLayerValues(model, batches);
  const { S, rAdc } = sharedGainSplit(
    ins.map((v) => mseOptimalRange(v, bits + 1)),
    pres.map((v) => mseOptimalRange(v, bits)),
    model.layers.map((l) => l.wMax),
  );
  return assignRanges(model, rAdc, S);
}

/**
 * Target ranges r*_DAC,l, r*_ADC,l → one S and r_ADC,l under r_DAC,l = r_ADC,l·S/W_l,max: log S = mean of
 * log(r*_DAC,l·W_l,max/r*_ADC,l); r_ADC,l = sqrt(r*_ADC,l · r*_DAC,l·W_l,max/S), so each layer's ADC
 * range is too wide by the factor its DAC range is too narrow (or the reverse).
 */
export function sharedGainSplit(dacStar: number[], adcStar: number[], wMax: number[]): { S: number; rAdc: number[] } {
  const ratio = wMax.map((w, i) => (dacStar[i]! * w) / adcStar[i]!);
  const S = Math.exp(ratio.reduce((a, q) => a + Math.log(q), 0) / ratio.length);
  return { S, rAdc: wMax.map((w, i) => Math.sqrt(adcStar[i]! * ((dacStar[i]! * w) / S))) };
}
