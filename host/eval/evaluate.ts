/**
 * Accuracy under drift (Figure 7): runs × times × bits on the emulated chip over a labelled set, mean ±
 * std per point, next to the float baseline of the same image. `aon-cim eval` prints it; `ablation`
 * shares the example selection.
 */
import { readFileSync } from 'node:fs';
import { getGraph } from '../../models/graphs/index.js';
import type { Task } from '../../models/graphs/types.js';
import { writeWeightImage } from '../../models/image/format.js';
import { InitRng } from '../../models/image/prng.js';
import type { TrainingMeta } from '../../models/image/types.js';
import type { GdcSetting } from '../chip/chip.js';
import type { Bits, Preset } from '../chip/program.js';
import { UserError } from '../errors.js';
import { checkedReplication, type Replication } from '../compiler/replicate.js';
import { resolveImage } from '../runtime/deploy.js';
import { shippedImageForBits, shownPath } from '../runtime/shipped-images.js';
import { resolveTaskDataDir } from './data-dir.js';
import { loadDataset, type Dataset } from './dataset.js';
import { prepareInputs, type InputSet } from './inputs.js';
import { shuffleInPlace, validationPredicate } from './split.js';
import { runPartial, runSweeps, sweepResults, type PartialFile } from './partial.js';
import type { SweepConfig } from './run.js';
import type { Shard } from './shard.js';
import type { SweepPoint, SweepResult } from './sweep.js';
import { selectExamples, type ExampleChoice } from './training-split.js';

/** Which examples to score: the held-out part or all (selectExamples), then a seeded sample of `limit`. */
export interface ExampleOptions {
  task: Task;
  examples: ExampleChoice;
  limit?: number;
}

export interface EvalOptions extends ExampleOptions {
  /** The data root or the task folder in it. */
  data: string;
  /** One image for every bit width, or one per entry of `bits` (Figure 7: each bit width on its own `full` image). */
  model?: string[];
  timesS: number[];
  bits?: Bits[];
  preset: Preset;
  gdc: GdcSetting;
  seed: number;
  runs: number;
  threads?: number;
  /** --replicate's (layer, K) pairs (host/compiler/replicate.ts); absent = none. */
  replicate?: ReadonlyArray<readonly [string, number]>;
}

export interface EvalHooks {
  onNote?: (message: string) => void;
  /** Steps done and total, over all images. */
  onProgress?: (done: number, total: number) => void;
}

/** A sweep point with the image it was measured on and that image's float baseline. */
export interface EvalPoint extends SweepPoint {
  model: string;
  baseline: number;
}

export interface EvalReport {
  task: Task;
  /** The image (several: comma-separated, in `bits` order). */
  model: string;
  items: number;
  /** Only the examples the trainer held out were scored (else all of the data). */
  heldOut: boolean;
  /** Float baseline of the (first) image. */
  baseline: number;
  results: EvalPoint[];
  /** --replicate's row copies (absent: none, the paper's chip). */
  replicate?: Replication;
}

/** The labelled set of `data` (the data root or the task folder). */
export function loadEvalSet(task: Task, data: string): Dataset {
  return loadDataset(resolveTaskDataDir(data, task));
}

/**
 * The examples to score as network inputs — the held-out part or all (selectExamples decides, and its
 * one note says which) — then a seeded sample of `limit`.
 */
export function evalInputs(
  o: ExampleOptions,
  ds: Dataset,
  trainings: TrainingMeta[],
  onNote: (message: string) => void = () => {},
): { inputs: InputSet; heldOut: boolean } {
  const selection = selectExamples(o.task, ds, trainings, o.examples);
  if (selection.note) onNote(selection.note);
  let items = ds.items;
  if (selection.heldOutSeed !== null) {
    const isVal = validationPredicate(o.task, ds.rows, selection.heldOutSeed);
    items = items.filter((_, i) => isVal(ds.rows[i]!));
  }
  if (o.limit !== undefined && o.limit < items.length) {
    // A seeded draw, not the first n rows: index files are sorted by class.
    const order = shuffleInPlace(items.map((_, i) => i), new InitRng(0, 31)).slice(0, o.limit).sort((a, b) => a - b);
    items = order.map((i) => items[i]!);
  }
  if (items.length === 0) throw new UserError(`no examples to evaluate in ${ds.dir}`);
  return { inputs: prepareInputs(getGraph(o.task), items), heldOut: selection.heldOutSeed !== null };
}

/**
 * The images to evaluate, one per entry of the result: `model` as given; without it, each `bits` entry
 * on its own shipped full-<bits> image (each trained for its converters), else the task's default.
 */
function chooseModels(o: EvalOptions, onNote: (m: string) => void): Array<string | undefined> {
  if (o.model) return o.model;
  if (!o.bits) return [undefined];
  const shipped = o.bits.map((b) => shippedImageForBits(o.task, b));
  if (shipped.some((p) => p === undefined)) return [undefined];
  onNote(`no --model: each bit width on its own shipped image: ${o.bits.map((b, i) => `${b} bit → ${shownPath(shipped[i]!)}`).join(', ')}`);
  return shipped;
}

/** What `eval` needs besides the counts to print its result; a partial file carries it to `merge`. */
export interface EvalHeader {
  task: Task;
  heldOut: boolean;
  /** The image of each sweep (a path, or "random(seed)"), in order. */
  sources: string[];
  /** Device model and GDC (Figure 7's title). */
  preset: Preset;
  gdc: GdcSetting;
  /** --replicate's row copies (absent when none, so partial files of the paper's chip are as before). */
  replicate?: Replication;
}

export interface EvalPlan {
  header: EvalHeader;
  cfgs: SweepConfig[];
  inputs: InputSet;
}

/** Load the data and the images, pick the examples and bits: one sweep per image. */
export function planEval(o: EvalOptions, onNote: (m: string) => void = () => {}): EvalPlan {
  if (o.model && o.model.length > 1 && o.bits?.length !== o.model.length) {
    throw new Error(`${o.model.length} images need one bit width each (got ${o.bits?.length ?? 0})`);
  }
  const ds = loadEvalSet(o.task, o.data);
  const models = chooseModels(o, onNote);
  const images = models.map((m) => resolveImage(o.task, m, o.seed, onNote));
  const { inputs, heldOut } = evalInputs(o, ds, images.map((r) => r.image.training), onNote);
  const timesS = [...o.timesS].sort((a, b) => a - b);
  const replicate = checkedReplication(getGraph(o.task), o.replicate);
  const cfgs = models.map((model, i): SweepConfig => {
    const { image, source } = images[i]!;
    const given = models.length > 1 ? [o.bits![i]!] : o.bits;
    const bits = given ?? (image.training.bits !== null ? [image.training.bits] : ([8, 6, 4] as Bits[]));
    if (image.training.method === 'full' && bits.some((b) => b !== image.training.bits)) {
      onNote(`${source} was trained for ${image.training.bits}-bit converters; evaluating it at ${bits.join(',')} bits`);
    }
    const imageBytes = model ? new Uint8Array(readFileSync(model)) : writeWeightImage(image);
    return { network: o.task, imageBytes, preset: o.preset, gdc: o.gdc, seed: o.seed, timesS, bits, ...(replicate ? { replicate } : {}) };
  });
  return { header: { task: o.task, heldOut, sources: images.map((r) => r.source), preset: o.preset, gdc: o.gdc, ...(replicate ? { replicate } : {}) }, cfgs, inputs };
}

/** The report of complete sweep results, one per image (a whole run and a merge of shards alike). */
export function evalReportOf(header: EvalHeader, items: number, results: readonly SweepResult[]): EvalReport {
  const parts = results.map((r, i): EvalReport => {
    const source = header.sources[i]!;
    const points = r.results.map((p: SweepPoint) => ({ ...p, model: source, baseline: r.baseline }));
    return { task: header.task, model: source, items, heldOut: header.heldOut, baseline: r.baseline, results: points, ...(header.replicate ? { replicate: header.replicate } : {}) };
  });
  if (parts.length === 1) return parts[0]!;
  return { ...parts[0]!, model: parts.map((p) => p.model).join(','), results: parts.flatMap((p) => p.results) };
}

export async function runEval(o: EvalOptions, hooks: EvalHooks = {}): Promise<EvalReport> {
  const { header, cfgs, inputs } = planEval(o, hooks.onNote);
  const counts = await runSweeps(cfgs, inputs, { runs: o.runs, threads: o.threads, onProgress: hooks.onProgress });
  return evalReportOf(header, inputs.count, sweepResults(cfgs, o.runs, inputs.count, counts));
}

/** Shard `shard` of the sweep `runEval` would run, as a partial file for `aon-cim merge`. */
export async function runEvalShard(o: EvalOptions, shard: Shard, hooks: EvalHooks = {}): Promise<PartialFile<EvalHeader>> {
  const { header, cfgs, inputs } = planEval(o, hooks.onNote);
  return runPartial('eval', header, cfgs, inputs, { runs: o.runs, threads: o.threads, shard, onProgress: hooks.onProgress });
}
