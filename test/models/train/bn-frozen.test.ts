/**
 * Stage 2 with frozen BN statistics (`--bn-stats frozen`): a training pass normalises with the moving
 * statistics and leaves them alone, so a weight perturbation's per-channel shift ΔW·E[x] reaches the
 * output as it does on the chip (BN folded into fixed factors), where batch statistics subtract it.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { trainForwardOptions } from '../../../models/train/hw.js';
import { useWasmTrainingBackend } from '../../../models/train/kernels.js';
import { createModel, forward, type AnalogModel } from '../../../models/train/model.js';
import { denseGraph } from './dense-graph.js';

const C = 8;
const N = 64;
const graph = denseGraph(C, true);
let model: AnalogModel;
let x: tf.Tensor4D;
const base = { eta: 0, bits: null, quantNoiseP: 1, seed: 3 };

beforeAll(async () => {
  await useWasmTrainingBackend();
  model = createModel(graph, 1);
  const l = model.layers[0]!;
  l.movingMean!.assign(tf.linspace(-0.5, 0.5, C));
  l.movingVar!.assign(tf.linspace(0.5, 2, C));
  l.gamma!.assign(tf.linspace(0.8, 1.2, C));
  l.beta!.assign(tf.linspace(-0.1, 0.1, C));
  x = tf.randomUniform([N, 1, 1, C], 0, 1, 'float32', 11) as tf.Tensor4D; // ≥ 0, like inputs after a ReLU
});

const columnMeans = (t: tf.Tensor): number[] => Array.from(tf.mean(tf.reshape(t, [-1, t.shape[t.shape.length - 1]!]), 0).dataSync());

describe('--bn-stats frozen', () => {
  it('a training pass with frozen statistics equals the evaluation pass and leaves the moving statistics alone', () => {
    const l = model.layers[0]!;
    const before = [l.movingMean!.dataSync().slice(), l.movingVar!.dataSync().slice()];
    const frozen = forward(model, x, { ...base, training: true, bnFrozen: true }).dataSync();
    expect(Array.from(frozen)).toEqual(Array.from(forward(model, x, { ...base, training: false }).dataSync()));
    expect([l.movingMean!.dataSync(), l.movingVar!.dataSync()]).toEqual(before);
    // Batch statistics: each column's batch mean is β after BN, and the moving statistics move.
    const batch = forward(model, x, { ...base, training: true, bnMomentum: 0.5 });
    columnMeans(batch).forEach((m, j) => expect(m).toBeCloseTo(l.beta!.dataSync()[j]!, 4));
    expect(Array.from(l.movingMean!.dataSync())).not.toEqual(Array.from(before[0]!));
    l.movingMean!.assign(tf.tensor1d(before[0]!));
    l.movingVar!.assign(tf.tensor1d(before[1]!));
  });

  it('a shift δ of one weight column reaches the output as δ·Σx̄·γ/√(σ²+ε) with frozen statistics, and not with batch statistics', () => {
    const l = model.layers[0]!;
    const j = 5;
    const delta = 0.05;
    const w0 = l.w.clone();
    const frozen0 = columnMeans(forward(model, x, { ...base, training: true, bnFrozen: true }));
    const batch0 = columnMeans(forward(model, x, { ...base, training: true, bnMomentum: 1 }));
    l.w.assign(tf.add(w0, tf.oneHot(tf.fill([C], j, 'int32'), C).mul(delta)));
    const frozen1 = columnMeans(forward(model, x, { ...base, training: true, bnFrozen: true }));
    const batch1 = columnMeans(forward(model, x, { ...base, training: true, bnMomentum: 1 }));
    l.w.assign(w0);
    const sumMeanX = columnMeans(x).reduce((a, b) => a + b, 0); // Σ_i E[x_i]: every row of column j moved by δ
    const k = l.gamma!.dataSync()[j]! / Math.sqrt(l.movingVar!.dataSync()[j]! + 1e-3);
    expect(frozen1[j]! - frozen0[j]!).toBeCloseTo(delta * sumMeanX * k, 4);
    expect(batch1[j]! - batch0[j]!).toBeCloseTo(0, 4);
    for (let c = 0; c < C; c++) if (c !== j) expect(frozen1[c]).toBeCloseTo(frozen0[c]!, 6);
  });

  it('stage 2 only: trainForwardOptions sets it for noise/full runs that ask, never for stage 1', () => {
    const cfg = { bits: 8 as const, eta: 0.1, lr: 1e-3, bnFrozen: true };
    expect(trainForwardOptions({ ...cfg, mode: 'full' }, 1).bnFrozen).toBe(true);
    expect(trainForwardOptions({ ...cfg, mode: 'noise' }, 1).bnFrozen).toBe(true);
    expect(trainForwardOptions({ ...cfg, mode: 'baseline' }, 1).bnFrozen).toBeUndefined();
    expect(trainForwardOptions({ ...cfg, mode: 'full', bnFrozen: false }, 1).bnFrozen).toBeUndefined();
  });
});
