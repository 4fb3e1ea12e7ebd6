/**
 * How far can distillation from MLPerf's teacher carry a student on our held-out split? Every way of
 * improving the teacher that needs no new data, each fitted on the training part of the split (the
 * examples the trainer trains on) and scored on the held-out part (the examples `eval` scores):
 *   - the teacher alone, and with per-class logit offsets (`train --teacher-prior fit`);
 *   - a residual linear probe: offsets plus a map of its standardised pooled features into the
 *     logits, L2-penalised (λ = 0.1, 0.01), i.e. its last layer refitted to our data;
 *   - KWS: test-time shifts (the clip moved ±50 / ±100 ms, log-probabilities averaged);
 *   - with each IMAGE given: the image's float accuracy, the average of its and the corrected teacher's
 *     log-probabilities, and the image with its own offsets fitted on the training part.
 * If none of these lifts the teacher on held-out examples, the students, already at the corrected
 * teacher's level, are bounded by the data, not by how they were distilled (train-state/README.md,
 * session 19).
 *
 * Run: npm run tsbuild && node dist/bench/teacher-ceiling.js kws|vww [IMAGE…] [--data DIR] [--held-out SEED]
 */
import * as tf from '@tensorflow/tfjs';
import { UserError } from '../host/errors.js';
import { sharedDataDir } from '../host/paths.js';
import { mfcc } from '../host/audio/mfcc.js';
import { loadWav16k } from '../host/audio/load-clip.js';
import { decodeImageFile } from '../host/vision/decode.js';
import { preprocessVwwFrame } from '../host/vision/normalize.js';
import { getGraph } from '../models/graphs/index.js';
import { FloatForwarder } from '../models/image/float-forward-fast.js';
import { loadWeightImage } from '../models/image/load.js';
import { loadTeacherDataset, teacherInput, type TeacherExample } from '../models/teacher/inputs.js';
import { defaultTeacherPath, isTeacherTask, type TeacherTask } from '../models/teacher/spec.js';
import { readTeacherFile, teacherFromModel, type Teacher } from '../models/teacher/teacher.js';
import { useWasmTrainingBackend } from '../models/train/kernels.js';
import { fitLogitOffsets } from '../models/train/teacher-prior.js';
import { runIfMain } from './run-if-main.js';

const BATCH = 256;
const PROBE_STEPS = 600;
const SHIFTS_MS = [-100, -50, 50, 100];

/** Row-major [n × k] scores as log-probabilities (softmax is shift-invariant, so any logits serve). */
function logSoftmaxRows(scores: Float32Array, k: number): Float32Array {
  return tf.tidy(() => tf.logSoftmax(tf.tensor2d(scores, [scores.length / k, k])).dataSync() as Float32Array);
}

/** Share of rows whose argmax (of scores + offsets) is the label. */
export function accuracyOf(scores: Float32Array, labels: readonly number[], offsets?: readonly number[]): number {
  const k = scores.length / labels.length;
  let right = 0;
  labels.forEach((y, i) => {
    let best = 0;
    let bestV = -Infinity;
    for (let j = 0; j < k; j++) {
      const v = scores[i * k + j]! + (offsets?.[j] ?? 0);
      if (v > bestV) { bestV = v; best = j; }
    }
    if (best === y) right++;
  });
  return labels.length > 0 ? right / labels.length : 0;
}

/** The elementwise mean of equally shaped score arrays. */
export function meanOf(parts: readonly Float32Array[]): Float32Array {
  const out = new Float32Array(parts[0]!.length);
  for (const p of parts) for (let i = 0; i < out.length; i++) out[i]! += p[i]! / parts.length;
  return out;
}

/** Teacher logits and pooled features of `inputs` (each teacherInputSize long), batched. */
function teacherPass(teacher: Teacher, inputs: readonly Float32Array[]): { logits: Float32Array; features: Float32Array } {
  const { h, w, c } = teacher.input;
  const logits: Float32Array[] = [];
  const features: Float32Array[] = [];
  for (let s = 0; s < inputs.length; s += BATCH) {
    const part = inputs.slice(s, s + BATCH);
    const x = new Float32Array(part.length * h * w * c);
    part.forEach((v, i) => x.set(v, i * h * w * c));
    tf.tidy(() => {
      const r = teacher.logitsAndFeatures(tf.tensor4d(x, [part.length, h, w, c]));
      logits.push(r.logits.dataSync() as Float32Array);
      features.push(r.features.dataSync() as Float32Array);
    });
  }
  const cat = (a: Float32Array[]) => { const o = new Float32Array(a.reduce((n, v) => n + v.length, 0)); let at = 0; for (const v of a) { o.set(v, at); at += v.length; } return o; };
  return { logits: cat(logits), features: cat(features) };
}

/**
 * Residual probe: logits + b + standardise(features)·W, (W, b) by Adam on the training part's
 * cross-entropy + λ‖W‖²; returns the held-out scores.
 */
function fitProbe(train: { logits: Float32Array; features: Float32Array; labels: number[] }, held: { logits: Float32Array; features: Float32Array }, k: number, lambda: number): Float32Array {
  return tf.tidy(() => {
    const n = train.labels.length;
    const d = train.features.length / n;
    const f = tf.tensor2d(train.features, [n, d]);
    const mean = f.mean(0);
    const sd = tf.sqrt(f.sub(mean).square().mean(0)).add(1e-6);
    const norm = (x: tf.Tensor2D) => x.sub(mean).div(sd) as tf.Tensor2D;
    const trainF = norm(f);
    const trainL = tf.tensor2d(train.logits, [n, k]);
    const targets = tf.oneHot(tf.tensor1d(train.labels, 'int32'), k).toFloat();
    const w = tf.variable(tf.zeros([d, k]));
    const b = tf.variable(tf.zeros([k]));
    const opt = tf.train.adam(0.01);
    for (let i = 0; i < PROBE_STEPS; i++) {
      opt.minimize(() => tf.losses.softmaxCrossEntropy(targets, trainL.add(trainF.matMul(w)).add(b)).add(w.square().sum().mul(lambda)) as tf.Scalar);
    }
    const m = held.logits.length / k;
    const out = tf.tensor2d(held.logits, [m, k]).add(norm(tf.tensor2d(held.features, [m, d])).matMul(w)).add(b).dataSync() as Float32Array;
    opt.dispose();
    w.dispose();
    b.dispose();
    return out;
  });
}

/** A clip moved by `ms` (positive: later), zero-filled, at one second. */
function shiftedMfcc(samples: Float32Array, ms: number): Float32Array {
  const by = Math.round(ms * 16);
  const out = new Float32Array(16_000);
  for (let i = 0; i < out.length; i++) {
    const j = i - by;
    if (j >= 0 && j < samples.length) out[i] = samples[j]!;
  }
  return mfcc(out);
}

/** The network's own input of an example (KWS: the teacher's MFCC; VWW: the project's 100×100 front end). */
function networkInput(task: TeacherTask, e: TeacherExample): Float32Array {
  return task === 'kws' ? teacherInput(task, e.path) : preprocessVwwFrame(decodeImageFile(e.path));
}

async function main(args: string[]): Promise<void> {
  const task = args[0];
  if (!task || !isTeacherTask(task)) throw new UserError('usage: teacher-ceiling kws|vww [IMAGE…] [--data DIR] [--held-out SEED]');
  const images: string[] = [];
  let data = sharedDataDir();
  let seed = 0;
  for (let i = 1; i < args.length; i++) {
    const a = args[i]!;
    if (a === '--data') data = args[++i] ?? '';
    else if (a === '--held-out') seed = Number(args[++i]);
    else if (a.startsWith('--')) throw new UserError(`unknown option ${a}`);
    else images.push(a);
  }
  if (!Number.isInteger(seed) || seed < 0) throw new UserError('--held-out takes a split seed, a non-negative integer');
  const images_ = images.map((p) => ({ path: p, image: loadWeightImage(p, task) }));
  const model = defaultTeacherPath(task);
  const parsed = readTeacherFile(model, task);
  const held = loadTeacherDataset(data, task, seed);
  const heldPaths = new Set(held.examples.map((e) => e.path));
  const trainEx = loadTeacherDataset(data, task).examples.filter((e) => !heldPaths.has(e.path));
  await useWasmTrainingBackend();
  const teacher = teacherFromModel(parsed, task, model);
  const k = held.classes.length;
  const yTrain = trainEx.map((e) => e.label);
  const yHeld = held.examples.map((e) => e.label);
  const pct = (v: number) => `${(v * 100).toFixed(1)} %`;
  console.log(`${task}: teacher ${model}; ${trainEx.length} training / ${held.examples.length} held-out examples (split seed ${seed}); figures held out`);

  const tr = teacherPass(teacher, trainEx.map((e) => teacherInput(task, e.path)));
  const he = teacherPass(teacher, held.examples.map((e) => teacherInput(task, e.path)));
  const { offsets } = fitLogitOffsets(tr.logits, yTrain, k);
  const corrected = logSoftmaxRows(he.logits.map((v, i) => v + offsets[i % k]!), k);
  console.log(`  teacher ${pct(accuracyOf(he.logits, yHeld))}; with offsets fitted on the training part ${pct(accuracyOf(corrected, yHeld))}`);
  for (const lambda of [0.1, 0.01]) {
    const probe = fitProbe({ ...tr, labels: yTrain }, he, k, lambda);
    console.log(`  residual linear probe on its ${tr.features.length / trainEx.length} pooled features, λ ${lambda}: ${pct(accuracyOf(probe, yHeld))}`);
  }
  if (task === 'kws') {
    const audio = held.examples.map((e) => loadWav16k(e.path).samples);
    const views = [corrected];
    for (const ms of SHIFTS_MS) views.push(logSoftmaxRows(teacherPass(teacher, audio.map((s) => shiftedMfcc(s, ms))).logits.map((v, i) => v + offsets[i % k]!), k));
    console.log(`  with offsets, averaged over shifts 0, ${SHIFTS_MS.join(', ')} ms: ${pct(accuracyOf(meanOf(views), yHeld))}`);
  }
  teacher.dispose();

  if (images_.length === 0) return;
  const graph = getGraph(task);
  const xHeld = held.examples.map((e) => networkInput(task, e));
  const xTrain = trainEx.map((e) => networkInput(task, e));
  const students: Float32Array[] = [];
  for (const { path, image } of images_) {
    const net = new FloatForwarder(graph, image);
    const scores = (xs: Float32Array[]) => { const o = new Float32Array(xs.length * k); xs.forEach((x, i) => o.set(net.forward(x), i * k)); return o; };
    const own = scores(xHeld);
    const ownOffsets = fitLogitOffsets(scores(xTrain), yTrain, k).offsets;
    students.push(logSoftmaxRows(own, k));
    console.log(`  ${path}: float ${pct(accuracyOf(own, yHeld))}; averaged with the corrected teacher ${pct(accuracyOf(meanOf([students.at(-1)!, corrected]), yHeld))}; with its own offsets ${pct(accuracyOf(own, yHeld, ownOffsets))}`);
  }
  if (students.length > 1) {
    // An ensemble of students as one co-teacher: their mean, and that mean averaged with the corrected teacher.
    const ensemble = meanOf(students);
    console.log(`  the ${students.length} images averaged: ${pct(accuracyOf(ensemble, yHeld))}; that average with the corrected teacher ${pct(accuracyOf(meanOf([ensemble, corrected]), yHeld))}`);
  }
}

await runIfMain(import.meta.url, 'teacher-ceiling', main);
