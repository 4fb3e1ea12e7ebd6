import { join } from 'node:path';
import { ort } from './ort.js';
import { describe, expect, it } from 'vitest';
import { UserError } from '../../../host/errors.js';
import { testData } from '../../host/data.js';
import { decodeImageFile } from '../../../host/vision/decode.js';
import { preprocessVwwFrame } from '../../../host/vision/normalize.js';
import { getGraph } from '../../../models/graphs/index.js';
import type { NetworkGraph, NetworkName } from '../../../models/graphs/types.js';
import { floatForward } from '../../../models/image/float-forward.js';
import { InitRng } from '../../../models/image/prng.js';
import { randomImage } from '../../../models/image/random.js';
import type { WeightImage } from '../../../models/image/types.js';
import { denseRowsHwcToChw, depthwiseToOihw, exportOnnx, hwcToChw, hwioToOihw } from '../../../models/onnx/export.js';
import { decodeProto, msg, str } from './proto-decode.js';

describe('weight layout conversions', () => {
  it('HWIO → OIHW puts w[ky][kx][ci][co] at [co][ci][ky][kx]', () => {
    const [kh, kw, cin, cout] = [2, 3, 4, 5];
    const hwio = Float32Array.from({ length: kh * kw * cin * cout }, (_, i) => i);
    const oihw = hwioToOihw(hwio, kh, kw, cin, cout);
    // w[1][2][3][4] is element ((1·3 + 2)·4 + 3)·5 + 4 = 119 of HWIO; in OIHW at ((4·4 + 3)·2 + 1)·3 + 2 = 119 too
    // by coincidence of sizes, so check a second one: w[0][1][2][3] = (1·4 + 2)·5 + 3 = 33 → ((3·4 + 2)·2 + 0)·3 + 1 = 85.
    expect(oihw[85]).toBe(33);
    expect(oihw[119]).toBe(119);
    expect([...oihw].sort((a, b) => a - b)).toEqual([...hwio]); // a permutation
  });
  it('depthwise [kh][kw][c] → [c][1][kh][kw] and dense rows HWC → CHW', () => {
    const dw = depthwiseToOihw(Float32Array.from({ length: 2 * 2 * 3 }, (_, i) => i), 2, 2, 3);
    // channel 1's taps are elements 1, 4, 7, 10 of [kh][kw][c]
    expect(Array.from(dw.subarray(4, 8))).toEqual([1, 4, 7, 10]);
    // 1×2×2 input (h=1, w=2, c=2), 1 unit: HWC rows [(x0,c0), (x0,c1), (x1,c0), (x1,c1)] → CHW [(c0,x0), (c0,x1), (c1,x0), (c1,x1)]
    expect(Array.from(denseRowsHwcToChw(Float32Array.from([10, 11, 12, 13]), 1, 2, 2, 1))).toEqual([10, 12, 11, 13]);
    expect(Array.from(hwcToChw(Float32Array.from([10, 11, 12, 13]), 1, 2, 2))).toEqual([10, 12, 11, 13]);
  });
});

function randomInput(graph: NetworkGraph, rng: InitRng): Float32Array {
  const { h, w, c } = graph.input;
  return Float32Array.from({ length: h * w * c }, () => (graph.inputSigned ? rng.normal() : rng.uniform()));
}

async function ortLogits(session: ort.InferenceSession, graph: NetworkGraph, x: Float32Array): Promise<Float32Array> {
  const { h, w, c } = graph.input;
  const out = await session.run({ input: new ort.Tensor('float32', hwcToChw(x, h, w, c), [1, c, h, w]) });
  return out['logits']!.data as Float32Array;
}

function argmax(v: Float32Array): number {
  let best = 0;
  for (let i = 1; i < v.length; i++) if (v[i]! > v[best]!) best = i;
  return best;
}

/** max |ort − ref| relative to max(1, max |ref|) */
function relError(a: Float32Array, ref: Float32Array): number {
  let diff = 0;
  let mag = 1;
  for (let i = 0; i < ref.length; i++) {
    diff = Math.max(diff, Math.abs(a[i]! - ref[i]!));
    mag = Math.max(mag, Math.abs(ref[i]!));
  }
  return diff / mag;
}

describe('ONNX export vs the float reference forward pass (onnxruntime, WebAssembly)', () => {
  it.each(['kws', 'vww', 'micronet-kws-s'] as NetworkName[])('%s: ORT logits equal floatForward to 1e-4 on random inputs', async (name) => {
    const graph = getGraph(name);
    const image = randomImage(name, 3);
    const session = await ort.InferenceSession.create(exportOnnx(graph, image), { intraOpNumThreads: 1 });
    const rng = new InitRng(11, 5);
    for (let k = 0; k < 4; k++) {
      const x = randomInput(graph, rng);
      const ref = floatForward(graph, image, x);
      const got = await ortLogits(session, graph, x);
      expect(got.length).toBe(graph.classes.length);
      expect(relError(got, ref)).toBeLessThan(1e-4);
      // The random image's logits must not be degenerate (all equal), or the comparison would be empty.
      expect(Math.max(...ref) - Math.min(...ref)).toBeGreaterThan(1e-2);
    }
    await session.release();
  });

  it('vww: agrees on real VWW frames, and the exported file names its classes and layout', async () => {
    const graph = getGraph('vww');
    const image = randomImage('vww', 0);
    const bytes = exportOnnx(graph, image);
    const session = await ort.InferenceSession.create(bytes, { intraOpNumThreads: 1 });
    for (const f of ['person/000000000785.png', 'person/000000000885.png', 'non_person/000000000724.png']) {
      const x = preprocessVwwFrame(decodeImageFile(join(testData(), 'vww', f)));
      const ref = floatForward(graph, image, x);
      const got = await ortLogits(session, graph, x);
      expect(relError(got, ref)).toBeLessThan(1e-4);
      expect(argmax(got)).toBe(argmax(ref));
    }
    await session.release();
    const meta = decodeProto(bytes).get(14)!.map(msg);
    const entries = Object.fromEntries(meta.map((m) => [str(m.get(1)![0]), str(m.get(2)![0])]));
    expect(JSON.parse(entries['classes']!)).toEqual(['non_person', 'person']);
    expect(entries['input_layout']).toMatch(/^NCHW \[1, 3, 100, 100\]/);
  });

  it('refuses an image of another network or with wrong shapes', () => {
    const image = randomImage('kws', 0);
    expect(() => exportOnnx(getGraph('vww'), image)).toThrow(UserError);
    expect(() => exportOnnx(getGraph('vww'), image)).toThrow(/weight image is for "kws", not "vww"/);
    const bad: WeightImage = { ...image, layers: image.layers.map((l, i) => (i === 2 ? { ...l, weights: l.weights.subarray(1) } : l)) };
    expect(() => exportOnnx(getGraph('kws'), bad)).toThrow(/layer conv3: \d+ weights, expected \d+/);
  });
});
