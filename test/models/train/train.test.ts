/**
 * A tiny training end to end (real data, few examples, few steps): same seed → the same image; a run
 * stopped after an epoch and resumed from its checkpoint ends exactly where an uninterrupted one does;
 * stage 2 (`full`) starts from the stage-1 image and learns S and r_ADC,l.
 */
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadWeightImage } from '../../../models/image/load.js';
import type { WeightImage } from '../../../models/image/types.js';
import { defaultTeacherPath } from '../../../models/teacher/teacher.js';
import { portablePath, train, type TrainOptions } from '../../../models/train/train.js';
import { tinyKwsRun } from './tiny-run.js';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'aoncim-train-'));
});

const base = (name: string): TrainOptions => tinyKwsRun(dir, name, 5);

function sameWeights(a: WeightImage, b: WeightImage): void {
  expect(b.S).toBe(a.S);
  a.layers.forEach((l, i) => {
    const m = b.layers[i]!;
    expect(m.wMax).toBe(l.wMax);
    expect(m.rDac).toBe(l.rDac);
    expect(Buffer.from(m.weights.buffer).equals(Buffer.from(l.weights.buffer))).toBe(true);
    expect(Array.from(m.offset)).toEqual(Array.from(l.offset));
  });
}

describe('train (tiny, real data)', () => {
  let first: WeightImage;
  let stepsByEpoch: number[];

  it('writes a readable image and log; same seed → same weights', async () => {
    const a = await train(base('a'));
    const b = await train(base('b'));
    first = loadWeightImage(a.imagePath, 'kws');
    expect(first.training.method).toBe('baseline');
    expect(first.training.seed).toBe(5);
    stepsByEpoch = a.log.epochs.map((e) => e.step);
    expect(stepsByEpoch.length).toBeGreaterThanOrEqual(2);
    expect(stepsByEpoch.at(-1)).toBe(4);
    expect(Number.isFinite(a.log.epochs[1]!.loss)).toBe(true);
    sameWeights(first, loadWeightImage(b.imagePath, 'kws'));
  });

  it('stop after one epoch + resume = one uninterrupted run', async () => {
    const o = base('r');
    const stopped = await train({ ...o, stopAfterEpochs: 1 });
    expect('stopped' in stopped && stopped.epoch).toBe(1);
    const resumed = await train({ ...o, resume: true });
    expect(resumed.log.epochs.map((e) => e.step)).toEqual(stepsByEpoch);
    sameWeights(first, loadWeightImage(resumed.imagePath, 'kws'));
  });

  it('--view-seed: the seed itself = no view seed; another = another run, logged, resumes bit-identically', async () => {
    sameWeights(first, loadWeightImage((await train({ ...base('v5'), viewSeed: 5 })).imagePath, 'kws'));
    const o: TrainOptions = { ...base('v1'), viewSeed: 1 };
    await train({ ...o, stopAfterEpochs: 1 });
    const resumed = await train({ ...o, resume: true });
    expect(resumed.log.config).toMatchObject({ seed: 5, viewSeed: 1 });
    const whole = loadWeightImage((await train({ ...base('v1w'), viewSeed: 1 })).imagePath, 'kws');
    sameWeights(whole, loadWeightImage(resumed.imagePath, 'kws'));
    expect(Buffer.from(whole.layers[0]!.weights.buffer).equals(Buffer.from(first.layers[0]!.weights.buffer))).toBe(false);
    await expect(train({ ...o, viewSeed: 2, resume: true, force: true })).rejects.toThrow(/other settings/);
  });

  it('full 4-bit from the stage-1 image: weights start there, W_max kept, ranges learned (eq. 5)', async () => {
    const r = await train({ ...base('full'), mode: 'full', bits: 4, steps: 2, init: join(dir, 'a.aonw'), rangeInit: 'one' });
    const img = loadWeightImage(r.imagePath, 'kws');
    expect(img.training).toMatchObject({ method: 'full', bits: 4, eta: 0.1 });
    img.layers.forEach((l, i) => {
      expect(l.wMax).toBe(first.layers[i]!.wMax); // fixed in stage 2
      expect(l.rDac).toBeCloseTo((l.rAdc * img.S) / l.wMax, 4); // eq. 5–6
    });
    expect(img.S).not.toBe(1); // trained from 1
  });

  it('noise from the stage-1 image: BN statistics re-estimated without weight noise, then ranges calibrated', async () => {
    const r = await train({ ...base('noise'), mode: 'noise', steps: 2, init: join(dir, 'a.aonw') });
    const img = loadWeightImage(r.imagePath, 'kws');
    expect(img.training).toMatchObject({ method: 'noise', eta: 0.1 });
    // The log keeps the float accuracy of the noisy-statistics network next to the re-estimated one.
    expect(r.log.final.valAccuracyBeforeBnReestimation).toBe(r.log.epochs.at(-1)!.valAccuracy);
    expect(Object.keys(r.log.final.valAccuracyQuantized).sort()).toEqual(['4', '6', '8']);
  });
  it('--bn-stats frozen keeps the statistics the network trained with: no BN re-estimation at the end', async () => {
    const r = await train({ ...base('frozen'), mode: 'full', bits: 8, steps: 2, init: join(dir, 'a.aonw'), bnFrozen: true });
    expect(r.log.config.bnStats).toBe('frozen');
    // The last epoch's validation and the image's are the same network with the same statistics.
    expect(r.log.final.valAccuracyQuantized['8']).toBe(r.log.epochs.at(-1)!.valAccuracy);
    await expect(train({ ...base('frozen-bad'), mode: 'baseline', steps: 1, bnFrozen: true })).rejects.toThrow(/needs --mode noise or full/);
  });

  it('full with --range-init calibrated starts S at the stage-1 calibration (moves ≤ ~1e-3 of itself per Adam step)', async () => {
    const r = await train({ ...base('fullcal'), mode: 'full', bits: 8, steps: 1, init: join(dir, 'a.aonw'), rangeInit: 'calibrated' });
    const img = loadWeightImage(r.imagePath, 'kws');
    expect(Math.abs(img.S / first.S - 1)).toBeLessThan(2e-3);
    expect(Math.abs(img.S - 1)).toBeGreaterThan(0.01); // not the paper's init of 1 (S of a stage-1 KWS model is far from 1)
  });

  it('full with --range-init fitted starts from ranges fitted at its bits (4 bit: narrower ADC ranges than calibrated)', async () => {
    const cal = await train({ ...base('fit-c'), mode: 'full', bits: 4, steps: 1, init: join(dir, 'a.aonw'), rangeInit: 'calibrated' });
    const fit = await train({ ...base('fit-f'), mode: 'full', bits: 4, steps: 1, init: join(dir, 'a.aonw'), rangeInit: 'fitted' });
    expect(fit.log.config.rangeInit).toBe('fitted');
    const a = loadWeightImage(cal.imagePath, 'kws');
    const b = loadWeightImage(fit.imagePath, 'kws');
    b.layers.forEach((l) => expect(l.rDac).toBeCloseTo((l.rAdc * b.S) / l.wMax, 4)); // eq. 5–6
    // Summed log r_ADC: the 4-bit MSE optimum clips well inside the 99.995th percentile.
    const logSum = (im: WeightImage) => im.layers.reduce((s, l) => s + Math.log(l.rAdc), 0);
    expect(logSum(b)).toBeLessThan(logSum(a));
  });

  it('full with --range-init image continues a full image at its own ranges (and refuses another kind of image)', async () => {
    const src = await train({ ...base('img-src'), mode: 'full', bits: 4, steps: 1, init: join(dir, 'a.aonw'), rangeInit: 'fitted' });
    const a = loadWeightImage(src.imagePath, 'kws');
    const r = await train({ ...base('img-cont'), mode: 'full', bits: 4, steps: 1, lr: 1e-9, init: src.imagePath, rangeInit: 'image' });
    const b = loadWeightImage(r.imagePath, 'kws');
    // A step at a vanishing rate: the ranges are the image's, not refitted (a refit moves them by far more).
    expect(Math.abs(b.S / a.S - 1)).toBeLessThan(2e-3);
    b.layers.forEach((l, i) => expect(Math.abs(l.rAdc / a.layers[i]!.rAdc - 1)).toBeLessThan(2e-3));
    await expect(train({ ...base('img-bad'), mode: 'full', bits: 8, steps: 1, init: src.imagePath, rangeInit: 'image' })).rejects.toThrow(/full image trained at 8 bit/);
    await expect(train({ ...base('img-bad2'), mode: 'full', bits: 4, steps: 1, init: join(dir, 'a.aonw'), rangeInit: 'image' })).rejects.toThrow(/is baseline/);
  });

  it('the output path is checked before any work: a folder, a missing folder, an existing image without force', async () => {
    mkdirSync(join(dir, 'afolder'), { recursive: true });
    await expect(train({ ...base('x'), out: join(dir, 'afolder') })).rejects.toThrow(/is a directory/);
    await expect(train({ ...base('x'), out: join(dir, 'nope', 'x.aonw') })).rejects.toThrow(/does not exist/);
    writeFileSync(join(dir, 'exists.aonw'), 'precious');
    await expect(train({ ...base('x'), out: join(dir, 'exists.aonw') })).rejects.toThrow(/--force/);
    expect(existsSync(join(dir, 'ck-x'))).toBe(false); // no epoch ran, no checkpoint written
  });

  it('stores paths relative to the repository (logs ship; machines differ)', () => {
    expect(portablePath('models/kws/baseline.aonw')).toBe('models/kws/baseline.aonw');
  });
});

const teacherFile = defaultTeacherPath('kws');
describe.skipIf(!existsSync(teacherFile))(`distillation (teacher not found at ${teacherFile} skips)`, () => {
  const kd = (name: string): TrainOptions => ({ ...base(name), teacher: teacherFile, kd: { weight: 0.8, temp: 3 } });
  it('a run with a teacher logs it, differs from one without, and resumes bit-identically', async () => {
    const a = await train(kd('kd-a'));
    expect(a.log.config).toMatchObject({ teacher: portablePath(teacherFile), kdWeight: 0.8, kdTemp: 3, mix: null });
    const plain = loadWeightImage(join(dir, 'a.aonw'), 'kws');
    const withTeacher = loadWeightImage(a.imagePath, 'kws');
    expect(Buffer.from(withTeacher.layers[0]!.weights.buffer).equals(Buffer.from(plain.layers[0]!.weights.buffer))).toBe(false);
    const o = kd('kd-r');
    await train({ ...o, stopAfterEpochs: 1 });
    const resumed = await train({ ...o, resume: true });
    sameWeights(withTeacher, loadWeightImage(resumed.imagePath, 'kws'));
    // Another teacher setting is another run: its checkpoint is refused.
    await expect(train({ ...o, kd: { weight: 0.5, temp: 3 }, resume: true, force: true })).rejects.toThrow(/other settings/);
  });
  it('speed perturbation: logged, another run than without it, resumes bit-identically', async () => {
    const o: TrainOptions = { ...kd('sp-r'), speed: 0.15 };
    await train({ ...o, stopAfterEpochs: 1 });
    const resumed = await train({ ...o, resume: true });
    expect(resumed.log.config).toMatchObject({ speed: 0.15 });
    const whole = await train({ ...kd('sp-w'), speed: 0.15 });
    sameWeights(loadWeightImage(whole.imagePath, 'kws'), loadWeightImage(resumed.imagePath, 'kws'));
    const plain = loadWeightImage(join(dir, 'kd-a.aonw'), 'kws');
    expect(Buffer.from(loadWeightImage(whole.imagePath, 'kws').layers[0]!.weights.buffer).equals(Buffer.from(plain.layers[0]!.weights.buffer))).toBe(false);
    await expect(train({ ...o, speed: 0.1, resume: true, force: true })).rejects.toThrow(/other settings/);
  });
  it('time mask: logged, resumes bit-identically, another length is another run', async () => {
    const o: TrainOptions = { ...kd('tm-r'), timeMaskMs: 100 };
    await train({ ...o, stopAfterEpochs: 1 });
    const resumed = await train({ ...o, resume: true });
    expect(resumed.log.config).toMatchObject({ timeMaskMs: 100 });
    const whole = await train({ ...kd('tm-w'), timeMaskMs: 100 });
    sameWeights(loadWeightImage(whole.imagePath, 'kws'), loadWeightImage(resumed.imagePath, 'kws'));
    await expect(train({ ...o, timeMaskMs: 50, resume: true, force: true })).rejects.toThrow(/other settings/);
  });
  it('bad distillation settings are user errors before any work', async () => {
    await expect(train({ ...kd('kd-x'), kd: { weight: 1.5 } })).rejects.toThrow(/kd-weight/);
    await expect(train({ ...kd('kd-x'), kd: { temp: 0 } })).rejects.toThrow(/kd-temp/);
    await expect(train({ ...kd('kd-x'), mix: 'cutmix' })).rejects.toThrow(/KWS mixes clips with --mix mixup only/);
    await expect(train({ ...kd('kd-x'), speed: 0.5 })).rejects.toThrow(/--speed must be in/);
    await expect(train({ ...kd('kd-x'), task: 'vww', speed: 0.1 })).rejects.toThrow(/for --task kws/);
    await expect(train({ ...kd('kd-x'), crop: 'inception' })).rejects.toThrow(/for --task vww/);
    await expect(train({ ...kd('kd-x'), teacher: join(dir, 'none.tflite') })).rejects.toThrow(/teacher not found/);
    await expect(train({ ...kd('kd-x'), task: 'kws', teacher: defaultTeacherPath('vww') })).rejects.toThrow();
  });
});
