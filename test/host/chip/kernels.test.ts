// The per-shape kernels (chipSetKernels: KERNELS_SHAPED — implicit GEMM for 1×1 convs,
// assembly/mvm-implicit.ts — KERNELS_RGB, which adds the packed IM2COL of VWW's stem,
// assembly/im2col-rgb.ts, KERNELS_WINOGRAD, which adds F(2,3) for 3×3 stride-1 pieces,
// assembly/winograd.ts, KERNELS_LANES, which runs the 1×1, F(2,3) and RGB pieces' GEMMs with lanes =
// columns, assembly/mvm-lanes.ts, and KERNELS_PARTS, which runs F(2,3) on pieces of any row
// count with M1 and M2 in parts, along kernel columns where that makes fewer pairs, and KERNELS_S2, the
// default, which adds F(2,2) on the outer taps of 3×3 stride-2 pieces over 512 rows, winograd-s2.ts)
// against IM2COL + the golden scalar MVM and IM2COL + the SIMD MVM, whole networks: the same logits and
// the same counters, bit for bit, under every noise preset (the MVM reads the snapshot, so the read-noise
// draws do not depend on the kernel) and at a drift time.
import { KERNELS_DEFAULT, KERNELS_GOLDEN, KERNELS_LANES, KERNELS_PARTS, KERNELS_QUAD, KERNELS_RGB, KERNELS_S2, KERNELS_SHAPED, KERNELS_SIMD, KERNELS_WINOGRAD } from '../../../assembly/kernel-modes.js';
import { describe, it, expect } from 'vitest';
import { Chip } from '../../../host/chip/chip.js';
import type { Preset } from '../../../host/chip/program.js';
import { deploy } from '../../../host/runtime/deploy.js';
import { randomImage } from '../../../models/image/random.js';
import { buildNet, forward, rangesFor, rng, toProgram, type LayerSpec } from './net-builder.js';

const KERNELS = { golden: KERNELS_GOLDEN, simd: KERNELS_SIMD, shaped: KERNELS_SHAPED, rgb: KERNELS_RGB, winograd: KERNELS_WINOGRAD, lanes: KERNELS_LANES, parts: KERNELS_PARTS, s2: KERNELS_S2, quad: KERNELS_QUAD } as const;
const PRESETS: Preset[] = ['paper', 'aihwkit', 'ideal'];

/** Logits and counters of one inference per kernel choice. */
function allKernels(chip: Chip, x: Float32Array): Record<keyof typeof KERNELS, string> {
  const out = {} as Record<keyof typeof KERNELS, string>;
  for (const [name, mode] of Object.entries(KERNELS) as [keyof typeof KERNELS, number][]) {
    chip.exports.chipSetKernels(mode);
    const logits = Array.from(chip.infer(x));
    out[name] = JSON.stringify({ logits, counters: chip.counters() });
  }
  chip.exports.chipSetKernels(KERNELS_DEFAULT);
  return out;
}

function inputs(n: number, signed: boolean, seed: number): Float32Array[] {
  const rand = rng(seed);
  const dense = Float32Array.from({ length: n }, () => (signed ? rand() * 2 - 1 : rand()));
  const sparse = Float32Array.from({ length: n }, () => (rand() < 0.8 ? 0 : signed ? rand() * 2 - 1 : rand()));
  return [dense, sparse, new Float32Array(n)];
}

describe('per-shape kernels = golden kernels, whole networks', () => {
  // 1×1 layers of every kind the implicit kernel meets: rows < 8 (cin 3, 5), ragged rows (13), few
  // columns (2, 3), odd positions (5 × 3), u8 sources (after a ReLU) and int16 sources (signed input,
  // a residual sum, no ReLU), a 1×1 split into row pieces (IM2COL path), a strided 1×1 (IM2COL path).
  const specs: LayerSpec[] = [
    { name: 'p0', kind: 'conv', k: 1, stride: 1, cout: 5, relu: true },
    { name: 'c1', kind: 'conv', k: 3, stride: 1, cout: 13, relu: true },
    { name: 'p2', kind: 'conv', k: 1, stride: 1, cout: 3, relu: false, residual: 0 },
    { name: 'p3', kind: 'conv', k: 1, stride: 1, cout: 13, relu: false },
    { name: 'p4', kind: 'conv', k: 1, stride: 1, cout: 9, relu: true },
    { name: 'p5', kind: 'conv', k: 1, stride: 2, cout: 6, relu: true },
    { name: 'p6', kind: 'conv', k: 1, stride: 1, cout: 2, relu: true, pool: true },
    { name: 'fc', kind: 'dense', k: 1, stride: 1, cout: 3, relu: false },
  ];
  const net = buildNet({ h: 5, w: 3, c: 3 }, true, specs, 41);
  const ref = forward(net, Float64Array.from(inputs(45, true, 1)[0]!));
  const ranges = rangesFor(net, ref.maxIn, ref.maxPre);
  const splits: [number, number][] = [[1, 1], [1, 1], [1, 1], [1, 1], [2, 2], [1, 1], [1, 1], [1, 1]];

  for (const preset of PRESETS) {
    it(`small 1×1-heavy net, ${preset}, pieces whole or split, 8 and 4 bit`, async () => {
      for (const opts of [{}, { splits }]) {
        for (const bits of [8, 4] as const) {
          const chip = await Chip.create({ preset, bits, seed: 3 });
          chip.load(toProgram(net, ranges, opts));
          chip.drift(86_400);
          for (const x of inputs(45, true, 7)) {
            const r = allKernels(chip, x);
            expect(r.simd).toBe(r.golden);
            expect(r.shaped).toBe(r.golden);
            expect(r.rgb).toBe(r.golden);
            expect(r.winograd).toBe(r.golden);
            expect(r.lanes).toBe(r.golden);
      expect(r.parts).toBe(r.golden);
      expect(r.s2).toBe(r.golden);
      expect(r.quad).toBe(r.golden);
        expect(r.parts).toBe(r.golden);
        expect(r.s2).toBe(r.golden);
        expect(r.quad).toBe(r.golden);
            expect(r.parts).toBe(r.golden);
            expect(r.s2).toBe(r.golden);
            expect(r.quad).toBe(r.golden);
          }
        }
      }
    });
  }

  // 3×3 stride-1 layers of every kind F(2,3) meets: odd and even widths (7, then 4 after the stride-2
  // layer), 1 to 9 channels (K from 9, ragged), u8 sources (after a ReLU) and int16 sources (the signed
  // input, a residual sum), a residual 3×3, a row split and a column split (IM2COL path), a stride-2 3×3.
  const specs3: LayerSpec[] = [
    { name: 'a', kind: 'conv', k: 3, stride: 1, cout: 6, relu: true },
    { name: 'b', kind: 'conv', k: 3, stride: 1, cout: 5, relu: false, residual: -1 },
    { name: 'c', kind: 'conv', k: 3, stride: 1, cout: 9, relu: true },
    { name: 'd', kind: 'conv', k: 3, stride: 2, cout: 7, relu: true },
    { name: 'e', kind: 'conv', k: 3, stride: 1, cout: 1, relu: true },
    { name: 'f', kind: 'conv', k: 3, stride: 1, cout: 6, relu: true, pool: true },
    { name: 'fc', kind: 'dense', k: 1, stride: 1, cout: 3, relu: false },
  ];
  const net3 = buildNet({ h: 6, w: 7, c: 5 }, true, specs3, 43);
  const ref3 = forward(net3, Float64Array.from(inputs(210, true, 2)[0]!));
  const ranges3 = rangesFor(net3, ref3.maxIn, ref3.maxPre);
  const splits3: [number, number][] = [[1, 1], [2, 1], [1, 2], [1, 1], [1, 1], [1, 1], [1, 1]];

  for (const preset of PRESETS) {
    it(`small 3×3-heavy net, ${preset}, pieces whole or split, 8 and 4 bit`, async () => {
      for (const opts of [{}, { splits: splits3 }]) {
        for (const bits of [8, 4] as const) {
          const chip = await Chip.create({ preset, bits, seed: 5 });
          chip.load(toProgram(net3, ranges3, opts));
          chip.drift(86_400);
          for (const x of inputs(210, true, 8)) {
            const r = allKernels(chip, x);
            expect(r.rgb).toBe(r.golden);
            expect(r.winograd).toBe(r.golden);
            expect(r.lanes).toBe(r.golden);
      expect(r.parts).toBe(r.golden);
      expect(r.s2).toBe(r.golden);
      expect(r.quad).toBe(r.golden);
        expect(r.parts).toBe(r.golden);
        expect(r.s2).toBe(r.golden);
        expect(r.quad).toBe(r.golden);
            expect(r.parts).toBe(r.golden);
            expect(r.s2).toBe(r.golden);
            expect(r.quad).toBe(r.golden);
          }
        }
      }
    });
  }

  for (const preset of PRESETS) {
    it(`VWW (16 implicit project layers + head, 12 F(2,3) expand layers), ${preset}`, async () => {
      const { chip, graph } = await deploy('vww', randomImage('vww', 2), { preset, bits: 8, seed: 2, gdc: true });
      chip.drift(3600);
      const n = graph.input.h * graph.input.w * graph.input.c;
      for (const x of inputs(n, false, 9)) {
        const r = allKernels(chip, x);
        expect(r.simd).toBe(r.golden);
        expect(r.shaped).toBe(r.golden);
        expect(r.rgb).toBe(r.golden);
        expect(r.winograd).toBe(r.golden);
        expect(r.lanes).toBe(r.golden);
      expect(r.parts).toBe(r.golden);
      expect(r.s2).toBe(r.golden);
      expect(r.quad).toBe(r.golden);
        expect(r.parts).toBe(r.golden);
        expect(r.s2).toBe(r.golden);
        expect(r.quad).toBe(r.golden);
      }
    });
  }

  // 3×3 stride-1 layers over more than 56 channels (> 512 rows): F(2,3) only under KERNELS_PARTS, M1 and M2
  // in parts (57 channels: 171 transformed rows = 168 + 3; 64: 192 = 168 + 24; 70: 210 = 168 + 42), along
  // kernel columns (4 × 5 grids, 2 × 3) or rows (5 × 4, 3 × 2); int16 sources (no ReLU) and u8; row splits
  // (IM2COL path) and column splits (F(2,3) on each column piece); the stride-2 layer c over 64 channels
  // (576 rows: winograd-s2.ts under KERNELS_S2, along kernel columns on the 2 × 3 grid, rows on 3 × 2).
  const specsWide: LayerSpec[] = [
    { name: 'a', kind: 'conv', k: 3, stride: 1, cout: 57, relu: false },
    { name: 'b', kind: 'conv', k: 3, stride: 1, cout: 64, relu: true },
    { name: 'c', kind: 'conv', k: 3, stride: 2, cout: 70, relu: true },
    { name: 'd', kind: 'conv', k: 3, stride: 1, cout: 9, relu: true, pool: true },
    { name: 'fc', kind: 'dense', k: 1, stride: 1, cout: 3, relu: false },
  ];
  const splitsWide: [number, number][] = [[1, 1], [1, 3], [2, 1], [1, 2], [1, 1]];
  for (const [h, w] of [[4, 5], [5, 4]] as const) {
    it(`3×3 net over 57–70 channels (F(2,3) in parts), ${h} × ${w} input, paper and ideal, pieces whole or split, 8 and 4 bit`, async () => {
      const netW = buildNet({ h, w, c: 3 }, true, specsWide, 47 + h);
      const refW = forward(netW, Float64Array.from(inputs(h * w * 3, true, 3)[0]!));
      const rangesW = rangesFor(netW, refW.maxIn, refW.maxPre);
      for (const preset of ['paper', 'ideal'] as Preset[]) {
        for (const opts of [{}, { splits: splitsWide }]) {
          for (const bits of [8, 4] as const) {
            const chip = await Chip.create({ preset, bits, seed: 6 });
            chip.load(toProgram(netW, rangesW, opts));
            chip.drift(86_400);
            for (const x of inputs(h * w * 3, true, 10)) {
              const r = allKernels(chip, x);
              expect(r.winograd).toBe(r.golden);
              expect(r.lanes).toBe(r.golden);
              expect(r.parts).toBe(r.golden);
              expect(r.s2).toBe(r.golden);
              expect(r.quad).toBe(r.golden);
            }
          }
        }
      }
    });
  }

  it('KWS (no 1×1 layers: the shaped choice is IM2COL + SIMD), paper', async () => {
    const { chip, graph } = await deploy('kws', randomImage('kws', 2), { preset: 'paper', bits: 8, seed: 2, gdc: true });
    const n = graph.input.h * graph.input.w * graph.input.c;
    for (const x of inputs(n, true, 9)) {
      const r = allKernels(chip, x);
      expect(r.shaped).toBe(r.golden);
      expect(r.rgb).toBe(r.golden);
      expect(r.winograd).toBe(r.golden);
      expect(r.lanes).toBe(r.golden);
      expect(r.parts).toBe(r.golden);
      expect(r.s2).toBe(r.golden);
      expect(r.quad).toBe(r.golden);
    }
  });
});
