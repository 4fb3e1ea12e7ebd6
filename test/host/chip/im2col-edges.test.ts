// IM2COL at the 'same' padding: a kernel row that hangs over the left or right edge is copied in one
// piece (its taps inside the input, assembly/im2col.ts) when the piece holds the whole kernel row, tap by
// tap otherwise. Against the independent interpreter (quantized-reference.ts), bit for bit, on layers
// with few channels and wide kernels (KWS conv1's 1 channel × 4 taps), even kernels (asymmetric
// padding), strides, and row splits that cut kernel rows; and the same codes whichever kernels run.
// Kernel rows of 4 codes (4×4 on 1 channel, 2×2 on 2, 1×1 stride 2 on 4; KWS conv1's 10×4 on 1 in
// kernels.test.ts) also run im2colQuad (KERNELS_QUAD: a zero-bordered copy): the same logits and counters.
import { KERNELS_GOLDEN, KERNELS_QUAD, KERNELS_S2, KERNELS_SHAPED } from '../../../assembly/kernel-modes.js';
import { describe, it, expect } from 'vitest';
import { Chip } from '../../../host/chip/chip.js';
import { buildNet, forward, rangesFor, rng, toProgram, type LayerSpec } from './net-builder.js';
import { quantizedReference } from './quantized-reference.js';

const cases: Array<{ name: string; input: { h: number; w: number; c: number }; signed: boolean; specs: LayerSpec[]; splits?: [number, number][] }> = [
  {
    name: '1 channel, 4×4 kernel (even: asymmetric padding), then 5×5 stride 2',
    input: { h: 9, w: 7, c: 1 },
    signed: true,
    specs: [
      { name: 'c4', kind: 'conv', k: 4, stride: 1, cout: 6, relu: true },
      { name: 'c5', kind: 'conv', k: 5, stride: 2, cout: 5, relu: true, pool: true },
      { name: 'fc', kind: 'dense', k: 1, stride: 1, cout: 3, relu: false },
    ],
  },
  {
    name: '3 channels, 3×3 stride 2 (a stem), wide input',
    input: { h: 6, w: 11, c: 3 },
    signed: false,
    specs: [
      { name: 'stem', kind: 'conv', k: 3, stride: 2, cout: 7, relu: true },
      { name: 'c3', kind: 'conv', k: 3, stride: 1, cout: 9, relu: true, pool: true },
      { name: 'fc', kind: 'dense', k: 1, stride: 1, cout: 2, relu: false },
    ],
  },
  {
    name: 'kernel rows of 4 codes: 2×2 on 2 channels stride 1 and 2, 1×1 stride 2 on 4 channels (odd kh), u8 input',
    input: { h: 7, w: 8, c: 2 },
    signed: false,
    specs: [
      { name: 'c2a', kind: 'conv', k: 2, stride: 1, cout: 2, relu: true },
      { name: 'c2b', kind: 'conv', k: 2, stride: 2, cout: 4, relu: false },
      { name: 'p1', kind: 'conv', k: 1, stride: 2, cout: 5, relu: true, pool: true },
      { name: 'fc', kind: 'dense', k: 1, stride: 1, cout: 3, relu: false },
    ],
  },
  {
    name: 'row splits that cut kernel rows (the tap-by-tap path)',
    input: { h: 5, w: 6, c: 3 },
    signed: true,
    specs: [
      { name: 'c4', kind: 'conv', k: 4, stride: 1, cout: 6, relu: true },
      { name: 'c3', kind: 'conv', k: 3, stride: 1, cout: 5, relu: true, pool: true },
      { name: 'fc', kind: 'dense', k: 1, stride: 1, cout: 3, relu: false },
    ],
    splits: [[5, 1], [4, 2], [1, 1]],
  },
];

describe('IM2COL over the padding = the interpreter', () => {
  for (const c of cases) {
    it(c.name, async () => {
      const net = buildNet(c.input, c.signed, c.specs, 17);
      const rand = rng(23);
      const n = c.input.h * c.input.w * c.input.c;
      const x = Float64Array.from({ length: n }, () => (c.signed ? rand() * 2 - 1 : rand()));
      const ref = forward(net, x);
      const program = toProgram(net, rangesFor(net, ref.maxIn, ref.maxPre), { splits: c.splits });
      for (const bits of [8, 4] as const) {
        const chip = await Chip.create({ preset: 'ideal', bits, gdc: false });
        chip.load(program);
        const want = Array.from(quantizedReference(program, Float32Array.from(x), bits));
        let counters = '';
        for (const kernels of [KERNELS_GOLDEN, KERNELS_SHAPED, KERNELS_S2, KERNELS_QUAD]) {
          chip.exports.chipSetKernels(kernels);
          expect(Array.from(chip.infer(Float32Array.from(x)))).toEqual(want);
          const now = JSON.stringify(chip.counters());
          if (kernels === KERNELS_GOLDEN) counters = now;
          else expect(now).toBe(counters);
        }
      }
    });
  }
});
