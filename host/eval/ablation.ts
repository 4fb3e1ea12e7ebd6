/**
 * The paper's Table 1 on the emulated chip: the images trained three ways (baseline, noise injection,
 * noise + ADC/DAC constraints) at 8/6/4 bit after a time of drift. `baseline` and `noise` images serve
 * all bit widths (contracts §1); `full` has one image per width. `aon-cim ablation` prints it.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { getGraph } from '../../models/graphs/index.js';
import type { Task } from '../../models/graphs/types.js';
import { loadWeightImage } from '../../models/image/load.js';
import type { GdcSetting } from '../chip/chip.js';
import type { Bits, Preset } from '../chip/program.js';
import { checkedReplication } from '../compiler/replicate.js';
import { UserError } from '../errors.js';
import { repoPath } from '../paths.js';
import { evalInputs, loadEvalSet } from './evaluate.js';
import type { InputSet } from './inputs.js';
import { PAPER_TABLE1, type AblationMethod } from './paper-table1.js';
import { runPartial, runSweeps, sweepResults, type PartialFile } from './partial.js';
import type { SweepConfig } from './run.js';
import type { Shard } from './shard.js';
import type { SweepResult } from './sweep.js';
import type { ExampleChoice } from './training-split.js';

export const ABLATION_BITS: Bits[] = [8, 6, 4];
export const ABLATION_METHODS: AblationMethod[] = ['baseline', 'noise', 'full'];

export interface AblationOptions {
  task: Task;
  data: string;
  /** Folder with baseline.aonw, noise.aonw, full-8/6/4.aonw (default: the shipped models/<task>/). */
  modelsDir?: string;
  examples: ExampleChoice;
  limit?: number;
  timeS: number;
  preset: Preset;
  gdc: GdcSetting;
  seed: number;
  runs: number;
  threads?: number;
  /** --replicate's (layer, K) pairs (host/compiler/replicate.ts); absent = none. */
  replicate?: ReadonlyArray<readonly [string, number]>;
}

export interface AblationCell {
  bits: Bits;
  mean: number;
  std: number;
  runs: number[];
  paper: { mean: number; std: number };
}

export interface AblationRow {
  method: AblationMethod;
  /** Image file per bit width (null when it is missing). */
  images: Array<string | null>;
  baseline: number | null;
  cells: Array<AblationCell | null>;
}

/** What the table needs besides the counts; a partial file carries it to `merge`. */
export interface AblationHeader {
  task: Task;
  timeS: number;
  /** The images present, one sweep each, in table order. */
  jobs: Array<{ method: AblationMethod; path: string; bits: Bits[] }>;
}

function imagePath(dir: string, method: AblationMethod, bits: Bits): string {
  return join(dir, method === 'full' ? `full-${bits}.aonw` : `${method}.aonw`);
}

/** Find and validate the images, pick the examples: one sweep per present image (a note for each missing one). */
export function planAblation(o: AblationOptions, onNote: (m: string) => void = () => {}): { header: AblationHeader; cfgs: SweepConfig[]; inputs: InputSet } {
  const dir = o.modelsDir ?? repoPath('models', o.task);
  const all: AblationHeader['jobs'] = [];
  for (const m of ABLATION_METHODS) {
    if (m === 'full') for (const b of ABLATION_BITS) all.push({ method: m, path: imagePath(dir, m, b), bits: [b] });
    else all.push({ method: m, path: imagePath(dir, m, 8), bits: ABLATION_BITS });
  }
  const jobs = all.filter((j) => existsSync(j.path));
  if (jobs.length === 0) throw new UserError(`no trained images in ${dir} (expected baseline.aonw, noise.aonw, full-8/6/4.aonw)`);
  const ds = loadEvalSet(o.task, o.data);
  // Validate every image before any work, with its file name in the message; their training metas
  // decide the examples (the held-out split of their seed when the data is their training set).
  const trainings = jobs.map((j) => loadWeightImage(j.path, o.task).training);
  const { inputs } = evalInputs({ task: o.task, examples: o.examples, limit: o.limit }, ds, trainings, onNote);
  for (const j of all) if (!jobs.includes(j)) onNote(`${j.path} is missing; its cells stay empty`);
  const replicate = checkedReplication(getGraph(o.task), o.replicate);
  const cfgs = jobs.map((j): SweepConfig => ({
    network: o.task,
    imageBytes: new Uint8Array(readFileSync(j.path)),
    preset: o.preset,
    gdc: o.gdc,
    seed: o.seed,
    timesS: [o.timeS],
    bits: j.bits,
    ...(replicate ? { replicate } : {}),
  }));
  return { header: { task: o.task, timeS: o.timeS, jobs }, cfgs, inputs };
}

/** Table 1's rows from complete sweep results, one per present image (a whole run and a merge alike). */
export function ablationRowsOf(header: AblationHeader, results: readonly SweepResult[]): AblationRow[] {
  const rows = new Map<AblationMethod, AblationRow>(
    ABLATION_METHODS.map((m) => [m, { method: m, images: [null, null, null], baseline: null, cells: [null, null, null] }]),
  );
  header.jobs.forEach((j, k) => {
    const r = results[k]!;
    const row = rows.get(j.method)!;
    row.baseline = row.baseline ?? r.baseline;
    for (const p of r.results) {
      const i = ABLATION_BITS.indexOf(p.bits);
      row.images[i] = j.path;
      const paper = PAPER_TABLE1[header.task][j.method][i]!;
      row.cells[i] = { bits: p.bits, mean: p.mean, std: p.std, runs: p.runs, paper };
    }
  });
  return ABLATION_METHODS.map((m) => rows.get(m)!);
}

export interface AblationHooks {
  onNote?: (message: string) => void;
  onProgress?: (done: number, total: number) => void;
}

export async function runAblation(o: AblationOptions, hooks: AblationHooks = {}): Promise<AblationRow[]> {
  const { header, cfgs, inputs } = planAblation(o, hooks.onNote);
  const counts = await runSweeps(cfgs, inputs, { runs: o.runs, threads: o.threads, onProgress: hooks.onProgress });
  return ablationRowsOf(header, sweepResults(cfgs, o.runs, inputs.count, counts));
}

/** Shard `shard` of the ablation, as a partial file for `aon-cim merge`. */
export async function runAblationShard(o: AblationOptions, shard: Shard, hooks: AblationHooks = {}): Promise<PartialFile<AblationHeader>> {
  const { header, cfgs, inputs } = planAblation(o, hooks.onNote);
  return runPartial('ablation', header, cfgs, inputs, { runs: o.runs, threads: o.threads, shard, onProgress: hooks.onProgress });
}
