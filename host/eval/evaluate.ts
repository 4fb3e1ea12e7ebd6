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
import { resolveImage } from '../runtime/deploy.js';
import { shippedImageForBits, shownPath } from '../runtime/shipped-images.js';
import { resolveTaskDataDir } from './data-dir.js';
import { loadDataset, type Dataset } from './dataset.js';
import { prepareInputs, type InputSet } from './inputs.js';
import { shuffleInPlace, validationPredicate } from './split.js';
import { runSweep, type SweepPoint } from './sweep.js';
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

export async function runEval(o: EvalOptions, hooks: EvalHooks = {}): Promise<EvalReport> {
  if (o.model && o.model.length > 1 && o.bits?.length !== o.model.length) {
    throw new Error(`${o.model.length} images need one bit width each (got ${o.bits?.length ?? 0})`);
  }
  const onNote = hooks.onNote ?? (() => {});
  const ds = loadEvalSet(o.task, o.data);
  const models = chooseModels(o, onNote);
  const images = models.map((m) => resolveImage(o.task, m, o.seed, onNote));
  const { inputs, heldOut } = evalInputs(o, ds, images.map((r) => r.image.training), onNote);
  const parts: EvalReport[] = [];
  for (const [i, model] of models.entries()) {
    // Every image's sweep has the same number of steps: progress over all of them.
    const onProgress = (d: number, t: number) => hooks.onProgress?.(i * t + d, models.length * t);
    const bits = models.length > 1 ? [o.bits![i]!] : o.bits;
    parts.push({ ...(await evalOneImage(o, model, images[i]!, bits, inputs, onNote, onProgress)), heldOut });
  }
  if (parts.length === 1) return parts[0]!;
  return { ...parts[0]!, model: parts.map((p) => p.model).join(','), results: parts.flatMap((p) => p.results) };
}

async function evalOneImage(
  o: EvalOptions,
  model: string | undefined,
  { image, source }: ReturnType<typeof resolveImage>,
  bitsGiven: Bits[] | undefined,
  inputs: InputSet,
  onNote: (m: string) => void,
  onProgress: (done: number, total: number) => void,
): Promise<EvalReport> {
  const bits = bitsGiven ?? (image.training.bits !== null ? [image.training.bits] : ([8, 6, 4] as Bits[]));
  if (image.training.method === 'full' && bits.some((b) => b !== image.training.bits)) {
    onNote(`${source} was trained for ${image.training.bits}-bit converters; evaluating it at ${bits.join(',')} bits`);
  }
  const timesS = [...o.timesS].sort((a, b) => a - b);
  const r = await runSweep(
    { network: o.task, imageBytes: model ? new Uint8Array(readFileSync(model)) : writeWeightImage(image), preset: o.preset, gdc: o.gdc, seed: o.seed, timesS, bits },
    inputs,
    { runs: o.runs, threads: o.threads, onProgress },
  );
  const results = r.results.map((p: SweepPoint) => ({ ...p, model: source, baseline: r.baseline }));
  return { task: o.task, model: source, items: inputs.count, heldOut: false, baseline: r.baseline, results };
}
