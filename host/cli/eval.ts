/**
 * `aon-cim eval` — accuracy under drift (Figure 7): runs × times × bits on the emulated chip over a
 * labelled set, mean ± std per point, next to the float baseline of the same image.
 */
import { readFileSync } from 'node:fs';
import { InvalidArgumentError, type Command } from 'commander';
import type { Task } from '../../models/graphs/types.js';
import { getGraph } from '../../models/graphs/index.js';
import { writeWeightImage } from '../../models/image/format.js';
import type { TrainingMeta } from '../../models/image/types.js';
import type { Bits } from '../chip/program.js';
import { UserError } from '../errors.js';
import { resolveTaskDataDir } from '../eval/data-dir.js';
import { loadDataset, type Dataset } from '../eval/dataset.js';
import { prepareInputs, type InputSet } from '../eval/inputs.js';
import { shuffleInPlace, validationPredicate } from '../eval/split.js';
import { selectExamples } from '../eval/training-split.js';
import { InitRng } from '../../models/image/prng.js';
import { runSweep, type SweepPoint } from '../eval/sweep.js';
import { accuracySvg } from '../plots/accuracy-svg.js';
import { resolveImage } from '../runtime/deploy.js';
import { noteWriter, type Io } from './io.js';
import type { RegisterCommand } from './main.js';
import { formatDuration, optionWithDefault, parseBitsList, parseDurationList } from './options.js';
import { checkOutputPath, writeOutput } from './output-path.js';
import { progressBar } from './progress.js';
import { shippedImageForBits, shownPath } from './shipped-images.js';
import { addSweepFlags, exampleChoice, type SweepFlags } from './sweep-flags.js';

export interface EvalFlags extends SweepFlags {
  /** One image for every bit width, or one per entry of `bits` (Figure 7: each bit width on its own `full` image). */
  model?: string[];
  times: number[];
  bits?: Bits[];
  svg?: string;
}

/** A sweep point with the image it was measured on and that image's float baseline. */
export interface EvalPoint extends SweepPoint {
  model: string;
  baseline: number;
}

export interface EvalReport {
  task: Task;
  /** The image (several: comma-separated, in `--bits` order). */
  model: string;
  items: number;
  /** Only the examples the trainer held out were scored (else all of --data). */
  heldOut: boolean;
  /** Float baseline of the (first) image. */
  baseline: number;
  results: EvalPoint[];
}

/** Shared by `eval` and `ablation`: the labelled set of `--data` (the data root or the task folder). */
export function loadEvalSet(task: Task, data: string): Dataset {
  return loadDataset(resolveTaskDataDir(data, task));
}

/**
 * Shared by `eval` and `ablation`: the examples to score as network inputs — the held-out part or all
 * (selectExamples decides, and its one note says which) — then a seeded sample of `limit`.
 */
export function evalInputs(
  f: Pick<SweepFlags, 'task' | 'heldOut' | 'all' | 'limit'>,
  ds: Dataset,
  trainings: TrainingMeta[],
  io: Io,
): { inputs: InputSet; heldOut: boolean } {
  const selection = selectExamples(f.task, ds, trainings, exampleChoice(f));
  if (selection.note) noteWriter(io)(selection.note);
  let items = ds.items;
  if (selection.heldOutSeed !== null) {
    const isVal = validationPredicate(f.task, ds.rows, selection.heldOutSeed);
    items = items.filter((_, i) => isVal(ds.rows[i]!));
  }
  if (f.limit !== undefined && f.limit < items.length) {
    // A seeded draw, not the first n rows: index files are sorted by class.
    const order = shuffleInPlace(items.map((_, i) => i), new InitRng(0, 31)).slice(0, f.limit).sort((a, b) => a - b);
    items = order.map((i) => items[i]!);
  }
  if (items.length === 0) throw new UserError(`no examples to evaluate in ${ds.dir}`);
  return { inputs: prepareInputs(getGraph(f.task), items), heldOut: selection.heldOutSeed !== null };
}

/**
 * The images to evaluate, one per entry of the result: `--model` as given; without it, each `--bits`
 * entry on its own shipped full-<bits> image (each trained for its converters), else the task's default.
 */
function chooseModels(f: EvalFlags, io: Io): Array<string | undefined> {
  if (f.model) return f.model;
  if (!f.bits) return [undefined];
  const shipped = f.bits.map((b) => shippedImageForBits(f.task, b));
  if (shipped.some((p) => p === undefined)) return [undefined];
  noteWriter(io)(`no --model: each bit width on its own shipped image: ${f.bits.map((b, i) => `${b} bit → ${shownPath(shipped[i]!)}`).join(', ')}`);
  return shipped;
}

export async function runEval(f: EvalFlags, io: Io): Promise<EvalReport> {
  if (f.model && f.model.length > 1 && f.bits?.length !== f.model.length) {
    throw new UserError(`--model lists ${f.model.length} images: give --bits with one bit width per image, in the same order (e.g. --bits 8,6,4)`);
  }
  if (f.svg !== undefined) checkOutputPath(f.svg, '--svg');
  const ds = loadEvalSet(f.task, f.data);
  const models = chooseModels(f, io);
  const images = models.map((m) => resolveImage(f.task, m, f.seed, noteWriter(io)));
  const { inputs, heldOut } = evalInputs(f, ds, images.map((r) => r.image.training), io);
  const parts: EvalReport[] = [];
  for (const [i, model] of models.entries()) {
    parts.push({ ...(await evalOneImage(f, model, images[i]!, models.length > 1 ? [f.bits![i]!] : f.bits, inputs, io)), heldOut });
  }
  if (parts.length === 1) return parts[0]!;
  return { ...parts[0]!, model: parts.map((p) => p.model).join(','), results: parts.flatMap((p) => p.results) };
}

async function evalOneImage(
  f: EvalFlags,
  model: string | undefined,
  { image, source }: ReturnType<typeof resolveImage>,
  bitsFlag: Bits[] | undefined,
  inputs: InputSet,
  io: Io,
): Promise<EvalReport> {
  const note = noteWriter(io);
  const bits = bitsFlag ?? (image.training.bits !== null ? [image.training.bits] : ([8, 6, 4] as Bits[]));
  if (image.training.method === 'full' && bits.some((b) => b !== image.training.bits)) {
    note(`${source} was trained for ${image.training.bits}-bit converters; evaluating it at ${bits.join(',')} bits`);
  }
  const times = [...f.times].sort((a, b) => a - b);
  const bar = progressBar(io, 'eval');
  try {
    const r = await runSweep(
      { network: f.task, imageBytes: model ? new Uint8Array(readFileSync(model)) : writeWeightImage(image), preset: f.preset, gdc: f.gdc, seed: f.seed, timesS: times, bits },
      inputs,
      { runs: f.runs, threads: f.threads, onProgress: (d, t) => bar.update(d, t) },
    );
    const results = r.results.map((p: SweepPoint) => ({ ...p, model: source, baseline: r.baseline }));
    return { task: f.task, model: source, items: inputs.count, heldOut: false, baseline: r.baseline, results };
  } finally {
    bar.stop();
  }
}

const pct = (a: number) => (a * 100).toFixed(1);

export function formatEvalTable(r: EvalReport): string {
  const times = [...new Set(r.results.map((p) => p.timeS))];
  const bitsList = [...new Set(r.results.map((p) => p.bits))];
  const head = ['bits', ...times.map(formatDuration)];
  const perImage = new Set(r.results.map((p) => p.model)).size > 1;
  if (perImage) head.push('float', 'image');
  const rows = bitsList.map((b) => {
    const row = [`${b}`, ...times.map((t) => {
      const p = r.results.find((q) => q.bits === b && q.timeS === t)!;
      return `${pct(p.mean)} ± ${pct(p.std)}`;
    })];
    const first = r.results.find((q) => q.bits === b)!;
    return perImage ? [...row, pct(first.baseline), first.model] : row;
  });
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => (perImage && i === cells.length - 1 ? c : c.padStart(widths[i]!))).join('  ');
  const runs = r.results[0]?.runs.length ?? 0;
  const examples = r.heldOut ? 'held-out examples' : 'examples';
  return [
    perImage
      ? `${r.task} · one image per bit width · ${r.items} ${examples} · ${runs} runs`
      : `${r.task} · ${r.model} · ${r.items} ${examples} · ${runs} runs · float baseline ${pct(r.baseline)} %`,
    line(head),
    ...rows.map(line),
    '',
  ].join('\n');
}

export function evalJson(r: EvalReport) {
  return {
    task: r.task,
    model: r.model,
    items: r.items,
    heldOut: r.heldOut,
    baseline: r.baseline,
    results: r.results.map((p) => ({ bits: p.bits, time: formatDuration(p.timeS), timeS: p.timeS, mean: p.mean, std: p.std, runs: p.runs, model: p.model, baseline: p.baseline })),
  };
}

function parseImageList(v: string): string[] {
  const list = v.split(',').map((s) => s.trim());
  if (list.some((s) => s.length === 0)) throw new InvalidArgumentError(`--model: empty image name in "${v}"`);
  return list;
}

export const register: RegisterCommand = (program: Command, io: Io) => {
  addSweepFlags(program.command('eval'))
    .description('accuracy under PCM drift on the emulated chip: runs × times × bits, mean ± std (Figure 7)')
    .option('--model <images>', 'weight image, or one per --bits entry (comma-separated; default: the shipped image of the task)', parseImageList)
    .addOption(optionWithDefault('--times <list>', 'times since programming, e.g. 25s,1h,1d,1mo,1y', parseDurationList, '25s,1h,1d,1mo,1y'))
    .option('--bits <list>', 'converter bits, e.g. 8,6,4 (default: the image\'s, else 8,6,4)', parseBitsList)
    .option('--svg <file>', 'write Figure 7 (accuracy vs log time) as SVG')
    .action(async (o: EvalFlags) => {
      const r = await runEval(o, io);
      if (o.svg) {
        const perImage = new Set(r.results.map((p) => p.model)).size > 1;
        // One image: one float line. One image per bit width: each band gets its own image's line.
        writeOutput(o.svg, accuracySvg({ title: `${getGraph(o.task).title} on the emulated chip (${o.preset}${o.gdc === 'analog' ? ', analog GDC' : o.gdc ? ', GDC' : ''})`, baseline: perImage ? null : r.baseline, points: r.results }));
      }
      io.out(o.json ? `${JSON.stringify(evalJson(r))}\n` : formatEvalTable(r));
    });
};
