// The chip end to end through its typed API: a small conv net against a float reference within a
// derived quantization bound, hand-computed counters, program validation, determinism, GDC.
import { describe, it, expect } from 'vitest';
import { Chip } from '../../../host/chip/chip.js';
import { UserError } from '../../../host/errors.js';
import type { LayerProgram, Preset } from '../../../host/chip/program.js';
import { buildNet, forward, rangesFor, rng, toProgram, type Net, type Ranges } from './net-builder.js';
import { quantizedReference } from './quantized-reference.js';

const SMALL_NET = [
  { name: 'conv1', kind: 'conv', k: 3, stride: 1, cout: 8, relu: true },
  { name: 'conv2', kind: 'conv', k: 3, stride: 2, cout: 12, relu: true, pool: true },
  { name: 'fc', kind: 'dense', k: 1, stride: 1, cout: 5, relu: false },
] as const;

function randomInput(n: number, seed: number, signed: boolean): Float64Array {
  const rand = rng(seed);
  return Float64Array.from({ length: n }, () => (signed ? rand() * 2 - 1 : rand()));
}

/**
 * Error of the chip's logits against the float reference, ideal devices, b bits. Per layer, with e_in
 * the error of the layer's input (0 for the network input):
 *   DAC:   x̂ = Δ_DAC·round(clip(x)/Δ_DAC): |x̂ − x| ≤ e_in + Δ_DAC/2 (clip is 1-Lipschitz, the true x is inside ±r_DAC)
 *   cells: |Ŵ − W| ≤ W_max/8192 (int16 snapshot, LSB = g_max/4096)
 *   ADC:   |ŷ − ŷ_analog| ≤ Δ_ADC/2 (the true y is inside ±r_ADC; ŷ = a·Δ_ADC because S = r_DAC·W_max/r_ADC)
 *   worst case:  e_y ≤ (e_in + Δ_DAC/2)·max_j Σ_i|Ŵ_ij| + rows·max|x|·W_max/8192 + Δ_ADC/2
 *   statistical: rounding errors independent, uniform: σ_y² = (σ_in² + Δ_DAC²/12)·max_j Σ_i Ŵ_ij²
 *                + rows·max|x|²·(W_max/4096)²/12 + Δ_ADC²/12
 * BN multiplies by max|scale|; ReLU and the average pool (conservatively: no averaging of errors) do not
 * increase it. A relative 1e-5 of the signal covers float32 arithmetic in the datapath.
 * The worst case always holds but grows ~Σ|W| per layer; the 5σ figure is the realistic bound.
 */
function errorBounds(net: Net, r: Ranges, maxIn: number[], maxPre: number[], bits: number): { worst: number; sigma: number } {
  let e = 0;
  let v = 0;
  net.layers.forEach((L, l) => {
    const cout = L.spec.cout;
    const rows = L.w.length / cout;
    const wMax = r.wMax[l]!;
    let colSum = 0;
    let colSq = 0;
    for (let j = 0; j < cout; j++) {
      let s = 0;
      let q = 0;
      for (let i = 0; i < rows; i++) {
        s += Math.abs(L.w[i * cout + j]!) + wMax / 8192;
        q += (Math.abs(L.w[i * cout + j]!) + wMax / 8192) ** 2;
      }
      colSum = Math.max(colSum, s);
      colSq = Math.max(colSq, q);
    }
    const dDac = r.rDac[l]! / (2 ** bits - 1);
    const dAdc = r.rAdc[l]! / (2 ** (bits - 1) - 1);
    const sMax = L.scale.reduce((m, x) => Math.max(m, Math.abs(x)), 0);
    const ey = (e + dDac / 2) * colSum + (rows * maxIn[l]! * wMax) / 8192 + dAdc / 2 + 1e-5 * maxPre[l]!;
    const vy = (v + dDac ** 2 / 12) * colSq + (rows * maxIn[l]! ** 2 * (wMax / 4096) ** 2) / 12 + dAdc ** 2 / 12 + (1e-5 * maxPre[l]!) ** 2;
    e = sMax * ey;
    v = sMax ** 2 * vy;
  });
  return { worst: e, sigma: Math.sqrt(v) };
}

describe('small conv net in ideal mode', () => {
  const net = buildNet({ h: 9, w: 9, c: 3 }, true, [...SMALL_NET], 11);
  const x = randomInput(9 * 9 * 3, 5, true);
  const ref = forward(net, x);
  const ranges = rangesFor(net, ref.maxIn, ref.maxPre);

  for (const bits of [8, 6, 4] as const) {
    it(`matches the float reference within the derived quantization bound at ${bits} bit`, async () => {
      const chip = await Chip.create({ preset: 'ideal', bits });
      chip.load(toProgram(net, ranges));
      const logits = chip.infer(Float32Array.from(x));
      const { worst, sigma } = errorBounds(net, ranges, ref.maxIn, ref.maxPre, bits);
      const err = Array.from(logits).reduce((m, v, i) => Math.max(m, Math.abs(v - ref.logits[i]!)), 0);
      expect(err).toBeLessThanOrEqual(worst);
      expect(err).toBeLessThanOrEqual(5 * sigma);
      expect(err).toBeGreaterThan(0); // the chip quantizes: it is not the float path
    });
  }

  it('gives the same logits when layers are split into row and column pieces (ADC codes summed digitally)', async () => {
    const whole = await Chip.create({ preset: 'ideal' });
    whole.load(toProgram(net, ranges));
    const split = await Chip.create({ preset: 'ideal' });
    split.load(toProgram(net, ranges, { splits: [[1, 2], [3, 2], [2, 1]] }));
    const a = whole.infer(Float32Array.from(x));
    const b = split.infer(Float32Array.from(x));
    const { sigma } = errorBounds(net, ranges, ref.maxIn, ref.maxPre, 8);
    // Row splits add one ADC rounding per extra row piece: the two differ by rounding noise only.
    for (let i = 0; i < a.length; i++) expect(Math.abs(a[i]! - b[i]!)).toBeLessThanOrEqual(5 * sigma);
    expect(split.counters().layers[1]!.adcConversions).toBe(3 * whole.counters().layers[1]!.adcConversions);
  });
});

describe('every layer kind against an independent integer/float32 interpreter of the program', () => {
  // Signed input → conv → depthwise (two channel groups) → 1×1 project widening via a residual of the
  // conv output (zero-padded skip) → conv stride 2 + pool → dense.
  const net = buildNet({ h: 7, w: 6, c: 4 }, true, [
    { name: 'stem', kind: 'conv', k: 3, stride: 1, cout: 10, relu: true },
    { name: 'dw', kind: 'depthwise', k: 3, stride: 1, cout: 10, relu: true },
    { name: 'project', kind: 'conv', k: 1, stride: 1, cout: 14, relu: false, residual: 0 },
    { name: 'down', kind: 'conv', k: 3, stride: 2, cout: 16, relu: true, pool: true },
    { name: 'fc', kind: 'dense', k: 1, stride: 1, cout: 4, relu: false },
  ], 29);
  const x = randomInput(7 * 6 * 4, 9, true);
  const ref = forward(net, x);
  const ranges = rangesFor(net, ref.maxIn, ref.maxPre);

  for (const bits of [8, 6, 4] as const) {
    it(`chip = interpreter exactly at ${bits} bit (GDC off), pieces split or whole`, async () => {
      for (const splits of [undefined, [[2, 3], [1, 2], [1, 1], [4, 2], [1, 1]] as [number, number][]]) {
        const program = toProgram(net, ranges, { splits });
        const chip = await Chip.create({ preset: 'ideal', bits, gdc: false });
        chip.load(program);
        const logits = chip.infer(Float32Array.from(x));
        expect(Array.from(logits)).toEqual(Array.from(quantizedReference(program, Float32Array.from(x), bits)));
      }
    });
  }

  it('runs pieces placed on other tiles of a multi-tile chip (128×128 tiles, 32 ADCs each)', async () => {
    const program = toProgram(net, ranges);
    program.geometry = { rows: 128, cols: 128, tiles: 5 };
    // Each layer on its own tile from column 0 (all fit in 128×128).
    program.layers.forEach((layer, l) => layer.pieces.forEach((p) => { p.rect.tile = l; p.rect.col -= program.layers[l]!.pieces[0]!.rect.col; }));
    const chip = await Chip.create({ preset: 'ideal', gdc: false, geometry: program.geometry });
    chip.load(program);
    const logits = chip.infer(Float32Array.from(x));
    expect(Array.from(logits)).toEqual(Array.from(quantizedReference(program, Float32Array.from(x), 8)));
    // 'down' has 16 columns on a 32-ADC tile: one conversion per position; 4 × 3 positions after stride 2.
    const down = chip.counters().layers[3]!;
    expect(down.arrayCycles).toBe(12);
    expect(down.activeAdcCycles).toBe(12 * 16);
    // 'project' (14 columns) and the stem (10) also fit one conversion; the array has 32 ADCs per tile,
    // so a 33-column piece would take two (test/assembly/converters.test.ts).
    expect(chip.counters().layers[2]!.arrayCycles).toBe(7 * 6);
  });

  it('tracks the float reference at 8 bit (same argmax, error below 5 % of the logit range)', async () => {
    const chip = await Chip.create({ preset: 'ideal' });
    chip.load(toProgram(net, ranges));
    const logits = Array.from(chip.infer(Float32Array.from(x)));
    const want = Array.from(ref.logits);
    const range = Math.max(...want) - Math.min(...want);
    const argmax = (v: number[]) => v.indexOf(Math.max(...v));
    expect(argmax(logits)).toBe(argmax(want));
    for (let i = 0; i < want.length; i++) expect(Math.abs(logits[i]! - want[i]!)).toBeLessThan(0.05 * range);
  });
});

describe('counters on a hand-computed case', () => {
  it('conv 3×3, 130 columns at column 100 (2 conversions per position), then pool and dense', async () => {
    // Input 3×3×2, unsigned, r_DAC = 255 at 8 bit → Δ = 1: the input values are the DAC codes.
    const net = buildNet({ h: 3, w: 3, c: 2 }, false, [
      { name: 'conv', kind: 'conv', k: 3, stride: 1, cout: 130, relu: true, pool: true },
      { name: 'fc', kind: 'dense', k: 1, stride: 1, cout: 3, relu: false },
    ], 3);
    const codes = Float64Array.from({ length: 18 }, (_, i) => (i * 37) % 200);
    const ref = forward(net, codes);
    const r = rangesFor(net, ref.maxIn, ref.maxPre);
    r.rDac[0] = 255;
    r.rAdc[0] = (255 * r.wMax[0]!) / r.S;
    const program = toProgram(net, r, { col0: 100 });
    const chip = await Chip.create({ preset: 'ideal' });
    chip.load(program);
    chip.infer(Float32Array.from(codes));
    const [conv, fc] = chip.counters().layers;

    // Σ over positions of the codes under the 3×3 window ('same' padding 1).
    let windowSum = 0;
    let fetched = 0;
    for (let oy = 0; oy < 3; oy++) for (let ox = 0; ox < 3; ox++) {
      for (let ky = 0; ky < 3; ky++) for (let kx = 0; kx < 3; kx++) {
        const iy = oy - 1 + ky, ix = ox - 1 + kx;
        if (iy < 0 || iy > 2 || ix < 0 || ix > 2) continue;
        fetched += 2;
        windowSum += codes[(iy * 3 + ix) * 2]! + codes[(iy * 3 + ix) * 2 + 1]!;
      }
    }
    expect(fetched).toBe(98); // 4 corners × 4 taps + 4 edges × 6 + 9, two channels each
    expect(conv).toEqual({
      name: 'conv',
      arrayCycles: 9 * 2, // 9 positions × ceil(130 / 128)
      activeRowCycles: 18 * 18, // 18 rows driven in every cycle
      activeAdcCycles: 18 * 128, // all 128 ADCs serve a column of 100…229
      adcConversions: 9 * 130,
      dacPulses: 2 * windowSum, // the rows are driven again for the second conversion
      dacPulsesFullScale: 18 * 18 * 255,
      macs: 9 * 18 * 130,
      sramBytesRead: 98,
      sramBytesWritten: 130, // pooled 1×1×130 unsigned codes
      digitalOps: 9 * 130 * 3 + 9 * 130 + 130 + 130, // scale, BN, ReLU; pool add; pool divide; requantize
    });
    expect(fc).toMatchObject({ arrayCycles: 1, activeRowCycles: 130, activeAdcCycles: 3, adcConversions: 3, macs: 390, sramBytesRead: 130, sramBytesWritten: 0 });
    expect(fc!.digitalOps).toBe(3 * 2);
  });
});

describe('program validation', () => {
  const net = buildNet({ h: 9, w: 9, c: 3 }, true, [...SMALL_NET], 11);
  const ref = forward(net, randomInput(243, 5, true));
  const ranges = rangesFor(net, ref.maxIn, ref.maxPre);

  it('rejects a buffer that overflows its 64 KB bank, naming the layer and the bytes', async () => {
    const p = toProgram(net, ranges);
    const conv1 = p.layers[0]!;
    conv1.dst = { ...conv1.dst!, offset: 65_000 };
    const chip = await Chip.create({ preset: 'ideal' });
    let err: unknown;
    try {
      chip.load(p);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(UserError);
    const msg = (err as Error).message;
    expect(msg).toContain('layer "conv1"');
    expect(msg).toContain('65,000–65,648'); // 9×9×8 unsigned codes = 648 bytes
    expect(msg).toContain('65,536');
  });

  it('rejects overlapping rectangles, rectangles outside the array, and same-bank ping-pong', async () => {
    const chip = await Chip.create({ preset: 'ideal' });
    const overlap = toProgram(net, ranges);
    overlap.layers[1]!.pieces[0]!.rect.col = 4;
    expect(() => chip.load(overlap)).toThrow(/layer "conv2".*already used by layer 0/);
    const outside = toProgram(net, ranges);
    outside.layers[2]!.pieces[0]!.rect.col = 510;
    expect(() => chip.load(outside)).toThrow(/layer "fc".*outside/);
    const sameBank = toProgram(net, ranges);
    sameBank.layers[0]!.dst = { ...sameBank.layers[0]!.dst!, bank: 0 };
    expect(() => chip.load(sameBank)).toThrow(UserError);
    const badGain = toProgram(net, ranges);
    badGain.layers[1]!.rAdc *= 1.1;
    expect(() => chip.load(badGain)).toThrow(/conv2.*one ADC gain/);
  });

  it('rejects a layer that overwrites a tensor a later layer still reads (SRAM liveness)', async () => {
    const rich = buildNet({ h: 7, w: 6, c: 4 }, true, [
      { name: 'stem', kind: 'conv', k: 3, stride: 1, cout: 10, relu: true },
      { name: 'dw', kind: 'depthwise', k: 3, stride: 1, cout: 10, relu: true },
      { name: 'project', kind: 'conv', k: 1, stride: 1, cout: 14, relu: false, residual: -1 },
      { name: 'fc', kind: 'dense', k: 1, stride: 1, cout: 3, relu: false },
    ], 2);
    const f = forward(rich, randomInput(7 * 6 * 4, 1, true));
    const r = rangesFor(rich, f.maxIn, f.maxPre);
    const ok = toProgram(rich, r);
    const chip = await Chip.create({ preset: 'ideal' });
    chip.load(ok); // the skip of the network input is still intact when "project" reads it
    const clobber = toProgram(rich, r);
    const dw = clobber.layers[1]!;
    dw.dst = { ...dw.dst!, offset: 0 }; // over the network input in bank 0
    clobber.layers[2]!.src = dw.dst;
    const other = await Chip.create({ preset: 'ideal' });
    expect(() => other.load(clobber)).toThrow(/layer "dw" \(2 of 4\) writes bytes 0–420 of bank 0 over the residual that layer "project" \(3\) still has to read/);
  });

  it('rejects bad inputs to infer', async () => {
    const chip = await Chip.create({ preset: 'ideal' });
    chip.load(toProgram(net, ranges));
    expect(() => chip.infer(new Float32Array(5))).toThrow(/9×9×3/);
    const bad = new Float32Array(243);
    bad[7] = NaN;
    expect(() => chip.infer(bad)).toThrow(/input value 7 is NaN/);
    bad[7] = 0;
    bad[242] = -Infinity; // in the scalar tail of the SIMD check
    expect(() => chip.infer(bad)).toThrow(/input value 242 is -Infinity/);
  });

  it('accepts only the three preset names, not keys every object inherits', async () => {
    for (const preset of ['toString', 'constructor', '__proto__', 'hasOwnProperty', 'fast']) {
      await expect(Chip.create({ preset: preset as Preset })).rejects.toThrow(new RegExp(`unknown preset "${preset}"`));
    }
    for (const preset of ['ideal', 'paper', 'aihwkit'] as const) expect((await Chip.create({ preset })).preset).toBe(preset);
  });
});

describe('determinism and drift compensation (paper preset)', () => {
  it('same seed → bit-identical logits after drift; another seed → different logits', async () => {
    const net = buildNet({ h: 9, w: 9, c: 3 }, true, [...SMALL_NET], 11);
    const x = randomInput(243, 5, true);
    const ref = forward(net, x);
    const program = toProgram(net, rangesFor(net, ref.maxIn, ref.maxPre));
    const run = async (seed: number) => {
      const chip = await Chip.create({ preset: 'paper', seed });
      chip.load(program);
      chip.drift(3600);
      return Array.from(chip.infer(Float32Array.from(x)));
    };
    const a = await run(1);
    expect(await run(1)).toEqual(a);
    expect(await run(2)).not.toEqual(a);
  });

  for (const preset of ['paper', 'aihwkit'] as const) {
    it(`GDC brings a random layer's mean |output| after 1 day back within 3 % of its value at programming (${preset})`, async () => {
      // One 3×3 conv, 8×8×56 → 8×8×128 (504 rows), read out as float (last layer, scale 1, offset 0).
      const net = buildNet({ h: 8, w: 8, c: 56 }, false, [{ name: 'conv', kind: 'conv', k: 3, stride: 1, cout: 128, relu: false }], 21);
      net.layers[0]!.scale.fill(1);
      net.layers[0]!.offset.fill(0);
      const inputs = [1, 2, 3, 4].map((s) => randomInput(8 * 8 * 56, 100 + s, false));
      let maxIn = 0, maxPre = 0;
      for (const x of inputs) {
        const f = forward(net, x);
        maxIn = Math.max(maxIn, f.maxIn[0]!);
        maxPre = Math.max(maxPre, f.maxPre[0]!);
      }
      const program: LayerProgram = toProgram(net, rangesFor(net, [maxIn], [maxPre], 1.3));
      const meanAbs = (chip: Chip): number => {
        let s = 0, n = 0;
        for (const x of inputs) {
          for (const v of chip.infer(Float32Array.from(x))) {
            s += Math.abs(v);
            n++;
          }
        }
        return s / n;
      };
      const chip = await Chip.create({ preset, seed: 3 });
      chip.load(program);
      const atProgramming = meanAbs(chip);
      chip.drift(86_400);
      const withGdc = meanAbs(chip);
      chip.setGdc(false);
      const withoutGdc = meanAbs(chip);
      expect(Math.abs(withGdc / atProgramming - 1)).toBeLessThan(0.03);
      expect(withoutGdc / atProgramming).toBeLessThan(0.85); // drift is real: without GDC the outputs shrink
      expect(chip.gdcFactors()[0]).toBe(1);
      chip.setGdc(true);
      expect(chip.gdcFactors()[0]).toBeGreaterThan(1.15);
    });
  }
});
