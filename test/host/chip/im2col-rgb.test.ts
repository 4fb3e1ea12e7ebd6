// The packed IM2COL for 3×3 kernels over 3 channels, unsigned and signed (assembly/im2col-rgb.ts, chipSetKernels
// KERNELS_RGB) against IM2COL + the golden MVM (KERNELS_GOLDEN) and the shaped kernels of before
// (KERNELS_SHAPED): the same logits and counters (Σ|code| pulses, SRAM fetches), bit for bit, and the
// interpreter's logits in ideal mode. Stems of stride 1, 2 and 3 ('same' padding on every side, none at
// all for stride 3 on 6×6, where the last positions' 16-byte loads would pass the tensor's end), inputs
// 3 to 5 pixels wide (a load spans several pixel rows), output channels not a multiple of 4, 4/6/8-bit
// converters, dense, sparse, all-zero and saturating inputs (codes clipped at 2^b − 1); each with unsigned
// 1-byte input codes and with signed 2-byte ones (VWW's centred input), positive and negative.
import { KERNELS_GOLDEN, KERNELS_RGB, KERNELS_SHAPED } from '../../../assembly/kernel-modes.js';
import { describe, it, expect } from 'vitest';
import { Chip } from '../../../host/chip/chip.js';
import type { Preset } from '../../../host/chip/program.js';
import { buildNet, forward, rangesFor, rng, toProgram, type LayerSpec } from './net-builder.js';
import { quantizedReference } from './quantized-reference.js';

const KERNELS = { golden: KERNELS_GOLDEN, shaped: KERNELS_SHAPED, rgb: KERNELS_RGB } as const;

const cases: Array<{ name: string; input: { h: number; w: number; c: number }; stride: number; cout: number }> = [
  { name: '9×11, stride 2 (VWW-like stem, padding right and bottom)', input: { h: 9, w: 11, c: 3 }, stride: 2, cout: 12 },
  { name: '8×7, stride 1 (padding on every side)', input: { h: 8, w: 7, c: 3 }, stride: 1, cout: 7 },
  { name: '6×6, stride 3 (no padding: loads at the tensor end)', input: { h: 6, w: 6, c: 3 }, stride: 3, cout: 5 },
  { name: '5×3, stride 1 (3 pixels wide)', input: { h: 5, w: 3, c: 3 }, stride: 1, cout: 13 },
  { name: '4×5, stride 2', input: { h: 4, w: 5, c: 3 }, stride: 2, cout: 4 },
];

function inputs(n: number, seed: number, signed: boolean): Float32Array[] {
  const rand = rng(seed);
  const sign = () => (signed && rand() < 0.5 ? -1 : 1);
  return [
    Float32Array.from({ length: n }, () => sign() * rand()),
    Float32Array.from({ length: n }, () => (rand() < 0.7 ? 0 : sign() * rand())),
    new Float32Array(n),
    Float32Array.from({ length: n }, () => sign() * (1 + 2 * rand())), // beyond the input DAC's range: codes clip
  ];
}

describe('packed RGB IM2COL = IM2COL + golden MVM', () => {
  for (const c of cases) for (const signed of [false, true]) {
    it(`${c.name}, ${signed ? 'signed' : 'unsigned'} codes`, async () => {
      const specs: LayerSpec[] = [
        { name: 'stem', kind: 'conv', k: 3, stride: c.stride, cout: c.cout, relu: true },
        { name: 'c3', kind: 'conv', k: 3, stride: 1, cout: 6, relu: true, pool: true },
        { name: 'fc', kind: 'dense', k: 1, stride: 1, cout: 3, relu: false },
      ];
      const net = buildNet(c.input, signed, specs, 29);
      const n = c.input.h * c.input.w * c.input.c;
      const ref = forward(net, Float64Array.from(inputs(n, 5, signed)[0]!));
      const program = toProgram(net, rangesFor(net, ref.maxIn, ref.maxPre));
      for (const preset of ['paper', 'ideal'] as Preset[]) {
        for (const bits of [8, 6, 4] as const) {
          const chip = await Chip.create({ preset, bits, seed: 11, gdc: preset !== 'ideal' });
          chip.load(program);
          if (preset !== 'ideal') chip.drift(86_400);
          for (const x of inputs(n, 13, signed)) {
            const got: Record<string, string> = {};
            for (const [name, mode] of Object.entries(KERNELS)) {
              chip.exports.chipSetKernels(mode);
              got[name] = JSON.stringify({ logits: Array.from(chip.infer(x)), counters: chip.counters() });
            }
            expect(got['rgb']).toBe(got['golden']);
            expect(got['shaped']).toBe(got['golden']);
            if (preset === 'ideal') {
              expect(JSON.parse(got['rgb']!).logits).toEqual(Array.from(quantizedReference(program, x, bits)));
            }
          }
        }
      }
    });
  }
});
