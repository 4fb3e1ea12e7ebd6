/**
 * How much of the VWW teacher's pooled features a student's pooled features carry, and whether that
 * holds on images it never trained on (docs/training.md, "Feature distillation"). Float forward passes
 * (no converters) of each image and of the teacher on seed 0's split: a ridge map (feature-distill.ts
 * ridgeFit, the same standardisation and live channels as --feature-kd) is fitted on the first half of
 * the training images; R² = 1 − its loss / the loss of predicting the mean, on the other half and on the
 * held-out images. Also the share of images where student and teacher pick the same class.
 *
 * Run: npm run tsbuild && node dist/bench/feature-match.js IMAGE… [--teacher FILE]
 */
import * as tf from '@tensorflow/tfjs';
import { UserError } from '../host/errors.js';
import { runIfMain } from './run-if-main.js';
import { sharedDataDir } from '../host/paths.js';
import { getGraph } from '../models/graphs/index.js';
import { loadWeightImage } from '../models/image/load.js';
import { defaultTeacherPath } from '../models/teacher/spec.js';
import { loadTeacher, type Teacher } from '../models/teacher/teacher.js';
import { loadTaskData, type Examples } from '../models/train/data.js';
import { initFromImage } from '../models/train/export.js';
import { concatRows, FeatureHead, featureStats, ridgeFit, standardiseRows } from '../models/train/feature-distill.js';
import { useWasmTrainingBackend } from '../models/train/kernels.js';
import { createModel, disposeModel, forward, type AnalogModel, type PooledOut } from '../models/train/model.js';

interface Features {
  student: Float32Array;
  teacher: Float32Array;
  count: number;
  /** Examples where the two argmaxes agree. */
  agree: number;
}

/** Pooled features of the student (network input x) and the teacher (its own input tx), batch by batch. */
function features(model: AnalogModel, teacher: Teacher, ex: Examples, teacherX: (start: number, n: number) => tf.Tensor4D): Features {
  const { h, w, c } = model.graph.input;
  const per = h * w * c;
  const s: Float32Array[] = [];
  const t: Float32Array[] = [];
  let agree = 0;
  for (let i = 0; i < ex.count; i += 64) {
    const n = Math.min(64, ex.count - i);
    tf.tidy(() => {
      const pooled: PooledOut = {};
      const logits = forward(model, tf.tensor4d(ex.x.subarray(i * per, (i + n) * per), [n, h, w, c]), { training: false, eta: 0, bits: null, quantNoiseP: 1, seed: 0 }, undefined, pooled);
      const r = teacher.logitsAndFeatures(teacherX(i, n));
      s.push(Float32Array.from(pooled.value!.dataSync() as Float32Array));
      t.push(Float32Array.from(r.features.dataSync() as Float32Array));
      agree += tf.sum(tf.cast(tf.equal(tf.argMax(logits, 1), tf.argMax(r.logits, 1)), 'int32')).dataSync()[0]!;
    });
  }
  return { student: concatRows(s), teacher: concatRows(t), count: ex.count, agree };
}

export interface FeatureMatch {
  image: string;
  /** R² of the half-fitted ridge map on the other training half and on the held-out images. */
  r2TrainHalf: number;
  r2HeldOut: number;
  teacherAgreementTrain: number;
  teacherAgreementHeldOut: number;
}

export async function featureMatch(images: string[], teacherPath: string): Promise<FeatureMatch[]> {
  await useWasmTrainingBackend();
  const graph = getGraph('vww');
  const data = loadTaskData('vww', sharedDataDir(), 0);
  const teacher = loadTeacher(teacherPath, 'vww');
  const { h: th, w: tw, c: tc } = teacher.input;
  const tPer = th * tw * tc;
  const epoch = data.trainEpoch(0, { teacherInput: teacher.input });
  const trainTx = (i: number, n: number) => tf.tensor4d(epoch.teacherX!.subarray(i * tPer, (i + n) * tPer), [n, th, tw, tc]);
  const { h, w, c } = graph.input;
  // Held-out images as the teacher sees them: the network's input resized, as the trainer's views are.
  const valTx = (i: number, n: number) => tf.image.resizeBilinear(tf.tensor4d(data.val.x.subarray(i * h * w * c, (i + n) * h * w * c), [n, h, w, c]), [th, tw]);
  const out: FeatureMatch[] = [];
  for (const image of images) {
    const model = createModel(graph, 0);
    initFromImage(model, loadWeightImage(image, graph.name), data.calibration(256));
    const train = features(model, teacher, epoch, trainTx);
    const held = features(model, teacher, data.val, valTx);
    disposeModel(model);
    const sw = train.student.length / train.count;
    const width = teacher.featureWidth;
    const half = train.count >> 1;
    const stats = featureStats(train.teacher.subarray(0, half * width), width);
    const fitted = new FeatureHead(sw, width, stats, ridgeFit(train.student.subarray(0, half * sw), sw, standardiseRows(train.teacher.subarray(0, half * width), stats), width));
    const meanOnly = new FeatureHead(sw, width, stats, { proj: new Float32Array(sw * width), bias: new Float32Array(width) });
    const loss = (head: FeatureHead, s: Float32Array, t: Float32Array, n: number) =>
      tf.tidy(() => head.loss(tf.tensor2d(s, [n, sw]), tf.tensor2d(t, [n, width])).dataSync()[0]!);
    const r2 = (s: Float32Array, t: Float32Array, n: number) => 1 - loss(fitted, s, t, n) / loss(meanOnly, s, t, n);
    out.push({
      image,
      r2TrainHalf: r2(train.student.subarray(half * sw), train.teacher.subarray(half * width), train.count - half),
      r2HeldOut: r2(held.student, held.teacher, held.count),
      teacherAgreementTrain: train.agree / train.count,
      teacherAgreementHeldOut: held.agree / held.count,
    });
    fitted.dispose();
    meanOnly.dispose();
  }
  teacher.dispose();
  return out;
}

async function main(args: string[]): Promise<void> {
  const ti = args.indexOf('--teacher');
  const teacherPath = ti >= 0 ? args[ti + 1] : defaultTeacherPath('vww');
  if (teacherPath === undefined) throw new UserError('--teacher needs a file');
  const images = args.filter((_, i) => i !== ti && i !== ti + 1 || ti < 0);
  if (images.length === 0) throw new UserError('usage: node dist/bench/feature-match.js IMAGE… [--teacher FILE]');
  for (const r of await featureMatch(images, teacherPath)) {
    const pct = (v: number) => `${(100 * v).toFixed(1)} %`;
    console.log(`${r.image}: R² of the teacher's live features, other training half ${r.r2TrainHalf.toFixed(3)}, held out ${r.r2HeldOut.toFixed(3)}; teacher agreement ${pct(r.teacherAgreementTrain)} / ${pct(r.teacherAgreementHeldOut)}`);
  }
}

await runIfMain(import.meta.url, 'feature-match', main);
