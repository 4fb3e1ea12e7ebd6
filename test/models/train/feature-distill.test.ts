/**
 * Feature distillation (--feature-kd): the statistics, the Cholesky solve and the ridge fit against
 * hand-computed cases and an exact linear map; the head's loss by hand; its checkpoint state round trip;
 * the teachers' pooled features are the trace's last AVERAGE_POOL_2D; a training run adds the term,
 * resumes bit-identically with it and refuses it without a teacher.
 */
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { UserError } from '../../../host/errors.js';
import { sharedDataDir } from '../../../host/paths.js';
import { defaultTeacherPath } from '../../../models/teacher/spec.js';
import { loadTeacher } from '../../../models/teacher/teacher.js';
import { activeChannels, FeatureHead, featureStats, gridPool, ridgeFit, solveSpd } from '../../../models/train/feature-distill.js';
import { useWasmTrainingBackend } from '../../../models/train/kernels.js';
import { train, type TrainOptions } from '../../../models/train/train.js';
import { imageWeights, stoppedAndResumed, tinyKwsRun } from './tiny-run.js';

describe('feature statistics and the ridge fit', () => {
  it('featureStats: per-column mean and population std (hand-computed), std floored at 1e-3', () => {
    // columns: [1, 3] → mean 2, std 1; [5, 5] → 5, 0 (floored); [−2, 2] → 0, 2
    const s = featureStats(Float32Array.from([1, 5, -2, 3, 5, 2]), 3);
    expect(Array.from(s.mean)).toEqual([2, 5, 0]);
    expect(s.std[0]).toBeCloseTo(1, 6);
    expect(s.std[1]).toBeCloseTo(1e-3, 9);
    expect(s.std[2]).toBeCloseTo(2, 6);
    // Active: σ ≥ 1 % of the largest (2) and above the floor; the constant column is out.
    expect(Array.from(activeChannels(s))).toEqual([1, 0, 1]);
  });

  it('solveSpd solves a hand-made 2×2 system with two right-hand sides', () => {
    // A = [[4, 2], [2, 3]]; A·[1, 2] = [8, 8], A·[−1, 1] = [−2, 1]
    const x = solveSpd(Float64Array.from([4, 2, 2, 3]), Float64Array.from([8, -2, 8, 1]), 2, 2);
    [1, -1, 2, 1].forEach((v, i) => expect(x[i]).toBeCloseTo(v, 12));
    expect(() => solveSpd(Float64Array.from([1, 2, 2, 1]), Float64Array.from([1, 1]), 2, 1)).toThrow(/positive definite/);
  });

  it('ridgeFit recovers an exact linear map with intercept (targets = F·P + b, no noise)', () => {
    const n = 200;
    const k = 3;
    const m = 2;
    const P = [0.5, -1, 2, 0.25, -0.75, 1.5]; // [k, m]
    const b = [0.3, -2];
    let s = 12345;
    const rnd = () => ((s = (Math.imul(s, 1103515245) + 12345) >>> 0) / 4294967296) * 2 - 1;
    const F = Float32Array.from({ length: n * k }, rnd);
    const T = new Float32Array(n * m);
    for (let i = 0; i < n; i++) {
      for (let q = 0; q < m; q++) {
        let v = b[q]!;
        for (let j = 0; j < k; j++) v += F[i * k + j]! * P[j * m + q]!;
        T[i * m + q] = v;
      }
    }
    const fit = ridgeFit(F, k, T, m);
    // The ridge (1e-3 of the mean variance) shrinks the map by ~0.1 %.
    P.forEach((v, i) => expect(Math.abs(fit.proj[i]! - v)).toBeLessThan(3e-3 * Math.abs(v) + 1e-4));
    b.forEach((v, i) => expect(Math.abs(fit.bias[i]! - v)).toBeLessThan(5e-3));
  });
});

describe('gridPool', () => {
  // One 4×4 map, channel 0 = 0 … 15 row-major, channel 1 = 100 + the same.
  const map = tf.tensor4d(Array.from({ length: 32 }, (_, k) => (k % 2 === 0 ? k / 2 : 100 + (k - 1) / 2)), [1, 4, 4, 2]);
  it('4×4 → 3×3: cells are the 2×2 windows at stride 1 (hand-computed), rows in (i, j) order', () => {
    const rows = gridPool(map, 3);
    expect(rows.shape).toEqual([9, 2]);
    // Window at (i, j) averages i·4+j, i·4+j+1, (i+1)·4+j, (i+1)·4+j+1 = 4i + j + 2.5.
    const want = [0, 1, 2].flatMap((i) => [0, 1, 2].flatMap((j) => [4 * i + j + 2.5, 100 + 4 * i + j + 2.5]));
    expect(Array.from(rows.dataSync())).toEqual(want);
  });
  it('g = 1 is the global mean; g = 2 on 4×4 the four 2×2 quadrants; a grid larger than the map is a UserError', () => {
    expect(Array.from(gridPool(map, 1).dataSync())).toEqual([7.5, 107.5]);
    expect(Array.from(gridPool(map, 2).dataSync())).toEqual([2.5, 102.5, 4.5, 104.5, 10.5, 110.5, 12.5, 112.5]);
    expect(() => gridPool(map, 5)).toThrow(UserError);
  });
});

describe('FeatureHead', () => {
  const stats = { mean: Float32Array.from([1, 0, 7]), std: Float32Array.from([2, 0.5, 1e-3]) };
  it('loss: mean squared error over the active channels of the mapped student vs the standardised teacher (hand-computed)', () => {
    // student f = [1, 2] (one example), P = [[1, 0, 5], [0, 1, 5]], b = [0, 1, 9]: mapped [1, 3, 24]
    const head = new FeatureHead(2, 3, stats, { proj: Float32Array.from([1, 0, 5, 0, 1, 5]), bias: Float32Array.from([0, 1, 9]) });
    expect(head.activeCount).toBe(2);
    // teacher t = [5, 1, 1000]: standardised [2, 2, (inactive) 0]; errors (1 − 2)², (3 − 2)² → mean over 2 active = 1
    const loss = tf.tidy(() => head.loss(tf.tensor2d([[1, 2]]), tf.tensor2d([[5, 1, 1000]])).dataSync()[0]);
    expect(loss).toBeCloseTo(1, 6);
    head.dispose();
  });

  it('state and restore round-trip exactly, optimiser included; a head of other widths is a UserError', () => {
    const init = { proj: Float32Array.from([0.1, 0.2, 0.3, 0.4, 0.5, 0.6]), bias: Float32Array.from([0, 0, 0]) };
    const a = new FeatureHead(2, 3, stats, init);
    const grads = tf.variableGrads(() => a.loss(tf.tensor2d([[1, -1]]), tf.tensor2d([[3, 2, 0]])), a.variables()).grads;
    a.opt.apply(grads, 0.01);
    const b = new FeatureHead(2, 3, stats, init);
    b.restore(a.state());
    expect(b.state()).toEqual(a.state());
    const c = new FeatureHead(3, 2, { mean: new Float32Array(2), std: Float32Array.from([1, 1]) }, { proj: new Float32Array(6), bias: new Float32Array(2) });
    expect(() => c.restore({ ...a.state(), variables: [new Float32Array(5), new Float32Array(3)] })).toThrow(UserError);
    tf.dispose(Object.values(grads));
    [a, b, c].forEach((h) => h.dispose());
  });
});

const have = existsSync(defaultTeacherPath('kws')) && existsSync(defaultTeacherPath('vww')) && existsSync(join(sharedDataDir(), 'speech_commands/index.csv'));

describe.skipIf(!have)('teachers\' pooled features and train --feature-kd (real data)', () => {
  let dir: string;
  beforeAll(async () => {
    await useWasmTrainingBackend();
    dir = mkdtempSync(join(tmpdir(), 'aoncim-fkd-'));
  });

  it('logitsAndFeatures: the logits of logits() and the last AVERAGE_POOL_2D of trace(), flattened', () => {
    for (const task of ['kws', 'vww'] as const) {
      const t = loadTeacher(defaultTeacherPath(task), task);
      const { h, w, c } = t.input;
      const x = tf.randomUniform([2, h, w, c], 0, 1, 'float32', 7) as tf.Tensor4D;
      const r = t.logitsAndFeatures(x);
      const trace = t.trace(x);
      const pool = trace.filter((a) => a.op === 'AVERAGE_POOL_2D').at(-1)!;
      expect(r.features.shape).toEqual([2, t.featureWidth]);
      expect(t.featureWidth).toBe(task === 'kws' ? 64 : 256);
      expect(Array.from(r.features.dataSync())).toEqual(Array.from(pool.value.dataSync()));
      const logits = t.logits(x);
      expect(Array.from(r.logits.dataSync())).toEqual(Array.from(logits.dataSync()));
      tf.dispose([x, r.logits, r.features, logits, ...trace.map((a) => a.value)]);
      t.dispose();
    }
  });

  it('logitsAndFeatureMap: the same logits, and the map whose mean over positions is the pooled features', () => {
    const t = loadTeacher(defaultTeacherPath('vww'), 'vww');
    const x = tf.randomUniform([2, 96, 96, 3], 0, 1, 'float32', 8) as tf.Tensor4D;
    const r = t.logitsAndFeatureMap(x);
    const p = t.logitsAndFeatures(x);
    expect(r.map.shape).toEqual([2, 3, 3, 256]);
    expect(Array.from(r.logits.dataSync())).toEqual(Array.from(p.logits.dataSync()));
    const mean = tf.mean(r.map, [1, 2]).dataSync();
    const pooled = p.features.dataSync();
    for (let i = 0; i < pooled.length; i++) expect(mean[i]).toBeCloseTo(pooled[i]!, 5);
    tf.dispose([x, r.logits, r.map, p.logits, p.features]);
    t.dispose();
  });

  const base = (name: string): TrainOptions => ({ ...tinyKwsRun(dir, name, 5), teacher: defaultTeacherPath('kws'), kd: { weight: 0.7, temp: 2 } });

  it('the term changes the run, a stopped + resumed run equals an uninterrupted one, and it needs a teacher', async () => {
    const a = await train({ ...base('a'), featureKd: 1 });
    expect(a.log.config.featureKd).toBe(1);
    expect(imageWeights(await stoppedAndResumed({ ...base('r'), featureKd: 1 }))).toEqual(imageWeights(a.imagePath));
    const plain = await train(base('plain'));
    expect(imageWeights(plain.imagePath)).not.toEqual(imageWeights(a.imagePath));
    const { teacher: _t, ...noTeacher } = base('bad');
    await expect(train({ ...noTeacher, featureKd: 1 })).rejects.toThrow(/needs --teacher/);
    await expect(train({ ...base('bad0'), featureKd: 0 })).rejects.toThrow(/positive weight/);
  }, 180_000);

  it('--feature-grid: another run than the pooled term, resumed bit-identically; it needs --feature-kd and a grid that fits', async () => {
    const pooled = await train({ ...base('gp'), featureKd: 1 });
    const grid = await train({ ...base('g2'), featureKd: 1, featureGrid: 2 });
    expect(grid.log.config.featureGrid).toBe(2);
    expect(imageWeights(grid.imagePath)).not.toEqual(imageWeights(pooled.imagePath));
    expect(imageWeights(await stoppedAndResumed({ ...base('g2r'), featureKd: 1, featureGrid: 2 }))).toEqual(imageWeights(grid.imagePath));
    await expect(train({ ...base('gbad'), featureGrid: 2 })).rejects.toThrow(/needs --feature-kd/);
    await expect(train({ ...base('gbig'), featureKd: 1, featureGrid: 99 })).rejects.toThrow(UserError);
  }, 180_000);
});
