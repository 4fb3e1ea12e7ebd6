/**
 * Training and validation data from ../shared/data (its README): Speech Commands for KWS, split by
 * speaker; VWW images, split by image. Features come from the runtime's own front ends (host/audio
 * MFCC, host/vision resize + normalize), imported, never restated. Augmentation per epoch, seeded:
 * KWS time shift ±100 ms, background noise (volume ≤ 0.1) in most clips, extra silence cut from
 * background_noise/, optionally speed perturbation, mixup of two clips and a time mask; VWW flips, crops, brightness,
 * optionally mixing.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { csvRecords, parseCsv } from '../../host/csv.js';
import { UserError } from '../../host/errors.js';
import { mfcc, MFCC_SIZE, SAMPLE_RATE, CLIP_SAMPLES } from '../../host/audio/mfcc.js';
import { loadWav16k } from '../../host/audio/load-clip.js';
import { decodeImageFile, type RgbImage } from '../../host/vision/decode.js';
import { preprocessVwwFrame, VWW_INPUT_CHANNELS, VWW_INPUT_HEIGHT, VWW_INPUT_WIDTH } from '../../host/vision/normalize.js';
import { resizeBilinear } from '../../host/vision/resize.js';
import { KWS_CLASSES } from '../graphs/kws.js';
import type { Task } from '../graphs/types.js';
import { InitRng } from '../image/prng.js';
import { mixPair, type MixMode } from './mix.js';
import { mosaic } from './mosaic.js';
import { changeSpeed } from './speed.js';
import type { CropMode } from './crop-modes.js';
import { jitterView } from './color-jitter.js';
import { shuffleInPlace, validationPredicate, type SplitRow } from '../../host/eval/split.js';

export { VALIDATION_FRACTION } from '../../host/eval/split.js';
/** Augmentation constants (the data README; MLPerf Tiny's KWS recipe). */
export const TIME_SHIFT_SAMPLES = SAMPLE_RATE / 10; // ±100 ms
export const NOISE_PROBABILITY = 0.8;
export const NOISE_MAX_VOLUME = 0.1;
/** KWS mixup: the share of keyword views blended with a second clip (the rest stay single words, as at inference). */
export const KWS_MIX_PROBABILITY = 0.5;
/** Extra silence clips cut from background_noise/ per epoch, as a fraction of the training clips. */
export const EXTRA_SILENCE_FRACTION = 0.1;
export const VWW_CLASSES = ['non_person', 'person'] as const;

/** Features of a set of examples: x is N × inputSize, row-major HWC per example. */
export interface Examples {
  x: Float32Array;
  y: Int32Array;
  count: number;
  /** Mixed views: count × classes label weights (y is then the larger share's class). */
  soft?: Float32Array;
  /** The teacher's view of each example where its input differs from x (VWW: 96×96 RGB in [0, 1]). */
  teacherX?: Float32Array;
}

/** How an epoch's views are made for distillation. */
export interface EpochView {
  /** VWW: mix pairs of augmented images (mix.ts); KWS: mixup only, half the keyword clips blended with another. */
  mix?: MixMode;
  /** The teacher's input size, when it differs from the network's (VWW 96×96×3). */
  teacherInput?: { h: number; w: number; c: number };
  /** VWW: how training views are cropped (default light). */
  crop?: CropMode;
  /** VWW: contrast and colour-cast jitter on every view (augmentImage; default off). */
  colorJitter?: boolean;
  /** KWS: speed perturbation, each keyword clip resampled by a factor uniform in [1 − s, 1 + s] (speed.ts). */
  speed?: number;
  /**
   * KWS: a time mask, a stretch of up to this many milliseconds of each keyword view set to silence before the
   * noise is added (SpecAugment's time masking, done on the audio so the front end stays the runtime's own).
   */
  timeMaskMs?: number;
  /**
   * Seed of the views (order, augmentation, mixing; default: the data's seed, which also fixes the split).
   * A continuation run with another view seed sees new views of the same training split.
   */
  seed?: number;
}

export interface TaskData {
  task: Task;
  /** Per-example input size (h·w·c). */
  inputSize: number;
  trainCount: number;
  val: Examples;
  /** One epoch of augmented, shuffled training examples (deterministic in seed, epoch and view). */
  trainEpoch(epoch: number, view?: EpochView): Examples;
  /**
   * Unaugmented training examples (range calibration), the first `n` in a seeded order; with `teacherInput`
   * (VWW) also as the teacher sees them (teacherX).
   */
  calibration(n: number, teacherInput?: { h: number; w: number; c: number }): Examples;
  /** For the log and the image: e.g. "speech_commands: 3,350 train / 843 val clips, split by speaker". */
  description: string;
}

interface CsvRow {
  [column: string]: string;
}

const splitRow = (r: CsvRow): SplitRow => ({ path: r['path']!, speaker: r['speaker'] ?? '' });

function readCsv(path: string): CsvRow[] {
  if (!existsSync(path)) throw new UserError(`training data not found: ${path} (set --data DIR)`);
  return csvRecords(parseCsv(readFileSync(path, 'utf8')));
}

const shuffle = shuffleInPlace;

function subset(rows: CsvRow[], seed: number, limit: number | undefined): CsvRow[] {
  if (limit === undefined || limit >= rows.length) return rows;
  if (!Number.isInteger(limit) || limit < 2) throw new UserError(`data limit must be an integer ≥ 2 (got ${limit})`);
  return shuffle([...rows], new InitRng(seed, 14)).slice(0, limit);
}

function toPcm16(s: Float32Array): Int16Array {
  const out = new Int16Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = Math.max(-32768, Math.min(32767, Math.trunc(s[i]! * 32768)));
  return out;
}

/**
 * KWS mixup: λ·s + (1 − λ)·clip shifted by `shift` samples (zeros outside it), in place. The front end
 * peak-normalises each clip, so the blend's level does not matter, only the two words' ratio.
 */
export function mixClipInto(s: Float32Array, pcm: Int16Array, shift: number, lambda: number): void {
  const n = Math.min(s.length, pcm.length);
  for (let i = 0; i < s.length; i++) {
    const j = i - shift;
    s[i] = lambda * s[i]! + (j >= 0 && j < n ? (1 - lambda) * (pcm[j]! / 32768) : 0);
  }
}

/**
 * A time mask: zeros a stretch of s, its length uniform in [0, maxSamples], its start uniform over the
 * positions where it fits (two draws). Returns [start, end).
 */
export function maskTimeInto(s: Float32Array, rng: InitRng, maxSamples: number): [number, number] {
  const len = Math.min(s.length, Math.floor(rng.uniform() * (maxSamples + 1)));
  const start = Math.floor(rng.uniform() * (s.length - len + 1));
  s.fill(0, start, start + len);
  return [start, start + len];
}

/** A time shift in samples, uniform in ±TIME_SHIFT_SAMPLES (one draw). */
const drawShift = (rng: InitRng): number => Math.floor(rng.uniform() * (2 * TIME_SHIFT_SAMPLES + 1)) - TIME_SHIFT_SAMPLES;

const loadMono16k = (path: string): Float32Array => loadWav16k(path).samples;

/** KWS: clips as 16-bit PCM (memory), features by the runtime's mfcc(). */
export function loadKws(dataDir: string, seed: number, limit?: number): TaskData {
  const root = join(dataDir, 'speech_commands');
  const rows = subset(readCsv(join(root, 'index.csv')), seed, limit);
  const classIndex = new Map<string, number>(KWS_CLASSES.map((c, i) => [c, i]));
  const isValidation = validationPredicate('kws', rows.map(splitRow), seed);
  const heldOutSpeakers = new Set(rows.filter((r) => r['speaker'] && isValidation(splitRow(r))).map((r) => r['speaker'])).size;
  const train: Array<{ pcm: Int16Array; label: number }> = [];
  const val: Array<{ pcm: Int16Array; label: number }> = [];
  for (const r of rows) {
    const label = classIndex.get(r['label']!);
    if (label === undefined) throw new UserError(`speech_commands/index.csv: unknown label "${r['label']}"`);
    const clip = { pcm: toPcm16(loadMono16k(join(root, r['path']!))), label };
    const isVal = isValidation(splitRow(r));
    (isVal ? val : train).push(clip);
  }
  const noiseDir = join(dataDir, 'background_noise');
  const noises = ['doing_the_dishes', 'dude_miaowing', 'exercise_bike', 'pink_noise', 'running_tap', 'white_noise']
    .map((n) => join(noiseDir, `${n}.wav`))
    .filter((p) => existsSync(p))
    .map(loadMono16k);
  if (noises.length === 0) throw new UserError(`no background noise in ${noiseDir}`);
  const silence = classIndex.get('_silence_')!;

  const features = (pcm: Float32Array, out: Float32Array, at: number) => out.set(mfcc(pcm), at * MFCC_SIZE);
  const plain = (c: { pcm: Int16Array }) => {
    const s = new Float32Array(CLIP_SAMPLES);
    for (let i = 0; i < Math.min(CLIP_SAMPLES, c.pcm.length); i++) s[i] = c.pcm[i]! / 32768;
    return s;
  };
  const noiseCut = (rng: InitRng): Float32Array => {
    const n = noises[Math.floor(rng.uniform() * noises.length)]!;
    const start = Math.floor(rng.uniform() * (n.length - CLIP_SAMPLES));
    return n.subarray(start, start + CLIP_SAMPLES);
  };
  const valX = new Float32Array(val.length * MFCC_SIZE);
  val.forEach((c, i) => features(plain(c), valX, i));
  const extraSilence = Math.round(train.length * EXTRA_SILENCE_FRACTION);

  const trainEpoch = (epoch: number, view: EpochView = {}): Examples => {
    const rng = new InitRng(view.seed ?? seed, 1000 + epoch);
    const speed = view.speed ?? 0;
    const maskSamples = Math.round(((view.timeMaskMs ?? 0) * SAMPLE_RATE) / 1000);
    const count = train.length + extraSilence;
    const order = shuffle(Array.from({ length: count }, (_, i) => i), rng);
    const x = new Float32Array(count * MFCC_SIZE);
    const y = new Int32Array(count);
    const s = new Float32Array(CLIP_SAMPLES);
    const mix = view.mix ?? 'none';
    if (mix !== 'none' && mix !== 'mixup') throw new UserError(`--mix ${mix} is for images; KWS mixes clips with mixup only`);
    const mixing = mix === 'mixup';
    const classes = KWS_CLASSES.length;
    const soft = mixing ? new Float32Array(count * classes) : undefined;
    order.forEach((src, k) => {
      s.fill(0);
      let share = 1;
      let other = -1;
      if (src < train.length) {
        // Speed perturbation first (its draw only when on: runs without it keep their exact views).
        const c = speed > 0 ? { pcm: changeSpeed(train[src]!.pcm, 1 + (2 * rng.uniform() - 1) * speed), label: train[src]!.label } : train[src]!;
        // Time shift: the clip moves by up to ±100 ms, zeros fill the gap.
        const shift = drawShift(rng);
        const n = Math.min(CLIP_SAMPLES, c.pcm.length);
        for (let i = Math.max(0, shift); i < Math.min(CLIP_SAMPLES, n + shift); i++) s[i] = c.pcm[i - shift]! / 32768;
        // Mixup (its draws only when on): another keyword clip, time-shifted, blended in before the noise.
        if (mixing && rng.uniform() < KWS_MIX_PROBABILITY) {
          const partner = train[Math.floor(rng.uniform() * train.length)]!;
          const lambda = rng.uniform();
          const pShift = drawShift(rng);
          mixClipInto(s, partner.pcm, pShift, lambda);
          soft![k * classes + partner.label]! += 1 - lambda;
          share = lambda;
          other = partner.label;
        }
        // Time mask (its draws only when on), on the word(s) only: the noise below, when drawn, fills the stretch.
        if (maskSamples > 0) maskTimeInto(s, rng, maskSamples);
        if (rng.uniform() < NOISE_PROBABILITY) {
          const vol = rng.uniform() * NOISE_MAX_VOLUME;
          const noise = noiseCut(rng);
          for (let i = 0; i < CLIP_SAMPLES; i++) s[i] = Math.max(-1, Math.min(1, s[i]! + vol * noise[i]!));
        }
        y[k] = share >= 0.5 ? c.label : other;
        if (soft) soft[k * classes + c.label]! += share;
      } else {
        // Extra silence: a cut of background noise at a random volume in [0, 1).
        const vol = rng.uniform();
        const noise = noiseCut(rng);
        for (let i = 0; i < CLIP_SAMPLES; i++) s[i] = vol * noise[i]!;
        y[k] = silence;
        if (soft) soft[k * classes + silence] = 1;
      }
      features(s, x, k);
    });
    return { x, y, count, ...(soft ? { soft } : {}) };
  };

  const calibration = (n: number): Examples => {
    const order = shuffle(Array.from({ length: train.length }, (_, i) => i), new InitRng(seed, 13)).slice(0, n);
    const x = new Float32Array(order.length * MFCC_SIZE);
    const y = new Int32Array(order.length);
    order.forEach((src, k) => {
      features(plain(train[src]!), x, k);
      y[k] = train[src]!.label;
    });
    return { x, y, count: order.length };
  };

  const fmt = (n: number) => n.toLocaleString('en-US');
  return {
    task: 'kws',
    inputSize: MFCC_SIZE,
    trainCount: train.length + extraSilence,
    val: { x: valX, y: Int32Array.from(val, (c) => c.label), count: val.length },
    trainEpoch,
    calibration,
    description:
      `speech_commands: ${fmt(train.length)} train clips (${heldOutSpeakers} speakers held out) + ${fmt(extraSilence)} ` +
      `silence cuts per epoch / ${fmt(val.length)} validation clips, split by speaker, seed ${seed}`,
  };
}

/**
 * VWW augmentation: random crop, horizontal flip, brightness ±20 %; `inception` adds saturation ±40 %.
 * Inception crops may cut the person out: with a teacher scoring the same view the student still learns
 * the right answer for it, on many more distinct views than 662 images make with light crops.
 * `colorJitter` adds color-jitter.ts's contrast and colour cast, drawn after the others (views without it
 * are those of runs made before the option).
 */
export function augmentImage(img: RgbImage, rng: InitRng, crop: CropMode = 'light', colorJitter = false): RgbImage {
  let cw: number;
  let ch: number;
  if (crop === 'inception') {
    const area = 0.25 + 0.75 * rng.uniform();
    const aspect = Math.exp(Math.log(3 / 4) + Math.log(16 / 9) * rng.uniform());
    cw = Math.min(img.width, Math.max(1, Math.round(img.width * Math.sqrt(area * aspect))));
    ch = Math.min(img.height, Math.max(1, Math.round(img.height * Math.sqrt(area / aspect))));
  } else {
    const f = 0.8 + 0.2 * rng.uniform();
    cw = Math.max(1, Math.floor(img.width * f));
    ch = Math.max(1, Math.floor(img.height * f));
  }
  const x0 = Math.floor(rng.uniform() * (img.width - cw + 1));
  const y0 = Math.floor(rng.uniform() * (img.height - ch + 1));
  const flip = rng.uniform() < 0.5;
  const gain = 0.8 + 0.4 * rng.uniform();
  const saturation = crop === 'inception' ? 0.6 + 0.8 * rng.uniform() : 1;
  const rgb = new Uint8Array(cw * ch * 3);
  for (let y = 0; y < ch; y++) {
    for (let x = 0; x < cw; x++) {
      const sx = flip ? x0 + cw - 1 - x : x0 + x;
      const at = ((y0 + y) * img.width + sx) * 3;
      if (saturation === 1) {
        for (let c = 0; c < 3; c++) rgb[(y * cw + x) * 3 + c] = Math.min(255, Math.floor(img.rgb[at + c]! * gain));
      } else {
        // Saturation: each channel pulled towards (or pushed from) the pixel's luma (BT.601).
        const luma = 0.299 * img.rgb[at]! + 0.587 * img.rgb[at + 1]! + 0.114 * img.rgb[at + 2]!;
        for (let c = 0; c < 3; c++) {
          const v = (luma + saturation * (img.rgb[at + c]! - luma)) * gain;
          rgb[(y * cw + x) * 3 + c] = Math.max(0, Math.min(255, Math.floor(v)));
        }
      }
    }
  }
  if (colorJitter) jitterView(rgb, rng);
  return resizeBilinear({ width: cw, height: ch, rgb }, VWW_INPUT_WIDTH, VWW_INPUT_HEIGHT);
}

/** VWW: images decoded once; features by the runtime's preprocessVwwFrame(). */
export function loadVww(dataDir: string, seed: number, limit?: number): TaskData {
  const root = join(dataDir, 'vww');
  const rows = subset(readCsv(join(root, 'index.csv')), seed, limit);
  const isValidation = validationPredicate('vww', rows.map(splitRow), seed);
  const train: Array<{ img: RgbImage; label: number }> = [];
  const val: Array<{ img: RgbImage; label: number }> = [];
  for (const r of rows) {
    const label = (VWW_CLASSES as readonly string[]).indexOf(r['label']!);
    if (label < 0) throw new UserError(`vww/index.csv: unknown label "${r['label']}"`);
    const ex = { img: decodeImageFile(join(root, r['path']!)), label };
    (isValidation(splitRow(r)) ? val : train).push(ex);
  }
  const size = VWW_INPUT_WIDTH * VWW_INPUT_HEIGHT * VWW_INPUT_CHANNELS;
  const build = (items: Array<{ img: RgbImage; label: number }>, aug: InitRng | null, crop?: CropMode, colorJitter?: boolean): Examples => {
    const x = new Float32Array(items.length * size);
    items.forEach((it, k) => x.set(preprocessVwwFrame(aug ? augmentImage(it.img, aug, crop, colorJitter) : it.img), k * size));
    return { x, y: Int32Array.from(items, (it) => it.label), count: items.length };
  };
  /** A view as the teacher sees it: the same pixels resized to its input, in [0, 1]. */
  const teacherPixelsInto = (img: RgbImage, t: { h: number; w: number; c: number }, out: Float32Array, k: number): void => {
    const tSize = t.h * t.w * t.c;
    const small = resizeBilinear(img, t.w, t.h).rgb;
    for (let i = 0; i < tSize; i++) out[k * tSize + i] = small[i]! / 255;
  };
  /** Augmented (and mixed) views, each also as the teacher sees it: the same pixels resized. */
  const buildViews = (items: Array<{ img: RgbImage; label: number }>, rng: InitRng, view: EpochView): Examples => {
    const n = items.length;
    const classes = VWW_CLASSES.length;
    const x = new Float32Array(n * size);
    const y = new Int32Array(n);
    const soft = new Float32Array(n * classes);
    const t = view.teacherInput;
    const tSize = t ? t.h * t.w * t.c : 0;
    const teacherX = t ? new Float32Array(n * tSize) : undefined;
    const person = VWW_CLASSES.indexOf('person');
    // Mosaic fillers come from person-free images, so a mosaic is a person view exactly when its own
    // example is one: the views keep the data set's class balance (four random images: 94 % person).
    const fillers = items.filter((p) => p.label !== person);
    items.forEach((it, k) => {
      let img = augmentImage(it.img, rng, view.crop, view.colorJitter);
      let lambda = 1;
      let other = it.label;
      if (view.mix === 'mosaic' && fillers.length > 0 && rng.uniform() < 1 / 3) {
        const tiles = [0, 1, 2].map(() => augmentImage(fillers[Math.floor(rng.uniform() * fillers.length)]!.img, rng, view.crop, view.colorJitter));
        // The example's own image goes to a random cell (VWW counts a person anywhere in the view).
        const cell = Math.floor(rng.uniform() * 4);
        tiles.splice(cell, 0, img);
        img = mosaic([tiles[0]!, tiles[1]!, tiles[2]!, tiles[3]!], 0.3 + 0.4 * rng.uniform(), 0.3 + 0.4 * rng.uniform());
      } else if (view.mix && view.mix !== 'none') {
        const partner = items[Math.floor(rng.uniform() * n)]!;
        const m = mixPair(img, augmentImage(partner.img, rng, view.crop, view.colorJitter), view.mix === 'mosaic' ? 'mixcut' : view.mix, rng);
        img = m.img;
        lambda = m.lambda;
        other = partner.label;
      }
      soft[k * classes + it.label]! += lambda;
      soft[k * classes + other]! += 1 - lambda;
      y[k] = lambda >= 0.5 ? it.label : other;
      x.set(preprocessVwwFrame(img), k * size);
      if (t && teacherX) teacherPixelsInto(img, t, teacherX, k);
    });
    return { x, y, count: n, soft, ...(teacherX ? { teacherX } : {}) };
  };
  return {
    task: 'vww',
    inputSize: size,
    trainCount: train.length,
    val: build(val, null),
    trainEpoch: (epoch, view = {}) => {
      const rng = new InitRng(view.seed ?? seed, 2000 + epoch);
      const items = shuffle([...train], rng);
      if ((view.mix ?? 'none') === 'none' && !view.teacherInput) return build(items, rng, view.crop, view.colorJitter);
      return buildViews(items, rng, view);
    },
    calibration: (n, t) => {
      const items = shuffle([...train], new InitRng(seed, 23)).slice(0, n);
      const ex = build(items, null);
      if (!t) return ex;
      const teacherX = new Float32Array(items.length * t.h * t.w * t.c);
      items.forEach((it, k) => teacherPixelsInto(it.img, t, teacherX, k));
      return { ...ex, teacherX };
    },
    description: `vww: ${train.length} train / ${val.length} validation images, split by image, seed ${seed}`,
  };
}

/** `limit` (smoke tests): only that many examples, a seeded draw from the whole set, before the split. */
export function loadTaskData(task: Task, dataDir: string, seed: number, limit?: number): TaskData {
  return task === 'kws' ? loadKws(dataDir, seed, limit) : loadVww(dataDir, seed, limit);
}
