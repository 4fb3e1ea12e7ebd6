/**
 * Is image B better than image A, or is the gap the noise of a small split? Candidates from one lineage
 * disagree on a handful of the 165 held-out VWW images, so an accuracy gap must be read paired: float
 * predictions of every image on the examples `eval` scores (the held-out split of the first image), each
 * image's accuracy and its difference from the first image, with a seeded 95 % bootstrap interval over
 * examples and the count of examples each side gets right that the other misses (docs/training.md).
 *
 * Run: npm run tsbuild && node dist/bench/paired-float.js vww|kws IMAGE_A IMAGE_B… [--data DIR]
 */
import { planEval } from '../host/eval/evaluate.js';
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
  /** Examples b gets right and a misses, and the reverse. */
  onlyB: number;
  onlyA: number;
}

/** Paired difference of two per-example correctness vectors (0/1), `draws` seeded bootstrap resamples. */
export function pairedDifference(a: Uint8Array, b: Uint8Array, draws = 4000, seed = 0): PairedDifference {
  if (a.length !== b.length || a.length === 0) throw new Error(`paired vectors need one equal, non-zero length (got ${a.length}, ${b.length})`);
  const n = a.length;
  const d = Array.from(b, (v, k) => v - a[k]!);
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
    const scores = net.forward(x.subarray(k * size, (k + 1) * size));
    let best = 0;
    for (let j = 1; j < scores.length; j++) if (scores[j]! > scores[best]!) best = j;
    out[k] = best === y[k] ? 1 : 0;
  }
  return out;
}

async function main(args: string[]): Promise<void> {
  const dataAt = args.indexOf('--data');
  const data = dataAt >= 0 ? args[dataAt + 1] : sharedDataDir();
  const rest = dataAt >= 0 ? args.filter((_, i) => i !== dataAt && i !== dataAt + 1) : args;
  const [task, ...images] = rest;
  if ((task !== 'vww' && task !== 'kws') || images.length < 2 || !data) throw new UserError('usage: paired-float.js vww|kws IMAGE_A IMAGE_B… [--data DIR]');
  const { inputs } = planEval({ task, data, model: [images[0]!], timesS: [1], bits: [8], preset: 'paper', gdc: 'digital', seed: 0, runs: 1, examples: 'auto' });
  const correct = images.map((p) => correctness(task, p, inputs.x, inputs.y, inputs.inputSize));
  const pct = (v: number): string => (100 * v).toFixed(1);
  console.log(`${inputs.count} examples; accuracy, difference from the first image [95 % bootstrap], examples won / lost`);
  images.forEach((p, i) => {
    const d = pairedDifference(correct[0]!, correct[i]!);
    const acc = correct[i]!.reduce((s, v) => s + v, 0) / inputs.count;
    console.log(`${pct(acc).padStart(5)} %  ${i === 0 ? '(reference)' : `${pct(d.mean)} [${pct(d.low)}, ${pct(d.high)}]  +${d.onlyB} / −${d.onlyA}`}  ${p}`);
  });
}

await runIfMain(import.meta.url, 'paired-float', main);
