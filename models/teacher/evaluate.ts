/**
 * Accuracy of a teacher on a labelled data set (../shared/data by default): features by the project's
 * front ends (inputs.ts), forward passes batched (one tfjs call per `batch` examples keeps the wasm
 * backend busy without holding the whole set in memory), argmax against the label.
 */
import * as tf from '@tensorflow/tfjs';
import { sharedDataDir } from '../../host/paths.js';
import { useWasmTrainingBackend } from '../train/kernels.js';
import { loadTeacherDataset, teacherInput, teacherInputSize, type TeacherDataset } from './inputs.js';
import { defaultTeacherPath, type TeacherTask } from './spec.js';
import { readTeacherFile, teacherFromModel, type Teacher } from './teacher.js';
import { UserError } from '../../host/errors.js';
import { fitLogitOffsets } from '../train/teacher-prior.js';

export interface ClassRecall {
  class: string;
  total: number;
  correct: number;
  /** correct / total, or null when the class has no examples. */
  recall: number | null;
}

export interface TeacherEvaluation {
  task: TeacherTask;
  model: string;
  data: string;
  /** The trainer's split seed when only its held-out examples were scored. */
  heldOutSeed?: number;
  total: number;
  correct: number;
  /** correct / total. */
  accuracy: number;
  perClass: ClassRecall[];
  /** confusion[label][predicted], project class order. */
  confusion: number[][];
  /** With prior 'fit': the per-class offsets added to the logits, fitted on the other examples, and the accuracy without them. */
  prior?: { offsets: number[]; fittedOn: number; accuracyWithout: number };
}

export interface EvaluateOptions {
  /** Examples per forward pass (default 256). */
  batch?: number;
  /** Called after each batch with the examples done so far. */
  onProgress?: (done: number, total: number) => void;
  /** Added to the teacher's logits before the argmax, per class (models/train/teacher-prior.ts). */
  offsets?: readonly number[];
}

export const DEFAULT_TEACHER_BATCH = 256;

/** The teacher's logits on every example of `data`, one tfjs call per `batch` examples; row-major [n × classes]. */
export function teacherLogits(teacher: Teacher, data: TeacherDataset, opts: Pick<EvaluateOptions, 'batch' | 'onProgress'> = {}): Float32Array {
  const batch = opts.batch ?? DEFAULT_TEACHER_BATCH;
  const { h, w, c } = teacher.input;
  const size = teacherInputSize(data.task);
  const n = data.examples.length;
  const k = data.classes.length;
  const out = new Float32Array(n * k);
  for (let start = 0; start < n; start += batch) {
    const part = data.examples.slice(start, start + batch);
    const x = new Float32Array(part.length * size);
    part.forEach((e, i) => x.set(teacherInput(data.task, e.path), i * size));
    out.set(tf.tidy(() => teacher.logits(tf.tensor4d(x, [part.length, h, w, c])).dataSync() as Float32Array), start * k);
    opts.onProgress?.(start + part.length, n);
  }
  return out;
}

/** The tally of argmax(logits + offsets) against the labels, in plain numbers. */
function tally(data: TeacherDataset, logits: Float32Array, offsets?: readonly number[]): Omit<TeacherEvaluation, 'model'> {
  const k = data.classes.length;
  const n = data.examples.length;
  const confusion = data.classes.map(() => new Array<number>(k).fill(0));
  if (n > 0) {
    const predicted = tf.tidy(() => {
      const t = tf.tensor2d(logits, [n, k]);
      return tf.argMax(offsets ? tf.add(t, tf.tensor1d(Array.from(offsets))) : t, 1).dataSync();
    });
    data.examples.forEach((e, i) => confusion[e.label]![predicted[i]!]!++);
  }
  const perClass = data.classes.map((name, i) => {
    const total = confusion[i]!.reduce((a, b) => a + b, 0);
    const correct = confusion[i]![i]!;
    return { class: name, total, correct, recall: total > 0 ? correct / total : null };
  });
  const correct = perClass.reduce((a, r) => a + r.correct, 0);
  return { task: data.task, data: data.dir, ...(data.heldOutSeed !== undefined ? { heldOutSeed: data.heldOutSeed } : {}), total: n, correct, accuracy: n > 0 ? correct / n : 0, perClass, confusion };
}

/** Scores `teacher` on `data`: predictions only, the tally in plain numbers. */
export function evaluateTeacher(teacher: Teacher, data: TeacherDataset, opts: EvaluateOptions = {}): Omit<TeacherEvaluation, 'model'> {
  return tally(data, teacherLogits(teacher, data, opts), opts.offsets);
}

export interface RunTeacherOptions extends EvaluateOptions {
  task: TeacherTask;
  /** Data root or task folder (default ../shared/data or $AONCIM_DATA). */
  data?: string;
  /** The .tflite file (default ../shared/teachers/<file> or $AONCIM_TEACHERS). */
  model?: string;
  /** Score only the trainer's held-out examples of this split seed (absent: all). */
  heldOutSeed?: number;
  /** 'fit': add per-class offsets fitted on the other examples of the split (the trainer's training part; needs heldOutSeed). */
  prior?: 'fit';
}

/**
 * `aon-cim teacher`: checks data and model file first (clear errors before tfjs starts), selects the
 * project's wasm backend, loads, scores, frees.
 */
export async function runTeacherEvaluation(opts: RunTeacherOptions): Promise<TeacherEvaluation> {
  const model = opts.model ?? defaultTeacherPath(opts.task);
  // A missing, corrupt or other-task file, then missing data, fail here, before tfjs starts.
  const parsed = readTeacherFile(model, opts.task);
  const data = loadTeacherDataset(opts.data ?? sharedDataDir(), opts.task, opts.heldOutSeed);
  if (opts.prior === 'fit' && opts.heldOutSeed === undefined) {
    throw new UserError('--prior fit fits the offsets on the examples the trainer trains on and scores the others: it needs --held-out SEED');
  }
  await useWasmTrainingBackend();
  const teacher = teacherFromModel(parsed, opts.task, model);
  try {
    if (opts.prior === 'fit') {
      const heldPaths = new Set(data.examples.map((e) => e.path));
      const all = loadTeacherDataset(opts.data ?? sharedDataDir(), opts.task);
      const rest: TeacherDataset = { ...all, examples: all.examples.filter((e) => !heldPaths.has(e.path)) };
      const { offsets } = fitLogitOffsets(teacherLogits(teacher, rest, { batch: opts.batch }), rest.examples.map((e) => e.label), data.classes.length);
      const held = teacherLogits(teacher, data, opts);
      return { model, ...tally(data, held, offsets), prior: { offsets, fittedOn: rest.examples.length, accuracyWithout: tally(data, held).accuracy } };
    }
    return { model, ...evaluateTeacher(teacher, data, opts) };
  } finally {
    teacher.dispose();
  }
}
