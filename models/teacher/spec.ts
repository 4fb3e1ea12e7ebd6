/**
 * What the two teachers are (../shared/teachers/README.md), without tfjs: file names, input shapes,
 * output class orders, where the files live. teacher.ts re-exports all of it.
 */
import { join, resolve } from 'node:path';
import { packageRoot } from '../../host/paths.js';

export type TeacherTask = 'kws' | 'vww';

export function isTeacherTask(v: string): v is TeacherTask {
  return v === 'kws' || v === 'vww';
}

/** The files in ../shared/teachers. */
export const TEACHER_FILES: Record<TeacherTask, string> = { kws: 'kws_ref_model_float32.tflite', vww: 'vww_96_float.tflite' };

/** The teachers' own output order: MLPerf Tiny sorts the ten KWS words alphabetically, then silence, unknown. */
export const TEACHER_OUTPUT_CLASSES: Record<TeacherTask, readonly string[]> = {
  kws: ['down', 'go', 'left', 'no', 'off', 'on', 'right', 'stop', 'up', 'yes', '_silence_', '_unknown_'],
  vww: ['non_person', 'person'],
};

/** NHWC input per task: KWS 49×10×1 MFCC, VWW 96×96×3 RGB in [0, 1]. */
export const TEACHER_INPUT: Record<TeacherTask, { h: number; w: number; c: number }> = {
  kws: { h: 49, w: 10, c: 1 },
  vww: { h: 96, w: 96, c: 3 },
};

/** ../shared/teachers, or $AONCIM_TEACHERS. */
export function defaultTeacherDir(): string {
  return process.env['AONCIM_TEACHERS'] ?? resolve(packageRoot, '..', 'shared', 'teachers');
}

export function defaultTeacherPath(task: TeacherTask): string {
  return join(defaultTeacherDir(), TEACHER_FILES[task]);
}
