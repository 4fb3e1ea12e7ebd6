/**
 * BN re-estimation of `full` images (hw.ts reestimateBatchNorm): after one batch, the evaluation pass
 * (moving statistics) reproduces the batch-statistics pass on that batch; over several batches the
 * moving statistics are their cumulative average; and it leaves every trained weight and range alone.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { getGraph } from '../../../models/graphs/index.js';
import { calibrateRanges, evalLogits, reestimateBatchNorm } from '../../../models/train/hw.js';
import { useWasmTrainingBackend } from '../../../models/train/kernels.js';
import { createModel, forward, type AnalogModel } from '../../../models/train/model.js';

let model: AnalogModel;
let x1: tf.Tensor4D;
let x2: tf.Tensor4D;

beforeAll(async () => {
  await useWasmTrainingBackend();
  model = createModel(getGraph('kws'), 3);
  x1 = tf.randomNormal([24, 49, 10, 1], 0, 8, 'float32', 11) as tf.Tensor4D;
  x2 = tf.randomNormal([24, 49, 10, 1], 1, 6, 'float32', 12) as tf.Tensor4D;
  calibrateRanges(model, [x1]);
});

const values = (t: tf.Tensor) => Array.from(t.dataSync());

describe('reestimateBatchNorm', () => {
  it('one batch: evaluation logits equal the batch-statistics pass at 4 bit (momentum 0)', () => {
    // The reference: every layer normalised by this batch's own statistics, all converters rounding.
    const ref = tf.tidy(() => values(forward(model, x1, { training: true, eta: 0, bits: 4, quantNoiseP: 1, seed: 0, bnMomentum: 0 })));
    // Scramble the moving statistics first, so that agreement is not left over from the pass above.
    for (const l of model.layers) if (l.movingMean) l.movingMean.assign(tf.fill(l.movingMean.shape, 3));
    reestimateBatchNorm(model, [x1], 4);
    const got = tf.tidy(() => values(evalLogits(model, x1, 4)));
    const scale = Math.max(...ref.map(Math.abs));
    got.forEach((g, i) => expect(Math.abs(g - ref[i]!)).toBeLessThanOrEqual(1e-4 * scale));
  });

  it('noise images (no converters): float evaluation logits equal the float batch-statistics pass', () => {
    const ref = tf.tidy(() => values(forward(model, x2, { training: true, eta: 0, bits: null, quantNoiseP: 1, seed: 0, bnMomentum: 0 })));
    for (const l of model.layers) if (l.movingVar) l.movingVar.assign(tf.fill(l.movingVar.shape, 50));
    reestimateBatchNorm(model, [x2], null);
    const got = tf.tidy(() => values(evalLogits(model, x2, null)));
    const scale = Math.max(...ref.map(Math.abs));
    got.forEach((g, i) => expect(Math.abs(g - ref[i]!)).toBeLessThanOrEqual(1e-4 * scale));
  });

  it('two batches: the first layer\'s moving mean is the average of the two batch means', () => {
    const first = model.layers[0]!;
    const meanOf = (x: tf.Tensor4D) => {
      reestimateBatchNorm(model, [x], 4);
      return values(first.movingMean!);
    };
    const m1 = meanOf(x1);
    const m2 = meanOf(x2);
    const weightsBefore = values(first.w);
    const rBefore = values(first.rAdc);
    reestimateBatchNorm(model, [x1, x2], 4);
    values(first.movingMean!).forEach((m, i) => expect(m).toBeCloseTo((m1[i]! + m2[i]!) / 2, 4));
    expect(values(first.w)).toEqual(weightsBefore);
    expect(values(first.rAdc)).toEqual(rBefore);
  });
});
