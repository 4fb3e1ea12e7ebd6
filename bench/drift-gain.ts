/**
 * What drift at the ADC alone costs an image (docs/training.md, "Drift at the ADC"): the trainer's
 * evaluation pass (clipped weights, no noise, converters at the image's bits) with every ADC quantizing
 * g·y and its output divided by g, for g the mean drift factor of a full-scale device at eval's times
 * (paper preset: mean G read at t over mean G read at 25 s of 200,000 devices at 25 µS, sampled on the
 * chip's own device model, host/chip/device-stats.ts). The chip's digital GDC
 * scales a layer's outputs back only after its ADC, so this isolates the converter resolution that drift
 * takes, without programming or read noise; in seconds, where `eval` takes minutes.
 *
 * It predicts the chip's figures over time where the converters dominate: KWS full-4 (kws-full4-longfff,
 * session 16) reads 86.7 / 84.6 / 86.0 / 82.5 / 77.0 % here at 25 s / 1 h / 1 d / 1 mo / 1 y against
 * 86.7 / 85.3 / 85.9 / 81.6 / 74.6 % on 25 chips; a VWW full-4 trained with batch statistics
 * (vww-full4-g5) 78.2 / 69.7 / 67.9 % at g = 1 / 0.78 / 0.665 against 77.5 / 69.7 / 65.7 % (25 s / 1 h / 1 d).
 *
 * Run: npm run tsbuild && node dist/bench/drift-gain.js kws|vww IMAGE [--gains 1,0.78,0.67,0.57,0.5]
 */
import { FIGURE7_TIMES, formatDuration, parseDurationList } from '../host/cli/options.js';
import { deviceStats, G_MAX_US } from '../host/chip/device-stats.js';
import { UserError } from '../host/errors.js';
import { sharedDataDir } from '../host/paths.js';
import { getGraph } from '../models/graphs/index.js';
import { loadWeightImage } from '../models/image/load.js';
import { initFromImage } from '../models/train/export.js';
import { useWasmTrainingBackend } from '../models/train/kernels.js';
import { createModel } from '../models/train/model.js';
import { loadTaskData } from '../models/train/data.js';
import { accuracy } from '../models/train/train.js';
import { runIfMain } from './run-if-main.js';

/** Mean G read at t of the same full-scale devices (paper preset, seeded). */
async function fullScaleRead(tSeconds: number): Promise<number> {
  return (await deviceStats({ preset: 'paper', gUs: G_MAX_US, tSeconds, n: 200_000, seed: 0 })).read.mean;
}

async function main(args: string[]): Promise<void> {
  const usage = 'usage: drift-gain.js kws|vww IMAGE [--gains g1,g2,…]';
  const [task, path, flag, list] = args;
  if ((task !== 'kws' && task !== 'vww') || path === undefined || (flag !== undefined && flag !== '--gains') || (flag !== undefined && list === undefined)) throw new UserError(usage);
  // g: the mean read at each time over the mean read at 25 s (eval's first time).
  const at25s = list === undefined ? await fullScaleRead(25) : 0;
  const rows: { label: string; g: number }[] =
    list === undefined
      ? await Promise.all(parseDurationList(FIGURE7_TIMES).map(async (t) => ({ label: formatDuration(t), g: (await fullScaleRead(t)) / at25s })))
      : list.split(',').map((v) => ({ label: '', g: Number(v) }));
  for (const r of rows) if (!(r.g > 0 && r.g <= 1)) throw new UserError(`--gains: each gain must be in (0, 1] (got "${list}")`);
  const graph = getGraph(task);
  const image = loadWeightImage(path, graph.name);
  const bits = image.training?.bits;
  if (image.training?.method !== 'full' || bits === undefined) throw new UserError(`${path} is not a full image trained at known bits: drift at the ADC needs its converters`);
  await useWasmTrainingBackend();
  const data = loadTaskData(task, sharedDataDir(), 0);
  const model = createModel(graph, 0);
  initFromImage(model, image, data.calibration(256));
  console.log(`${path}: ${bits}-bit converters, ${data.val.count} validation examples; every ADC sees g·y, its output divided by g`);
  for (const r of rows) {
    const acc = accuracy(model, data.val, bits, 256, r.g);
    console.log(`  ${r.label.padEnd(4)} g ${r.g.toFixed(3)}  ${(100 * acc).toFixed(1)} %`);
  }
}

await runIfMain(import.meta.url, 'drift-gain', main);
