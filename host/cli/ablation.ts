/**
 * `aon-cim ablation` — the paper's Table 1 on the emulated chip: the images trained three ways
 * (baseline, noise injection, noise + ADC/DAC constraints) at 8/6/4 bit after 24 h of drift.
 * `baseline` and `noise` images serve all bit widths (contracts §1); `full` has one image per width.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import type { Task } from '../../models/graphs/types.js';
import { loadWeightImage } from '../../models/image/load.js';
import type { Bits } from '../chip/program.js';
import { UserError } from '../errors.js';
import { evalInputs, loadEvalSet } from '../eval/evaluate.js';
import { METHOD_TITLES, PAPER_TABLE1, type AblationMethod } from '../eval/paper-table1.js';
import { runSweep } from '../eval/sweep.js';
import { repoPath } from '../paths.js';
import { noteWriter, type Io } from './io.js';
import type { RegisterCommand } from './command.js';
import { formatDuration, optionWithDefault, parseDuration } from './options.js';
import { progressBar } from './progress.js';
import { addSweepFlags, exampleChoice, type SweepFlags } from './sweep-flags.js';

const BITS: Bits[] = [8, 6, 4];
const METHODS: AblationMethod[] = ['baseline', 'noise', 'full'];

interface AblationFlags extends SweepFlags {
  modelsDir?: string;
  time: number;
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

function imagePath(dir: string, method: AblationMethod, bits: Bits): string {
  return join(dir, method === 'full' ? `full-${bits}.aonw` : `${method}.aonw`);
}

async function runAblation(f: AblationFlags, io: Io): Promise<AblationRow[]> {
  const dir = f.modelsDir ?? repoPath('models', f.task);
  const present = METHODS.flatMap((m) => BITS.map((b) => imagePath(dir, m, b))).filter((p) => existsSync(p));
  if (present.length === 0) throw new UserError(`no trained images in ${dir} (expected baseline.aonw, noise.aonw, full-8/6/4.aonw)`);
  const ds = loadEvalSet(f.task, f.data);
  // Validate every image before any work, with its file name in the message; their training metas
  // decide the examples (the held-out split of their seed when the data is their training set).
  const trainings = present.map((p) => loadWeightImage(p, f.task).training);
  const { inputs } = evalInputs({ task: f.task, examples: exampleChoice(f), limit: f.limit }, ds, trainings, noteWriter(io));
  const bar = progressBar(io, 'ablation');
  const jobs: Array<{ method: AblationMethod; path: string; bits: Bits[] }> = [];
  for (const m of METHODS) {
    if (m === 'full') for (const b of BITS) jobs.push({ method: m, path: imagePath(dir, m, b), bits: [b] });
    else jobs.push({ method: m, path: imagePath(dir, m, 8), bits: BITS });
  }
  const rows = new Map<AblationMethod, AblationRow>(
    METHODS.map((m) => [m, { method: m, images: [null, null, null], baseline: null, cells: [null, null, null] }]),
  );
  const runnable = jobs.filter((j) => existsSync(j.path));
  const total = runnable.reduce((s, j) => s + j.bits.length * f.runs, 0);
  let before = 0;
  try {
    for (const j of jobs) {
      if (!existsSync(j.path)) {
        noteWriter(io)(`${j.path} is missing; its cells stay empty`);
        continue;
      }
      const bytes = new Uint8Array(readFileSync(j.path));
      const jobSteps = j.bits.length * f.runs;
      loadWeightImage(j.path, f.task); // validate early with the file name in the message
      const r = await runSweep(
        { network: f.task, imageBytes: bytes, preset: f.preset, gdc: f.gdc, seed: f.seed, timesS: [f.time], bits: j.bits },
        inputs,
        { runs: f.runs, threads: f.threads, onProgress: (d, t) => bar.update(before + Math.round((d / t) * jobSteps), total) },
      );
      before += jobSteps;
      const row = rows.get(j.method)!;
      row.baseline = row.baseline ?? r.baseline;
      for (const p of r.results) {
        const i = BITS.indexOf(p.bits);
        row.images[i] = j.path;
        const paper = PAPER_TABLE1[f.task][j.method][i]!;
        row.cells[i] = { bits: p.bits, mean: p.mean, std: p.std, runs: p.runs, paper };
      }
    }
  } finally {
    bar.stop();
  }
  return METHODS.map((m) => rows.get(m)!);
}

function formatTable(task: Task, time: number, rows: AblationRow[]): string {
  const cell = (c: AblationCell | null) => (c ? `${(c.mean * 100).toFixed(1)} ± ${(c.std * 100).toFixed(1)}` : '—');
  const paper = (m: AblationMethod, i: number) => {
    const p = PAPER_TABLE1[task][m][i]!;
    return `${p.mean.toFixed(1)} ± ${p.std.toFixed(1)}`;
  };
  const head = ['method', 'float', '8 bit', '6 bit', '4 bit', 'paper 8', 'paper 6', 'paper 4'];
  const body = rows.map((r) => [
    METHOD_TITLES[r.method],
    r.baseline === null ? '—' : (r.baseline * 100).toFixed(1),
    ...r.cells.map(cell),
    ...[0, 1, 2].map((i) => paper(r.method, i)),
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  return [`Table 1 (${task.toUpperCase()}): accuracy % after ${formatDuration(time)} of drift, mean ± std over runs`, line(head), ...body.map(line), ''].join('\n');
}

export const register: RegisterCommand = (program: Command, io: Io) => {
  addSweepFlags(program.command('ablation'))
    .description("the paper's Table 1: images trained three ways, at 8/6/4 bit after 24 h of drift")
    .option('--models-dir <dir>', 'folder with baseline.aonw, noise.aonw, full-8/6/4.aonw (default: the shipped models/<task>/)')
    .addOption(optionWithDefault('--time <t>', 'time since programming', parseDuration, '1d'))
    .action(async (o: AblationFlags) => {
      const rows = await runAblation(o, io);
      io.out(o.json ? `${JSON.stringify({ task: o.task, timeS: o.time, rows })}\n` : formatTable(o.task, o.time, rows));
    });
};
