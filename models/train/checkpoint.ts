/**
 * Training checkpoints: everything a run needs to continue bit-identically after a stop — every
 * variable, both optimisers' moments, the clip bounds, the epoch reached and the log so far. One JSON
 * file (float32 arrays as base64), written atomically (temporary file + rename).
 */
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { UserError } from '../../host/errors.js';
import type { AdamState } from './adam.js';
import type { FeatureHeadState } from './feature-distill.js';
import type { FittedOffsets } from './teacher-prior.js';
import { allVariables, type AnalogModel } from './model.js';

export interface Checkpoint<Config, LogEntry> {
  version: 1;
  /** The run's configuration; a resume must match it. */
  config: Config;
  /** Epochs completed. */
  epoch: number;
  /** Optimisation steps completed. */
  step: number;
  variables: Float32Array[];
  wMax: number[];
  weightsOpt: AdamState;
  rangesOpt: AdamState | null;
  /** Runs with weight averaging: the averages (weight-average.ts); absent otherwise. */
  average?: Float32Array[] | null;
  /** Runs with feature distillation: the head and its optimiser (feature-distill.ts); absent otherwise. */
  featureHead?: FeatureHeadState | null;
  /** Runs with --teacher-prior fit: the offsets fitted at the start (teacher-prior.ts), reused on resume. */
  teacherPrior?: FittedOffsets;
  log: LogEntry[];
}

const b64 = (a: Float32Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString('base64');
function fromB64(s: string): Float32Array {
  const buf = Buffer.from(s, 'base64');
  const out = new Float32Array(buf.byteLength / 4);
  new Uint8Array(out.buffer).set(buf);
  return out;
}

const encodeAdam = (s: AdamState) => ({ step: s.step, m: s.m.map(b64), v: s.v.map(b64) });
const decodeAdam = (s: { step: number; m: string[]; v: string[] }): AdamState => ({ step: s.step, m: s.m.map(fromB64), v: s.v.map(fromB64) });

export function modelState(model: AnalogModel): { variables: Float32Array[]; wMax: number[] } {
  return {
    variables: allVariables(model).map((v) => Float32Array.from(v.dataSync() as Float32Array)),
    wMax: model.layers.map((l) => l.wMax),
  };
}

export function restoreModelState(model: AnalogModel, variables: Float32Array[], wMax: number[]): void {
  const vars = allVariables(model);
  if (variables.length !== vars.length || wMax.length !== model.layers.length) {
    throw new UserError(`checkpoint does not match network ${model.graph.name}`);
  }
  vars.forEach((v, i) => {
    if (variables[i]!.length !== v.size) throw new UserError(`checkpoint variable ${v.name} has the wrong size`);
    tf.tidy(() => v.assign(tf.tensor(variables[i]!, v.shape)));
  });
  model.layers.forEach((l, i) => (l.wMax = wMax[i]!));
}

export function saveCheckpoint<C, L>(path: string, c: Checkpoint<C, L>): void {
  mkdirSync(dirname(path), { recursive: true });
  const json = JSON.stringify({
    ...c,
    variables: c.variables.map(b64),
    weightsOpt: encodeAdam(c.weightsOpt),
    rangesOpt: c.rangesOpt ? encodeAdam(c.rangesOpt) : null,
    ...(c.average ? { average: c.average.map(b64) } : {}),
    ...(c.featureHead ? { featureHead: { variables: c.featureHead.variables.map(b64), opt: encodeAdam(c.featureHead.opt) } } : {}),
  });
  const tmp = `${path}.tmp`;
  writeFileSync(tmp, json);
  renameSync(tmp, path);
}

export function loadCheckpoint<C, L>(path: string): Checkpoint<C, L> | null {
  if (!existsSync(path)) return null;
  let raw: Record<string, unknown>;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
  } catch (e) {
    throw new UserError(`checkpoint ${path} is unreadable: ${(e as Error).message}`);
  }
  if (raw['version'] !== 1) throw new UserError(`checkpoint ${path}: unknown version`);
  const r = raw as unknown as Omit<Checkpoint<C, L>, 'variables' | 'weightsOpt' | 'rangesOpt' | 'average' | 'featureHead'> & {
    variables: string[];
    average?: string[];
    featureHead?: { variables: string[]; opt: { step: number; m: string[]; v: string[] } };
    weightsOpt: { step: number; m: string[]; v: string[] };
    rangesOpt: { step: number; m: string[]; v: string[] } | null;
  };
  const { average, featureHead, ...rest } = r;
  return {
    ...rest,
    variables: r.variables.map(fromB64),
    weightsOpt: decodeAdam(r.weightsOpt),
    rangesOpt: r.rangesOpt ? decodeAdam(r.rangesOpt) : null,
    ...(average ? { average: average.map(fromB64) } : {}),
    ...(featureHead ? { featureHead: { variables: featureHead.variables.map(fromB64), opt: decodeAdam(featureHead.opt) } } : {}),
  };
}
