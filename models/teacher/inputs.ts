/**
 * Inputs for the teachers, made by the project's own front ends (no tfjs here): KWS = the runtime's
 * MFCC (host/audio/mfcc.ts, which already divides each clip by its maximum sample as MLPerf Tiny does);
 * VWW = the decoded 96×96 RGB image / 255 (MLPerf Tiny's only preprocessing), resized bilinearly first
 * when an image is another size. And the labelled data sets of ../shared/data, read with the eval CSV reader.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { loadWav16k } from '../../host/audio/load-clip.js';
import { MFCC_SIZE, mfcc } from '../../host/audio/mfcc.js';
import { UserError } from '../../host/errors.js';
import { loadDataset } from '../../host/eval/dataset.js';
import { validationPredicate } from '../../host/eval/split.js';
import { decodeImageFile, type RgbImage } from '../../host/vision/decode.js';
import { resizeBilinear } from '../../host/vision/resize.js';
import { getGraph } from '../graphs/index.js';
import { TEACHER_INPUT, type TeacherTask } from './spec.js';

/** Values per example: 490 (KWS), 27,648 (VWW). */
export function teacherInputSize(task: TeacherTask): number {
  const { h, w, c } = TEACHER_INPUT[task];
  return h * w * c;
}

/** 49×10 MFCC of a WAV file, frame-major (= NHWC 49×10×1). */
export function kwsTeacherInput(path: string): Float32Array {
  const x = mfcc(loadWav16k(path).samples);
  if (x.length !== MFCC_SIZE) throw new Error(`mfcc gave ${x.length} values, expected ${MFCC_SIZE}`);
  return x;
}

/** A decoded image as the VWW teacher's input: 96×96×3 HWC, pixel / 255. */
export function vwwTeacherPixels(image: RgbImage): Float32Array {
  const { h, w } = TEACHER_INPUT.vww;
  const sized = image.width === w && image.height === h ? image : resizeBilinear(image, w, h);
  const out = new Float32Array(sized.rgb.length);
  for (let i = 0; i < out.length; i++) out[i] = sized.rgb[i]! / 255;
  return out;
}

/** A PNG/JPEG file as the VWW teacher's input. */
export function vwwTeacherInput(path: string): Float32Array {
  return vwwTeacherPixels(decodeImageFile(path));
}

export function teacherInput(task: TeacherTask, path: string): Float32Array {
  return task === 'kws' ? kwsTeacherInput(path) : vwwTeacherInput(path);
}

const TASK_FOLDER: Record<TeacherTask, string> = { kws: 'speech_commands', vww: 'vww' };

/** The task's folder from a data root (holding speech_commands/ and vww/) or the task folder itself. */
export function teacherDataDir(dir: string, task: TeacherTask): string {
  if (existsSync(join(dir, 'index.csv'))) return dir;
  const sub = join(dir, TASK_FOLDER[task]);
  if (existsSync(join(sub, 'index.csv'))) return sub;
  throw new UserError(`no ${task} data in ${dir}: expected ${join(dir, 'index.csv')} or ${join(sub, 'index.csv')}`);
}

export interface TeacherExample {
  path: string;
  /** Index into the project's class order (getGraph(task).classes). */
  label: number;
}

export interface TeacherDataset {
  task: TeacherTask;
  dir: string;
  /** Only the examples the trainer holds out for validation with this split seed (host/eval/split.ts); absent: all. */
  heldOutSeed?: number;
  classes: readonly string[];
  examples: TeacherExample[];
}

/**
 * The labelled examples of `task` under `dir` (see teacherDataDir); an unknown label is a UserError.
 * `heldOutSeed`: only the validation part of the trainer's split with that seed, the examples `eval`
 * scores for an image trained with it, so teacher and student can be compared on the same ones.
 */
export function loadTeacherDataset(dir: string, task: TeacherTask, heldOutSeed?: number): TeacherDataset {
  const taskDir = teacherDataDir(dir, task);
  const { items, rows } = loadDataset(taskDir);
  const classes = getGraph(task).classes;
  const isHeldOut = heldOutSeed === undefined ? null : validationPredicate(task, rows, heldOutSeed);
  const examples = items.flatMap(({ path, label }, k) => {
    const i = classes.indexOf(label);
    if (i < 0) throw new UserError(`${join(taskDir, 'index.csv')}: label "${label}" is not a ${task} class (${classes.join(', ')})`);
    return isHeldOut && !isHeldOut(rows[k]!) ? [] : [{ path, label: i }];
  });
  return { task, dir: taskDir, classes, examples, ...(heldOutSeed !== undefined ? { heldOutSeed } : {}) };
}
