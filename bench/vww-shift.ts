/**
 * How a VWW network holds its answer off our 165 held-out images (docs/training.md, "Colour jitter"):
 * float accuracy, and agreement with the MLPerf teacher, on those images and on ten fixed shifted views of
 * them (flip, zooms, darker, brighter, low contrast, warm cast, grey, blurred). The teacher, trained on
 * ~100 k photographs, is the reference: where a student loses more than it under a shift, it learned our
 * 662 images' look rather than the teacher's function. A proxy for images unlike ours, not a measurement
 * of them. Float forward passes (the image's own weights, no chip), deterministic.
 *
 * Run: npm run tsbuild && node dist/bench/vww-shift.js IMAGE… [--data DIR]
 */
import * as tf from '@tensorflow/tfjs';
import { UserError } from '../host/errors.js';
import { argmax } from '../host/eval/run.js';
import { sharedDataDir } from '../host/paths.js';
import { decodeImageFile } from '../host/vision/decode.js';
import { preprocessVwwFrame } from '../host/vision/normalize.js';
import { getGraph } from '../models/graphs/index.js';
import { FloatForwarder } from '../models/image/float-forward-fast.js';
import { loadWeightImage } from '../models/image/load.js';
import { loadTeacherDataset, vwwTeacherPixels } from '../models/teacher/inputs.js';
import { defaultTeacherPath, loadTeacher, TEACHER_INPUT } from '../models/teacher/teacher.js';
import { useWasmTrainingBackend } from '../models/train/kernels.js';
import { SHIFTED_VIEWS } from './vww-shift-views.js';
import { runIfMain } from './run-if-main.js';

const pct = (a: number): string => (100 * a).toFixed(1).padStart(7);

async function main(args: string[]): Promise<void> {
  const usage = 'usage: vww-shift.js IMAGE… [--data DIR]';
  const d = args.indexOf('--data');
  const dataDir = d >= 0 ? args[d + 1] : sharedDataDir();
  const paths = d >= 0 ? args.filter((_, i) => i !== d && i !== d + 1) : args;
  if (paths.length === 0 || dataDir === undefined || paths.some((p) => p.startsWith('--'))) throw new UserError(usage);
  const graph = getGraph('vww');
  const nets = paths.map((p) => ({ name: p, net: new FloatForwarder(graph, loadWeightImage(p, graph.name)) }));
  await useWasmTrainingBackend();
  const teacher = loadTeacher(defaultTeacherPath('vww'), 'vww');
  const ds = loadTeacherDataset(dataDir, 'vww', 0);
  const images = ds.examples.map((e) => decodeImageFile(e.path));
  const labels = ds.examples.map((e) => e.label);
  const n = images.length;
  const rate = (pred: number[], ref: number[]): number => pred.filter((c, k) => c === ref[k]).length / n;
  const acc = new Map<string, number[]>([['teacher', []], ...nets.map((m) => [m.name, []] as [string, number[]])]);
  const agree = new Map<string, number[]>(nets.map((m) => [m.name, []]));
  for (const view of SHIFTED_VIEWS) {
    const shown = images.map(view.apply);
    const { h, w, c } = TEACHER_INPUT.vww;
    const tIn = new Float32Array(n * h * w * c);
    shown.forEach((im, k) => tIn.set(vwwTeacherPixels(im), k * h * w * c));
    const tl = tf.tidy(() => teacher.logits(tf.tensor4d(tIn, [n, h, w, c])).dataSync() as Float32Array);
    const k = tl.length / n;
    const t = Array.from({ length: n }, (_, i) => argmax(tl.subarray(i * k, (i + 1) * k)));
    acc.get('teacher')!.push(rate(t, labels));
    for (const { name, net } of nets) {
      const s = shown.map((im) => argmax(net.forward(preprocessVwwFrame(im))));
      acc.get(name)!.push(rate(s, labels));
      agree.get(name)!.push(rate(s, t));
    }
  }
  const mean = (v: number[]): number => v.reduce((a, b) => a + b, 0) / v.length;
  const names = SHIFTED_VIEWS.map((v) => v.name.padStart(7)).join('');
  console.log(`${n} held-out images (split seed 0), float; "shifted" = mean over the views after the first`);
  console.log(`accuracy %`.padEnd(40) + names + '  shifted');
  for (const [name, v] of acc) console.log(name.slice(-38).padEnd(40) + v.map(pct).join('') + pct(mean(v.slice(1))));
  console.log(`agreement with the teacher %`.padEnd(40) + names + '  shifted');
  for (const [name, v] of agree) console.log(name.slice(-38).padEnd(40) + v.map(pct).join('') + pct(mean(v.slice(1))));
}

await runIfMain(import.meta.url, 'vww-shift', main);
