/**
 * Between the trainer's model and the weight image (contracts.md §1): the clipped weights, W_l,max,
 * r_DAC,l, r_ADC,l, BN (+ bias) folded into the digital per-channel scale/offset — never into the array
 * weights — and the shared gain S. And back: a model initialised from an image (stage 2 from stage 1).
 */
import * as tf from '@tensorflow/tfjs';
import { UserError } from '../../host/errors.js';
import { expectsCentredInput } from '../image/format.js';
import type { ImageLayer, TrainingMeta, WeightImage } from '../image/types.js';
import type { Examples } from './data.js';
import type { CalibratedRanges } from './hw.js';
import { BN_EPSILON, forward, rDacOf, type AnalogModel, type LayerTap } from './model.js';

/** scale = γ/√(σ²+ε), offset = β − μ·scale (BN); scale = 1, offset = bias (no BN). */
export function foldDigitalAffine(model: AnalogModel, i: number): { scale: Float32Array; offset: Float32Array } {
  const l = model.layers[i]!;
  const c = l.shape.cout;
  if (!l.spec.bn) return { scale: new Float32Array(c).fill(1), offset: Float32Array.from(l.bias!.dataSync()) };
  const g = l.gamma!.dataSync();
  const b = l.beta!.dataSync();
  const m = l.movingMean!.dataSync();
  const v = l.movingVar!.dataSync();
  const scale = new Float32Array(c);
  const offset = new Float32Array(c);
  for (let k = 0; k < c; k++) {
    scale[k] = g[k]! / Math.sqrt(v[k]! + BN_EPSILON);
    offset[k] = b[k]! - m[k]! * scale[k]!;
  }
  return { scale, offset };
}

/**
 * The image of a model. `calibrated` (baseline/noise): the percentile ranges; else (full) the learned
 * r_ADC,l with r_DAC,l = r_ADC,l·|S|/W_l,max.
 */
export function exportImage(model: AnalogModel, training: TrainingMeta, calibrated: CalibratedRanges | null): WeightImage {
  const S = Math.abs(model.S.dataSync()[0]!);
  const layers: ImageLayer[] = model.layers.map((l, i) => {
    const weights = tf.tidy(() => tf.clipByValue(l.w, -l.wMax, l.wMax).dataSync() as Float32Array);
    const rDac = calibrated ? calibrated.rDac[i]! : tf.tidy(() => rDacOf(model, l).dataSync()[0]!);
    const rAdc = calibrated ? calibrated.rAdc[i]! : Math.abs(l.rAdc.dataSync()[0]!);
    return { name: l.spec.name, weights: Float32Array.from(weights), wMax: l.wMax, rDac, rAdc, ...foldDigitalAffine(model, i) };
  });
  // A VWW network trained here read host/vision/normalize.ts's centred input; the reader requires the mark.
  const marked: TrainingMeta = expectsCentredInput(model.graph.name, training.method) ? { ...training, input: 'centred' } : training;
  return { network: model.graph.name, S, training: marked, layers };
}

/**
 * Loads an image into a model: W_l,0 = the clipped weights, W_l,max and ranges as stored (the chip's
 * r_ADC,l = r_DAC,l·W_l,max/S). BN is recovered from the folded scale/offset by re-estimating each
 * channel's statistics on `calib` inputs, keeping the folded affine exactly: μ, σ² measured, then
 * γ = scale·√(σ²+ε), β = offset + scale·μ (so training-mode BN starts where the image ends).
 */
export function initFromImage(model: AnalogModel, image: WeightImage, calib: Examples): void {
  if (image.network !== model.graph.name) throw new UserError(`image is for ${image.network}, not ${model.graph.name}`);
  if (!(image.S > 0)) throw new UserError('image has no positive ADC gain S');
  model.S.assign(tf.scalar(image.S));
  model.layers.forEach((l, i) => {
    const il = image.layers[i]!;
    tf.tidy(() => l.w.assign(tf.tensor(il.weights, l.w.shape)));
    l.wMax = il.wMax;
    l.rAdc.assign(tf.scalar((il.rDac * il.wMax) / image.S));
    if (l.spec.bn) {
      const c = l.shape.cout;
      tf.tidy(() => {
        l.gamma!.assign(tf.tensor1d(il.scale));
        l.beta!.assign(tf.tensor1d(il.offset));
        l.movingMean!.assign(tf.zeros([c]));
        l.movingVar!.assign(tf.fill([c], 1 - BN_EPSILON));
      });
    } else {
      if (il.scale.some((s) => Math.abs(s - 1) > 1e-6)) throw new UserError(`layer ${il.name}: a layer without BN needs scale 1`);
      tf.tidy(() => l.bias!.assign(tf.tensor1d(il.offset)));
    }
  });
  if (calib.count === 0) return;
  const { h, w, c } = model.graph.input;
  const taps: LayerTap[] = [];
  tf.tidy(() => {
    const x = tf.tensor4d(calib.x, [calib.count, h, w, c]);
    forward(model, x, { training: false, eta: 0, bits: null, quantNoiseP: 1, seed: 0 }, taps);
  });
  model.layers.forEach((l, i) => {
    const t = taps[i]!;
    if (l.spec.bn) {
      tf.tidy(() => {
        const { mean, variance } = tf.moments(t.preActivation, [0, 1, 2]);
        const scale = tf.clone(l.gamma!);
        const offset = tf.clone(l.beta!);
        l.gamma!.assign(tf.mul(scale, tf.sqrt(tf.add(variance, BN_EPSILON))));
        l.beta!.assign(tf.add(offset, tf.mul(scale, mean)));
        l.movingMean!.assign(mean);
        l.movingVar!.assign(variance);
      });
    }
    t.input.dispose();
    t.preActivation.dispose();
  });
}
