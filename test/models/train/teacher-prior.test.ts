/**
 * `train --teacher-prior fit` (models/train/teacher-prior.ts): the maximum-likelihood offsets against
 * hand-computed and simulated facts, and a training run that distils with them (real data and teacher).
 */
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { sharedDataDir } from '../../../host/paths.js';
import { InitRng } from '../../../models/image/prng.js';
import { defaultTeacherPath } from '../../../models/teacher/spec.js';
import { useWasmTrainingBackend } from '../../../models/train/kernels.js';
import { fitLogitOffsets, withOutputOffsets } from '../../../models/train/teacher-prior.js';
import { getGraph } from '../../../models/graphs/index.js';
import { FloatForwarder } from '../../../models/image/float-forward-fast.js';
import { loadWeightImage } from '../../../models/image/load.js';
import { repoPath } from '../../../host/paths.js';
import { train, type TrainOptions } from '../../../models/train/train.js';
import { imageWeights, stoppedAndResumed, tinyKwsRun } from './tiny-run.js';

const softmax = (z: number[]): number[] => {
  const m = Math.max(...z);
  const e = z.map((v) => Math.exp(v - m));
  const s = e.reduce((a, b) => a + b, 0);
  return e.map((v) => v / s);
};

/** n examples of k classes: logits ~ N(0, 1), labels drawn from softmax(logits + shift). */
function simulate(n: number, shift: number[], seed: number): { logits: Float64Array; labels: Int32Array } {
  const k = shift.length;
  const rng = new InitRng(seed, 1);
  const logits = new Float64Array(n * k);
  const labels = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const z = Array.from({ length: k }, () => rng.normal());
    z.forEach((v, j) => (logits[i * k + j] = v));
    const p = softmax(z.map((v, j) => v + shift[j]!));
    let u = rng.uniform();
    let j = 0;
    while (j < k - 1 && u >= p[j]!) u -= p[j++]!;
    labels[i] = j;
  }
  return { logits, labels };
}

describe('fitLogitOffsets', () => {
  it('equal logits, labels 3 : 1: the offsets are ±ln 3 / 2 (the label frequencies, centred)', () => {
    const r = fitLogitOffsets(new Float64Array(8), Int32Array.from([0, 0, 0, 1]), 2);
    expect(r.offsets[0]).toBeCloseTo(Math.log(3) / 2, 6);
    expect(r.offsets[1]).toBeCloseTo(-Math.log(3) / 2, 6);
    expect(r.lossAfter).toBeCloseTo(-(0.75 * Math.log(0.75) + 0.25 * Math.log(0.25)), 6);
    expect(r.lossBefore).toBeCloseTo(Math.log(2), 9);
  });

  it('recovers a known shift of simulated labels (30,000 examples: within 0.06, about 4 standard errors)', () => {
    const shift = [1, -2, 1];
    const { logits, labels } = simulate(30_000, shift, 3);
    const r = fitLogitOffsets(logits, labels, 3);
    r.offsets.forEach((b, j) => expect(Math.abs(b - shift[j]!)).toBeLessThan(0.06));
    expect(r.lossAfter).toBeLessThan(r.lossBefore);
    expect(r.accuracyAfter).toBeGreaterThan(r.accuracyBefore);
  });

  it('labels drawn from the logits themselves: offsets near 0; at the fit every class\'s mean probability is its label frequency', () => {
    const { logits, labels } = simulate(30_000, [0, 0, 0, 0], 4);
    const r = fitLogitOffsets(logits, labels, 4);
    for (const b of r.offsets) expect(Math.abs(b)).toBeLessThan(0.06);
    const meanP = [0, 0, 0, 0];
    const freq = [0, 0, 0, 0];
    for (let i = 0; i < labels.length; i++) {
      softmax(Array.from(logits.subarray(i * 4, i * 4 + 4), (v, j) => v + r.offsets[j]!)).forEach((p, j) => (meanP[j]! += p / labels.length));
      freq[labels[i]!]! += 1 / labels.length;
    }
    meanP.forEach((p, j) => expect(p).toBeCloseTo(freq[j]!, 6));
    expect(r.offsets.reduce((a, b) => a + b, 0)).toBeCloseTo(0, 9);
  });

  it('a class without examples stays finite, at the lowest offset of the others; bad sizes are refused', () => {
    const r = fitLogitOffsets(new Float64Array(9), Int32Array.from([0, 0, 1]), 3);
    r.offsets.forEach((b) => expect(Number.isFinite(b)).toBe(true));
    expect(r.offsets[2]).toBeCloseTo(r.offsets[1]!, 9);
    expect(r.offsets[0]! - r.offsets[1]!).toBeCloseTo(Math.log(2), 6);
    expect(() => fitLogitOffsets(new Float64Array(5), Int32Array.from([0, 1]), 3)).toThrow(/logits/);
  });
});

describe('withOutputOffsets', () => {
  it('the shifted image\'s float class scores are the original\'s plus the offsets; the original is untouched', () => {
    const image = loadWeightImage(repoPath('models/kws/full-8.aonw'), 'kws');
    const before = Float32Array.from(image.layers.at(-1)!.offset);
    const offsets = Array.from({ length: 12 }, (_, j) => (j === 1 ? -2.5 : 0.1 * j));
    const shifted = withOutputOffsets(image, offsets);
    const graph = getGraph('kws');
    const x = Float32Array.from({ length: 490 }, (_, i) => 40 * Math.sin(i * 0.37));
    const a = new FloatForwarder(graph, image).forward(x);
    const b = new FloatForwarder(graph, shifted).forward(x);
    for (let j = 0; j < 12; j++) expect(b[j]! - a[j]!).toBeCloseTo(offsets[j]!, 4);
    expect(Array.from(image.layers.at(-1)!.offset)).toEqual(Array.from(before));
    expect(shifted.layers.slice(0, -1)).toEqual(image.layers.slice(0, -1));
    expect(() => withOutputOffsets(image, [1, 2])).toThrow(/offsets/);
  });
});

const have = existsSync(defaultTeacherPath('kws')) && existsSync(join(sharedDataDir(), 'speech_commands/index.csv'));

describe.skipIf(!have)('train --teacher-prior fit (real data, KWS teacher)', () => {
  let dir: string;
  beforeAll(async () => {
    await useWasmTrainingBackend();
    dir = mkdtempSync(join(tmpdir(), 'aoncim-prior-'));
  });
  const base = (name: string): TrainOptions => ({ ...tinyKwsRun(dir, name, 5), teacher: defaultTeacherPath('kws'), kd: { weight: 0.7, temp: 2 } });

  it('logs the offsets and what they do to the teacher, changes the run, resumes bit-identically and needs a teacher', async () => {
    const a = await train({ ...base('a'), teacherPrior: 'fit' });
    expect(a.log.config.teacherPrior).toBe('fit');
    const p = a.log.teacherPrior!;
    expect(p.offsets).toHaveLength(12);
    expect(p.offsets.reduce((s, b) => s + b, 0)).toBeCloseTo(0, 9);
    expect(p.lossAfter).toBeLessThanOrEqual(p.lossBefore);
    expect(imageWeights(await stoppedAndResumed({ ...base('r'), teacherPrior: 'fit' }))).toEqual(imageWeights(a.imagePath));
    const plain = await train(base('plain'));
    expect(plain.log.config.teacherPrior).toBeUndefined();
    expect(plain.log.teacherPrior).toBeUndefined();
    expect(imageWeights(plain.imagePath)).not.toEqual(imageWeights(a.imagePath));
    const { teacher: _t, ...noTeacher } = base('bad');
    await expect(train({ ...noTeacher, teacherPrior: 'fit' })).rejects.toThrow(/needs --teacher/);
  }, 180_000);

  it('fit-init: another run than fit from the same init, resumed bit-identically; stage 1 without --init is refused', async () => {
    const init = (await train(base('i0'))).imagePath;
    const s2 = (name: string): TrainOptions => ({ ...base(name), mode: 'full', bits: 8, init, rangeInit: 'image' as const });
    const full = (await train({ ...s2('f0'), rangeInit: 'fitted' })).imagePath;
    const cont = (name: string): TrainOptions => ({ ...s2(name), init: full });
    const fit = await train({ ...cont('fit'), teacherPrior: 'fit' });
    const fitInit = await train({ ...cont('fitinit'), teacherPrior: 'fit-init' });
    expect(fitInit.log.teacherPrior!.offsets).toEqual(fit.log.teacherPrior!.offsets);
    expect(imageWeights(fitInit.imagePath)).not.toEqual(imageWeights(fit.imagePath));
    expect(imageWeights(await stoppedAndResumed({ ...cont('fitinitr'), teacherPrior: 'fit-init' }))).toEqual(imageWeights(fitInit.imagePath));
    const { init: _i, ...noInit } = base('noinit');
    await expect(train({ ...noInit, teacherPrior: 'fit-init' })).rejects.toThrow(/needs --init/);
  }, 300_000);
});
