/**
 * `aon-cim ablation` — the paper's Table 1 on the emulated chip: the images trained three ways
 * (baseline, noise injection, noise + ADC/DAC constraints) at 8/6/4 bit after 24 h of drift.
 * The sweep is host/eval/ablation.ts; this file parses the flags and prints the table or JSON.
 */
import type { Command } from 'commander';
import type { Task } from '../../models/graphs/types.js';
import { runAblation, runAblationShard, type AblationCell, type AblationRow } from '../eval/ablation.js';
import { METHOD_TITLES, PAPER_TABLE1, type AblationMethod } from '../eval/paper-table1.js';
import { parseShard } from '../eval/shard.js';
import { noteWriter, type Io } from './io.js';
import type { RegisterCommand } from './command.js';
import { formatDuration, optionWithDefault, parseDuration } from './options.js';
import { progressBar } from './progress.js';
import { addSweepFlags, exampleChoice, type SweepFlags } from './sweep-flags.js';

export type { AblationCell, AblationRow };

interface AblationFlags extends SweepFlags {
  modelsDir?: string;
  time: number;
}

export function formatAblationTable(task: Task, time: number, rows: AblationRow[]): string {
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

/** The command's output for complete rows: the table, or --json (also what merge prints for ablation shards). */
export function ablationOutput(task: Task, timeS: number, rows: AblationRow[], json: boolean | undefined): string {
  return json ? `${JSON.stringify({ task, timeS, rows })}\n` : formatAblationTable(task, timeS, rows);
}

export const register: RegisterCommand = (program: Command, io: Io) => {
  addSweepFlags(program.command('ablation'))
    .description("the paper's Table 1: images trained three ways, at 8/6/4 bit after 24 h of drift")
    .option('--models-dir <dir>', 'folder with baseline.aonw, noise.aonw, full-8/6/4.aonw (default: the shipped models/<task>/)')
    .addOption(optionWithDefault('--time <t>', 'time since programming', parseDuration, '1d'))
    .action(async (f: AblationFlags) => {
      const shard = f.shard === undefined ? undefined : parseShard(f.shard);
      const o = { ...f, timeS: f.time, examples: exampleChoice(f) };
      const bar = progressBar(io, 'ablation');
      const hooks = { onNote: noteWriter(io), onProgress: (d: number, t: number) => bar.update(d, t) };
      let out: string;
      try {
        out = shard ? `${JSON.stringify(await runAblationShard(o, shard, hooks))}\n` : ablationOutput(f.task, f.time, await runAblation(o, hooks), f.json);
      } finally {
        bar.stop();
      }
      io.out(out);
    });
};
