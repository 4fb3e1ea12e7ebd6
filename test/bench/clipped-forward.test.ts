import { describe, expect, it } from 'vitest';
import { clippedFloatForward } from '../../bench/clipped-forward.js';
import { getGraph } from '../../models/graphs/index.js';
import { floatForward, type LayerTrace } from '../../models/image/float-forward.js';
import { InitRng } from '../../models/image/prng.js';
import { randomImage } from '../../models/image/random.js';
import type { WeightImage } from '../../models/image/types.js';

const graph = getGraph('kws');
const base = randomImage('kws', 3);
const rng = new InitRng(5, 2);
const input = Float32Array.from({ length: graph.input.h * graph.input.w * graph.input.c }, () => 3 * rng.normal());

/** The image with every layer's r_DAC set by `rDac(i)` and the global gain S. */
function withRanges(rDac: (i: number) => number, S: number): WeightImage {
  return { ...base, S, layers: base.layers.map((l, i) => ({ ...l, rDac: rDac(i) })) };
}

describe('clippedFloatForward', () => {
  it('equals floatForward exactly when no range binds', () => {
    const wide = withRanges(() => 1e12, 1e-12);
    expect(clippedFloatForward(graph, wide, input)).toEqual(floatForward(graph, wide, input));
  });

  it('clips the network input at the first layer r_DAC', () => {
    const img = withRanges((i) => (i === 0 ? 0.5 : 1e12), 1e-12);
    const clipped = input.map((v) => Math.max(-0.5, Math.min(0.5, v)));
    expect(clipped.some((v, i) => v !== input[i])).toBe(true);
    expect(clippedFloatForward(graph, img, input)).toEqual(floatForward(graph, img, clipped));
  });

  it('clips the matrix products at r_DAC·W_max/|S| (last layer: logits = scale·clip(acc) + offset)', () => {
    const last = graph.layers.length - 1;
    let acc: Float32Array = new Float32Array(0);
    floatForward(graph, base, input, (t: LayerTrace) => {
      if (t.name === graph.layers[last]!.name) acc = t.preActivation;
    });
    const sorted = Array.from(acc, Math.abs).sort((a, b) => a - b);
    const a = sorted[sorted.length >> 1]!; // the median |acc|: about half the logits clip
    const wMaxLast = base.layers[last]!.wMax;
    // Other layers: r_DAC 1e12 → their ADC ranges 1e6 larger than the last layer's; none binds.
    const img = withRanges((i) => (i === last ? 1e6 : 1e12), (1e6 * wMaxLast) / a);
    const { scale, offset } = base.layers[last]!;
    const want = Float32Array.from(acc, (v, o) => scale[o]! * Math.max(-a, Math.min(a, v)) + offset[o]!);
    const got = clippedFloatForward(graph, img, input);
    for (let o = 0; o < want.length; o++) expect(got[o]).toBeCloseTo(want[o]!, 4);
    expect(want.filter((v, o) => v !== scale[o]! * acc[o]! + offset[o]!).length).toBeGreaterThan(0);
  });
});
