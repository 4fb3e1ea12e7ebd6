import { describe, expect, test } from 'vitest';
import { floatForward, matrixProducts } from '../../../models/image/float-forward.js';
import { InitRng } from '../../../models/image/prng.js';
import { layerShapes } from '../../../models/graphs/shapes.js';
import type { NetworkGraph } from '../../../models/graphs/types.js';
import type { WeightImage } from '../../../models/image/types.js';

/** A tiny graph with every feature: strided conv, depthwise, 1×1 project with PAD + ADD, pool, dense. */
const tiny: NetworkGraph = {
  name: 'kws',
  task: 'kws',
  title: 'tiny',
  input: { h: 5, w: 4, c: 2 },
  inputSigned: true,
  classes: ['a', 'b', 'c'],
  layers: [
    { name: 'c1', kind: 'conv', input: 'input', kh: 3, kw: 2, stride: 2, cout: 3, bn: true, relu: true },
    { name: 'd1', kind: 'depthwise', input: 'c1', kh: 3, kw: 3, stride: 1, bn: true, relu: true },
    { name: 'p1', kind: 'conv', input: 'd1', kh: 1, kw: 1, stride: 1, cout: 2, bn: true, relu: false, residual: 'c1', pool: true },
    { name: 'fc', kind: 'dense', input: 'p1', units: 3, bn: true, relu: false },
  ],
};

function image(g: NetworkGraph): WeightImage {
  const rng = new InitRng(9);
  const r = () => rng.uniform() * 2 - 1;
  return {
    network: g.name,
    S: 1,
    training: { method: 'random', eta: 0, bits: null, data: '', seed: 0, epochs: 0, valAccuracy: null, createdAt: '' },
    layers: layerShapes(g).layers.map((l) => ({
      name: l.name, wMax: 1, rDac: 1, rAdc: 1,
      weights: Float32Array.from({ length: l.weights }, r),
      scale: Float32Array.from({ length: l.cout }, r),
      offset: Float32Array.from({ length: l.cout }, r),
    })),
  };
}

/** Direct definition: explicit zero-padded input, 4-D indexing, no shared code with the reference. */
function naiveConv(x: number[][][], w: (ky: number, kx: number, ci: number, co: number) => number, kh: number, kw: number, stride: number, cout: number, depthwise: boolean) {
  const H = x.length, W = x[0]!.length, C = x[0]![0]!.length;
  const oh = Math.ceil(H / stride), ow = Math.ceil(W / stride);
  const ph = Math.max((oh - 1) * stride + kh - H, 0), pw = Math.max((ow - 1) * stride + kw - W, 0);
  const top = Math.floor(ph / 2), left = Math.floor(pw / 2);
  const at = (y: number, xx: number, c: number) => (y < 0 || y >= H || xx < 0 || xx >= W ? 0 : x[y]![xx]![c]!);
  const out: number[][][] = [];
  for (let oy = 0; oy < oh; oy++) {
    out.push([]);
    for (let ox = 0; ox < ow; ox++) {
      const v: number[] = [];
      for (let co = 0; co < cout; co++) {
        let s = 0;
        for (let ky = 0; ky < kh; ky++) for (let kx = 0; kx < kw; kx++) {
          if (depthwise) s += at(oy * stride + ky - top, ox * stride + kx - left, co) * w(ky, kx, co, co);
          else for (let ci = 0; ci < C; ci++) s += at(oy * stride + ky - top, ox * stride + kx - left, ci) * w(ky, kx, ci, co);
        }
        v.push(s);
      }
      out[oy]!.push(v);
    }
  }
  return out;
}

describe('floatForward', () => {
  test('matches a direct 4-D implementation on a graph with conv, depthwise, PAD + ADD, pool and dense', () => {
    const img = image(tiny);
    const rng = new InitRng(3);
    const input = Float32Array.from({ length: 5 * 4 * 2 }, () => rng.normal());
    const x = Array.from({ length: 5 }, (_, y) => Array.from({ length: 4 }, (_, xx) => [0, 1].map((c) => input[(y * 4 + xx) * 2 + c]!)));
    const L = img.layers;
    const affine = (t: number[][][], l: number, relu: boolean) => t.map((row) => row.map((v) => v.map((a, c) => { const y = L[l]!.scale[c]! * a + L[l]!.offset[c]!; return relu ? Math.max(y, 0) : y; })));
    const c1 = affine(naiveConv(x, (ky, kx, ci, co) => L[0]!.weights[((ky * 2 + kx) * 2 + ci) * 3 + co]!, 3, 2, 2, 3, false), 0, true);
    expect([c1.length, c1[0]!.length]).toEqual([3, 2]);
    const d1 = affine(naiveConv(c1, (ky, kx, c) => L[1]!.weights[(ky * 3 + kx) * 3 + c]!, 3, 3, 1, 3, true), 1, true);
    const p1 = affine(naiveConv(d1, (_ky, _kx, ci, co) => L[2]!.weights[ci * 2 + co]!, 1, 1, 1, 2, false), 2, false)
      // PAD + ADD: 2 channels + 3 skip channels → 3, the third from the skip alone
      .map((row, y) => row.map((v, xx) => [0, 1, 2].map((c) => (v[c] ?? 0) + c1[y]![xx]![c]!)));
    const pooled = [0, 1, 2].map((c) => p1.flat().reduce((a, v) => a + v[c]!, 0) / 6);
    const logits = [0, 1, 2].map((o) => L[3]!.scale[o]! * pooled.reduce((a, v, i) => a + v * L[3]!.weights[i * 3 + o]!, 0) + L[3]!.offset[o]!);
    const got = floatForward(tiny, img, input);
    expect(got.length).toBe(3);
    got.forEach((v, i) => expect(v).toBeCloseTo(logits[i]!, 5));
  });

  test('matrix products sum in float64 in the reference order and round to float32 once', () => {
    // 1 + 2^-24 + 2^-24: float32 after every step would stay at 1 (each step a tie, rounded to even).
    const spec = { name: 'fc', kind: 'dense', input: 'input', units: 1, bn: false, relu: false } as const;
    const shape = layerShapes({ ...tiny, input: { h: 1, w: 1, c: 3 }, layers: [spec] }).layers[0]!;
    const got = matrixProducts(spec, shape, Float32Array.of(1, 1, 1), Float32Array.of(1, 2 ** -24, 2 ** -24));
    expect(got[0]).toBe(1 + 2 ** -23);
  });
});
