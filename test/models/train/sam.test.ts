/**
 * Sharpness-aware steps (--sam, sam.ts): the perturbation is ρ·T²g/‖Tg‖ (hand-computed), it is the
 * first-order worst point of the W_max-unit ball (no other direction of that size raises a quadratic
 * loss more), variables come back bit for bit, and a SAM step equals a plain step whose gradient is taken
 * at w + e and applied at w, with BN's moving statistics moved once. A run with it is another run than
 * without, resumed bit-identically; radii outside (0, 20] are refused.
 */
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { UserError } from '../../../host/errors.js';
import { sharedDataDir } from '../../../host/paths.js';
import { createOptimizers, trainForwardOptions, trainStep, type HwConfig } from '../../../models/train/hw.js';
import { useWasmTrainingBackend } from '../../../models/train/kernels.js';
import { createModel, disposeModel, forward, type AnalogModel } from '../../../models/train/model.js';
import { MAX_SAM_RHO } from '../../../models/train/options.js';
import { samPerturbation, withPerturbation } from '../../../models/train/sam.js';
import { train } from '../../../models/train/train.js';
import { denseGraph } from './dense-graph.js';
import { imageWeights, stoppedAndResumed, tinyKwsRun } from './tiny-run.js';

beforeAll(async () => {
  await useWasmTrainingBackend();
});

const values = (ts: tf.Tensor[]): number[][] => ts.map((t) => Array.from(t.dataSync()));

describe('samPerturbation', () => {
  it('ρ·s²·g / ‖(s·g)‖: one layer [3, 4] → ρ·[0.6, 0.8]; two layers scaled 2 and 1', () => {
    const one = samPerturbation([tf.tensor1d([3, 4])], [1], 0.5);
    values(one)[0]!.forEach((v, i) => expect(v).toBeCloseTo(0.5 * [0.6, 0.8][i]!, 6));
    // g = ([1], [1]), s = (2, 1): ‖Tg‖ = √5, e = ρ·(4/√5, 1/√5); in W_max units ‖T⁻¹e‖ = ρ.
    const two = values(samPerturbation([tf.tensor1d([1]), tf.tensor1d([1])], [2, 1], 0.3));
    expect(two[0]![0]).toBeCloseTo((0.3 * 4) / Math.sqrt(5), 6);
    expect(two[1]![0]).toBeCloseTo(0.3 / Math.sqrt(5), 6);
    expect(Math.hypot(two[0]![0]! / 2, two[1]![0]! / 1)).toBeCloseTo(0.3, 6);
    expect(values(samPerturbation([tf.zeros([3])], [1], 1))[0]).toEqual([0, 0, 0]);
    expect(() => samPerturbation([tf.zeros([1])], [1, 2], 1)).toThrow(RangeError);
  });

  it('is the worst direction of its ball to first order: 200 random directions of the same W_max-unit size raise L = Σ a·w² less', () => {
    // Two "layers" of 5 weights, W_max 0.5 and 2; a small radius, so first order decides.
    const a = [[1, 3, 0.5, 2, 4], [0.2, 1, 5, 0.7, 2]];
    const w = [[0.3, -0.1, 0.4, 0.2, -0.3], [1.1, -0.6, 0.2, 0.9, -1.4]];
    const s = [0.5, 2];
    const rho = 1e-3;
    const loss = (v: number[][]) => v.reduce((acc, layer, l) => acc + layer.reduce((t, x, i) => t + a[l]![i]! * x * x, 0), 0);
    const grad = w.map((layer, l) => tf.tensor1d(layer.map((x, i) => 2 * a[l]![i]! * x)));
    const e = values(samPerturbation(grad, s, rho));
    const rise = loss(w.map((layer, l) => layer.map((x, i) => x + e[l]![i]!))) - loss(w);
    expect(rise).toBeGreaterThan(0);
    let seed = 7;
    const uniform = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648) * 2 - 1;
    for (let k = 0; k < 200; k++) {
      const u = w.map((layer) => layer.map(() => uniform()));
      const norm = Math.hypot(...u.flat());
      // d = T·u·ρ/‖u‖ has ‖T⁻¹d‖ = ρ, as e has.
      const d = u.map((layer, l) => layer.map((x) => (s[l]! * x * rho) / norm));
      expect(loss(w.map((layer, l) => layer.map((x, i) => x + d[l]![i]!))) - loss(w)).toBeLessThan(rise);
    }
  });
});

describe('withPerturbation', () => {
  it('runs with the variables moved and restores them bit for bit, also when the body throws', () => {
    const v = tf.variable(tf.tensor1d([0.1, 0.7, -0.3]));
    const e = tf.tensor1d([1e-3, 3e-8, 0.25]);
    const before = Array.from(v.dataSync());
    const inside = withPerturbation([v], [e], () => Array.from(v.dataSync()));
    inside.forEach((x, i) => expect(x).toBeCloseTo(before[i]! + e.dataSync()[i]!, 6));
    expect(Array.from(v.dataSync())).toEqual(before);
    expect(() => withPerturbation([v], [e], () => { throw new Error('body'); })).toThrow('body');
    expect(Array.from(v.dataSync())).toEqual(before);
  });
});

describe('a SAM step', () => {
  const C = 6;
  const graph = denseGraph(C, true);
  const fresh = (): AnalogModel => {
    const m = createModel(graph, 5);
    m.layers[0]!.wMax = 0.5;
    return m;
  };
  const cfg: HwConfig = { mode: 'noise', bits: 8, eta: 0.05, lr: 1e-2 };

  it('= the gradient at w + e (e by hand: ρ·W_max·g/‖g‖) applied at w; the loss reported is the one at w; BN statistics move once', () => {
    const rho = 0.4;
    const x = tf.randomNormal([32, 1, 1, C], 0, 1, 'float32', 9) as tf.Tensor4D;
    const y = tf.tensor1d(Array.from({ length: 32 }, (_, i) => (i * 5) % C), 'int32');
    const seed = 123;

    // SAM.
    const a = fresh();
    const aOpt = createOptimizers(a, { ...cfg, sam: rho });
    const aStep = trainStep(a, aOpt, { ...cfg, sam: rho }, x, y, 0, 10, seed);

    // By hand: the gradient g at w (the same pass: same noise draws, BN statistics left alone), e = ρ·W_max·g/‖g‖
    // (one layer: ρ·s²·g/(s·‖g‖)), then a plain step taken at w + e, and e taken off again.
    const b = fresh();
    const bOpt = createOptimizers(b, cfg);
    const l = b.layers[0]!;
    const { value, grads } = tf.variableGrads(() => {
      const logits = forward(b, x, { ...trainForwardOptions(cfg, seed), bnMomentum: 1 });
      return tf.losses.softmaxCrossEntropy(tf.oneHot(y, C), logits) as tf.Scalar;
    }, [l.w]);
    const g = Array.from(grads[l.w.name]!.dataSync());
    const norm = Math.hypot(...g);
    const e = g.map((v) => (rho * 0.5 * v) / norm);
    const w0 = Array.from(l.w.dataSync());
    l.w.assign(tf.tensor(w0.map((v, i) => v + e[i]!), l.w.shape));
    trainStep(b, bOpt, cfg, x, y, 0, 10, seed);
    const wB = Array.from(l.w.dataSync()).map((v, i) => v - e[i]!);

    expect(aStep.loss).toBeCloseTo(value.dataSync()[0]!, 6);
    const wA = Array.from(a.layers[0]!.w.dataSync());
    wA.forEach((v, i) => expect(v).toBeCloseTo(wB[i]!, 6));
    // The step moved w (Adam's first step: about lr/10 per weight), and differently from a plain step at w.
    expect(Math.max(...wA.map((v, i) => Math.abs(v - w0[i]!)))).toBeGreaterThan(5e-4);
    const c = fresh();
    const cOpt = createOptimizers(c, cfg);
    trainStep(c, cOpt, cfg, x, y, 0, 10, seed);
    expect(Array.from(c.layers[0]!.w.dataSync())).not.toEqual(wA);
    for (const k of ['movingMean', 'movingVar'] as const) {
      const sa = Array.from(a.layers[0]![k]!.dataSync());
      const sb = Array.from(l[k]!.dataSync());
      sa.forEach((v, i) => expect(v).toBeCloseTo(sb[i]!, 6));
      expect(sa).not.toEqual(Array.from(c.layers[0]![k]!.dataSync()));
    }
    tf.dispose([x, y, value, ...Object.values(grads)]);
    [a, b, c].forEach(disposeModel);
    [aOpt, bOpt, cOpt].forEach((o) => o.weights.dispose());
  });
});

const have = existsSync(join(sharedDataDir(), 'speech_commands/index.csv'));

describe.skipIf(!have)('train --sam (real data)', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'aoncim-sam-'));
  });

  it('another run than without it, resumed bit-identically; logged in the config; bad radii refused', async () => {
    const stage1 = await train(tinyKwsRun(dir, 's1', 3));
    const full = (name: string) => ({ ...tinyKwsRun(dir, name, 3), mode: 'full' as const, init: stage1.imagePath, rangeInit: 'fitted' as const });
    const a = await train({ ...full('sam'), sam: 0.25 });
    expect(a.log.config.sam).toBe(0.25);
    const plain = await train(full('plain'));
    expect(plain.log.config.sam).toBeUndefined();
    expect(imageWeights(plain.imagePath)).not.toEqual(imageWeights(a.imagePath));
    expect(imageWeights(await stoppedAndResumed({ ...full('samr'), sam: 0.25 }))).toEqual(imageWeights(a.imagePath));
    await expect(train({ ...full('zero'), sam: 0 })).rejects.toThrow(UserError);
    await expect(train({ ...full('big'), sam: MAX_SAM_RHO + 1 })).rejects.toThrow(UserError);
  }, 240_000);
});
