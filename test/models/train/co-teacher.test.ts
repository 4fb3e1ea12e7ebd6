/**
 * `train --co-teacher IMAGE` (models/train/co-teacher.ts): its target against an independent float
 * reference (the WebAssembly float forward of the same image), and a training run that uses it.
 */
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { repoPath, sharedDataDir } from '../../../host/paths.js';
import { getGraph } from '../../../models/graphs/index.js';
import { FloatForwarder } from '../../../models/image/float-forward-fast.js';
import { loadWeightImage } from '../../../models/image/load.js';
import { InitRng } from '../../../models/image/prng.js';
import { defaultTeacherPath } from '../../../models/teacher/spec.js';
import { loadCoTeacher } from '../../../models/train/co-teacher.js';
import { useWasmTrainingBackend } from '../../../models/train/kernels.js';
import { train, type TrainOptions } from '../../../models/train/train.js';
import { imageWeights, stoppedAndResumed, tinyKwsRun } from './tiny-run.js';

const logSoftmax = (z: ArrayLike<number>): number[] => {
  const v = Array.from(z);
  const m = Math.max(...v);
  const s = Math.log(v.reduce((a, x) => a + Math.exp(x - m), 0)) + m;
  return v.map((x) => x - s);
};

describe('co-teacher target', () => {
  beforeAll(useWasmTrainingBackend);

  it('is the mean of the teacher\'s and the image\'s float log-probabilities (the image by the wasm float forward, within 1e-3)', () => {
    const graph = getGraph('kws');
    const imagePath = repoPath('models/kws/full-8.aonw');
    const size = graph.input.h * graph.input.w * graph.input.c;
    const rng = new InitRng(7, 3);
    const inputs = (n: number) => Float32Array.from({ length: n * size }, () => 20 * rng.normal());
    const calib = { x: inputs(16), y: new Int32Array(16), count: 16 };
    const co = loadCoTeacher(imagePath, graph, calib);
    const n = 4;
    const x = inputs(n);
    const t = Float32Array.from({ length: n * 12 }, () => 3 * rng.normal());
    const got = tf.tidy(() => co.blend(tf.tensor2d(t, [n, 12]), tf.tensor4d(x, [n, graph.input.h, graph.input.w, graph.input.c])).arraySync());
    co.dispose();
    const ref = new FloatForwarder(graph, loadWeightImage(imagePath, 'kws'));
    for (let i = 0; i < n; i++) {
      const a = logSoftmax(t.subarray(i * 12, (i + 1) * 12));
      const b = logSoftmax(ref.forward(x.subarray(i * size, (i + 1) * size)));
      got[i]!.forEach((v, j) => expect(Math.abs(v - (a[j]! + b[j]!) / 2)).toBeLessThan(1e-3));
    }
  });

  it('refuses an image of another network', () => {
    const graph = getGraph('kws');
    expect(() => loadCoTeacher(repoPath('models/vww/full-8.aonw'), graph, { x: new Float32Array(0), y: new Int32Array(0), count: 0 })).toThrow(/vww|kws/i);
  });
});

const have = existsSync(defaultTeacherPath('kws')) && existsSync(join(sharedDataDir(), 'speech_commands/index.csv'));

describe.skipIf(!have)('train --co-teacher (real data, KWS teacher)', () => {
  let dir: string;
  beforeAll(async () => {
    await useWasmTrainingBackend();
    dir = mkdtempSync(join(tmpdir(), 'aoncim-co-'));
  });
  const base = (name: string): TrainOptions => ({ ...tinyKwsRun(dir, name, 5), teacher: defaultTeacherPath('kws'), kd: { weight: 0.7, temp: 2 } });
  const coTeacher = repoPath('models/kws/baseline.aonw');

  it('is in the log, changes the run, resumes bit-identically, and needs a teacher and a file', async () => {
    const a = await train({ ...base('a'), coTeacher });
    expect(a.log.config.coTeacher).toMatch(/models\/kws\/baseline\.aonw$/);
    const plain = await train(base('plain'));
    expect(plain.log.config.coTeacher).toBeUndefined();
    expect(imageWeights(plain.imagePath)).not.toEqual(imageWeights(a.imagePath));
    expect(imageWeights(await stoppedAndResumed({ ...base('r'), coTeacher }))).toEqual(imageWeights(a.imagePath));
    const { teacher: _t, ...noTeacher } = base('bad');
    await expect(train({ ...noTeacher, coTeacher })).rejects.toThrow(/needs --teacher/);
    await expect(train({ ...base('missing'), coTeacher: join(dir, 'none.aonw') })).rejects.toThrow(/co-teacher not found/);
  }, 180_000);
});
