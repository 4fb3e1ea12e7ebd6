/**
 * `aon-cim eval` — accuracy under drift (Figure 7): runs × times × bits on the emulated chip over a
 * labelled set, mean ± std per point, next to the float baseline of the same image. The sweep is
 * host/eval/evaluate.ts; this file parses the flags and prints the table, JSON or SVG.
 */
import { InvalidArgumentError, type Command } from 'commander';
import { getGraph } from '../../models/graphs/index.js';
import type { Bits } from '../chip/program.js';
import { UserError } from '../errors.js';
import type { GdcSetting } from '../chip/chip.js';
import { runEval, runEvalShard, type EvalReport } from '../eval/evaluate.js';
import type { PartialFile } from '../eval/partial.js';
import { parseShard } from '../eval/shard.js';
import { accuracySvg } from '../plots/accuracy-svg.js';
import { replicationText } from '../compiler/replicate.js';
import type { RegisterCommand } from './command.js';
import { noteWriter, type Io } from './io.js';
import { FIGURE7_TIMES, formatDuration, optionWithDefault, parseBitsList, parseDurationList } from './options.js';
import { checkOutputPath, writeOutput } from './output-path.js';
import { progressBar } from './progress.js';
import { addSweepFlags, exampleChoice, type SweepFlags } from './sweep-flags.js';

interface EvalFlags extends SweepFlags {
  model?: string[];
  times: number[];
  bits?: Bits[];
  svg?: string;
}

/** Checks the flags, runs the sweep (or one shard of it) with a progress bar on a terminal. */
async function evalCommand(f: EvalFlags, io: Io): Promise<EvalReport | PartialFile> {
  if (f.model && f.model.length > 1 && f.bits?.length !== f.model.length) {
    throw new UserError(`--model lists ${f.model.length} images: give --bits with one bit width per image, in the same order (e.g. --bits 8,6,4)`);
  }
  // The table has one row per bit width: a second image at the same bits would be silently dropped.
  if (f.model && f.model.length > 1 && new Set(f.bits).size !== f.bits!.length) {
    throw new UserError(`--bits ${f.bits!.join(',')} repeats a bit width: with several images each needs its own (compare images at the same bits with one eval each)`);
  }
  const shard = f.shard === undefined ? undefined : parseShard(f.shard);
  if (shard && f.svg !== undefined) throw new UserError('--svg draws the whole sweep: give it to aon-cim merge, not to a --shard run');
  if (f.svg !== undefined) checkOutputPath(f.svg, '--svg');
  const bar = progressBar(io, 'eval');
  const o = { ...f, timesS: f.times, examples: exampleChoice(f) };
  const hooks = { onNote: noteWriter(io), onProgress: (d: number, t: number) => bar.update(d, t) };
  try {
    return shard ? await runEvalShard(o, shard, hooks) : await runEval(o, hooks);
  } finally {
    bar.stop();
  }
}

/** Figure 7 as SVG (the eval command's --svg, and merge's for eval shards). */
export function evalSvg(r: EvalReport, preset: string, gdc: GdcSetting): string {
  const perImage = new Set(r.results.map((p) => p.model)).size > 1;
  // One image: one float line. One image per bit width: each band gets its own image's line.
  return accuracySvg({ title: `${getGraph(r.task).title} on the emulated chip (${preset}${gdc === 'analog' ? ', analog GDC' : gdc ? ', GDC' : ''})`, baseline: perImage ? null : r.baseline, points: r.results });
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
  const copies = r.replicate ? ` · rows replicated ${replicationText(r.replicate)}` : '';
  return [
    perImage
      ? `${r.task} · one image per bit width · ${r.items} ${examples} · ${runs} runs${copies}`
      : `${r.task} · ${r.model} · ${r.items} ${examples} · ${runs} runs · float baseline ${pct(r.baseline)} %${copies}`,
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
    ...(r.replicate ? { replicate: r.replicate } : {}),
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
    .addOption(optionWithDefault('--times <list>', 'times since programming, e.g. 25s,1h,1d,1mo,1y', parseDurationList, FIGURE7_TIMES))
    .option('--bits <list>', 'converter bits, e.g. 8,6,4 (default: the image\'s, else 8,6,4)', parseBitsList)
    .option('--svg <file>', 'write Figure 7 (accuracy vs log time) as SVG')
    .action(async (o: EvalFlags) => {
      const r = await evalCommand(o, io);
      if ('format' in r) return io.out(`${JSON.stringify(r)}\n`); // a shard: its partial result, for merge
      if (o.svg) writeOutput(o.svg, evalSvg(r, o.preset, o.gdc));
      io.out(o.json ? `${JSON.stringify(evalJson(r))}\n` : formatEvalTable(r));
    });
};
