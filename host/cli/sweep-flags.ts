/**
 * Flags shared by the drift-sweep subcommands (`eval`, `ablation`): which examples, which device model,
 * how many fresh chips, how many threads. One definition so both parse and describe them alike.
 */
import { Option, type Command } from 'commander';
import type { Task } from '../../models/graphs/types.js';
import type { GdcSetting } from '../chip/chip.js';
import type { Preset } from '../chip/program.js';
import { UserError } from '../errors.js';
import type { ExampleChoice } from '../eval/training-split.js';
import { SHARD_ENV_HELP } from '../eval/shard.js';
import { GDC_MODE_HELP, parseGdcMode, parseReplicate, REPLICATE_HELP } from './chip-flags.js';
import { parseNonNegInt, parsePositiveInt, parsePreset } from './options.js';

export interface SweepFlags {
  task: Task;
  data: string;
  runs: number;
  preset: Preset;
  /** --no-gdc → false; --gdc digital|analog → the mode; neither → true (digital). */
  gdc: GdcSetting;
  seed: number;
  heldOut?: boolean;
  all?: boolean;
  limit?: number;
  threads?: number;
  json?: boolean;
  /** --shard K/N as given (parsed with the environment by parseShard when the command runs). */
  shard?: string;
  /** --replicate's (layer, K) pairs; absent = none. */
  replicate?: Array<[string, number]>;
}

export function parseTask(v: string): Task {
  if (v === 'kws' || v === 'vww') return v;
  throw new UserError(`task must be kws or vww (got "${v}")`);
}

export function addSweepFlags(cmd: Command): Command {
  return cmd
    .requiredOption('--task <task>', 'kws or vww', parseTask)
    .requiredOption('--data <dir>', 'the data root (e.g. ../shared/data) or the task folder in it (speech_commands, vww): index.csv (path,label,…) and its files')
    .option('--runs <n>', 'fresh chips (programming noise and ν) per point', parsePositiveInt, 25)
    .addOption(new Option('--preset <preset>', 'device model: paper, aihwkit or ideal').argParser(parsePreset).default('paper', 'paper'))
    .option('--no-gdc', 'turn global drift compensation off')
    .option('--gdc <mode>', GDC_MODE_HELP, parseGdcMode)
    .option('--replicate <LAYER=K,…>', REPLICATE_HELP, parseReplicate)
    .option('--seed <n>', 'seed of the sweep (run r uses (seed, r))', parseNonNegInt, 0)
    .option('--held-out', "score only the examples the trainer held out (its split, with the image's training seed); the default when --data is the set the image was trained on")
    .addOption(new Option('--all', 'score every example, including those the image was trained on').conflicts('heldOut'))
    .option('--limit <n>', 'evaluate a seeded sample of n examples', parsePositiveInt)
    .option('--threads <n>', 'worker threads (default: one per core)', parseNonNegInt)
    .option('--json', 'machine-readable output')
    .option('--shard <K/N>', SHARD_ENV_HELP);
}

/** --held-out / --all / neither (auto: held out when the data is the images' training set). */
export function exampleChoice(f: Pick<SweepFlags, 'heldOut' | 'all'>): ExampleChoice {
  return f.heldOut ? 'held-out' : f.all ? 'all' : 'auto';
}
