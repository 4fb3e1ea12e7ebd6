/**
 * `aon-cim merge PARTS… [--json] [--svg F]` — the partial results of `eval` / `ablation --shard K/N`
 * put together: prints exactly what the unsharded command prints (the table, or its --json), bit for
 * bit. The checks (every shard once, one sweep) are host/eval/partial.ts; this file parses and prints.
 */
import type { Command } from 'commander';
import { ablationRowsOf, type AblationHeader } from '../eval/ablation.js';
import { evalReportOf, type EvalHeader } from '../eval/evaluate.js';
import { mergePartialFiles } from '../eval/partial.js';
import { UserError } from '../errors.js';
import { ablationOutput } from './ablation.js';
import type { RegisterCommand } from './command.js';
import { evalJson, evalSvg, formatEvalTable } from './eval.js';
import type { Io } from './io.js';
import { checkOutputPath, writeOutput } from './output-path.js';

interface MergeFlags {
  json?: boolean;
  svg?: string;
}

export const register: RegisterCommand = (program: Command, io: Io) => {
  program
    .command('merge')
    .description('combine the partial results of eval / ablation --shard K/N (all N shards, any order) into the whole sweep\'s output')
    .argument('<parts...>', 'partial JSON files, one per shard')
    .option('--json', 'machine-readable output (as the unsharded command\'s --json)')
    .option('--svg <file>', 'eval shards: write Figure 7 as SVG')
    .action((parts: string[], f: MergeFlags) => {
      if (f.svg !== undefined) checkOutputPath(f.svg, '--svg');
      const m = mergePartialFiles(parts);
      if (m.command === 'ablation') {
        if (f.svg !== undefined) throw new UserError('--svg draws Figure 7: it applies to eval shards, these are ablation shards');
        const h = m.header as AblationHeader;
        return io.out(ablationOutput(h.task, h.timeS, ablationRowsOf(h, m.results), f.json));
      }
      const h = m.header as EvalHeader;
      const r = evalReportOf(h, m.items, m.results);
      if (f.svg !== undefined) writeOutput(f.svg, evalSvg(r, h.preset, h.gdc));
      io.out(f.json ? `${JSON.stringify(evalJson(r))}\n` : formatEvalTable(r));
    });
};
