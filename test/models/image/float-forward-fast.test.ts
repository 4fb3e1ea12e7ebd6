/**
 * FloatForwarder (the float baseline with a WebAssembly SIMD kernel) against floatForward, the plain-JS
 * reference it replaces in eval / ablation: every output value bit for bit (Object.is: the sign of zero
 * too; NaN as NaN) — on real inputs of both networks (shipped and random images), on MicroNet (its
 * depthwise layers stay in JS), and on random graphs of odd shapes with zeros, −0, tiny, huge and
 * non-finite values. Also: the embedded kernel bytes are what float-kernel.mjs assembles from its source.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { loadDataset } from '../../../host/eval/dataset.js';
import { prepareInputs } from '../../../host/eval/inputs.js';
import { repoPath, sharedDataDir } from '../../../host/paths.js';
import { resolveImage } from '../../../host/runtime/deploy.js';
import { getGraph } from '../../../models/graphs/index.js';
import type { LayerSpec, NetworkGraph } from '../../../models/graphs/types.js';
import { layerShapes } from '../../../models/graphs/shapes.js';
import { floatForward } from '../../../models/image/float-forward.js';
import { FloatForwarder } from '../../../models/image/float-forward-fast.js';
import { randomImage } from '../../../models/image/random.js';
import type { WeightImage } from '../../../models/image/types.js';

function differing(a: Float32Array, b: Float32Array): number {
  expect(a.length).toBe(b.length);
  let d = 0;
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) d++;
  return d;
}

test('the embedded kernel is the one float-kernel.mjs assembles', () => {
  const r = spawnSync(process.execPath, [repoPath('models', 'image', 'float-kernel.mjs'), '--check'], { encoding: 'utf8' });
  expect(r.stderr).toBe('');
  expect(r.status).toBe(0);
});

for (const task of ['kws', 'vww'] as const) {
  test(`${task}: bit for bit floatForward on real inputs (shipped image and a random one)`, () => {
    const graph = getGraph(task);
    const items = loadDataset(join(sharedDataDir(), task === 'kws' ? 'speech_commands' : 'vww')).items;
    const n = 6;
    const data = prepareInputs(graph, Array.from({ length: n }, (_, i) => items[Math.floor(((i + 0.5) * items.length) / n)]!));
    for (const image of [resolveImage(task, undefined, 0).image, randomImage(task, 3)]) {
      const fast = new FloatForwarder(graph, image);
      for (let k = 0; k < n; k++) {
        const x = data.x.subarray(k * data.inputSize, (k + 1) * data.inputSize);
        expect(differing(fast.forward(x), floatForward(graph, image, x))).toBe(0);
      }
    }
  });
}

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32;
}

/** Values with zeros, −0, denormal-scale, huge and (optionally) non-finite entries among normals. */
function oddValues(n: number, r: () => number, nonFinite: boolean): Float32Array {
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const u = r();
    const g = (r() - 0.5) * 4;
    out[i] = u < 0.25 ? 0 : u < 0.3 ? -0 : u < 0.33 ? g * 1e-40 : u < 0.35 ? g * 1e30 : nonFinite && u < 0.36 ? [Infinity, -Infinity, NaN][Math.floor(r() * 3)]! : g;
  }
  return out;
}

test('micronet-kws-s (depthwise in JS, the rest in the kernel): bit for bit on random inputs', () => {
  const graph = getGraph('micronet-kws-s');
  const image = randomImage('micronet-kws-s', 1);
  const fast = new FloatForwarder(graph, image);
  const r = rng(5);
  const size = graph.input.h * graph.input.w * graph.input.c;
  for (let k = 0; k < 3; k++) {
    const x = Float32Array.from({ length: size }, () => (r() - 0.5) * 6);
    expect(differing(fast.forward(x), floatForward(graph, image, x))).toBe(0);
  }
});

test('random graphs of odd shapes (kernels, strides, padding, cout not a multiple of 4 or 16, residual, pool, dense), odd values', () => {
  const r = rng(11);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
  for (let g = 0; g < 12; g++) {
    const c0 = pick([1, 2, 3, 5, 8]);
    const c1 = pick([1, 3, 4, 7, 16, 17, 33]);
    const layers: LayerSpec[] = [
      { name: 'a', kind: 'conv', input: 'input', kh: pick([1, 2, 3, 5]), kw: pick([1, 3, 4]), stride: pick([1, 2, 3]), cout: c1, bn: true, relu: r() < 0.5 },
      { name: 'b', kind: 'conv', input: 'a', kh: 3, kw: 3, stride: 1, cout: pick([c1, c1 + 3, 20]), bn: true, relu: false, residual: 'a' },
      { name: 'c', kind: 'conv', input: 'b', kh: pick([1, 3]), kw: pick([1, 3]), stride: pick([1, 2]), cout: pick([2, 6, 18, 35]), bn: true, relu: true, pool: r() < 0.5 },
      { name: 'fc', kind: 'dense', input: 'c', units: pick([1, 2, 5, 12]), bn: true, relu: false },
    ];
    const graph: NetworkGraph = { name: 'kws', task: 'kws', title: 'random', input: { h: pick([1, 4, 7, 9]), w: pick([1, 3, 5, 8]), c: c0 }, inputSigned: true, classes: [], layers };
    const shapes = layerShapes(graph).layers;
    const nonFinite = g % 3 === 2;
    const image = {
      network: 'kws',
      layers: shapes.map((s) => ({ weights: oddValues(s.weights, r, nonFinite), scale: oddValues(s.cout, r, false), offset: oddValues(s.cout, r, false) })),
    } as unknown as WeightImage;
    const fast = new FloatForwarder(graph, image);
    const size = graph.input.h * graph.input.w * graph.input.c;
    for (let k = 0; k < 3; k++) {
      const x = oddValues(size, r, nonFinite);
      expect(differing(fast.forward(x), floatForward(graph, image, x))).toBe(0);
    }
  }
});
