/**
 * The trainable model, built from the layer graph (models/graphs). Per analog layer, in the chip's
 * datapath order (models/graphs/types.ts): DAC quantizer on the input → conv/dense with clipped (+ noisy)
 * weights → ADC quantizer on the pre-activation → digital per-channel affine (BN, or bias) → ReLU →
 * residual add (narrower zero-padded) → global average pool. A tensor is stored (and read by every
 * layer that uses it, also as a skip operand) quantized to the DAC range of the layer reading it as
 * input, as the chip stores SRAM codes (contracts.md §3).
 */
import * as tf from '@tensorflow/tfjs';
import { layerShapes, type LayerShape } from '../graphs/shapes.js';
import type { LayerSpec, NetworkGraph } from '../graphs/types.js';
import { fusedQuantizeAvailable, quantizeFused, type QuantNoise } from './fused-quantize.js';
import { clipNoiseSTE, quantize } from './ste.js';
import { dropBranch, dropPathRate } from './drop-path.js';
import { keepMask } from './keep-mask.js';

/** Keras' BatchNormalization defaults. */
export const BN_EPSILON = 1e-3;
export const BN_MOMENTUM = 0.99;

export interface AnalogLayerParams {
  spec: LayerSpec;
  shape: LayerShape;
  /** Unclipped weights W_l,0 (layout of models/graphs/types.ts). */
  w: tf.Variable;
  /** Bias (layers without BN), else null. */
  bias: tf.Variable | null;
  gamma: tf.Variable | null;
  beta: tf.Variable | null;
  movingMean: tf.Variable | null;
  movingVar: tf.Variable | null;
  /** Trainable ADC range r_ADC,l (eq. 5–6). */
  rAdc: tf.Variable;
  /** Clip bound W_l,max = 2σ(W_l,0): updated every 10 steps in stage 1, fixed in stage 2. */
  wMax: number;
}

export interface AnalogModel {
  graph: NetworkGraph;
  layers: AnalogLayerParams[];
  /** Shared ADC gain S (eq. 5). */
  S: tf.Variable;
}

/** How one forward pass treats the hardware. */
export interface ForwardOptions {
  /** Batch-statistics BN (and moving-average updates), weight noise and quantization noise on. */
  training: boolean;
  /** η of eq. 1 (σ_N,l = η·W_l,max); 0 = no weight noise. Training passes only. */
  eta: number;
  /** η of the layers that read the network's input instead of `eta` (absent: `eta`). */
  etaInput?: number;
  /** ADC bits of the DAC/ADC quantizers (DAC = ADC + 1); null = no converters. */
  bits: number | null;
  /** Quantization-noise probability p (Fan et al. 2020): fraction of elements quantized in training. */
  quantNoiseP: number;
  /** Seed of this pass's random draws (weight noise, quantization-noise masks). */
  seed: number;
  /** Momentum of the moving BN statistics in a training pass (default BN_MOMENTUM; 0 = take this batch's). */
  bnMomentum?: number;
  /**
   * Training with converters: model PCM drift at the ADC. The array's output shrinks with drift (mean
   * factor 0.665 at a day, 0.50 at a year for 25 µS: pcm-model §6) before the ADC and GDC scales it back
   * after (§5), so the ADC's step is coarser relative to the signal. Each layer of a pass draws a gain g,
   * log-uniform in [driftGain, 1], and its ADC sees g·y, its output divided by g.
   */
  driftGain?: number;
  /**
   * With `driftGain`: one gain per pass for every layer (drift runs on one clock for the whole chip, so
   * after a day every layer's output has shrunk about alike) instead of an independent gain per layer.
   */
  driftGainShared?: boolean;
  /**
   * Any pass: every ADC sees g·y and its output is divided by g, for this fixed g (drift at the ADC
   * without the draw: what the chip's digital GDC meets at one time; bench/drift-gain.ts). Overrides
   * `driftGain`.
   */
  adcGain?: number;
  /** Training pass: stochastic depth, the top rate of residual branches dropped per example (drop-path.ts). */
  dropPath?: number;
  /**
   * Training pass: normalise with the moving BN statistics (not updated) instead of the batch's. Weight
   * noise shifts each output channel by ΔW·E[x] for the whole batch; batch statistics subtract that shift
   * again, so a network trained with them never meets it, while the chip (BN folded into fixed affine
   * factors) does. With frozen statistics the shift reaches the loss.
   */
  bnFrozen?: boolean;
}

/** Tensors of one layer seen in a forward pass (for range calibration). */
export interface LayerTap {
  /** The layer's input as it enters the DAC (before quantization). */
  input: tf.Tensor;
  /** The pre-activation (array output) before the ADC. */
  preActivation: tf.Tensor;
}

function channelsOut(shape: LayerShape): number {
  return shape.cout;
}

/** Glorot-uniform initial weights (Keras' default), seeded. */
function initWeights(shape: LayerShape, seed: number): tf.Tensor {
  const fanIn = shape.kind === 'depthwise' ? shape.kh * shape.kw : shape.matrixRows;
  const fanOut = shape.kind === 'depthwise' ? shape.kh * shape.kw : shape.kh * shape.kw * shape.cout;
  const limit = Math.sqrt(6 / (fanIn + fanOut));
  return tf.randomUniform(shape.weightShape, -limit, limit, 'float32', seed);
}

/** Population std of a tensor's values, as a JS number. */
export function stdOf(t: tf.Tensor): number {
  return tf.tidy(() => Math.sqrt(tf.moments(t).variance.dataSync()[0]!));
}

/** A fresh model for a graph: Glorot weights, identity BN, r_ADC,l = S = 1 (section 4.2's init). */
let modelCount = 0;

export function createModel(graph: NetworkGraph, seed: number): AnalogModel {
  // tfjs variable names are global: prefix each model's.
  const id = `m${++modelCount}`;
  const shapes = layerShapes(graph).layers;
  const layers = graph.layers.map((spec, i): AnalogLayerParams => {
    const shape = shapes[i]!;
    const c = channelsOut(shape);
    const w = tf.variable(initWeights(shape, seed * 1000 + i + 1), true, `${id}/${spec.name}/w`);
    const p: AnalogLayerParams = {
      spec,
      shape,
      w,
      bias: spec.bn ? null : tf.variable(tf.zeros([c]), true, `${id}/${spec.name}/bias`),
      gamma: spec.bn ? tf.variable(tf.ones([c]), true, `${id}/${spec.name}/gamma`) : null,
      beta: spec.bn ? tf.variable(tf.zeros([c]), true, `${id}/${spec.name}/beta`) : null,
      movingMean: spec.bn ? tf.variable(tf.zeros([c]), false, `${id}/${spec.name}/moving_mean`) : null,
      movingVar: spec.bn ? tf.variable(tf.ones([c]), false, `${id}/${spec.name}/moving_var`) : null,
      rAdc: tf.variable(tf.scalar(1), true, `${id}/${spec.name}/r_adc`),
      wMax: 0,
    };
    p.wMax = 2 * stdOf(w);
    return p;
  });
  return { graph, layers, S: tf.variable(tf.scalar(1), true, `${id}/S`) };
}

/** Frees a model's variables. */
export function disposeModel(model: AnalogModel): void {
  for (const v of allVariables(model)) v.dispose();
}

/** r_DAC,l = r_ADC,l·|S|/W_l,max (eq. 5–6). */
export function rDacOf(model: AnalogModel, layer: AnalogLayerParams): tf.Scalar {
  return tf.div(tf.mul(layer.rAdc, tf.abs(model.S)), layer.wMax) as tf.Scalar;
}

/** Trainable weight-side variables (the network's, at the network's learning rate). */
export function weightVariables(model: AnalogModel): tf.Variable[] {
  const out: tf.Variable[] = [];
  for (const l of model.layers) {
    out.push(l.w);
    for (const v of [l.bias, l.gamma, l.beta]) if (v) out.push(v);
  }
  return out;
}

/** The converter-range variables: every r_ADC,l and S (their own learning rate). */
export function rangeVariables(model: AnalogModel): tf.Variable[] {
  return [...model.layers.map((l) => l.rAdc), model.S];
}

/** Every variable, in a stable order (checkpoints). */
export function allVariables(model: AnalogModel): tf.Variable[] {
  const out: tf.Variable[] = [];
  for (const l of model.layers) {
    for (const v of [l.w, l.bias, l.gamma, l.beta, l.movingMean, l.movingVar, l.rAdc]) if (v) out.push(v);
  }
  out.push(model.S);
  return out;
}

/** Zero-pads the channel axis (appended at the end) to `c`. */
export function padChannels(t: tf.Tensor4D, c: number): tf.Tensor4D {
  const have = t.shape[3];
  return have === c ? t : tf.pad(t, [[0, 0], [0, 0], [0, 0], [0, c - have]]);
}

/** A 32-bit seed from (pass seed, layer, purpose): independent streams per draw site. */
function subSeed(seed: number, layer: number, purpose: number): number {
  let h = (seed ^ 0x9e3779b9) >>> 0;
  for (const v of [layer, purpose]) {
    h = Math.imul(h ^ (v + 0x7f4a7c15), 0x85ebca6b) >>> 0;
    h = (h ^ (h >>> 13)) >>> 0;
  }
  return h;
}

/** A layer's drift gain in a pass: log-uniform in [min, 1], from the pass seed (ForwardOptions.driftGain). */
export function driftGainOf(seed: number, layer: number, min: number): number {
  const u = subSeed(seed, layer, 4) / 4294967296;
  return Math.exp(u * Math.log(min));
}

/**
 * The gain layer `layer`'s ADC sees in a pass: `adcGain` when given; in a training pass with `driftGain`
 * the layer's own draw, or layer 0's for all layers when `driftGainShared`; else 1.
 */
export function passDriftGain(opts: ForwardOptions, layer: number): number {
  if (opts.adcGain !== undefined) return opts.adcGain;
  if (!opts.training || opts.driftGain === undefined) return 1;
  return driftGainOf(opts.seed, opts.driftGainShared ? 0 : layer, opts.driftGain);
}

/**
 * One converter (eq. 4, quantization noise when `noise` is given): the fused op on the wasm backend
 * (fused-quantize.ts), else keepMask + quantize as tfjs ops; the two give the same bits.
 */
export function converter(t: tf.Tensor, r: tf.Scalar, bits: number, noise: QuantNoise | null): tf.Tensor {
  if (fusedQuantizeAvailable()) return quantizeFused(t, r, bits, noise);
  return quantize(t, r, bits, noise ? keepMask(t.shape, noise.p, noise.seed) : null);
}

/** The array operation: conv 'same', depthwise or dense (dense flattens HWC). */
export function arrayOp(layer: AnalogLayerParams, x: tf.Tensor4D, w: tf.Tensor): tf.Tensor4D {
  const s = layer.spec;
  if (s.kind === 'conv') return tf.conv2d(x, w as tf.Tensor4D, s.stride, 'same');
  if (s.kind === 'depthwise') {
    const [kh, kw, c] = w.shape as [number, number, number];
    return tf.depthwiseConv2d(x, tf.reshape(w, [kh, kw, c, 1]) as tf.Tensor4D, s.stride, 'same');
  }
  const flat = tf.reshape(x, [x.shape[0], -1]) as tf.Tensor2D;
  const y = tf.matMul(flat, w as tf.Tensor2D);
  return tf.reshape(y, [x.shape[0], 1, 1, y.shape[1]!]) as tf.Tensor4D;
}

/** BN (batch statistics when training, with moving-average updates; else moving statistics) or bias. */
function digitalAffine(layer: AnalogLayerParams, y: tf.Tensor4D, batchStats: boolean, momentum: number): tf.Tensor4D {
  if (!layer.spec.bn) return tf.add(y, layer.bias!) as tf.Tensor4D;
  let mean: tf.Tensor;
  let variance: tf.Tensor;
  if (batchStats) {
    ({ mean, variance } = tf.moments(y, [0, 1, 2]));
    const m = layer.movingMean!;
    const v = layer.movingVar!;
    // A side effect off the loss path (no gradient reaches it): the moving statistics follow the batch.
    m.assign(tf.tidy(() => tf.add(tf.mul(m, momentum), tf.mul(mean, 1 - momentum))));
    v.assign(tf.tidy(() => tf.add(tf.mul(v, momentum), tf.mul(variance, 1 - momentum))));
  } else {
    mean = layer.movingMean!;
    variance = layer.movingVar!;
  }
  // Written out rather than tf.batchNorm: its gradient tiles the per-channel operands to the full
  // tensor (the wasm backend's slowest op in a training step); broadcasting ops reduce by sum instead.
  const k = tf.mul(layer.gamma!, tf.rsqrt(tf.add(variance, BN_EPSILON)));
  return tf.add(tf.mul(tf.sub(y, mean), k), layer.beta!) as tf.Tensor4D;
}

/** For each tensor name, the layer reading it as input (its stored codes use that layer's DAC range). */
function dacConsumers(graph: NetworkGraph): Map<string, number> {
  const m = new Map<string, number>();
  graph.layers.forEach((l, i) => {
    if (!m.has(l.input)) m.set(l.input, i);
  });
  return m;
}

/** Where forward() leaves the globally pooled features [B, C] (the last pooling layer's output, before its DAC store). */
export interface PooledOut {
  value?: tf.Tensor2D;
  /** The map the pool averages [B, H, W, C] (spatial feature distillation, feature-distill.ts gridPool). */
  map?: tf.Tensor4D;
}

/**
 * The forward pass: logits [B, classes] from inputs [B, H, W, C]. `taps`, when given, receives each
 * layer's DAC input and ADC pre-activation (kept alive: the caller disposes them); `pooled`, the pooled
 * features (for feature distillation, in the same tidy scope as the pass).
 */
export function forward(model: AnalogModel, x: tf.Tensor4D, opts: ForwardOptions, taps?: LayerTap[], pooled?: PooledOut): tf.Tensor2D {
  const consumers = dacConsumers(model.graph);
  const dacBits = opts.bits === null ? null : opts.bits + 1;
  const qTrain = opts.training && opts.quantNoiseP < 1;
  const rDacs = model.layers.map((l) => (opts.bits === null ? null : rDacOf(model, l)));
  /** Stores a tensor as its reader would find it in SRAM: quantized to the reader's DAC range. */
  const store = (t: tf.Tensor4D, name: string, purposeBase: number): tf.Tensor4D => {
    const reader = consumers.get(name);
    if (reader === undefined || dacBits === null) return t;
    const noise = qTrain ? { p: opts.quantNoiseP, seed: subSeed(opts.seed, reader, purposeBase) } : null;
    return converter(t, rDacs[reader]!, dacBits, noise) as tf.Tensor4D;
  };
  const tensors = new Map<string, tf.Tensor4D>();
  const raw = new Map<string, tf.Tensor4D>([['input', x]]);
  tensors.set('input', store(x, 'input', 1));
  let logits: tf.Tensor4D | null = null;
  model.layers.forEach((layer, i) => {
    const s = layer.spec;
    const xin = tensors.get(s.input)!;
    const eta = s.input === 'input' && opts.etaInput !== undefined ? opts.etaInput : opts.eta;
    const noise =
      opts.training && eta > 0
        ? tf.randomNormal(layer.w.shape, 0, eta * layer.wMax, 'float32', subSeed(opts.seed, i, 2))
        : null;
    const w = clipNoiseSTE(layer.w, layer.wMax, noise);
    let y = arrayOp(layer, xin, w);
    // Clones (they share data): disposing a tap must not free the caller's input tensor.
    if (taps) taps.push({ input: tf.keep(tf.clone(raw.get(s.input)!)), preActivation: tf.keep(tf.clone(y)) });
    if (opts.bits !== null) {
      const noise = qTrain ? { p: opts.quantNoiseP, seed: subSeed(opts.seed, i, 3) } : null;
      const g = passDriftGain(opts, i);
      const rAdc = layer.rAdc as tf.Scalar;
      y = g === 1 ? (converter(y, rAdc, opts.bits, noise) as tf.Tensor4D) : (tf.div(converter(tf.mul(y, g), rAdc, opts.bits, noise), g) as tf.Tensor4D);
    }
    y = digitalAffine(layer, y, opts.training && !opts.bnFrozen, opts.bnMomentum ?? BN_MOMENTUM);
    if (s.relu) y = tf.relu(y);
    if (s.residual !== undefined) {
      const skip = tensors.get(s.residual)!;
      if (opts.training && opts.dropPath) y = dropBranch(y, dropPathRate(opts.dropPath, i, model.layers.length), subSeed(opts.seed, i, 5));
      const c = Math.max(y.shape[3], skip.shape[3]);
      y = tf.add(padChannels(y, c), padChannels(skip, c));
    }
    if (s.pool) {
      if (pooled) pooled.map = y;
      y = tf.mean(y, [1, 2], true) as tf.Tensor4D;
      if (pooled) pooled.value = tf.reshape(y, [y.shape[0], y.shape[3]]) as tf.Tensor2D;
    }
    raw.set(s.name, y);
    tensors.set(s.name, store(y, s.name, 1));
    logits = y;
  });
  const out = logits! as tf.Tensor4D;
  return tf.reshape(out, [out.shape[0], out.shape[3]]) as tf.Tensor2D;
}
