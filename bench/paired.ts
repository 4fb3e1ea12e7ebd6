/**
 * Is image B better than image A, or is the gap the noise of a small split? Candidates from one lineage
 * disagree on a handful of the 165 held-out VWW images, so an accuracy gap must be read paired: float
 * predictions of every image on the examples `eval` scores (the held-out split of the first image), each
 * image's accuracy and its difference from the first image, with a seeded 95 % bootstrap interval over
 * examples and the count of examples each side gets right that the other misses (docs/training.md).
 *
 * With `--chip T` the same on the emulated chip instead of float: each example scores the share of
 * `--runs` chips (eval's seeds: run r of seed 0, paper preset, digital GDC) that classify it right at time
 * T and `--bits`, and the bootstrap resamples examples — the split's 165 images, not the chips, are what
 * a ship decision can overfit. The shares sum to what `eval --times T --runs R --bits B` counts.
 *
 * Run: npm run tsbuild && node dist/bench/paired.js vww|kws IMAGE_A IMAGE_B… [--data DIR]
 *      [--chip 1d [--runs 25] [--bits 8]]
 */
import { readFileSync } from 'node:fs';
import { parseDuration } from '../host/cli/options.js';
import type { Bits } from '../host/chip/program.js';
import { planEval } from '../host/eval/evaluate.js';
import { argmax, compileRunProgram } from '../host/eval/run.js';
import { programmedChip } from '../host/runtime/deployment.js';
import { sharedDataDir } from '../host/paths.js';
import { UserError } from '../host/errors.js';
import { getGraph } from '../models/graphs/index.js';
import type { Task } from '../models/graphs/types.js';
import { FloatForwarder } from '../models/image/float-forward-fast.js';
import { loadWeightImage } from '../models/image/load.js';
import { InitRng } from '../models/image/prng.js';
import { runIfMain } from './run-if-main.js';

export interface PairedDifference {
  /** Mean of b − a over examples (a share, not per cent). */
  mean: number;
  /** 2.5 % and 97.5 % quantiles of the bootstrap means. */
  low: number;
  high: number;
  /** Examples b scores higher than a (float: gets right where a misses; chip: more chips right), and the reverse. */
  onlyB: number;
  onlyA: number;
}

/**
 * Paired difference of two per-example scores (0/1 correctness, or on the chip the share of chips right),
 * `draws` seeded bootstrap resamples of the examples.
 */
export function pairedDifference(a: ArrayLike<number>, b: ArrayLike<number>, draws = 4000, seed = 0): PairedDifference {
  if (a.length !== b.length || a.length === 0) throw new Error(`paired vectors need one equal, non-zero length (got ${a.length}, ${b.length})`);
  const n = a.length;
  const d = Array.from(b, (v: number, k) => v - a[k]!);
  const rng = new InitRng(seed, 97);
  const means = new Float64Array(draws);
  for (let r = 0; r < draws; r++) {
    let t = 0;
    for (let k = 0; k < n; k++) t += d[Math.min(n - 1, Math.floor(rng.uniform() * n))]!;
    means[r] = t / n;
  }
  means.sort();
  return {
    mean: d.reduce((s, v) => s + v, 0) / n,
    low: means[Math.floor(0.025 * (draws - 1))]!,
    high: means[Math.ceil(0.975 * (draws - 1))]!,
    onlyB: d.filter((v) => v > 0).length,
    onlyA: d.filter((v) => v < 0).length,
  };
}

/** 1 where the image's float argmax is the label, per example. */
function correctness(task: Task, path: string, x: Float32Array, y: Int32Array, size: number): Uint8Array {
  const net = new FloatForwarder(getGraph(task), loadWeightImage(path, task));
  const out = new Uint8Array(y.length);
  for (let k = 0; k < y.length; k++) {
    out[k] = argmax(net.forward(x.subarray(k * size, (k + 1) * size))) === y[k] ? 1 : 0;
  }
  return out;
}

/** Where the chips run: a time since programming, a chip count and the converters' bits. */
export interface ChipSetting {
  timeS: number;
  runs: number;
  bits: Bits;
}

/**
 * Per example, the share of chips that classify it right: run r is `eval`'s run r (seed 0, paper preset,
 * digital GDC), read once at `timeS` (its first snapshot after programming, as in `eval --times T`).
 */
export async function chipShares(task: Task, imageBytes: Uint8Array, x: Float32Array, y: Int32Array, c: ChipSetting): Promise<Float64Array> {
  const cfg = { network: task, imageBytes, preset: 'paper' as const, gdc: 'digital' as const, seed: 0, timesS: [c.timeS], bits: [c.bits] };
  const program = compileRunProgram(cfg);
  const n = y.length;
  const size = x.length / n;
  const right = new Float64Array(n);
  for (let r = 0; r < c.runs; r++) {
    const chip = await programmedChip(program, { preset: cfg.preset, bits: c.bits, seed: cfg.seed, run: r, gdc: cfg.gdc });
    chip.drift(c.timeS, 1);
    const logits = new Float32Array(chip.outputLength);
    for (let k = 0; k < n; k++) {
      chip.inferInto(x.subarray(k * size, (k + 1) * size), logits);
      if (argmax(logits) === y[k]) right[k]! += 1;
    }
  }
  return right.map((v) => v / c.runs);
}

/** The value after `flag` in `args` (and `args` without both), or undefined when the flag is absent. */
function takeFlag(args: string[], flag: string): [string | undefined, string[]] {
  const at = args.indexOf(flag);
  if (at < 0) return [undefined, args];
  if (at + 1 >= args.length) throw new UserError(`${flag} needs a value`);
  return [args[at + 1], args.filter((_, i) => i !== at && i !== at + 1)];
}

const USAGE = 'usage: paired.js vww|kws IMAGE_A IMAGE_B… [--data DIR] [--chip TIME [--runs N] [--bits 8|6|4]]';

async function main(args: string[]): Promise<void> {
  const [dataFlag, a1] = takeFlag(args, '--data');
  const [chipFlag, a2] = takeFlag(a1, '--chip');
  const [runsFlag, a3] = takeFlag(a2, '--runs');
  const [bitsFlag, rest] = takeFlag(a3, '--bits');
  const data = dataFlag ?? sharedDataDir();
  const [task, ...images] = rest;
  if ((task !== 'vww' && task !== 'kws') || images.length < 2 || !data) throw new UserError(USAGE);
  if ((runsFlag !== undefined || bitsFlag !== undefined) && chipFlag === undefined) throw new UserError(`--runs and --bits are settings of --chip; ${USAGE}`);
  let chip: ChipSetting | null = null;
  if (chipFlag !== undefined) {
    let timeS: number;
    try {
      timeS = parseDuration(chipFlag);
    } catch {
      throw new UserError(`--chip: not a time since programming: "${chipFlag}" (e.g. 25s, 1h, 1d, 1y)`);
    }
    const runs = Number(runsFlag ?? 25);
    if (!Number.isInteger(runs) || runs < 1) throw new UserError(`--runs must be a whole number ≥ 1 (got "${runsFlag}")`);
    const bits = Number(bitsFlag ?? 8);
    if (bits !== 8 && bits !== 6 && bits !== 4) throw new UserError(`--bits must be 8, 6 or 4 (got "${bitsFlag}")`);
    chip = { timeS, runs, bits };
  }
  const { inputs } = planEval({ task, data, model: [images[0]!], timesS: [1], bits: [8], preset: 'paper', gdc: 'digital', seed: 0, runs: 1, examples: 'auto' });
  const correct: ArrayLike<number>[] = [];
  for (const p of images) {
    if (chip) {
      loadWeightImage(p, task); // a missing or wrong file is a user error before any chip work
      correct.push(await chipShares(task, new Uint8Array(readFileSync(p)), inputs.x, inputs.y, chip));
    } else correct.push(correctness(task, p, inputs.x, inputs.y, inputs.inputSize));
  }
  const pct = (v: number): string => (100 * v).toFixed(1);
  const where = chip ? `on ${chip.runs} chip${chip.runs === 1 ? '' : 's'} at ${chipFlag}, ${chip.bits} bit (per example the share of chips right)` : 'float';
  console.log(`${inputs.count} examples, ${where}; accuracy, difference from the first image [95 % bootstrap over examples], examples won / lost`);
  images.forEach((p, i) => {
    const d = pairedDifference(correct[0]!, correct[i]!);
    const acc = Array.from(correct[i]!).reduce((s, v) => s + v, 0) / inputs.count;
    console.log(`${pct(acc).padStart(5)} %  ${i === 0 ? '(reference)' : `${pct(d.mean)} [${pct(d.low)}, ${pct(d.high)}]  +${d.onlyB} / −${d.onlyA}`}  ${p}`);
  });
}

await runIfMain(import.meta.url, 'paired', main);
