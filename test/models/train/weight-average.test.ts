/**
 * Weight averaging (--ema): the average follows avg ← d·avg + (1 − d)·v (hand-computed), swapping it in
 * for validation leaves the live weights bit for bit, a checkpoint's average continues the same, and a
 * training run exports the average and resumes bit-identically with it.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadWeightImage } from '../../../models/image/load.js';
import { train, type TrainOptions } from '../../../models/train/train.js';
import { WeightAverage } from '../../../models/train/weight-average.js';
import { imageWeights, stoppedAndResumed, tinyKwsRun } from './tiny-run.js';

const values = (v: tf.Tensor) => Array.from(v.dataSync());

describe('WeightAverage', () => {
  it('follows avg ← d·avg + (1 − d)·v from the starting values (hand-computed)', () => {
    const a = tf.variable(tf.tensor1d([1, -2, 4]));
    const b = tf.variable(tf.scalar(10));
    const avg = new WeightAverage([a, b], 0.75);
    a.assign(tf.tensor1d([5, 2, 0]));
    b.assign(tf.scalar(2));
    avg.update(); // 0.75·start + 0.25·new
    a.assign(tf.tensor1d([1, 1, 1]));
    b.assign(tf.scalar(-6));
    avg.update();
    const [sa, sb] = avg.state();
    // a: 0.75·(0.75·1 + 0.25·5) + 0.25·1 = 1.75; 0.75·(0.75·−2 + 0.25·2) + 0.25 = −0.5; 0.75·3 + 0.25 = 2.5
    expect(Array.from(sa!)).toEqual([1.75, -0.5, 2.5]);
    // b: 0.75·(0.75·10 + 0.25·2) + 0.25·−6 = 4.5
    expect(Array.from(sb!)).toEqual([4.5]);
    avg.dispose();
    tf.dispose([a, b]);
  });

  it('warms the decay up as min(d, (1 + step)/(10 + step)) when given the step (hand-computed)', () => {
    const w = tf.variable(tf.scalar(0));
    const avg = new WeightAverage([w], 0.99);
    w.assign(tf.scalar(1));
    avg.update(0); // d = 1/10: 0.9
    avg.update(1); // d = 2/11: 1 − (2/11)·0.1
    expect(avg.state()[0]![0]).toBeCloseTo(1 - (2 / 11) * 0.1, 6);
    for (let k = 2; k < 2000; k++) avg.update(k); // late steps: d = 0.99, the average reaches the weight
    expect(avg.state()[0]![0]).toBeCloseTo(1, 6);
    avg.dispose();
    w.dispose();
  });

  it('converges to a constant weight as d^k (k steps)', () => {
    const w = tf.variable(tf.scalar(0));
    const avg = new WeightAverage([w], 0.9);
    w.assign(tf.scalar(1));
    for (let k = 0; k < 20; k++) avg.update();
    expect(avg.state()[0]![0]).toBeCloseTo(1 - 0.9 ** 20, 5);
    avg.dispose();
    w.dispose();
  });

  it('withAverage shows the average inside and restores the live weights exactly; a checkpoint state continues the same', () => {
    const w = tf.variable(tf.tensor1d([0.1, 0.2, 0.3]));
    const avg = new WeightAverage([w], 0.5);
    w.assign(tf.tensor1d([Math.PI, Math.E, Math.SQRT2]));
    avg.update();
    const live = values(w);
    const inside = avg.withAverage(() => values(w));
    expect(inside).toEqual(Array.from(avg.state()[0]!));
    expect(values(w)).toEqual(live);
    const copy = new WeightAverage([w], 0.5, avg.state());
    avg.update();
    copy.update();
    expect(Array.from(copy.state()[0]!)).toEqual(Array.from(avg.state()[0]!));
    expect(() => new WeightAverage([w], 1)).toThrow(/decay/);
    expect(() => new WeightAverage([w], 0.5, [new Float32Array(2)])).toThrow(/wrong size/);
    avg.dispose();
    copy.dispose();
    w.dispose();
  });
});

describe('train --ema (tiny, real data)', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'aoncim-ema-'));
  });
  const base = (name: string): TrainOptions => tinyKwsRun(dir, name, 3);

  it('stage 1: logs the average and the live weights, and a stopped + resumed run equals an uninterrupted one', async () => {
    const a = await train({ ...base('a'), ema: 0.9 });
    expect(a.log.config.ema).toBe(0.9);
    for (const e of a.log.epochs) expect(e.valAccuracyLive).toBeTypeOf('number');
    // The image is the network the last epoch validated: the average with its averaged BN statistics.
    expect(a.log.final.valAccuracyFloat).toBe(a.log.epochs.at(-1)!.valAccuracy);
    expect(imageWeights(await stoppedAndResumed({ ...base('r'), ema: 0.9 }))).toEqual(imageWeights(a.imagePath));
    // Without averaging the exported weights differ (the average lags the last step).
    const plain = await train(base('plain'));
    expect(imageWeights(plain.imagePath)).not.toEqual(imageWeights(a.imagePath));
    await expect(train({ ...base('bad'), ema: 1 })).rejects.toThrow(/--ema must be in/);
  }, 120_000);

  it('full, frozen statistics: a decay near 0 exports (nearly) the last weights, as a run without averaging', async () => {
    const init = join(dir, 'a.aonw');
    const frozen = (name: string): TrainOptions => ({ ...base(name), mode: 'full', bits: 8, steps: 2, init, bnFrozen: true });
    const avg = loadWeightImage((await train({ ...frozen('f-ema'), ema: 1e-6 })).imagePath, 'kws');
    const last = loadWeightImage((await train(frozen('f-plain'))).imagePath, 'kws');
    expect(avg.S).toBeCloseTo(last.S, 5);
    avg.layers.forEach((l, i) => {
      const m = last.layers[i]!;
      let worst = 0;
      for (let k = 0; k < l.weights.length; k++) worst = Math.max(worst, Math.abs(l.weights[k]! - m.weights[k]!));
      expect(worst).toBeLessThan(1e-4 * m.wMax + 1e-9);
    });
  }, 120_000);
});
