/**
 * Where one stage-2 `full` training step spends its time, on real data: batch 64 from
 * ../shared/data (`--limit`), the model initialised from the stage-1 image with its ranges fitted at
 * the bits, as `aon-cim train --mode full` starts (train.ts).
 *   - whole steps: stage 1 (`baseline`), stage 2 `noise` (no converters) and `full` with the fused
 *     converter op (models/train/fused-quantize.ts) and with the composed tfjs ops it replaced
 *     (keepMask + quantize), alternated round by round so all see the same background load; best round kept;
 *   - the `full` step by component, each timed alone on the tensors of a real forward pass: the
 *     quantization-noise masks and the DAC/ADC quantizers (forward + gradient) composed, the fused
 *     converters, the array ops (forward + gradients), the BN affine (forward + gradient);
 *   - the `full` step by tfjs kernel (tf.profile; composite kernels also count their inner kernels).
 * Run: npx tsc -p tsconfig.json && node dist/bench/train-step.js [vww|kws] [rounds] [--data DIR] [--limit N]
 */
import * as tf from '@tensorflow/tfjs';
import { getGraph } from '../models/graphs/index.js';
import type { Task } from '../models/graphs/types.js';
import { loadWeightImage } from '../models/image/load.js';
import { loadTaskData, type Examples } from '../models/train/data.js';
import { initFromImage } from '../models/train/export.js';
import { createOptimizers, fitRangesForBits, trainStep, type HwConfig, type TrainMode } from '../models/train/hw.js';
import { useWasmTrainingBackend } from '../models/train/kernels.js';
import { keepMask } from '../models/train/keep-mask.js';
import { allVariables, arrayOp, BN_EPSILON, createModel, forward, rDacOf, type AnalogModel, type LayerTap } from '../models/train/model.js';
import { quantizeFused, useFusedQuantize } from '../models/train/fused-quantize.js';
import { clipNoiseSTE, quantize } from '../models/train/ste.js';

const args = process.argv.slice(2);
const flag = (name: string): string | undefined => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const positional = args.filter((a, i) => !a.startsWith('--') && !(i > 0 && args[i - 1]!.startsWith('--')));
const task = (positional[0] ?? 'vww') as Task;
const rounds = Number(positional[1] ?? 3);
const dataDir = flag('--data') ?? process.env['AONCIM_DATA'] ?? '../shared/data';
const limit = Number(flag('--limit') ?? (task === 'vww' ? 200 : 400));
const batch = 64;
const bits = 8;
const eta = task === 'vww' ? 0.2 : 0.1;

await useWasmTrainingBackend();
const graph = getGraph(task);
const data = loadTaskData(task, dataDir, 0, limit);
const { h, w, c } = graph.input;
const per = h * w * c;
const toBatch = (ex: Examples, n: number): tf.Tensor4D => tf.tensor4d(ex.x.subarray(0, n * per), [n, h, w, c]);
const ex = data.trainEpoch(0);
const x = toBatch(ex, batch);
const labels = tf.tensor1d(ex.y.subarray(0, batch), 'int32');
const image = loadWeightImage(`models/${task}/baseline.aonw`, graph.name);

/** A model as `train --mode <mode>` starts it (stage 2: from the stage-1 image, full: fitted ranges). */
function startModel(mode: TrainMode): AnalogModel {
  const model = createModel(graph, 0);
  initFromImage(model, image, data.calibration(256));
  if (mode === 'full') {
    const cal = toBatch(data.calibration(64), 64);
    fitRangesForBits(model, [cal], bits);
    cal.dispose();
  }
  return model;
}

function stepper(mode: TrainMode): { model: AnalogModel; step: () => void } {
  const model = startModel(mode);
  const cfg: HwConfig = { mode, bits, eta: mode === 'baseline' ? 0 : eta, lr: 1e-3 };
  const opt = createOptimizers(model, cfg);
  let s = 0;
  return { model, step: () => void trainStep(model, opt, cfg, x, labels, s++, 1000, 12345 + s) };
}

/** The `full` step with the composed converters (the reference of the fused op). */
function composed(step: () => void): () => void {
  return () => {
    useFusedQuantize(false);
    try {
      step();
    } finally {
      useFusedQuantize(true);
    }
  };
}
const fullComposed = stepper('full');
const steps = {
  'stage 1 (baseline)': stepper('baseline'),
  'stage 2 noise': stepper('noise'),
  'stage 2 full, 8 bit': stepper('full'),
  'full, composed converters': { model: fullComposed.model, step: composed(fullComposed.step) },
};
for (const s of Object.values(steps)) s.step(); // warm-up
const best: Record<string, number> = {};
for (let r = 0; r < rounds; r++) {
  for (const [name, s] of Object.entries(steps)) {
    const t = performance.now();
    s.step();
    best[name] = Math.min(best[name] ?? Infinity, performance.now() - t);
  }
}
console.log(`AnalogNet-${task.toUpperCase()}, batch ${batch}, real data (${data.description}), tfjs ${tf.version.tfjs} wasm, Node ${process.version}, best of ${rounds}`);
for (const [name, ms] of Object.entries(best)) {
  console.log(`  step ${name.padEnd(24)} ${ms.toFixed(0).padStart(7)} ms  ${((1000 * batch) / ms).toFixed(1).padStart(6)} samples/s`);
}
console.log(`  full step composed / fused: ${(best['full, composed converters']! / best['stage 2 full, 8 bit']!).toFixed(2)}×`);
// The two full models took the same steps from the same start, one per path: they must agree bit for bit.
const bitsOf = (m: AnalogModel) =>
  allVariables(m).map((v) => {
    const a = v.dataSync() as Float32Array;
    return Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString('base64');
  });
const identical = JSON.stringify(bitsOf(steps['stage 2 full, 8 bit'].model)) === JSON.stringify(bitsOf(fullComposed.model));
console.log(`  full models after ${rounds + 1} steps, fused vs composed: ${identical ? 'bit-identical' : 'DIFFERENT'}`);

// Components of the full step, each on the shapes of a real training pass.
const full = steps['stage 2 full, 8 bit'].model;
const taps: LayerTap[] = [];
tf.tidy(() => void forward(full, x, { training: false, eta: 0, bits: null, quantNoiseP: 1, seed: 0 }, taps));
const timeIt = (f: () => void): number => {
  f();
  let bestMs = Infinity;
  for (let r = 0; r < rounds; r++) {
    const t = performance.now();
    f();
    bestMs = Math.min(bestMs, performance.now() - t);
  }
  return bestMs;
};
const sync = (ts: tf.Tensor[]): void => ts.forEach((t) => void t.dataSync());
const dacShapes = new Set<string>();
const comp = { masks: 0, quantize: 0, fused: 0, array: 0, bn: 0 };
let converterElements = 0;
full.layers.forEach((layer, i) => {
  const tap = taps[i]!;
  const pre = tap.preActivation as tf.Tensor4D;
  const xin = tap.input as tf.Tensor4D;
  // DAC masks/quantizers: one per stored tensor (the first reader's), ADC: one per layer.
  const sites: Array<[tf.Tensor, tf.Scalar]> = [[pre, layer.rAdc as tf.Scalar]];
  if (!dacShapes.has(layer.spec.input)) {
    dacShapes.add(layer.spec.input);
    sites.push([xin, rDacOf(full, layer)]);
  }
  for (const [t, r] of sites) {
    comp.masks += timeIt(() => tf.dispose(keepMask(t.shape, 0.5, 7)));
    const keep = keepMask(t.shape, 0.5, 7);
    const dy = tf.onesLike(t);
    comp.quantize += timeIt(() => tf.tidy(() => sync(tf.grads((a: tf.Tensor, b: tf.Tensor) => quantize(a, b as tf.Scalar, bits, keep))([t, r], dy))));
    const noise = { p: 0.5, seed: 7 };
    comp.fused += timeIt(() => tf.tidy(() => sync(tf.grads((a: tf.Tensor, b: tf.Tensor) => quantizeFused(a, b as tf.Scalar, bits, noise))([t, r], dy))));
    converterElements += t.size;
    tf.dispose([keep, dy]);
  }
  const dyPre = tf.onesLike(pre);
  comp.array += timeIt(() =>
    tf.tidy(() => {
      const noise = tf.randomNormal(layer.w.shape, 0, eta * layer.wMax, 'float32', 1);
      sync(tf.grads((a: tf.Tensor, b: tf.Tensor) => arrayOp(layer, a as tf.Tensor4D, clipNoiseSTE(b, layer.wMax, noise)))([xin, layer.w], dyPre));
    }),
  );
  if (layer.spec.bn) {
    comp.bn += timeIt(() =>
      tf.tidy(() =>
        sync(
          tf.grads((y: tf.Tensor, g: tf.Tensor, b: tf.Tensor) => {
            const { mean, variance } = tf.moments(y, [0, 1, 2]);
            return tf.add(tf.mul(tf.sub(y, mean), tf.mul(g, tf.rsqrt(tf.add(variance, BN_EPSILON)))), b);
          })([pre, layer.gamma!, layer.beta!], dyPre),
        ),
      ),
    );
  }
  dyPre.dispose();
});
const total = best['stage 2 full, 8 bit']!;
const totalComposed = best['full, composed converters']!;
console.log(`  converters: ${full.layers.length} ADC + ${dacShapes.size} DAC, ${(converterElements / 1e6).toFixed(1)} M elements a step`);
console.log(`    composed: masks ${comp.masks.toFixed(0)} ms + quantize ${comp.quantize.toFixed(0)} ms = ${((100 * (comp.masks + comp.quantize)) / totalComposed).toFixed(0)} % of the composed full step`);
console.log(`    fused: ${comp.fused.toFixed(0)} ms (${((comp.masks + comp.quantize) / comp.fused).toFixed(1)}× faster)`);
console.log(`  full step (fused) by component (each alone, best of ${rounds}; share of the best full step):`);
const rows: Array<[string, number]> = [
  ['DAC/ADC converters (fused), forward + gradient', comp.fused],
  ['array ops (conv/dense), forward + gradients', comp.array],
  ['BN affine, forward + gradient', comp.bn],
];
for (const [name, ms] of rows) console.log(`    ${name.padEnd(46)} ${ms.toFixed(0).padStart(7)} ms  ${((100 * ms) / total).toFixed(0).padStart(3)} %`);
const rest = total - rows.reduce((a, [, ms]) => a + ms, 0);
console.log(`    ${'rest (ReLU, residual, pool, loss, Adam, …)'.padEnd(46)} ${rest.toFixed(0).padStart(7)} ms  ${((100 * rest) / total).toFixed(0).padStart(3)} %`);
taps.forEach((t) => tf.dispose([t.input, t.preActivation]));

// The same step by tfjs kernel.
if (!args.includes('--no-kernels')) {
  const prof = await tf.profile(() => steps['stage 2 full, 8 bit'].step());
  const byKernel = new Map<string, { ms: number; n: number }>();
  for (const k of prof.kernels) {
    const e = byKernel.get(k.name) ?? { ms: 0, n: 0 };
    e.ms += k.kernelTimeMs as number;
    e.n++;
    byKernel.set(k.name, e);
  }
  console.log('  full step by tfjs kernel (top 15; composite kernels include their inner ones):');
  for (const [name, e] of [...byKernel].sort((a, b) => b[1].ms - a[1].ms).slice(0, 15)) {
    console.log(`    ${name.padEnd(28)} ${e.ms.toFixed(0).padStart(7)} ms  ×${e.n}`);
  }
}
