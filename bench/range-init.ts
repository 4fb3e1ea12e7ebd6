/**
 * Where a `full` run's converter ranges start, measured before any training: validation accuracy of a
 * stage-1 image through the trainer's converter model (eq. 4, no noise) at 8/6/4 bit with
 *   - `calibrated`: contracts §1's 99.995th-percentile ranges (one set for all bit widths);
 *   - `fitted`: MSE-optimal ranges at each bit width (hw.ts fitRangesForBits).
 * Also prints each layer's fraction of ADC codes that are zero, the symptom of a range too wide.
 * Run: npx tsc -p tsconfig.json && node dist/bench/range-init.js [kws|vww] [image]
 */
import * as tf from '@tensorflow/tfjs';
import { sharedDataDir, repoPath } from '../host/paths.js';
import { getGraph } from '../models/graphs/index.js';
import type { Task } from '../models/graphs/types.js';
import { loadWeightImage } from '../models/image/load.js';
import { initFromImage } from '../models/train/export.js';
import { calibrateRanges, fitRangesForBits, type CalibratedRanges } from '../models/train/hw.js';
import { useWasmTrainingBackend } from '../models/train/kernels.js';
import { createModel, rDacOf } from '../models/train/model.js';
import { loadTaskData } from '../models/train/data.js';
import { accuracy } from '../models/train/train.js';

const task = (process.argv[2] ?? 'kws') as Task;
const imagePath = process.argv[3] ?? repoPath('models', task, 'baseline.aonw');
await useWasmTrainingBackend();
const graph = getGraph(task);
const data = loadTaskData(task, sharedDataDir(), 0);
const image = loadWeightImage(imagePath, graph.name);
const model = createModel(graph, 0);
initFromImage(model, image, data.calibration(256));
const { h, w, c } = graph.input;
const cal = data.calibration(256);
const batches = [tf.tensor4d(cal.x, [cal.count, h, w, c])];

const fmt = (r: CalibratedRanges) => `S ${r.S.toFixed(4)}; r_ADC ${model.layers.map((l) => l.rAdc.dataSync()[0]!.toFixed(2)).join(' ')}; r_DAC ${model.layers.map((l) => rDacOf(model, l).dataSync()[0]!.toFixed(2)).join(' ')}`;

console.log(`${imagePath}: float ${(100 * accuracy(model, data.val, null)).toFixed(1)} % on ${data.val.count} validation examples`);
const cr = calibrateRanges(model, batches);
console.log(`calibrated: ${fmt(cr)}`);
for (const b of [8, 6, 4]) console.log(`  ${b} bit: ${(100 * accuracy(model, data.val, b)).toFixed(1)} %`);
for (const b of [8, 6, 4]) {
  const fr = fitRangesForBits(model, batches, b);
  console.log(`fitted ${b} bit: ${(100 * accuracy(model, data.val, b)).toFixed(1)} %  (${fmt(fr)})`);
}
