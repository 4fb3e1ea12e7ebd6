/**
 * The fused converter op (models/train/fused-quantize.ts) against the composed form it replaces
 * (keep-mask.ts keepMask + ste.ts quantize, still the trainer's path without the fused op): the same
 * values and gradients, bit for bit (Object.is: also the sign of zeros), with and without quantization
 * noise, on values at the quantizer's edges, over shapes × bit widths × ranges (also negative and zero);
 * a whole training pass's gradients on a real graph; and whole tiny trainings (KWS, VWW; checkpoints and
 * images) with the fused op and with the composed form (useFusedQuantize(false)).
 */
import { copyFileSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { sharedDataDir } from '../../../host/paths.js';
import { getGraph } from '../../../models/graphs/index.js';
import type { Task } from '../../../models/graphs/types.js';
import type { WeightImage } from '../../../models/image/types.js';
import { FUSED_QUANTIZE_WASM_BASE64 } from '../../../models/train/fused-quantize-wasm.js';
import { fusedQuantizeAvailable, quantizeFused, useFusedQuantize, type QuantNoise } from '../../../models/train/fused-quantize.js';
import { rangeVariables, weightVariables } from '../../../models/train/model.js';
import { trainForwardOptions, type HwConfig } from '../../../models/train/hw.js';
import { useWasmTrainingBackend } from '../../../models/train/kernels.js';
import { keepMask } from '../../../models/train/keep-mask.js';
import { createModel, disposeModel, forward } from '../../../models/train/model.js';
import { quantize } from '../../../models/train/ste.js';
import { train, type TrainOptions } from '../../../models/train/train.js';

// The reference: the composed form (ste.ts quantize + keep-mask.ts keepMask) the trainer runs without the fused op.
const reference = (x: tf.Tensor, r: tf.Scalar, bits: number, noise: QuantNoise | null) =>
  quantize(x, r, bits, noise ? keepMask(x.shape, noise.p, noise.seed) : null);

beforeAll(async () => {
  await useWasmTrainingBackend();
});

/** Bit-for-bit equality, -0 ≠ +0, NaN = NaN; reports the first difference. */
function expectSameBits(got: tf.Tensor, want: tf.Tensor, what: string): void {
  expect(got.shape, what).toEqual(want.shape);
  const a = got.dataSync();
  const b = want.dataSync();
  for (let i = 0; i < b.length; i++) {
    if (!Object.is(a[i], b[i])) expect.fail(`${what}: element ${i} is ${a[i]}, the reference ${b[i]}`);
  }
}

/** Seeded values: Gaussian-ish, plus exact half-steps, ±r, beyond ±r, ±0 and tiny negatives. */
function testInput(n: number, r: number, bits: number, seed: number): Float32Array {
  const delta = Math.fround(r / (2 ** (bits - 1) - 1));
  let s = seed >>> 0 || 1;
  const u = () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 4294967296;
  };
  return Float32Array.from({ length: n }, (_, i) => {
    switch (i % 8) {
      case 0: return (Math.floor(u() * 40) - 20 + 0.5) * delta; // half-steps (ties, after rounding to f32)
      case 1: {
        // 3e-8: below tfjs-wasm Sign's 2^−23 threshold (fused-quantize.wat)
        const edges = [0, -0, -1e-30, 3e-8, -(2 ** -23), r, -r, 1e30, -1e30, delta / 2];
        return edges[Math.floor(u() * edges.length)]!;
      }
      case 2: return (u() - 0.5) * 4 * r; // a quarter beyond ±r
      default: return (u() + u() + u() - 1.5) * r;
    }
  });
}

const cases: Array<{ bits: number; r: number; noise: QuantNoise | null }> = [
  { bits: 9, r: 1.7, noise: { p: 0.5, seed: 12345 } }, // an 8-bit chip's DAC
  { bits: 8, r: 23.5, noise: { p: 0.5, seed: 0 } },
  { bits: 4, r: 0.37, noise: { p: 0.5, seed: 0xdeadbeef } },
  { bits: 6, r: 3, noise: { p: 0.3, seed: 7 } },
  { bits: 8, r: 23.5, noise: null },
  { bits: 5, r: 0.9, noise: null },
];

describe('fused converter op = keepMask + quantize (tfjs ops), bit for bit', () => {
  it('is used: the wasm backend with the kernels registered', () => {
    expect(fusedQuantizeAvailable()).toBe(true);
  });

  for (const c of cases) {
    const name = `${c.bits} bits, r = ${c.r}, ${c.noise ? `noise p = ${c.noise.p}` : 'no noise'}`;
    it(`forward and gradients (x, r): ${name}`, () => {
      tf.tidy(() => {
        const shape = [3, 5, 7, 11];
        const n = 3 * 5 * 7 * 11;
        const x = tf.tensor(testInput(n, c.r, c.bits, c.bits * 31 + 1), shape);
        const r = tf.scalar(c.r);
        expectSameBits(quantizeFused(x, r, c.bits, c.noise), reference(x, r, c.bits, c.noise), 'value');
        // A seeded upstream gradient with zeros and both signs.
        const dy = tf.tensor(testInput(n, 2, 8, 99).map((v) => (Math.abs(v) > 1e20 ? 0 : v)), shape);
        const fused = tf.grads((a: tf.Tensor, b: tf.Tensor) => quantizeFused(a, b as tf.Scalar, c.bits, c.noise))([x, r], dy);
        const ref = tf.grads((a: tf.Tensor, b: tf.Tensor) => reference(a, b as tf.Scalar, c.bits, c.noise))([x, r], dy);
        expectSameBits(fused[0]!, ref[0]!, 'dL/dx');
        expectSameBits(fused[1]!, ref[1]!, 'dL/dr');
      });
    });
  }

  // Several shapes (also empty and one element), the trainer's bit widths (ADC b, DAC b + 1), with and
  // without noise (p = 1: every element rounded, the composed form still multiplies by the mask), and
  // ranges the old path accepts though training never makes them: negative and zero (Δ = 0: NaN, ±∞).
  const shapes = [[1], [7, 13], [2, 9, 9, 5], [4, 16, 16, 24]];
  const noises: Array<QuantNoise | null> = [null, { p: 0.5, seed: 41 }, { p: 0.1, seed: 0x9e3779b9 }, { p: 1, seed: 2 }];
  for (const bits of [8, 9, 6, 7, 4, 5]) {
    it(`grid at ${bits} bits: shapes × noise × r ∈ {2.5, 0.013, −1.3, 0}: value, dL/dx, dL/dr`, () => {
      for (const shape of shapes) {
        for (const noise of noises) {
          for (const rv of [2.5, 0.013, -1.3, 0]) {
            tf.tidy(() => {
              const n = shape.reduce((a, b) => a * b, 1);
              const what = `shape [${shape}], ${noise ? `p = ${noise.p}` : 'no noise'}, r = ${rv}`;
              const x = tf.tensor(testInput(n, Math.abs(rv) || 1, bits, n + bits), shape);
              const r = tf.scalar(rv);
              expectSameBits(quantizeFused(x, r, bits, noise), reference(x, r, bits, noise), `${what}: value`);
              const dy = tf.tensor(testInput(n, 3, 8, 7 * n + 1).map((v) => (Math.abs(v) > 1e20 ? 0 : v)), shape);
              const fused = tf.grads((a: tf.Tensor, b: tf.Tensor) => quantizeFused(a, b as tf.Scalar, bits, noise))([x, r], dy);
              const ref = tf.grads((a: tf.Tensor, b: tf.Tensor) => reference(a, b as tf.Scalar, bits, noise))([x, r], dy);
              expectSameBits(fused[0]!, ref[0]!, `${what}: dL/dx`);
              expectSameBits(fused[1]!, ref[1]!, `${what}: dL/dr`);
            });
          }
        }
      }
    });
  }

  it('the gradient of r also where r comes from other variables (eq. 5–6: r_DAC = r_ADC·|S|/W_max)', () => {
    tf.tidy(() => {
      const x = tf.tensor(testInput(2000, 1.1, 9, 5), [2000]);
      const rAdc = tf.scalar(3.2);
      const S = tf.scalar(-0.4);
      const dy = tf.tensor(testInput(2000, 1, 8, 6), [2000]);
      const rDac = (a: tf.Tensor, s: tf.Tensor) => tf.div(tf.mul(a, tf.abs(s)), 1.3) as tf.Scalar;
      const loss = (q: typeof reference) => (a: tf.Tensor, s: tf.Tensor) => tf.sum(tf.mul(q(x, rDac(a, s), 9, { p: 0.5, seed: 3 }), dy));
      const fused = tf.grads(loss(quantizeFused))([rAdc, S]);
      const ref = tf.grads(loss(reference))([rAdc, S]);
      expectSameBits(fused[0]!, ref[0]!, 'dL/dr_ADC');
      expectSameBits(fused[1]!, ref[1]!, 'dL/dS');
    });
  });

  it('a KWS full-8 training pass: logits and every gradient, fused = composed', () => {
    const graph = getGraph('kws');
    const model = createModel(graph, 3);
    // Ranges off 1 so that clipping, rounding and the range gradients all matter.
    model.S.assign(tf.scalar(0.2));
    model.layers.forEach((l, i) => l.rAdc.assign(tf.scalar(2 + i)));
    const x = tf.randomNormal([8, 49, 10, 1], 0, 20, 'float32', 4) as tf.Tensor4D;
    const cfg: HwConfig = { mode: 'full', bits: 8, eta: 0.1, lr: 1e-3, driftGainMin: 0.5 };
    const vars = [...weightVariables(model), ...rangeVariables(model)];
    const pass = (fused: boolean) => {
      useFusedQuantize(fused);
      try {
        return tf.variableGrads(() => tf.sum(tf.mul(forward(model, x, trainForwardOptions(cfg, 77)), tf.range(1, 13))) as tf.Scalar, vars);
      } finally {
        useFusedQuantize(true);
      }
    };
    const a = pass(true);
    const b = pass(false);
    expectSameBits(a.value, b.value, 'loss');
    for (const v of vars) expectSameBits(a.grads[v.name]!, b.grads[v.name]!, `gradient of ${v.name}`);
    tf.dispose([a.value, b.value, ...Object.values(a.grads), ...Object.values(b.grads), x]);
    disposeModel(model);
  });

  it('the committed module is fused-quantize.wat assembled (node models/train/fused-quantize-build.mjs)', async () => {
    // @ts-expect-error the build script is plain JavaScript (a dev tool, outside the compiled sources)
    const { assembleFusedQuantize } = (await import('../../../models/train/fused-quantize-build.mjs')) as { assembleFusedQuantize(): Uint8Array };
    expect(Buffer.from(assembleFusedQuantize()).toString('base64')).toBe(FUSED_QUANTIZE_WASM_BASE64);
    expect(readFileSync(new URL('../../../models/train/fused-quantize.wat', import.meta.url), 'utf8')).toContain('(export "backward")');
  });
});

/**
 * Whole trainings (aon-cim train with --limit, as test/models/train/train.test.ts runs them): every
 * variable, both Adam states and the log after a few steps, and the written image, with the fused op
 * and with the composed tfjs ops (useFusedQuantize(false)), bit for bit.
 */
describe('a few training steps: fused = composed, bit for bit', () => {
  const dir = mkdtempSync(join(tmpdir(), 'aoncim-fused-'));
  type Ckpt = { variables: string[]; weightsOpt: unknown; rangesOpt: unknown; step: number; log: Array<Record<string, number>> };
  const run = async (o: TrainOptions, fused: boolean) => {
    useFusedQuantize(fused);
    try {
      const name = `${o.out}-${fused ? 'fused' : 'composed'}`;
      const r = await train({ ...o, out: `${name}.aonw`, checkpointDir: `${name}-ck` });
      const ck = JSON.parse(readFileSync(join(`${name}-ck`, 'state.json'), 'utf8')) as Ckpt;
      return { image: r.image, ck };
    } finally {
      useFusedQuantize(true);
    }
  };
  const sameImage = (a: WeightImage, b: WeightImage) => {
    expect(Object.is(a.S, b.S), 'S').toBe(true);
    a.layers.forEach((l, i) => {
      const m = b.layers[i]!;
      for (const k of ['wMax', 'rDac', 'rAdc'] as const) expect(Object.is(m[k], l[k]), `${l.name}.${k}`).toBe(true);
      for (const k of ['weights', 'scale', 'offset'] as const) {
        expect(Buffer.from(m[k].buffer, m[k].byteOffset, m[k].byteLength).equals(Buffer.from(l[k].buffer, l[k].byteOffset, l[k].byteLength)), `${l.name}.${k}`).toBe(true);
      }
    });
  };
  const cases: Array<{ task: Task; bits: 8 | 6 | 4; limit: number; batch: number; steps: number; driftGainMin?: number }> = [
    { task: 'kws', bits: 8, limit: 100, batch: 32, steps: 3 },
    { task: 'kws', bits: 4, limit: 100, batch: 32, steps: 3, driftGainMin: 0.5 },
    { task: 'vww', bits: 6, limit: 40, batch: 8, steps: 3, driftGainMin: 0.5 },
  ];
  for (const c of cases) {
    it(`${c.task} full ${c.bits} bit${c.driftGainMin ? ', drift gains' : ''}: ${c.steps} steps of ${c.batch}`, async () => {
      expect(fusedQuantizeAvailable()).toBe(true);
      // A private copy of the stage-1 image (the shipped one may be replaced while this runs).
      const init = join(dir, `${c.task}-baseline.aonw`);
      copyFileSync(new URL(`../../../models/${c.task}/baseline.aonw`, import.meta.url), init);
      const o: TrainOptions = {
        task: c.task,
        mode: 'full',
        bits: c.bits,
        eta: c.task === 'vww' ? 0.2 : 0.1,
        epochs: 1,
        steps: c.steps,
        batch: c.batch,
        lr: 1e-3,
        init,
        out: join(dir, `${c.task}-${c.bits}`),
        seed: 9,
        dataDir: sharedDataDir(),
        resume: false,
        limit: c.limit,
        calibrationExamples: 16,
        ...(c.driftGainMin ? { driftGainMin: c.driftGainMin } : {}),
      };
      const fused = await run(o, true);
      const composed = await run(o, false);
      expect(fused.ck.step).toBe(c.steps);
      expect(fused.ck.variables.length).toBeGreaterThan(0);
      expect(fused.ck.variables).toEqual(composed.ck.variables); // float32 arrays as base64: bit for bit
      expect(fused.ck.weightsOpt).toEqual(composed.ck.weightsOpt);
      expect(fused.ck.rangesOpt).not.toBeNull();
      expect(fused.ck.rangesOpt).toEqual(composed.ck.rangesOpt);
      const scores = (ck: Ckpt) => ck.log.map((e) => [e['step'], e['loss'], e['trainAccuracy'], e['valAccuracy']]);
      expect(scores(fused.ck)).toEqual(scores(composed.ck));
      sameImage(fused.image, composed.image);
    }, 300_000);
  }
});
