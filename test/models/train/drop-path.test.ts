/**
 * Stochastic depth (--drop-path): the rate rises linearly with depth (hand-computed), a dropped example's
 * branch is all zeros and a kept one is exactly branch / (1 − rate), the kept share is binomial, and a
 * VWW run with it is another run than without, resumed bit-identically; KWS (no residual branch) and
 * rates outside [0, 1) are refused.
 */
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { UserError } from '../../../host/errors.js';
import { sharedDataDir } from '../../../host/paths.js';
import { loadWeightImage } from '../../../models/image/load.js';
import { dropBranch, dropPathRate } from '../../../models/train/drop-path.js';
import { useWasmTrainingBackend } from '../../../models/train/kernels.js';
import { train, type TrainOptions } from '../../../models/train/train.js';
import { tinyKwsRun } from './tiny-run.js';

describe('dropPathRate and dropBranch', () => {
  it('rate p · (layer + 1) / layers: the last layer at p, the first at p / layers', () => {
    expect(dropPathRate(0.2, 9, 10)).toBeCloseTo(0.2, 12);
    expect(dropPathRate(0.2, 0, 10)).toBeCloseTo(0.02, 12);
    expect(dropPathRate(0.3, 32, 33)).toBeCloseTo(0.3, 12);
  });

  it('each example is all zeros or branch / (1 − rate); rate 0 is the branch itself', () => {
    const b = 64;
    const x = tf.randomUniform([b, 2, 2, 3], -1, 1, 'float32', 3) as tf.Tensor4D;
    expect(dropBranch(x, 0, 1)).toBe(x);
    const y = dropBranch(x, 0.25, 11);
    const xv = x.dataSync();
    const yv = y.dataSync();
    let kept = 0;
    for (let e = 0; e < b; e++) {
      const xs = Array.from(xv.subarray(e * 12, e * 12 + 12));
      const ys = Array.from(yv.subarray(e * 12, e * 12 + 12));
      if (ys.every((v) => v === 0)) continue;
      kept++;
      ys.forEach((v, i) => expect(v).toBeCloseTo(xs[i]! / 0.75, 6));
    }
    expect(kept).toBeGreaterThan(0);
    expect(kept).toBeLessThan(b);
    // The same seed draws the same examples.
    expect(Array.from(dropBranch(x, 0.25, 11).dataSync())).toEqual(Array.from(yv));
    tf.dispose([x, y]);
  });

  it('keeps a share 1 − rate of 4,000 examples (binomial, within 4 sd)', () => {
    const n = 4000;
    const rate = 0.3;
    const y = dropBranch(tf.ones([n, 1, 1, 1]) as tf.Tensor4D, rate, 5);
    const kept = Array.from(y.dataSync()).filter((v) => v !== 0).length;
    const sd = Math.sqrt(n * rate * (1 - rate));
    expect(Math.abs(kept - n * (1 - rate))).toBeLessThan(4 * sd);
    y.dispose();
  });
});

const have = existsSync(join(sharedDataDir(), 'vww/index.csv')) && existsSync(join(sharedDataDir(), 'speech_commands/index.csv'));

describe.skipIf(!have)('train --drop-path (real data)', () => {
  let dir: string;
  beforeAll(async () => {
    await useWasmTrainingBackend();
    dir = mkdtempSync(join(tmpdir(), 'aoncim-droppath-'));
  });

  /** Tiny VWW stage 1: 40 images → 32 training → 4 steps of 8 per epoch; 8 steps = 2 epochs. */
  const tinyVww = (name: string): TrainOptions => ({
    ...tinyKwsRun(dir, name, 2),
    task: 'vww',
    limit: 40,
    batch: 8,
    steps: 8,
    calibrationExamples: 8,
  });
  const weights = (path: string) => loadWeightImage(path, 'vww').layers.map((l) => Array.from(l.weights));

  it('another run than without it, resumed bit-identically; logged in the config', async () => {
    const a = await train({ ...tinyVww('dp'), dropPath: 0.3 });
    expect(a.log.config.dropPath).toBe(0.3);
    const plain = await train(tinyVww('plain'));
    expect(plain.log.config.dropPath).toBeUndefined();
    expect(weights(plain.imagePath)).not.toEqual(weights(a.imagePath));
    await train({ ...tinyVww('dpr'), dropPath: 0.3, stopAfterEpochs: 1 });
    const resumed = await train({ ...tinyVww('dpr'), dropPath: 0.3, resume: true });
    expect(weights(resumed.imagePath)).toEqual(weights(a.imagePath));
  }, 180_000);

  it('refuses KWS and rates outside [0, 1)', async () => {
    await expect(train({ ...tinyKwsRun(dir, 'k', 1), dropPath: 0.1 })).rejects.toThrow(/KWS has none/);
    await expect(train({ ...tinyVww('big'), dropPath: 1 })).rejects.toThrow(UserError);
    await expect(train({ ...tinyVww('neg'), dropPath: -0.1 })).rejects.toThrow(UserError);
  });
});
