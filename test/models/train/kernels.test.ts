/**
 * The wasm conv-gradient kernels against the tfjs `cpu` backend's gradients (computed in a child
 * process: one backend per process). Stride 1 and 2, 'same' padding, odd and even sizes/kernels.
 */
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { useWasmTrainingBackend } from '../../../models/train/kernels.js';

interface Case {
  xShape: [number, number, number, number];
  wShape: [number, number, number, number];
  dyShape: [number, number, number, number];
  stride: number;
  x: number[];
  w: number[];
  dy: number[];
}

/** Deterministic values in [−1, 1) (a 32-bit LCG): the same inputs reach both backends. */
function values(n: number, seed: number): number[] {
  let s = seed >>> 0;
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out.push(s / 2 ** 31 - 1);
  }
  return out;
}

const size = (s: number[]) => s.reduce((a, b) => a * b, 1);

function makeCase(xShape: Case['xShape'], k: [number, number], cout: number, stride: number, seed: number): Case {
  const wShape: Case['wShape'] = [k[0], k[1], xShape[3], cout];
  const dyShape: Case['dyShape'] = [xShape[0], Math.ceil(xShape[1] / stride), Math.ceil(xShape[2] / stride), cout];
  return { xShape, wShape, dyShape, stride, x: values(size(xShape), seed), w: values(size(wShape), seed + 1), dy: values(size(dyShape), seed + 2) };
}

const cases: Case[] = [
  makeCase([3, 49, 10, 1], [10, 4], 8, 2, 1), // AnalogNet-KWS's first layer shape class
  makeCase([2, 25, 5, 6], [3, 3], 5, 1, 2),
  makeCase([2, 12, 9, 4], [3, 3], 7, 2, 3),
  makeCase([2, 8, 8, 3], [4, 4], 2, 2, 4), // even kernel: asymmetric 'same' padding
  makeCase([2, 7, 6, 5], [1, 1], 6, 1, 5),
  makeCase([2, 7, 6, 5], [1, 1], 6, 2, 6),
  makeCase([2, 11, 11, 3], [5, 5], 4, 2, 7),
];

let ref: Array<{ dx: number[]; dw: number[]; y: number[] }>;

beforeAll(async () => {
  const script = fileURLToPath(new URL('./conv-grad-cpu-ref.mjs', import.meta.url));
  ref = JSON.parse(execFileSync(process.execPath, [script], { input: JSON.stringify(cases), maxBuffer: 1 << 28 }).toString());
  await useWasmTrainingBackend();
});

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

describe('wasm conv2d gradient kernels vs cpu backend', () => {
  it('runs on the wasm backend', () => {
    expect(tf.getBackend()).toBe('wasm');
  });

  cases.forEach((c, i) => {
    it(`x ${c.xShape.join('×')}, k ${c.wShape[0]}×${c.wShape[1]}, stride ${c.stride}`, () => {
      const x = tf.tensor4d(c.x, c.xShape);
      const w = tf.tensor4d(c.w, c.wShape);
      const dy = tf.tensor4d(c.dy, c.dyShape);
      const [dx, dw] = tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, c.stride, 'same'))([x, w], dy);
      const r = ref[i]!;
      // float32 sums of up to a few hundred products of values in [−1, 1]: 1e-4 absolute.
      const dW = maxAbsDiff(dw!.dataSync(), r.dw);
      const dX = maxAbsDiff(dx!.dataSync(), r.dx);
      expect(maxAbsDiff(tf.conv2d(x, w, c.stride, 'same').dataSync(), r.y)).toBeLessThan(1e-4);
      expect(dW).toBeLessThan(1e-4);
      expect(dX).toBeLessThan(1e-4);
      // The gradient is not trivially zero (a kernel returning zeros must fail).
      expect(Math.max(...r.dw.map(Math.abs))).toBeGreaterThan(0.5);
      console.log(`case ${i}: max |dW − cpu| = ${dW.toExponential(2)}, max |dx − cpu| = ${dX.toExponential(2)}`);
      tf.dispose([x, w, dy, dx!, dw!]);
    });
  });

  it('leaks no tensors and keeps the caller\'s inputs alive', () => {
    const c = cases[2]!;
    const x = tf.tensor4d(c.x, c.xShape);
    const w = tf.tensor4d(c.w, c.wShape);
    const dy = tf.tensor4d(c.dy, c.dyShape);
    const before = tf.memory().numTensors;
    for (let k = 0; k < 3; k++) {
      const g = tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, c.stride, 'same'))([x, w], dy);
      tf.dispose(g);
    }
    expect(tf.memory().numTensors).toBe(before);
    expect(maxAbsDiff(x.dataSync(), c.x)).toBeLessThan(1e-6);
    expect(maxAbsDiff(w.dataSync(), c.w)).toBeLessThan(1e-6);
    tf.dispose([x, w, dy]);
  });
});
