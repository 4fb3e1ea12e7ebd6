// The SIMD datapath passes against scalar references of their contracts, bit for bit (issue 14's lean
// datapath): requantize's lanes (clip in float, round by 1.5·2^23) = dacCode (eq. 4: round half to even
// of x/Δ, then clip; NaN → 0) on ties, bounds, ±∞, −0, NaN, denormals and random values, signed and
// unsigned, 8/6/4 bit, lengths that leave 8-, 4- and 1-lane tails; adcConvertPiece (clip in integers
// when k ≤ 1/2, else in f64; written, not added) = adcQuantize's clip(nearest(k·acc)) and
// adcConvertRows on a zeroed row; scaleBnReluMax = scaleBnRelu once both are requantized.
import { describe, it, expect, beforeAll } from 'vitest';
import { instantiateChip, type ChipExports } from '../../host/chip/wasm.js';
import { rng } from '../host/chip/net-builder.js';
import { scratchPointers } from './scratch.js';

let chip: ChipExports;
beforeAll(async () => {
  chip = await instantiateChip();
});

const f32 = Math.fround;

/** Round half to even of a double that is an exact float32 quotient. */
function nearestEven(v: number): number {
  const r = Math.round(v); // half up
  return r - v === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/** dacCode: clip(nearest(f32(x / Δ)), min, max); NaN → 0 (the saturating conversion). */
function dacCode(x: number, step: number, minCode: number, maxCode: number): number {
  const v = f32(x / step); // a float32 quotient, correctly rounded (double rounding is exact for ÷)
  if (Number.isNaN(v)) return Math.min(Math.max(0, minCode), maxCode);
  return Math.min(Math.max(nearestEven(v), minCode), maxCode) | 0; // −0 → 0, as an integer code
}

describe('requantize (SIMD lanes) = dacCode', () => {
  const special = [0, -0, NaN, Infinity, -Infinity, 1e-45, -1e-45, 1.1754942e-38, 3.4e38, -3.4e38, 1e30, -1e30];
  for (const bits of [8, 6, 4] as const) {
    for (const signed of [false, true]) {
      it(`${bits} bit, ${signed ? 'signed' : 'unsigned'}`, () => {
        const rand = rng(bits * 10 + (signed ? 1 : 0));
        const maxCode = 2 ** bits - 1;
        const minCode = signed ? -maxCode : 0;
        for (const step of [1, 0.5, f32(1 / 255), f32(0.0371), f32(3.3e-3), f32(1e-30), f32(2.5e30)]) {
          const values: number[] = [...special];
          // Ties and their neighbours at every code, past both bounds.
          for (let q = -maxCode - 3; q <= maxCode + 3; q++) {
            const t = f32((q + 0.5) * step);
            values.push(t, f32(q * step), f32(t * (1 + 2 ** -23)), f32(t * (1 - 2 ** -23)));
          }
          for (let i = 0; i < 400; i++) values.push(f32((rand() * 2 - 1) * maxCode * 1.3 * step), f32((rand() * 2 - 1) * 10 ** (rand() * 60 - 30)));
          for (const n of [values.length, 1, 3, 4, 5, 7, 8, 9, 12, 13]) {
            const ys = values.slice(0, n);
            const [yPtr, dPtr] = scratchPointers(chip, [ys.length * 4, ys.length * 2]) as [number, number];
            new Float32Array(chip.memory.buffer, yPtr, ys.length).set(ys);
            chip.requantize(yPtr, ys.length, dPtr, signed, step, maxCode);
            const got = signed ? Array.from(new Int16Array(chip.memory.buffer, dPtr, ys.length)) : Array.from(new Uint8Array(chip.memory.buffer, dPtr, ys.length));
            const want = ys.map((x) => dacCode(f32(x), step, minCode, maxCode));
            expect(got, `step ${step}, n ${n}`).toEqual(want);
          }
        }
      });
    }
  }
});

describe('adcConvertPiece = adcQuantize, = adcConvertRows on a zeroed row', () => {
  it('integer clip (k ≤ 1/2) and f64 clip (k > 1/2), ties, ±2^31, odd column counts', () => {
    const rand = rng(5);
    for (const bits of [8, 6, 4] as const) {
      const maxCode = 2 ** (bits - 1) - 1;
      for (const k of [2.03e-5, 1.9e-5 * 3.7, 0.25, 0.5, 0.5000001, 1, 3.75, 1e-9]) {
        for (const [positions, cols, stride] of [[7, 13, 16], [3, 4, 4], [2, 1, 4], [5, 28, 28], [1, 3, 8]] as const) {
          const accs = Int32Array.from({ length: positions * stride }, (_, i) => {
            const r = rand();
            if (i % 11 === 0) return r < 0.5 ? -2147483648 : 2147483647;
            if (i % 7 === 0) return Math.round(((Math.floor(rand() * 2 * maxCode + 4) - maxCode - 2 + 0.5) / k)) | 0; // near a tie
            return Math.floor((rand() * 2 - 1) * Math.min(2 ** 31 - 1, (maxCode * 1.2) / k));
          });
          const [aPtr, oPtr, rPtr] = scratchPointers(chip, [accs.length * 4, positions * cols * 4, positions * cols * 4]) as [number, number, number];
          new Int32Array(chip.memory.buffer, aPtr, accs.length).set(accs);
          new Int32Array(chip.memory.buffer, oPtr, positions * cols).fill(0x12345678); // written, not added
          new Int32Array(chip.memory.buffer, rPtr, positions * cols).fill(0);
          chip.adcConvertPiece(aPtr, stride, positions, cols, k, maxCode, oPtr, cols);
          chip.adcConvertRows(aPtr, stride, positions, cols, k, maxCode, rPtr, cols, 1);
          const got = Array.from(new Int32Array(chip.memory.buffer, oPtr, positions * cols));
          const rows = Array.from(new Int32Array(chip.memory.buffer, rPtr, positions * cols));
          const want: number[] = [];
          for (let p = 0; p < positions; p++) {
            for (let c = 0; c < cols; c++) want.push(Math.min(Math.max(nearestEven(accs[p * stride + c]! * k), -maxCode), maxCode) | 0);
          }
          expect(got, `k ${k}, ${positions}×${cols}`).toEqual(want);
          expect(rows, `k ${k}, ${positions}×${cols}`).toEqual(want);
        }
      }
    }
  });
});

describe('scaleBnReluMax then requantize = scaleBnRelu then requantize', () => {
  it('codes equal, −0 and NaN included', () => {
    const rand = rng(8);
    for (const gain of [f32(0.013), f32(7.5e-3), Infinity]) {
      for (const [positions, nMat, nOut] of [[9, 12, 12], [4, 7, 9], [3, 28, 28], [2, 1, 1]] as const) {
        const adc = Int32Array.from({ length: positions * nMat }, () => (rand() < 0.2 ? 0 : Math.floor(rand() * 255) - 127));
        const scale = Float32Array.from({ length: nMat }, (_, c) => (c === 0 ? -0 : c === 1 ? 0 : (rand() * 2 - 1) * 3));
        const offset = Float32Array.from({ length: nMat }, (_, c) => (c === 2 ? -0 : (rand() * 2 - 1) * 2));
        const n = positions * nOut;
        const [aPtr, sPtr, oPtr, y1, y2, d1, d2] = scratchPointers(chip, [adc.length * 4, nMat * 4, nMat * 4, n * 4, n * 4, n, n]) as number[] as [number, number, number, number, number, number, number];
        const mem = chip.memory.buffer;
        new Int32Array(mem, aPtr, adc.length).set(adc);
        new Float32Array(mem, sPtr, nMat).set(scale);
        new Float32Array(mem, oPtr, nMat).set(offset);
        new Float32Array(mem, y1, n).fill(0);
        new Float32Array(mem, y2, n).fill(0);
        chip.scaleBnRelu(aPtr, positions, nMat, gain, sPtr, oPtr, true, y1, nOut);
        chip.scaleBnReluMax(aPtr, positions, nMat, gain, sPtr, oPtr, y2, nOut);
        for (const step of [f32(0.02), f32(1 / 255)]) {
          chip.requantize(y1, n, d1, false, step, 255);
          chip.requantize(y2, n, d2, false, step, 255);
          expect(Array.from(new Uint8Array(chip.memory.buffer, d2, n)), `gain ${gain}`).toEqual(Array.from(new Uint8Array(chip.memory.buffer, d1, n)));
        }
      }
    }
  });
});
