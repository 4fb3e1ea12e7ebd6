/**
 * Where AnalogNet-KWS loses accuracy with its converters (docs/kws-4bit.md). Forward passes only, on the
 * validation split the shipped images were scored on (models/train/data.ts, seed 0), through a copy of
 * the trainer's evaluation forward pass (models/train/model.ts `forward`, training = false) that takes
 * the converter bits per layer and per side (DAC / ADC) and optional range overrides. The copy is checked
 * against `evalLogits(model, x, bits)` and `evalLogits(model, x, null)` on the whole validation set
 * before anything else is measured (max |Δlogit| must be 0).
 *
 *   1. accuracy with every converter at the image's bits, with none, with exactly one layer quantized,
 *      with all layers but one quantized (full-4 at 4 bit, full-6 at 6, full-8 at 8);
 *   2. conv1 alone: its DAC (input) only vs its ADC only;
 *   3. per MFCC coefficient: |x| percentiles over the validation inputs against r_DAC,1, the fraction
 *      of values at DAC code 0 (5 bit) and clipped; ADC / DAC code use per layer in the trainer's pass;
 *   4. conv1 ranges re-fitted without retraining: raw input (shared S kept, or a gain of its own), and a
 *      per-coefficient input normalisation s_c = 1/p99|x_c| (training inputs) with the DAC range
 *      MSE-optimal on the normalised input. conv1 slides its 10×4 kernel along the coefficient axis, so
 *      1/s_c cannot be folded into its weight rows exactly: this pass applies s_c before the DAC and
 *      1/s_c after it (per-coefficient DAC steps r/s_c), which is what an exact fold would compute.
 *   4b. r_ADC,1 narrower than its MSE-optimal r* (×1 … ×0.25), r_DAC,1 kept: with an ADC gain of conv1's
 *      own, or on the one-S chip through a smaller clip bound W_1,max (r_ADC,1 = r_DAC,1·W_1,max/S,
 *      conv1's weights clipped to it).
 *
 * Run: npm run tsbuild && node dist/bench/kws-quant-loss.js [--image4 P] [--image6 P] [--image8 P] [--skip-other-bits]
 * (defaults: the shipped models/kws/full-{4,6,8}.aonw; items 2–4 run on the 4-bit image).
 * For the emulated chip: `--narrow-conv1 W --image4 IN --out OUT` only writes IN with conv1's clip bound
 * W_1,max = W (weights clipped to ±W), r_DAC,1 kept and r_ADC,1 = r_DAC,1·W/S (the chip's one-S rule),
 * for `aon-cim eval --model OUT`.
 */
import * as tf from '@tensorflow/tfjs';
import { relative, resolve } from 'node:path';
import { packageRoot, repoPath, sharedDataDir } from '../host/paths.js';
import { roundHalfEven } from '../host/round.js';
import { getGraph } from '../models/graphs/index.js';
import type { NetworkGraph } from '../models/graphs/types.js';
import { loadWeightImage, saveWeightImage } from '../models/image/load.js';
import { loadTaskData, type Examples } from '../models/train/data.js';
import { initFromImage } from '../models/train/export.js';
import { absPercentile, evalLogits, mseOptimalRange } from '../models/train/hw.js';
import { useWasmTrainingBackend } from '../models/train/kernels.js';
import { arrayOp, BN_EPSILON, createModel, disposeModel, forward, padChannels, rDacOf, type AnalogLayerParams, type AnalogModel, type LayerTap } from '../models/train/model.js';
import { clipNoiseSTE, maxCode, quantize } from '../models/train/ste.js';
import { accuracy } from '../models/train/train.js';

/** Converter bits of one layer: its DAC (the input it reads) and its ADC; null = that converter off. */
interface LayerQuant {
  dac: number | null;
  adc: number | null;
}

/** Range overrides for the copied forward pass (undefined = the model's). */
interface Overrides {
  rDac?: Array<number | undefined>;
  rAdc?: Array<number | undefined>;
  /** Per-coefficient scale of the network input before conv1's DAC ([1, 1, W, 1]); divided out after it. */
  inputScale?: tf.Tensor4D;
}

/** Code use of one converter, accumulated over batches. */
interface CodeUse {
  n: number;
  zero: number;
  absSum: number;
  max: number;
}
const newUse = (): CodeUse => ({ n: 0, zero: 0, absSum: 0, max: 0 });

// --- model.ts's evaluation forward pass, with a per-layer converter choice (arrayOp, padChannels shared) ---

/** model.ts digitalAffine with training = false (moving statistics). */
function digitalAffineEval(layer: AnalogLayerParams, y: tf.Tensor4D): tf.Tensor4D {
  if (!layer.spec.bn) return tf.add(y, layer.bias!) as tf.Tensor4D;
  const k = tf.mul(layer.gamma!, tf.rsqrt(tf.add(layer.movingVar!, BN_EPSILON)));
  return tf.add(tf.mul(tf.sub(y, layer.movingMean!), k), layer.beta!) as tf.Tensor4D;
}

function dacConsumers(graph: NetworkGraph): Map<string, number> {
  const m = new Map<string, number>();
  graph.layers.forEach((l, i) => {
    if (!m.has(l.input)) m.set(l.input, i);
  });
  return m;
}

/** Adds the codes behind a dequantized tensor (value/Δ) to `use`. */
function countCodes(qv: tf.Tensor, r: tf.Scalar, bits: number, use: CodeUse): void {
  const c = tf.abs(tf.round(tf.div(qv, tf.div(r, maxCode(bits)))));
  use.n += c.size;
  use.zero += tf.sum(tf.cast(tf.equal(c, 0), 'int32')).dataSync()[0]!;
  use.absSum += tf.sum(c).dataSync()[0]!;
  use.max = Math.max(use.max, tf.max(c).dataSync()[0]!);
}

/**
 * model.ts `forward` at evaluation (no noise, moving BN statistics) with per-layer converter bits.
 * A stored tensor is quantized with the DAC of the layer reading it, as in the original.
 */
function forwardQ(
  model: AnalogModel,
  x: tf.Tensor4D,
  q: LayerQuant[],
  ov: Overrides = {},
  use?: { dac: CodeUse[]; adc: CodeUse[] },
): tf.Tensor2D {
  const consumers = dacConsumers(model.graph);
  const rDacs = model.layers.map((l, i) => (ov.rDac?.[i] !== undefined ? tf.scalar(ov.rDac[i]!) : rDacOf(model, l)));
  const rAdcs = model.layers.map((l, i) => (ov.rAdc?.[i] !== undefined ? tf.scalar(ov.rAdc[i]!) : (l.rAdc as tf.Scalar)));
  const store = (t: tf.Tensor4D, name: string): tf.Tensor4D => {
    const reader = consumers.get(name);
    if (reader === undefined) return t;
    const bits = q[reader]!.dac;
    if (bits === null) return t;
    const scale = name === 'input' ? ov.inputScale : undefined;
    const qv = quantize(scale ? tf.mul(t, scale) : t, rDacs[reader]!, bits);
    if (use) countCodes(qv, rDacs[reader]!, bits, use.dac[reader]!);
    return (scale ? tf.div(qv, scale) : qv) as tf.Tensor4D;
  };
  const tensors = new Map<string, tf.Tensor4D>();
  tensors.set('input', store(x, 'input'));
  let logits: tf.Tensor4D | null = null;
  model.layers.forEach((layer, i) => {
    const s = layer.spec;
    const xin = tensors.get(s.input)!;
    const w = clipNoiseSTE(layer.w, layer.wMax, null);
    let y = arrayOp(layer, xin, w);
    const bits = q[i]!.adc;
    if (bits !== null) {
      y = quantize(y, rAdcs[i]!, bits) as tf.Tensor4D;
      if (use) countCodes(y, rAdcs[i]!, bits, use.adc[i]!);
    }
    y = digitalAffineEval(layer, y);
    if (s.relu) y = tf.relu(y);
    if (s.residual !== undefined) {
      const skip = tensors.get(s.residual)!;
      const c = Math.max(y.shape[3], skip.shape[3]);
      y = tf.add(padChannels(y, c), padChannels(skip, c));
    }
    if (s.pool) y = tf.mean(y, [1, 2], true) as tf.Tensor4D;
    tensors.set(s.name, store(y, s.name));
    logits = y;
  });
  const out = logits! as tf.Tensor4D;
  return tf.reshape(out, [out.shape[0], out.shape[3]]) as tf.Tensor2D;
}

// --- Helpers --------------------------------------------------------------------------------------------

const BATCH = 256;
const pct = (a: number) => `${(100 * a).toFixed(1)} %`;

function batchOf(model: AnalogModel, ex: Examples, start: number): { x: tf.Tensor4D; y: Int32Array } {
  const { h, w, c } = model.graph.input;
  const per = h * w * c;
  const n = Math.min(BATCH, ex.count - start);
  return { x: tf.tensor4d(ex.x.subarray(start * per, (start + n) * per), [n, h, w, c]), y: ex.y.subarray(start, start + n) };
}

function accQ(model: AnalogModel, ex: Examples, q: LayerQuant[], ov: Overrides = {}, use?: { dac: CodeUse[]; adc: CodeUse[] }): number {
  let correct = 0;
  for (let s = 0; s < ex.count; s += BATCH) {
    correct += tf.tidy(() => {
      const { x, y } = batchOf(model, ex, s);
      const pred = tf.argMax(forwardQ(model, x, q, ov, use), 1).dataSync();
      let k = 0;
      for (let i = 0; i < y.length; i++) if (pred[i] === y[i]) k++;
      return k;
    });
  }
  return correct / ex.count;
}

/** Max |Δlogit| and differing argmax between the copy and evalLogits, over the whole set. */
function checkCopy(model: AnalogModel, ex: Examples, bits: number | null): { maxDiff: number; argmaxDiff: number } {
  const n = model.layers.length;
  const q = Array.from({ length: n }, () => ({ dac: bits === null ? null : bits + 1, adc: bits }));
  let maxDiff = 0;
  let argmaxDiff = 0;
  for (let s = 0; s < ex.count; s += BATCH) {
    tf.tidy(() => {
      const { x } = batchOf(model, ex, s);
      const a = evalLogits(model, x, bits);
      const b = forwardQ(model, x, q);
      maxDiff = Math.max(maxDiff, tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]!);
      argmaxDiff += tf.sum(tf.cast(tf.notEqual(tf.argMax(a, 1), tf.argMax(b, 1)), 'int32')).dataSync()[0]!;
    });
  }
  return { maxDiff, argmaxDiff };
}

const all = (n: number, bits: number | null): LayerQuant[] =>
  Array.from({ length: n }, () => ({ dac: bits === null ? null : bits + 1, adc: bits }));

/** Item 1: all / none / one layer only / all but one. */
function perLayerTable(model: AnalogModel, ex: Examples, bits: number): void {
  const n = model.layers.length;
  const t0 = Date.now();
  const aAll = accQ(model, ex, all(n, bits));
  const aNone = accQ(model, ex, all(n, null));
  console.log(`  every layer at ${bits} bit: ${pct(aAll)}; float: ${pct(aNone)}`);
  console.log(`  | layer | only this layer quantized | all but this layer quantized |`);
  for (let i = 0; i < n; i++) {
    const only = all(n, null);
    only[i] = { dac: bits + 1, adc: bits };
    const allBut = all(n, bits);
    allBut[i] = { dac: null, adc: null };
    console.log(`  | ${model.layers[i]!.spec.name} | ${pct(accQ(model, ex, only))} | ${pct(accQ(model, ex, allBut))} |`);
  }
  console.log(`  (${((Date.now() - t0) / 1000).toFixed(0)} s)`);
}

function loadModel(path: string, calib: Examples): AnalogModel {
  const graph = getGraph('kws');
  const image = loadWeightImage(path, graph.name);
  const model = createModel(graph, 0);
  initFromImage(model, image, calib);
  return model;
}

// --- Main -----------------------------------------------------------------------------------------------

const skipOther = process.argv.includes('--skip-other-bits');
const argOf = (flag: string, fallback: string): string => {
  const i = process.argv.indexOf(flag);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1]! : fallback;
};
const imagePaths = {
  4: resolve(argOf('--image4', repoPath('models', 'kws', 'full-4.aonw'))),
  6: resolve(argOf('--image6', repoPath('models', 'kws', 'full-6.aonw'))),
  8: resolve(argOf('--image8', repoPath('models', 'kws', 'full-8.aonw'))),
};
/** A path as printed: relative to the repository. */
const shown = (p: string): string => relative(packageRoot, p);

if (process.argv.includes('--narrow-conv1')) {
  const wNew = Number(argOf('--narrow-conv1', ''));
  const out = argOf('--out', '');
  if (!(wNew > 0) || out === '') throw new Error('--narrow-conv1 W needs W > 0 and --out PATH');
  const image = loadWeightImage(imagePaths[4], 'kws');
  const l = image.layers[0]!;
  let clipped = 0;
  l.weights = Float32Array.from(l.weights, (w) => {
    if (Math.abs(w) > wNew) clipped++;
    return Math.max(-wNew, Math.min(wNew, w));
  });
  const before = { wMax: l.wMax, rAdc: l.rAdc };
  l.wMax = wNew;
  l.rAdc = (l.rDac * wNew) / image.S;
  saveWeightImage(resolve(out), image);
  console.log(
    `${shown(imagePaths[4])} → ${out}: W_1,max ${before.wMax.toFixed(4)} → ${wNew}, r_ADC,1 ${before.rAdc.toFixed(3)} → ${l.rAdc.toFixed(3)}, r_DAC,1 ${l.rDac.toFixed(3)} kept; ${pct(clipped / l.weights.length)} of conv1's weights clipped`,
  );
  process.exit(0);
}

await useWasmTrainingBackend();
const data = loadTaskData('kws', sharedDataDir(), 0);
const val = data.val;
const calib = data.calibration(256);
const graph = getGraph('kws');
const { h: H, w: W, c: C } = graph.input;
const per = H * W * C;
console.log(`aon-cim kws-quant-loss: ${data.description}; validation ${val.count} clips`);

const model = loadModel(imagePaths[4], calib);
const n = model.layers.length;
const names = model.layers.map((l) => l.spec.name);
const rDac = model.layers.map((l) => rDacOf(model, l).dataSync()[0]!);
const rAdc = model.layers.map((l) => l.rAdc.dataSync()[0]!);
const S = model.S.dataSync()[0]!;
console.log(`\n${shown(imagePaths[4])}: S ${S.toFixed(4)}`);
console.log(`  | layer | W_max | r_DAC | r_ADC | DAC step (5 bit) | ADC step (4 bit) |`);
model.layers.forEach((l, i) =>
  console.log(`  | ${names[i]} | ${l.wMax.toFixed(4)} | ${rDac[i]!.toFixed(3)} | ${rAdc[i]!.toFixed(3)} | ${(rDac[i]! / maxCode(5)).toFixed(3)} | ${(rAdc[i]! / maxCode(4)).toFixed(3)} |`),
);

// Check the copy before trusting it.
console.log(`\ncheck of the copied forward pass against evalLogits (all ${val.count} validation clips):`);
for (const b of [4, null]) {
  const { maxDiff, argmaxDiff } = checkCopy(model, val, b);
  console.log(`  bits ${b ?? 'none'}: max |Δlogit| ${maxDiff}, argmax differs on ${argmaxDiff}`);
  if (maxDiff !== 0) throw new Error('the copied forward pass does not reproduce evalLogits');
}
console.log(`  train.ts accuracy(): 4 bit ${pct(accuracy(model, val, 4))}, float ${pct(accuracy(model, val, null))}`);

// 1.
console.log(`\n1. the 4-bit image at 4 bit (DAC 5 bit, ADC 4 bit), per layer:`);
perLayerTable(model, val, 4);

// 2.
console.log(`\n2. conv1 alone, DAC vs ADC (other layers float | other layers at 4 bit):`);
{
  const cases: Array<[string, LayerQuant]> = [
    ['DAC only (5 bit)', { dac: 5, adc: null }],
    ['ADC only (4 bit)', { dac: null, adc: 4 }],
    ['both', { dac: 5, adc: 4 }],
    ['neither', { dac: null, adc: null }],
  ];
  for (const [label, lq] of cases) {
    const alone = all(n, null);
    alone[0] = lq;
    const rest = all(n, 4);
    rest[0] = lq;
    console.log(`  | conv1 ${label} | ${pct(accQ(model, val, alone))} | ${pct(accQ(model, val, rest))} |`);
  }
}

// 3. Per-coefficient distribution of the validation inputs.
console.log(`\n3. MFCC coefficients over the validation inputs (${val.count}×${H} frames each) vs r_DAC,1 = ${rDac[0]!.toFixed(2)} (5-bit step ${(rDac[0]! / 15).toFixed(2)}):`);
const coefValues = (ex: Examples, c: number): Float32Array => {
  const out = new Float32Array(ex.count * H);
  for (let e = 0; e < ex.count; e++) for (let t = 0; t < H; t++) out[e * H + t] = ex.x[e * per + t * W + c]!;
  return out;
};
const zeroAndClip = (v: Float32Array, r: number, bits: number) => {
  const d = r / maxCode(bits);
  let zero = 0;
  let clip = 0;
  for (const x of v) {
    if (Math.abs(x) > r) clip++;
    if (roundHalfEven(Math.max(-r, Math.min(r, x)) / d) === 0) zero++;
  }
  return { zero: zero / v.length, clip: clip / v.length };
};
console.log(`  | coef | mean x | p1 |x| | p50 |x| | p99 |x| | max |x| | p99/r_DAC,1 | code 0 (5 bit) | clipped |`);
for (let c = 0; c < W; c++) {
  const v = coefValues(val, c);
  const mean = v.reduce((a, b) => a + b, 0) / v.length;
  const [p1, p50, p99, mx] = [1, 50, 99, 100].map((p) => absPercentile(v, p));
  const { zero, clip } = zeroAndClip(v, rDac[0]!, 5);
  console.log(`  | ${c} | ${mean.toFixed(2)} | ${p1!.toFixed(2)} | ${p50!.toFixed(2)} | ${p99!.toFixed(2)} | ${mx!.toFixed(2)} | ${(p99! / rDac[0]!).toFixed(3)} | ${pct(zero)} | ${pct(clip)} |`);
}
{
  const { zero, clip } = zeroAndClip(val.x, rDac[0]!, 5);
  console.log(`  all coefficients: code 0 ${pct(zero)}, clipped ${pct(clip)}`);
}
console.log(`\n   code use per converter in the trainer's pass, the 4-bit image at 4 bit (validation):`);
{
  const use = { dac: Array.from({ length: n }, newUse), adc: Array.from({ length: n }, newUse) };
  accQ(model, val, all(n, 4), {}, use);
  console.log(`  | layer | DAC mean |code| | DAC max (of 15) | DAC code 0 | ADC mean |code| | ADC max (of 7) | ADC code 0 |`);
  for (let i = 0; i < n; i++) {
    const d = use.dac[i]!;
    const a = use.adc[i]!;
    console.log(`  | ${names[i]} | ${(d.absSum / d.n).toFixed(2)} | ${d.max} | ${pct(d.zero / d.n)} | ${(a.absSum / a.n).toFixed(2)} | ${a.max} | ${pct(a.zero / a.n)} |`);
  }
}

// 4. conv1 ranges re-fitted without retraining.
console.log(`\n4. conv1's ranges re-fitted (MSE-optimal as hw.ts fitRangesForBits; from ${calib.count} unaugmented training clips), no retraining, every layer at 4 bit:`);
{
  const xCal = tf.tensor4d(calib.x, [calib.count, H, W, C]);
  const taps: LayerTap[] = [];
  tf.tidy(() => void forward(model, xCal, { training: false, eta: 0, bits: null, quantNoiseP: 1, seed: 0 }, taps));
  const pre1 = taps[0]!.preActivation.dataSync() as Float32Array;
  for (const t of taps) {
    t.input.dispose();
    t.preActivation.dispose();
  }
  xCal.dispose();
  // s_c = 1/p99|x_c| over the training clips.
  const sc = Float32Array.from({ length: W }, (_, c) => 1 / absPercentile(coefValues(calib, c), 99));
  const normalized = Float32Array.from(calib.x, (x, i) => x * sc[i % W]!);
  const dacRaw = mseOptimalRange(calib.x, 5);
  const dacNorm = mseOptimalRange(normalized, 5);
  const adcStar = mseOptimalRange(pre1, 4);
  // Shared S kept: r_DAC,1 = r_ADC,1·S/W_max; the mismatch split evenly (hw.ts sharedGainSplit for one layer).
  const wMax1 = model.layers[0]!.wMax;
  const adcTied = Math.sqrt(adcStar * ((dacRaw * wMax1) / S));
  const dacTied = (adcTied * S) / wMax1;
  console.log(`  s_c = ${Array.from(sc, (s) => s.toExponential(2)).join(' ')} (max/min ${(Math.max(...sc) / Math.min(...sc)).toFixed(1)})`);
  console.log(`  MSE-optimal: r*_DAC,1 raw input ${dacRaw.toFixed(2)}, normalised input ${dacNorm.toFixed(3)}; r*_ADC,1 ${adcStar.toFixed(3)}; image: r_DAC,1 ${rDac[0]!.toFixed(2)}, r_ADC,1 ${rAdc[0]!.toFixed(3)}`);
  const scaleT = tf.tensor4d(sc, [1, 1, W, 1]);
  const a4 = all(n, 4);
  const c1only = all(n, null);
  c1only[0] = { dac: 5, adc: 4 };
  const variants: Array<[string, Overrides]> = [
    ['today (image ranges)', {}],
    [`raw input, shared S kept: r_DAC,1 ${dacTied.toFixed(2)}, r_ADC,1 ${adcTied.toFixed(3)}`, { rDac: [dacTied], rAdc: [adcTied] }],
    [`raw input, conv1 ADC re-fitted only: r_ADC,1 ${adcStar.toFixed(3)}`, { rAdc: [adcStar] }],
    [`raw input, conv1 DAC re-fitted only: r_DAC,1 ${dacRaw.toFixed(2)}`, { rDac: [dacRaw] }],
    [`raw input, conv1 gain of its own: r_DAC,1 ${dacRaw.toFixed(2)}, r_ADC,1 ${adcStar.toFixed(3)}`, { rDac: [dacRaw], rAdc: [adcStar] }],
    [`normalised input, DAC re-fitted (r ${dacNorm.toFixed(3)}), ADC as image`, { rDac: [dacNorm], inputScale: scaleT }],
    [`normalised input, DAC + ADC re-fitted (r_ADC,1 ${adcStar.toFixed(3)})`, { rDac: [dacNorm], rAdc: [adcStar], inputScale: scaleT }],
  ];
  const c1dac = all(n, null);
  c1dac[0] = { dac: 5, adc: null };
  console.log(`  | conv1 ranges | every layer 4 bit | only conv1 quantized | only conv1's DAC | conv1 DAC code 0 | conv1 ADC mean |code| / max |`);
  for (const [label, ov] of variants) {
    const use = { dac: Array.from({ length: n }, newUse), adc: Array.from({ length: n }, newUse) };
    const a = accQ(model, val, a4, ov, use);
    const o = accQ(model, val, c1only, ov);
    const od = accQ(model, val, c1dac, ov);
    const d = use.dac[0]!;
    const ad = use.adc[0]!;
    console.log(`  | ${label} | ${pct(a)} | ${pct(o)} | ${pct(od)} | ${pct(d.zero / d.n)} | ${(ad.absSum / ad.n).toFixed(2)} / ${ad.max} |`);
  }
  console.log(`  float with the normalisation (no converters): ${pct(accQ(model, val, all(n, null), { inputScale: scaleT }))}`);
  // The fold's cost on the chip: per-row weight scale 1/s_c relative to the largest.
  const w1 = tf.tidy(() => tf.clipByValue(model.layers[0]!.w, -wMax1, wMax1).dataSync() as Float32Array);
  const atOrAbove = (b: number) => w1.reduce((k, v) => k + (Math.abs(v) >= b * (1 - 1e-6) ? 1 : 0), 0) / w1.length;
  console.log(`  conv1 weights at ±W_max today: ${pct(atOrAbove(wMax1))}; a per-coefficient fold would multiply weight rows by 1/s_c = p99|x_c|, spread ${(Math.max(...sc) / Math.min(...sc)).toFixed(1)}×`);
  scaleT.dispose();

  // 4b. A narrower r_ADC,1 two ways: a gain of conv1's own (r_DAC,1 unchanged), or on the published chip
  // (one S) by a smaller clip bound W_1,max: r_ADC,1 = r_DAC,1·W_1,max/S, r_DAC,1 kept, weights clipped.
  console.log(`\n4b. conv1's ADC range narrower, r_DAC,1 kept at ${rDac[0]!.toFixed(2)}, every layer at 4 bit:`);
  console.log(`  | r_ADC,1 | own ADC gain: 4 bit | shared S, W_1,max → | conv1 weights clipped | float | 4 bit |`);
  for (const f of [1, 0.71, 0.5, 0.35, 0.25]) {
    const r = adcStar * f;
    const own = accQ(model, val, a4, { rAdc: [r] });
    const layer = model.layers[0]!;
    const wNew = (wMax1 * r) / rAdc[0]!;
    const clippedFrac = atOrAbove(wNew);
    layer.wMax = wNew;
    const ov: Overrides = { rDac: [rDac[0]!], rAdc: [r] };
    const fl = accQ(model, val, all(n, null), ov);
    const q4 = accQ(model, val, a4, ov);
    layer.wMax = wMax1;
    console.log(`  | ${r.toFixed(3)} (${f} r*) | ${pct(own)} | ${wNew.toFixed(4)} | ${pct(clippedFrac)} | ${pct(fl)} | ${pct(q4)} |`);
  }
}
disposeModel(model);

if (!skipOther) {
  for (const bits of [6, 8] as const) {
    const file = imagePaths[bits];
    const m = loadModel(file, calib);
    const { maxDiff } = checkCopy(m, val, bits);
    if (maxDiff !== 0) throw new Error(`copy check failed for ${file}`);
    console.log(`\n1'. ${shown(file)} at ${bits} bit (copy check: max |Δlogit| ${maxDiff}); S ${m.S.dataSync()[0]!.toFixed(4)}, r_DAC,1 ${rDacOf(m, m.layers[0]!).dataSync()[0]!.toFixed(2)}:`);
    perLayerTable(m, val, bits);
    disposeModel(m);
  }
}
