/**
 * Which layers of an image cost accuracy under the chip's kind of weight noise (docs/training.md,
 * "Input-layer noise"). Float forward passes of the trainer (models/train/model.ts, evaluation mode, no
 * converters) on the held-out split of seed 0, with Gaussian noise σ = s·W_l,max added to the clipped
 * weights of every layer, and of one layer at a time; each figure is the mean over `draws` seeded draws.
 * The chip's programming noise behaves like s ≈ 0.03 (train-state/README.md, session 5); a larger s
 * separates the layers with fewer draws.
 *
 * Run: npm run tsbuild && node dist/bench/layer-noise.js IMAGE [--task vww|kws] [--s 0.05] [--draws 6] [--top 12]
 */
import * as tf from '@tensorflow/tfjs';
import { UserError } from '../host/errors.js';
import { runIfMain } from './run-if-main.js';
import { sharedDataDir } from '../host/paths.js';
import { getGraph } from '../models/graphs/index.js';
import { loadWeightImage } from '../models/image/load.js';
import { loadTaskData, type Examples } from '../models/train/data.js';
import { initFromImage } from '../models/train/export.js';
import { useWasmTrainingBackend } from '../models/train/kernels.js';
import { createModel, type AnalogLayerParams, type AnalogModel } from '../models/train/model.js';
import { accuracy } from '../models/train/train.js';

export interface LayerNoiseRow {
  layer: string;
  /** Weight rows of the layer's matrix (its fan-in on the array). */
  rows: number;
  /** Accuracy points lost with noise in this layer alone (mean over draws). */
  drop: number;
}

/** Float accuracy (no converters): the trainer's validation accuracy. */
const floatAccuracy = (model: AnalogModel, ex: Examples): number => accuracy(model, ex, null);

/** Accuracy with noise σ = s·W_max in `layers` (seeded per draw and layer), the weights restored after. */
function noisyAccuracy(model: AnalogModel, ex: Examples, layers: AnalogLayerParams[], s: number, draw: number): number {
  const saved = layers.map((l) => l.w.clone());
  try {
    layers.forEach((l) => {
      const seed = draw * 1000 + model.layers.indexOf(l);
      l.w.assign(tf.tidy(() => tf.add(tf.clipByValue(l.w, -l.wMax, l.wMax), tf.randomNormal(l.w.shape, 0, s * l.wMax, 'float32', seed))));
    });
    return floatAccuracy(model, ex);
  } finally {
    layers.forEach((l, i) => l.w.assign(saved[i]!));
    tf.dispose(saved);
  }
}

export async function layerNoise(image: string, task: 'kws' | 'vww', s: number, draws: number): Promise<{ clean: number; all: number; rows: LayerNoiseRow[] }> {
  await useWasmTrainingBackend();
  const graph = getGraph(task);
  const data = loadTaskData(task, sharedDataDir(), 0);
  const model = createModel(graph, 0);
  initFromImage(model, loadWeightImage(image, graph.name), data.calibration(256));
  const mean = (f: (draw: number) => number) => Array.from({ length: draws }, (_, d) => f(d + 1)).reduce((a, b) => a + b, 0) / draws;
  const clean = floatAccuracy(model, data.val);
  const all = mean((d) => noisyAccuracy(model, data.val, model.layers, s, d));
  const rows = model.layers.map((l) => ({ layer: l.spec.name, rows: l.shape.matrixRows, drop: clean - mean((d) => noisyAccuracy(model, data.val, [l], s, d)) }));
  return { clean, all, rows: rows.sort((a, b) => b.drop - a.drop) };
}

function flag(args: string[], name: string, fallback: string): string {
  const i = args.indexOf(name);
  if (i < 0) return fallback;
  const v = args[i + 1];
  if (v === undefined) throw new UserError(`${name} needs a value`);
  return v;
}

async function main(args: string[]): Promise<void> {
  const image = args[0];
  if (!image || image.startsWith('--')) throw new UserError('usage: node dist/bench/layer-noise.js IMAGE [--task vww|kws] [--s 0.05] [--draws 6] [--top 12]');
  const task = flag(args, '--task', 'vww');
  if (task !== 'vww' && task !== 'kws') throw new UserError(`--task must be vww or kws (got ${task})`);
  const s = Number(flag(args, '--s', '0.05'));
  const draws = Number(flag(args, '--draws', '6'));
  const top = Number(flag(args, '--top', '12'));
  if (!(s > 0 && s < 1)) throw new UserError(`--s must be in (0, 1) (got ${s})`);
  if (!(Number.isInteger(draws) && draws >= 1)) throw new UserError(`--draws must be a positive integer (got ${draws})`);
  if (!(Number.isInteger(top) && top >= 1)) throw new UserError(`--top must be a positive integer (got ${top})`);
  const r = await layerNoise(image, task, s, draws);
  const pct = (v: number) => (100 * v).toFixed(1);
  console.log(`${image}: clean ${pct(r.clean)} %, noise σ = ${s}·W_max in every layer ${pct(r.all)} % (mean of ${draws} draws)`);
  console.log('noise in one layer only — points lost:');
  for (const row of r.rows.slice(0, top)) console.log(`  ${row.layer.padEnd(12)} ${String(row.rows).padStart(5)} rows  ${(100 * row.drop).toFixed(2)}`);
}

await runIfMain(import.meta.url, 'layer-noise', main);
