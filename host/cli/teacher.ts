/**
 * `aon-cim teacher --task kws|vww [--data DIR] [--model FILE] [--held-out SEED [--prior fit]] [--json]`: accuracy of MLPerf Tiny's
 * reference network (../shared/teachers, a .tflite file) on the labelled data, through the project's
 * own front ends (models/teacher). The logic and tfjs are loaded by dynamic import only, so the rest
 * of the CLI never loads tfjs.
 */
import { InvalidArgumentError, type Command } from 'commander';
import type { TeacherEvaluation } from '../../models/teacher/evaluate.js';
import type { TeacherTask } from '../../models/teacher/spec.js';
import type { Io } from './io.js';
import { parseNonNegInt } from './options.js';
import type { RegisterCommand } from './command.js';

interface TeacherFlags {
  task: TeacherTask;
  data?: string;
  model?: string;
  json?: boolean;
  heldOut?: number;
  prior?: 'fit' | 'none';
}


function parsePrior(v: string): 'fit' | 'none' {
  if (v === 'fit' || v === 'none') return v;
  throw new InvalidArgumentError(`expected none or fit (got "${v}")`);
}

function parseTask(v: string): TeacherTask {
  if (v === 'kws' || v === 'vww') return v;
  throw new InvalidArgumentError(`task must be kws or vww (got "${v}")`);
}

const pct = (x: number) => `${(100 * x).toFixed(1)}%`;

/** The human-readable report: accuracy line, then one recall line per class. */
export function formatTeacherReport(r: TeacherEvaluation): string {
  const width = Math.max(...r.perClass.map((c) => c.class.length));
  const lines = [
    `teacher ${r.task}: ${r.model}`,
    `data: ${r.data} (${r.total} examples${r.heldOutSeed !== undefined ? `: the trainer's held-out part, split seed ${r.heldOutSeed}` : ''})`,
    ...(r.prior
      ? [`prior: per-class offsets fitted on the other ${r.prior.fittedOn} examples (the trainer's training part): ${r.prior.offsets.map((v) => v.toFixed(2)).join(' ')}; accuracy without them ${pct(r.prior.accuracyWithout)}`]
      : []),
    `accuracy: ${r.correct}/${r.total} = ${pct(r.accuracy)}`,
    'recall per class:',
    ...r.perClass.map((c) => `  ${c.class.padEnd(width)}  ${c.correct}/${c.total}  ${c.recall === null ? '-' : pct(c.recall)}`),
  ];
  return `${lines.join('\n')}\n`;
}

export const register: RegisterCommand = (program: Command, io: Io) => {
  program
    .command('teacher')
    .description("accuracy of MLPerf Tiny's reference network (.tflite) on the labelled data, with the project's front ends")
    .requiredOption('--task <task>', 'kws|vww', parseTask)
    .option('--data <dir>', 'data root (with speech_commands/ and vww/) or the task folder (default ../shared/data or $AONCIM_DATA)')
    .option('--model <file>', 'the .tflite file (default ../shared/teachers/<file> or $AONCIM_TEACHERS)')
    .option('--held-out <seed>', 'score only the examples the trainer holds out with this split seed (what `eval` scores for an image trained with it; images so far: 0)', parseNonNegInt)
    .option('--prior <how>', 'none (default) or fit: add per-class offsets to its logits, fitted by maximum likelihood on the examples the trainer trains on (what `train --teacher-prior fit` distils with); needs --held-out', parsePrior)
    .option('--json', 'one JSON object: {task, model, data, heldOutSeed?, total, correct, accuracy, perClass, confusion, prior?}')
    .action(async (f: TeacherFlags) => {
      // Dynamic import: tfjs loads only when this command runs.
      const { runTeacherEvaluation } = await import('../../models/teacher/evaluate.js');
      const onProgress = io.errIsTty ? (done: number, total: number) => io.err(`\r${done}/${total}`) : undefined;
      const r = await runTeacherEvaluation({ task: f.task, data: f.data, model: f.model, onProgress, ...(f.heldOut !== undefined ? { heldOutSeed: f.heldOut } : {}), ...(f.prior === 'fit' ? { prior: 'fit' as const } : {}) });
      if (onProgress) io.err('\n');
      io.out(f.json ? `${JSON.stringify(r)}\n` : formatTeacherReport(r));
    });
};
