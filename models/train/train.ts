/**
 * The training driver: data → model → epochs of hardware-aware steps (hw.ts) → validation →
 * checkpoint every epoch → weight image + JSON log. Same seed (and data) → the same image, also
 * across a stop and `resume`. The runtime reaches this file only through a dynamic import.
 */
import { existsSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { UserError } from '../../host/errors.js';
import { repoPath } from '../../host/paths.js';
import { getGraph } from '../graphs/index.js';
import type { Task } from '../graphs/types.js';
import { expectsCentredInput } from '../image/format.js';
import { loadWeightImage, saveWeightImage } from '../image/load.js';
import type { TrainingMeta, WeightImage } from '../image/types.js';
import { loadCheckpoint, modelState, restoreModelState, saveCheckpoint } from './checkpoint.js';
import { loadTaskData, type EpochView, type Examples, type TaskData } from './data.js';
import { DEFAULT_KD, type KdConfig } from './distill.js';
import type { MixMode } from './mix.js';
import type { CropMode } from './crop-modes.js';
import { MAX_SAM_RHO, MAX_TIME_MASK_MS } from './options.js';
import { exportImage, initFromImage } from './export.js';
import { calibrateRanges, createOptimizers, evalLogits, fitRangesForBits, reestimateBatchNorm, stageOf, trainStep, updateClipBounds, type HwConfig, type RangeInit, type TrainMode } from './hw.js';
import { useWasmTrainingBackend } from './kernels.js';
import { createModel, disposeModel, forward, rangeVariables, weightVariables, type AnalogModel, type PooledOut } from './model.js';
import { concatRows, FeatureHead, featureStats, gridPool, ridgeFit, standardiseRows, studentFeatureRows } from './feature-distill.js';
import { WeightAverage } from './weight-average.js';
import { fitLogitOffsets, withOutputOffsets, type FittedOffsets } from './teacher-prior.js';
import { loadCoTeacher } from './co-teacher.js';
import { TEACHER_PRIORS, type TeacherPrior } from './options.js';
import type { Teacher } from '../teacher/teacher.js';
import { withCorrectedTargets, type TargetMode } from '../image/programming-targets.js';

export interface TrainOptions {
  task: Task;
  mode: TrainMode;
  bits: 8 | 6 | 4;
  /** η of eq. 1 (stage 2); the paper: ~0.1 KWS, ~0.2 VWW. */
  eta: number;
  /** Stage 2: η of the layers reading the network's input (hw.ts HwConfig.etaInput; default eta). */
  etaInput?: number;
  epochs: number;
  /** Total optimisation steps (overrides epochs: the last epoch may be partial). */
  steps?: number;
  batch: number;
  /** Stage-1 initial learning rate. */
  lr: number;
  /** Image to start from (stage 2: the stage-1 image). */
  init?: string;
  out: string;
  seed: number;
  dataDir: string;
  resume: boolean;
  /** Where checkpoints go (default checkpoints/<run>/, gitignored). */
  checkpointDir?: string;
  /**
   * `full` only (default 'fitted'): where S and r_ADC,l start — 'one' (section 4.2: initialised at 1), 'calibrated'
   * (contracts §1's percentile ranges of the initial model, for inputs far from unit scale) or 'fitted'
   * (MSE-optimal ranges of the initial model at the run's bits: hw.ts fitRangesForBits).
   */
  rangeInit?: RangeInit;
  /** Stop (as if killed) after this many epochs of this call, right after the checkpoint (tests of resume). */
  stopAfterEpochs?: number;
  /** Use only this many examples of the data set (smoke tests). */
  limit?: number;
  /** A teacher network (TFLite, models/teacher) to distil from; its softened scores join the labels. */
  teacher?: string;
  /** Distillation weight and temperature (with `teacher`; each defaults to distill.ts DEFAULT_KD's). */
  kd?: Partial<KdConfig>;
  /**
   * With `teacher`: 'fit' = distil from its logits plus per-class offsets fitted on our training split;
   * 'fit-init' = also add them to the init image's class scores (teacher-prior.ts; default neither).
   */
  teacherPrior?: TeacherPrior;
  /** With `teacher`: a float image of the same network averaged with it as the target (co-teacher.ts; default none). */
  coTeacher?: string;
  /** VWW: mix pairs of augmented images into each view (mix.ts); KWS: mixup of clips only (default none). */
  mix?: MixMode;
  /** `full`: model drift before each ADC with gains log-uniform in [driftGainMin, 1] (model.ts). */
  driftGainMin?: number;
  /** With driftGainMin: one drift gain per training pass for every layer instead of one per layer. */
  driftGainShared?: boolean;
  /** KWS: speed perturbation of each keyword clip by up to ±speed (speed.ts; default none). */
  speed?: number;
  /** KWS: a time mask of up to this many ms in each keyword view (data.ts; default none). */
  timeMaskMs?: number;
  /** How the chip is to program the written image (programming-targets.ts; default mean-corrected). Export only: not part of the run's config. */
  targets?: TargetMode;
  /** VWW: how training views are cropped (data.ts CropMode; default light). */
  crop?: CropMode;
  /** VWW: contrast and colour-cast jitter on the training views (data.ts augmentImage; default off). */
  colorJitter?: boolean;
  /** Stage 2: BN with the init image's statistics, frozen, in training passes (hw.ts HwConfig.bnFrozen). */
  bnFrozen?: boolean;
  /** VWW: stochastic depth, the top rate of residual branches dropped per example (drop-path.ts; default none). */
  dropPath?: number;
  /** SAM's radius ρ in W_max units (sam.ts): each step descends from the worst analog weights within it (default off). */
  sam?: number;
  /** Seed of the epochs' views (order, augmentation, mixing) and of the training noise (default: seed, which also fixes split and init). */
  viewSeed?: number;
  /** Export an exponential moving average of the trained variables, this decay per step (weight-average.ts). */
  ema?: number;
  /** With `teacher`: weight of feature distillation on the pooled features (feature-distill.ts; default none). */
  featureKd?: number;
  /** With featureKd: match the last feature maps on a g × g grid (gridPool) instead of their global pools. */
  featureGrid?: number;
  /** Overwrite an existing image at `out`. */
  force?: boolean;
  /** Examples for range calibration of `baseline`/`noise` images. */
  calibrationExamples?: number;
  onProgress?: (p: TrainProgress) => void;
  /** One-line notes: data, checkpoint path, resume point. */
  onInfo?: (message: string) => void;
  onEpoch?: (e: EpochLog) => void;
}

export interface TrainProgress {
  epoch: number;
  epochs: number;
  step: number;
  totalSteps: number;
  loss: number;
  accuracy: number;
  samplesPerSec: number;
  etaSec: number;
}

export interface EpochLog {
  epoch: number;
  step: number;
  loss: number;
  trainAccuracy: number;
  /** Validation accuracy of the training-mode datapath without noise (full: with its converters); with --ema, of the average. */
  valAccuracy: number;
  /** With --ema: the live (not averaged) weights' validation accuracy, for comparison. */
  valAccuracyLive?: number;
  samplesPerSec: number;
  wallSec: number;
}

export interface TrainLog {
  task: Task;
  network: string;
  config: RunConfig;
  data: string;
  epochs: EpochLog[];
  /** Validation accuracy of the written image: float (no converters), and with converters at each bit width. */
  final: {
    valAccuracyFloat: number;
    valAccuracyQuantized: Record<string, number>;
    /** `full`: validation accuracy at its bits before the BN re-estimation (the last epoch's); `noise`: float. */
    valAccuracyBeforeBnReestimation?: number;
    S: number;
    wallSec: number;
    samplesPerSec: number;
  };
  image: string;
  /** With --teacher-prior fit: the offsets distilled with and what they did to the teacher on the training split. */
  teacherPrior?: FittedOffsets;
  /** How the image is marked: programmed at targets corrected for the PCM's mean error, or at its weights (absent in older logs: trained). */
  targets?: TargetMode;
  createdAt: string;
}

/** What must match for a resume to be valid. */
export interface RunConfig {
  task: Task;
  mode: TrainMode;
  bits: 8 | 6 | 4 | null;
  eta: number;
  epochs: number;
  steps: number | null;
  batch: number;
  lr: number;
  seed: number;
  init: string | null;
  limit: number | null;
  rangeInit: RangeInit | null;
  /** Distillation (absent in runs made before it: null). Paths are relative to the repository. */
  teacher?: string | null;
  kdWeight?: number | null;
  kdTemp?: number | null;
  /** The teacher's class prior refitted to ours (absent: its own). */
  teacherPrior?: TeacherPrior;
  /** A float image averaged with the teacher (absent: none); a path relative to the repository. */
  coTeacher?: string;
  mix?: MixMode | null;
  driftGainMin?: number | null;
  /** One drift gain per pass for all layers (absent in runs made before it and when off: one per layer). */
  driftGainShared?: boolean;
  /** KWS speed perturbation (absent in runs made before it: none). */
  speed?: number | null;
  /** KWS time mask, ms (absent in runs made before it: none). */
  timeMaskMs?: number;
  /** VWW crops (absent: light). */
  crop?: CropMode | null;
  /** VWW colour jitter (absent: off). */
  colorJitter?: boolean;
  /** Absent in runs made before it: batch statistics. */
  bnStats?: 'batch' | 'frozen' | null;
  /** Weight averaging's decay per step (absent: none, the last step's weights are exported). */
  ema?: number | null;
  /** Feature distillation's weight (absent: none). */
  featureKd?: number | null;
  /** Feature distillation on a g × g grid of the last maps (absent: their global pools). */
  featureGrid?: number;
  /** η of the input layers (absent: eta). */
  etaInput?: number | null;
  /** Stochastic depth's top rate (absent: none). */
  dropPath?: number;
  /** SAM's radius (absent: off). */
  sam?: number;
  /** Seed of the epochs' views and the training noise (absent: seed). */
  viewSeed?: number;
}

export interface TrainResult {
  image: WeightImage;
  log: TrainLog;
  imagePath: string;
  logPath: string;
}

/**
 * Where `full` runs start their ranges unless told: fitted at their bits. The paper's init at 1 suits
 * inputs of unit scale; KWS's MFCC inputs reach ±250, and at 4 bit the 99.995th percentiles
 * (`calibrated`) leave most ADC codes at zero (bench/range-init.ts: 10.9 % vs 33.0 % before training).
 */
export const DEFAULT_RANGE_INIT: RangeInit = 'fitted';

/** Unaugmented training examples for the BN re-estimation of `full` and `noise` images (hw.ts reestimateBatchNorm). */
export const BN_REESTIMATION_EXAMPLES = 1024;

/** models/<task>/<mode>[-<bits>].aonw — the shipped images, the names `ablation` and the runtime look for */
export function defaultImagePath(task: Task, mode: TrainMode, bits: number): string {
  return repoPath('models', task, mode === 'full' ? `full-${bits}.aonw` : `${mode}.aonw`);
}

/** Where `train` writes without --out: runs/<task>-<mode>[-<bits>]-seed<n>/image.aonw, never over a shipped image. */
export function defaultRunImagePath(task: Task, mode: TrainMode, bits: number, seed: number): string {
  return join('runs', `${task}-${mode}${mode === 'full' ? `-${bits}` : ''}-seed${seed}`, 'image.aonw');
}

/** A path as the run's config stores it: relative to the repository (logs ship; machines differ). */
export function portablePath(p: string): string {
  const rel = relative(repoPath(), resolve(p));
  return isAbsolute(rel) ? resolve(p) : rel.split('\\').join('/');
}

/** Checks the output image path before any work: its folder exists, it is not a folder, no overwrite without force. */
export function checkOutPath(out: string, force: boolean): void {
  const dir = dirname(resolve(out));
  if (existsSync(out) && statSync(out).isDirectory()) throw new UserError(`--out ${out} is a directory; name the image file (e.g. ${join(out, 'image.aonw')})`);
  if (!existsSync(dir)) throw new UserError(`--out ${out}: folder ${dirname(out)} does not exist`);
  if (!statSync(dir).isDirectory()) throw new UserError(`--out ${out}: ${dirname(out)} is not a directory`);
  if (existsSync(out) && !force) throw new UserError(`--out ${out} exists; pass --force to overwrite it, or choose another --out`);
}

export function logPathFor(imagePath: string): string {
  return imagePath.replace(/\.aonw$/, '') + '.log.json';
}

/** Equal settings; a key missing on one side (checkpoints of older builds) counts as null. */
function sameConfig(a: RunConfig, b: RunConfig): boolean {
  const ra = a as unknown as Record<string, unknown>;
  const rb = b as unknown as Record<string, unknown>;
  return [...new Set([...Object.keys(ra), ...Object.keys(rb)])].every((k) => JSON.stringify(ra[k] ?? null) === JSON.stringify(rb[k] ?? null));
}

function runName(c: RunConfig): string {
  return `${c.task}-${c.mode}${c.bits ? `-${c.bits}b` : ''}-seed${c.seed}`;
}

/** Training throughput over the epochs' logs (each epoch: samples/s × seconds = samples). */
function runSamplesPerSec(epochs: EpochLog[]): number {
  const sec = epochs.reduce((a, e) => a + e.wallSec, 0);
  return sec > 0 ? epochs.reduce((a, e) => a + e.samplesPerSec * e.wallSec, 0) / sec : 0;
}

/** Sub-batch `i` of `size` from examples, as tensors (inputs NHWC). */
function batchTensors(ex: Examples, start: number, size: number, shape: [number, number, number]): { x: tf.Tensor4D; y: tf.Tensor1D } {
  const per = shape[0] * shape[1] * shape[2];
  const n = Math.min(size, ex.count - start);
  return {
    x: tf.tensor4d(ex.x.subarray(start * per, (start + n) * per), [n, ...shape]),
    y: tf.tensor1d(ex.y.subarray(start, start + n), 'int32'),
  };
}

/** The teacher's input for examples [start, start + n) of a view (its own size, or the network's). */
function teacherBatch(ex: Examples, start: number, n: number, teacher: Teacher, ownInput: boolean): tf.Tensor4D {
  const { h, w, c } = teacher.input;
  const per = h * w * c;
  const src = ownInput ? ex.teacherX : ex.x;
  if (!src) throw new Error('teacher input missing from the epoch\'s examples');
  return tf.tensor4d(src.subarray(start * per, (start + n) * per), [n, h, w, c]);
}

/** Teacher logits on every unaugmented training example, batched; then the offsets fitted to their labels (teacher-prior.ts). */
function fitTeacherPrior(teacher: Teacher, data: TaskData, ownInput: boolean): FittedOffsets {
  const ex = data.calibration(data.trainCount, ownInput ? teacher.input : undefined);
  const logits: number[] = [];
  for (let s = 0; s < ex.count; s += 256) {
    const k = Math.min(256, ex.count - s);
    const tx = teacherBatch(ex, s, k, teacher, ownInput);
    const t = tf.tidy(() => teacher.logits(tx));
    logits.push(...(t.dataSync() as Float32Array));
    tf.dispose([t, tx]);
  }
  return fitLogitOffsets(logits, ex.y, logits.length / ex.count);
}

/** A batch's label blends (mixed views), the teacher's logits on the same views and (features) its pooled features. */
function stepTargets(
  ex: Examples,
  start: number,
  n: number,
  classes: number,
  teacher: Teacher | null,
  ownInput: boolean,
  features: boolean,
  grid: number | null = null,
  offsets: tf.Tensor1D | null = null,
): { soft?: tf.Tensor2D; teacher?: tf.Tensor2D; teacherFeatures?: tf.Tensor2D } {
  const out: { soft?: tf.Tensor2D; teacher?: tf.Tensor2D; teacherFeatures?: tf.Tensor2D } = {};
  if (ex.soft) out.soft = tf.tensor2d(ex.soft.subarray(start * classes, (start + n) * classes), [n, classes]);
  if (teacher) {
    const tx = teacherBatch(ex, start, n, teacher, ownInput);
    if (features) {
      const r = teacherFeatures(teacher, tx, grid);
      out.teacher = r.logits;
      out.teacherFeatures = r.features;
    } else {
      out.teacher = tf.tidy(() => teacher.logits(tx));
    }
    tx.dispose();
    if (offsets) {
      const raw = out.teacher;
      out.teacher = tf.add(raw, offsets) as tf.Tensor2D;
      raw.dispose();
    }
  }
  return out;
}

/** The teacher's logits and feature rows: its pooled features [N, C], or (grid g) its last map pooled to g × g, [N·g², C]. */
function teacherFeatures(teacher: Teacher, tx: tf.Tensor4D, grid: number | null): { logits: tf.Tensor2D; features: tf.Tensor2D } {
  if (!grid) return teacher.logitsAndFeatures(tx);
  const r = teacher.logitsAndFeatureMap(tx);
  const features = gridPool(r.map, grid);
  r.map.dispose();
  return { logits: r.logits, features };
}

/**
 * The feature head of a run (feature-distill.ts): teacher statistics and the ridge-fitted starting map from
 * the first `n` examples of the run's first view, student features from its evaluation pass at `bits`
 * (deterministic, so a resumed run rebuilds the same head before restoring the checkpoint's).
 */
function createFeatureHead(model: AnalogModel, ex: Examples, teacher: Teacher, ownInput: boolean, bits: number | null, n: number, grid: number | null): FeatureHead {
  const { h, w, c } = model.graph.input;
  const count = Math.min(n, ex.count);
  const tRows: Float32Array[] = [];
  const sRows: Float32Array[] = [];
  for (let s = 0; s < count; s += 64) {
    const k = Math.min(64, count - s);
    const tx = teacherBatch(ex, s, k, teacher, ownInput);
    const r = teacherFeatures(teacher, tx, grid);
    tRows.push(r.features.dataSync() as Float32Array);
    tf.dispose([tx, r.logits, r.features]);
    tf.tidy(() => {
      const { x, y } = batchTensors(ex, s, k, [h, w, c]);
      const pooled: PooledOut = {};
      forward(model, x, { training: false, eta: 0, bits, quantNoiseP: 1, seed: 0 }, undefined, pooled);
      sRows.push(Float32Array.from(studentFeatureRows(pooled, grid).dataSync() as Float32Array));
      y.dispose();
    });
  }
  const t = concatRows(tRows);
  const f = concatRows(sRows);
  const tw = teacher.featureWidth;
  const sw = f.length / (count * (grid ?? 1) ** 2);
  const stats = featureStats(t, tw);
  return new FeatureHead(sw, tw, stats, ridgeFit(f, sw, standardiseRows(t, stats), tw));
}

/** Examples of the first view that fix the feature head's statistics and starting map. */
export const FEATURE_HEAD_EXAMPLES = 512;

/** Top-1 accuracy of the eval forward pass (bits null = float; adcGain: ForwardOptions.adcGain). */
export function accuracy(model: AnalogModel, ex: Examples, bits: number | null, batch = 256, adcGain?: number): number {
  const { h, w, c } = model.graph.input;
  let correct = 0;
  for (let s = 0; s < ex.count; s += batch) {
    correct += tf.tidy(() => {
      const { x, y } = batchTensors(ex, s, batch, [h, w, c]);
      return tf.sum(tf.cast(tf.equal(tf.argMax(evalLogits(model, x, bits, adcGain), 1), y), 'int32')).dataSync()[0]!;
    });
  }
  return ex.count === 0 ? 0 : correct / ex.count;
}

/** Calls `use` with the examples' inputs as batches of `batch` tensors, then frees them. */
function withInputBatches<T>(model: AnalogModel, ex: Examples, batch: number, use: (batches: tf.Tensor4D[]) => T): T {
  const { h, w, c } = model.graph.input;
  const batches: tf.Tensor4D[] = [];
  for (let s = 0; s < ex.count; s += batch) {
    const { x, y } = batchTensors(ex, s, batch, [h, w, c]);
    y.dispose();
    batches.push(x);
  }
  try {
    return use(batches);
  } finally {
    tf.dispose(batches);
  }
}

/** A run stopped by `stopAfterEpochs`: its state is in the checkpoint. */
export interface StoppedRun {
  stopped: true;
  epoch: number;
  checkpoint: string;
}

export async function train(o: TrainOptions & { stopAfterEpochs: number }): Promise<TrainResult | StoppedRun>;
export async function train(o: TrainOptions): Promise<TrainResult>;
export async function train(o: TrainOptions): Promise<TrainResult | StoppedRun> {
  for (const [name, v] of [['epochs', o.epochs], ['batch', o.batch]] as const) {
    if (!Number.isInteger(v) || v < 1) throw new UserError(`--${name} must be a positive integer (got ${v})`);
  }
  if (!(o.eta >= 0 && o.eta < 1)) throw new UserError(`--eta must be in [0, 1) (got ${o.eta})`);
  if (o.etaInput !== undefined && !(o.etaInput >= 0 && o.etaInput < 1)) throw new UserError(`--eta-input must be in [0, 1) (got ${o.etaInput})`);
  if (!(o.lr > 0)) throw new UserError(`learning rate must be positive (got ${o.lr})`);
  const kdWanted: KdConfig = { ...DEFAULT_KD, ...o.kd };
  if (!(kdWanted.weight >= 0 && kdWanted.weight <= 1)) throw new UserError(`--kd-weight must be in [0, 1] (got ${kdWanted.weight})`);
  if (!(kdWanted.temp > 0 && Number.isFinite(kdWanted.temp))) throw new UserError(`--kd-temp must be a positive number (got ${kdWanted.temp})`);
  if (o.mix && o.mix !== 'none' && o.mix !== 'mixup' && o.task !== 'vww') throw new UserError(`--mix ${o.mix} mixes images: KWS mixes clips with --mix mixup only`);
  if (o.driftGainMin !== undefined && !(o.driftGainMin > 0 && o.driftGainMin <= 1)) {
    throw new UserError(`--drift-gain must be in (0, 1] (got ${o.driftGainMin})`);
  }
  if (o.speed !== undefined && !(o.speed >= 0 && o.speed < 0.5)) throw new UserError(`--speed must be in [0, 0.5) (got ${o.speed})`);
  if (o.timeMaskMs !== undefined && !(Number.isInteger(o.timeMaskMs) && o.timeMaskMs >= 0 && o.timeMaskMs <= MAX_TIME_MASK_MS)) {
    throw new UserError(`--time-mask must be a whole number of ms in [0, ${MAX_TIME_MASK_MS}] (got ${o.timeMaskMs})`);
  }
  if (o.timeMaskMs && o.task !== 'kws') throw new UserError('--time-mask silences a stretch of audio: it is for --task kws');
  if (o.crop === 'inception' && o.task !== 'vww') throw new UserError('--crop inception crops images: it is for --task vww');
  if (o.colorJitter && o.task !== 'vww') throw new UserError('--color-jitter changes image colours: it is for --task vww');
  if (o.speed && o.task !== 'kws') throw new UserError('--speed perturbs audio clips: it is for --task kws');
  if (o.bnFrozen && stageOf(o.mode) !== 2) throw new UserError('--bn-stats frozen keeps the init image\'s BN statistics in stage 2: it needs --mode noise or full');
  if (o.driftGainMin !== undefined && o.mode !== 'full') throw new UserError('--drift-gain models drift at the ADC: it needs --mode full');
  if (o.driftGainShared && o.driftGainMin === undefined) throw new UserError('--drift-gain-shared says how --drift-gain draws its gains: it needs --drift-gain');
  if (o.dropPath !== undefined && !(o.dropPath >= 0 && o.dropPath < 1)) throw new UserError(`--drop-path must be in [0, 1) (got ${o.dropPath})`);
  if (o.dropPath && o.task !== 'vww') throw new UserError('--drop-path drops residual branches: AnalogNet-KWS has none (it is for --task vww)');
  if (o.sam !== undefined && !(o.sam > 0 && o.sam <= MAX_SAM_RHO)) throw new UserError(`--sam must be a radius in (0, ${MAX_SAM_RHO}] (in W_max units; got ${o.sam})`);
  if (o.ema !== undefined && !(o.ema > 0 && o.ema < 1)) throw new UserError(`--ema must be in (0, 1) (got ${o.ema})`);
  if (o.featureKd !== undefined && !(o.featureKd > 0 && Number.isFinite(o.featureKd))) throw new UserError(`--feature-kd must be a positive weight (got ${o.featureKd})`);
  if (o.featureGrid !== undefined && !(Number.isInteger(o.featureGrid) && o.featureGrid >= 1)) throw new UserError(`--feature-grid must be a whole number of cells ≥ 1 (got ${o.featureGrid})`);
  if (o.featureGrid !== undefined && o.featureKd === undefined) throw new UserError('--feature-grid says where --feature-kd matches the teacher: it needs --feature-kd');
  if (o.featureKd !== undefined && o.teacher === undefined) throw new UserError('--feature-kd matches a teacher\'s features: it needs --teacher');
  if (o.teacherPrior !== undefined && !TEACHER_PRIORS.includes(o.teacherPrior)) throw new UserError(`--teacher-prior must be one of ${TEACHER_PRIORS.join(', ')} (got ${String(o.teacherPrior)})`);
  if (o.teacherPrior !== undefined && o.teacher === undefined) throw new UserError(`--teacher-prior ${o.teacherPrior} corrects a teacher's scores: it needs --teacher`);
  if (o.teacherPrior === 'fit-init' && o.init === undefined && stageOf(o.mode) !== 2) throw new UserError('--teacher-prior fit-init shifts the --init image\'s class scores: it needs --init');
  if (o.teacher !== undefined && !existsSync(o.teacher)) throw new UserError(`teacher not found: ${o.teacher}`);
  if (o.coTeacher !== undefined && o.teacher === undefined) throw new UserError('--co-teacher is averaged with a teacher: it needs --teacher');
  if (o.coTeacher !== undefined && !existsSync(o.coTeacher)) throw new UserError(`co-teacher not found: ${o.coTeacher}`);
  // Before any work (and before a resumed run's last epochs): a bad --out must not cost a run.
  checkOutPath(o.out, o.force === true || o.resume);
  const stage2 = stageOf(o.mode) === 2;
  if (o.etaInput !== undefined && !stage2) throw new UserError('--eta-input is weight noise of stage 2: it needs --mode noise or full');
  const init = o.init ?? (stage2 ? defaultImagePath(o.task, 'baseline', o.bits) : undefined);
  if (stage2 && (!init || !existsSync(init))) {
    throw new UserError(`stage 2 (${o.mode}) starts from the stage-1 image: ${init} not found (train --mode baseline first, or pass --init IMAGE)`);
  }
  const config: RunConfig = {
    task: o.task,
    mode: o.mode,
    bits: o.mode === 'full' ? o.bits : null,
    eta: stage2 ? o.eta : 0,
    epochs: o.epochs,
    steps: o.steps ?? null,
    batch: o.batch,
    lr: o.lr,
    seed: o.seed,
    init: init ? portablePath(init) : null,
    limit: o.limit ?? null,
    rangeInit: o.mode === 'full' ? (o.rangeInit ?? DEFAULT_RANGE_INIT) : null,
    teacher: o.teacher ? portablePath(o.teacher) : null,
    kdWeight: o.teacher ? kdWanted.weight : null,
    kdTemp: o.teacher ? kdWanted.temp : null,
    ...(o.teacherPrior !== undefined ? { teacherPrior: o.teacherPrior } : {}),
    ...(o.coTeacher !== undefined ? { coTeacher: portablePath(o.coTeacher) } : {}),
    mix: o.mix && o.mix !== 'none' ? o.mix : null,
    driftGainMin: o.driftGainMin ?? null,
    ...(o.driftGainShared ? { driftGainShared: true } : {}),
    ...(o.bnFrozen ? { bnStats: 'frozen' as const } : {}),
    ...(o.speed ? { speed: o.speed } : {}),
    ...(o.timeMaskMs ? { timeMaskMs: o.timeMaskMs } : {}),
    ...(o.crop === 'inception' ? { crop: o.crop } : {}),
    ...(o.colorJitter ? { colorJitter: true } : {}),
    ...(o.ema ? { ema: o.ema } : {}),
    ...(o.dropPath ? { dropPath: o.dropPath } : {}),
    ...(o.sam ? { sam: o.sam } : {}),
    ...(o.featureKd ? { featureKd: o.featureKd } : {}),
    ...(o.featureKd && o.featureGrid ? { featureGrid: o.featureGrid } : {}),
    ...(o.etaInput !== undefined && stage2 ? { etaInput: o.etaInput } : {}),
    ...(o.viewSeed !== undefined && o.viewSeed !== o.seed ? { viewSeed: o.viewSeed } : {}),
  };
  const graph = getGraph(o.task);
  await useWasmTrainingBackend();
  const data: TaskData = loadTaskData(o.task, o.dataDir, o.seed, o.limit);
  const { h, w, c } = graph.input;
  const stepsPerEpoch = Math.floor(data.trainCount / o.batch);
  if (stepsPerEpoch < 1) throw new UserError(`--batch ${o.batch} is larger than the ${data.trainCount} training examples`);
  const totalSteps = o.steps ?? o.epochs * stepsPerEpoch;
  const epochs = Math.ceil(totalSteps / stepsPerEpoch);
  const hw: HwConfig = { mode: o.mode, bits: o.bits, eta: config.eta, lr: o.lr, driftGainMin: config.driftGainMin ?? null, driftGainShared: config.driftGainShared === true, bnFrozen: config.bnStats === 'frozen', etaInput: config.etaInput ?? null, dropPath: config.dropPath ?? null, sam: config.sam ?? null };
  const teacher = o.teacher ? (await import('../teacher/teacher.js')).loadTeacher(o.teacher, o.task) : null;
  const kd: KdConfig | null = teacher ? { weight: config.kdWeight!, temp: config.kdTemp! } : null;
  const teacherOwnInput = teacher !== null && !(teacher.input.h === h && teacher.input.w === w && teacher.input.c === c);
  const view: EpochView = {
    ...(config.mix ? { mix: config.mix } : {}),
    ...(config.speed ? { speed: config.speed } : {}),
    ...(config.timeMaskMs ? { timeMaskMs: config.timeMaskMs } : {}),
    ...(config.crop ? { crop: config.crop } : {}),
    ...(config.colorJitter ? { colorJitter: true } : {}),
    ...(teacherOwnInput && teacher ? { teacherInput: teacher.input } : {}),
    ...(config.viewSeed !== undefined ? { seed: config.viewSeed } : {}),
  };
  if (teacherOwnInput && o.task !== 'vww') throw new UserError(`teacher ${o.teacher} takes ${teacher!.input.h}×${teacher!.input.w}×${teacher!.input.c}, the network ${h}×${w}×${c}`);
  const ckptPath = join(o.checkpointDir ?? join('checkpoints', runName(config)), 'state.json');
  // A resumed run distils with the offsets it started with (stored in its checkpoint), not a refit.
  let ck = o.resume ? loadCheckpoint<RunConfig, EpochLog>(ckptPath) : null;
  if (ck && !sameConfig(ck.config, config)) {
    throw new UserError(`checkpoint ${ckptPath} was made with other settings: ${JSON.stringify(ck.config)}`);
  }
  const prior = teacher && config.teacherPrior !== undefined ? (ck?.teacherPrior ?? fitTeacherPrior(teacher, data, teacherOwnInput)) : null;
  if (prior) {
    const fmt = (v: number) => (100 * v).toFixed(1);
    o.onInfo?.(`teacher prior: offsets ${prior.offsets.map((v) => v.toFixed(2)).join(' ')} (${graph.classes.join(' ')}); the teacher on the training split ${fmt(prior.accuracyBefore)} → ${fmt(prior.accuracyAfter)} %`);
  }
  const teacherOffsets = prior ? tf.tensor1d(prior.offsets) : null;
  const coTeacher = o.coTeacher ? loadCoTeacher(o.coTeacher, graph, data.calibration(256)) : null;

  const model = createModel(graph, o.seed);
  let initImage: WeightImage | null = null;
  if (init) {
    initImage = loadWeightImage(init, graph.name, { uncentredVww: true });
    if (expectsCentredInput(graph.name, initImage.training.method) && initImage.training.input !== 'centred') {
      o.onInfo?.(`${init} was trained on the VWW input x/255 in [0, 1]; this run trains it on the centred input (docs/training.md, "Centred VWW input")`);
    }
    // fit-init: the init, distilled from the uncorrected teacher, inherited its prior; start it from the corrected one.
    if (prior && config.teacherPrior === 'fit-init') initImage = withOutputOffsets(initImage, prior.offsets);
    initFromImage(model, initImage, data.calibration(256));
    if (o.mode === 'full') {
      if (config.rangeInit === 'image') {
        // Continuing a full image: its learned ranges are the start (a refit would undo what it learned).
        const t = initImage.training;
        if (t?.method !== 'full' || t.bits !== o.bits) {
          throw new UserError(`--range-init image needs a full image trained at ${o.bits} bit as --init (${init} is ${t?.method ?? 'untrained'}${t?.bits ? ` at ${t.bits} bit` : ''})`);
        }
      } else if (config.rangeInit === 'one') {
        // Section 4.2: S and r_ADC,l are trainable and start at 1.
        model.S.assign(tf.scalar(1));
        for (const l of model.layers) l.rAdc.assign(tf.scalar(1));
      } else {
        withInputBatches(model, data.calibration(o.calibrationExamples ?? 256), 64, (batches) =>
          config.rangeInit === 'fitted' ? fitRangesForBits(model, batches, o.bits) : calibrateRanges(model, batches),
        );
      }
    }
  }
  const opt = createOptimizers(model, hw);
  const featureHead = teacher && config.featureKd
    ? createFeatureHead(model, data.trainEpoch(0, view), teacher, teacherOwnInput, o.mode === 'full' ? o.bits : null, FEATURE_HEAD_EXAMPLES, config.featureGrid ?? null)
    : null;
  let startEpoch = 0;
  let step = 0;
  let epochLogs: EpochLog[] = [];
  let averageState: Float32Array[] | undefined;
  if (o.resume) {
    if (ck) {
      restoreModelState(model, ck.variables, ck.wMax);
      opt.weights.setState(ck.weightsOpt);
      if (opt.ranges && ck.rangesOpt) opt.ranges.setState(ck.rangesOpt);
      startEpoch = ck.epoch;
      step = ck.step;
      epochLogs = ck.log;
      averageState = ck.average ?? undefined;
      if (featureHead) {
        if (!ck.featureHead) throw new UserError(`checkpoint ${ckptPath} has no feature head`);
        featureHead.restore(ck.featureHead);
      }
      o.onInfo?.(`resuming after epoch ${ck.epoch} (step ${ck.step}) from ${ckptPath}`);
      ck = null; // restored: its arrays need not live through the run
    } else {
      o.onInfo?.(`no checkpoint at ${ckptPath}: starting from scratch`);
    }
  }
  o.onInfo?.(`${data.description}; ${epochs} epochs of ${stepsPerEpoch} steps; checkpoints in ${dirname(ckptPath)}`);
  // Starts at the weights the run starts from (or the checkpoint's average): no bias towards zero to correct.
  // The moving BN statistics are averaged too (as timm's ModelEma does): the live ones follow the live
  // weights, which the average lags by ~1/(1 − d) steps (without this, KWS stage 1 epochs 4–7 validated
  // the average at 82 % against the live weights' 84–89 %).
  const movingStats = model.layers.flatMap((l) => (l.movingMean && l.movingVar ? [l.movingMean, l.movingVar] : []));
  const average = config.ema
    ? new WeightAverage([...weightVariables(model), ...(opt.ranges ? rangeVariables(model) : []), ...movingStats], config.ema, averageState)
    : null;
  const stage1 = !stage2;
  /** Validation accuracy of the average (stage 1: with its own clip bounds 2σ), or of the live weights. */
  const averagedAccuracy = (bits: number | null): number =>
    average!.withAverage(() => {
      const live = model.layers.map((l) => l.wMax);
      if (stage1) updateClipBounds(model);
      try {
        return accuracy(model, data.val, bits);
      } finally {
        model.layers.forEach((l, i) => (l.wMax = live[i]!));
      }
    });

  const t0 = performance.now();
  let trainedSamples = 0;
  let trainedMs = 0;
  for (let epoch = startEpoch; epoch < epochs && step < totalSteps; epoch++) {
    const ex = data.trainEpoch(epoch, view);
    const tEpoch = performance.now();
    let lossSum = 0;
    let correct = 0;
    let seen = 0;
    for (let b = 0; b < stepsPerEpoch && step < totalSteps; b++) {
      const tStep = performance.now();
      const { x, y } = batchTensors(ex, b * o.batch, o.batch, [h, w, c]);
      const extra = stepTargets(ex, b * o.batch, x.shape[0], graph.classes.length, teacher, teacherOwnInput, featureHead !== null, config.featureGrid ?? null, teacherOffsets);
      if (coTeacher && extra.teacher) {
        const first = extra.teacher;
        extra.teacher = coTeacher.blend(first, x);
        first.dispose();
      }
      const features = featureHead && extra.teacherFeatures
        ? { teacher: extra.teacherFeatures, head: featureHead, weight: config.featureKd!, grid: config.featureGrid ?? null }
        : undefined;
      const r = trainStep(model, opt, hw, x, y, step, totalSteps, ((config.viewSeed ?? o.seed) * 1_000_003 + step) >>> 0, {
        ...(extra.soft ? { soft: extra.soft } : {}),
        ...(extra.teacher ? { teacher: extra.teacher } : {}),
        kd,
        ...(features ? { features } : {}),
      });
      tf.dispose([x, y, ...[extra.soft, extra.teacher, extra.teacherFeatures].filter((t): t is tf.Tensor2D => t !== undefined)]);
      if (!Number.isFinite(r.loss)) throw new Error(`training diverged at step ${step} (loss ${r.loss})`);
      average?.update(step);
      step++;
      lossSum += r.loss * o.batch;
      correct += r.correct;
      seen += o.batch;
      trainedSamples += o.batch;
      trainedMs += performance.now() - tStep;
      const sps = (1000 * trainedSamples) / trainedMs;
      o.onProgress?.({
        epoch: epoch + 1,
        epochs,
        step,
        totalSteps,
        loss: lossSum / seen,
        accuracy: correct / seen,
        samplesPerSec: sps,
        etaSec: ((totalSteps - step) * o.batch) / sps,
      });
    }
    const valBits = o.mode === 'full' ? o.bits : null;
    const e: EpochLog = {
      epoch: epoch + 1,
      step,
      loss: lossSum / Math.max(seen, 1),
      trainAccuracy: correct / Math.max(seen, 1),
      valAccuracy: average ? averagedAccuracy(valBits) : accuracy(model, data.val, valBits),
      ...(average ? { valAccuracyLive: accuracy(model, data.val, valBits) } : {}),
      samplesPerSec: (1000 * seen) / (performance.now() - tEpoch),
      wallSec: (performance.now() - tEpoch) / 1000,
    };
    epochLogs.push(e);
    o.onEpoch?.(e);
    saveCheckpoint(ckptPath, {
      version: 1,
      config,
      epoch: epoch + 1,
      step,
      ...modelState(model),
      weightsOpt: opt.weights.getState(),
      rangesOpt: opt.ranges?.getState() ?? null,
      ...(average ? { average: average.state() } : {}),
      ...(featureHead ? { featureHead: featureHead.state() } : {}),
      ...(prior ? { teacherPrior: prior } : {}),
      log: epochLogs,
    });
    if (o.stopAfterEpochs !== undefined && epoch + 1 - startEpoch >= o.stopAfterEpochs && epoch + 1 < epochs) {
      opt.weights.dispose();
      opt.ranges?.dispose();
      average?.dispose();
      featureHead?.dispose();
      teacherOffsets?.dispose();
      coTeacher?.dispose();
      disposeModel(model);
      teacher?.dispose();
      return { stopped: true, epoch: epoch + 1, checkpoint: ckptPath };
    }
  }

  if (average) {
    // The image is the average, with the averaged moving statistics (re-estimating them on unaugmented
    // examples cost VWW stage 1 75.2 → 71.5 %, KWS 88.4 → 88.1 %); stage 1's clip bounds are 2σ of the
    // weights they clip.
    average.commit();
    average.dispose();
    if (stage1) updateClipBounds(model);
  }
  // Converter ranges: learned (full) or calibrated on training data (contracts §1).
  let calibrated: ReturnType<typeof calibrateRanges> | null = null;
  let valBeforeBn: number | null = null;
  // Frozen statistics: the network was trained to them, so re-estimating them would undo that.
  const reestimate = !o.bnFrozen;
  if (o.mode === 'full') {
    valBeforeBn = epochLogs.at(-1)?.valAccuracy ?? accuracy(model, data.val, o.bits);
    if (reestimate) withInputBatches(model, data.calibration(BN_REESTIMATION_EXAMPLES), 128, (batches) => reestimateBatchNorm(model, batches, o.bits));
  } else {
    if (o.mode === 'noise') {
      // Weight noise inflated the moving statistics too (VWW: 58.8 % float before); calibrate after.
      valBeforeBn = epochLogs.at(-1)?.valAccuracy ?? accuracy(model, data.val, null);
      if (reestimate) withInputBatches(model, data.calibration(BN_REESTIMATION_EXAMPLES), 128, (batches) => reestimateBatchNorm(model, batches, null));
    }
    calibrated = withInputBatches(model, data.calibration(o.calibrationExamples ?? 256), 64, (batches) => calibrateRanges(model, batches));
  }
  const valFloat = accuracy(model, data.val, null);
  const valQuant: Record<string, number> = {};
  for (const b of o.mode === 'full' ? [o.bits] : [8, 6, 4]) valQuant[`${b}`] = accuracy(model, data.val, b);
  const meta: TrainingMeta = {
    method: o.mode,
    eta: config.eta,
    bits: config.bits,
    data: data.description,
    seed: o.seed,
    epochs: epochLogs.length,
    valAccuracy: valFloat,
    createdAt: new Date().toISOString(),
  };
  const trained = exportImage(model, meta, calibrated);
  const targets = o.targets ?? 'mean-corrected';
  const image = targets === 'mean-corrected' ? withCorrectedTargets(trained) : trained;
  mkdirSync(dirname(o.out), { recursive: true });
  saveWeightImage(o.out, image);
  const wallSec = (performance.now() - t0) / 1000;
  const log: TrainLog = {
    task: o.task,
    network: graph.name,
    config,
    data: data.description,
    epochs: epochLogs,
    final: {
      valAccuracyFloat: valFloat,
      valAccuracyQuantized: valQuant,
      ...(valBeforeBn === null ? {} : { valAccuracyBeforeBnReestimation: valBeforeBn }),
      S: image.S,
      // Over the whole run, also when this call only resumed it (epoch times are in the checkpoint).
      wallSec: epochLogs.slice(0, startEpoch).reduce((a, e) => a + e.wallSec, 0) + wallSec,
      samplesPerSec: runSamplesPerSec(epochLogs),
    },
    image: o.out,
    ...(prior ? { teacherPrior: prior } : {}),
    targets,
    createdAt: meta.createdAt,
  };
  const logPath = logPathFor(o.out);
  writeFileSync(logPath, JSON.stringify(log, null, 2) + '\n');
  opt.weights.dispose();
  opt.ranges?.dispose();
  featureHead?.dispose();
  teacherOffsets?.dispose();
  coTeacher?.dispose();
  disposeModel(model);
  teacher?.dispose();
  return { image, log, imagePath: o.out, logPath };
}
