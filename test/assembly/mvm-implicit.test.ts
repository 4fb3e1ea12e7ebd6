// The implicit-GEMM kernel (assembly/mvm-implicit.ts) against the golden scalar kernel on the IM2COL
// vectors of the same 1×1 conv: identical accumulators for every real position, whatever lies past
// each pixel's channels or past the tensor (the zero-padded weight rows meet it), and Σ|code| as IM2COL
// counts it. Shapes: rows < 8, ragged (not a multiple of 8), K < 64 and up to 1024, few columns, one
// to a few positions, odd position counts; u8 and int16 codes; dense, zero-heavy and all-zero inputs.
import { describe, it, expect, beforeAll } from 'vitest';
import { instantiateChip, type ChipExports } from '../../host/chip/wasm.js';
import { rng } from '../host/chip/net-builder.js';

let chip: ChipExports;
beforeAll(async () => {
  chip = await instantiateChip();
});

interface Case {
  positions: number;
  rows: number;
  colsPad: number;
  signed: boolean;
  /** Share of codes that are 0. */
  zeros: number;
}

const align = (n: number): number => (n + 15) & ~15;

/** Returns [implicit, golden] accumulators of the real positions, and [codeAbsSum, JS Σ|code|]. */
function run(c: Case, rand: () => number): { imp: Int32Array; gold: Int32Array; pulses: [bigint, number] } {
  const rowsPad = (c.rows + 7) & ~7;
  const posPad = (c.positions + 1) & ~1;
  const bytes = c.signed ? 2 : 1;
  const maxCode = 255;
  const codes = Int16Array.from({ length: c.positions * c.rows }, () => {
    if (rand() < c.zeros) return 0;
    const m = 1 + Math.floor(rand() * maxCode);
    return c.signed && rand() < 0.5 ? -m : m;
  });
  // Weights: rows < c.rows random in ±8192, rows ≥ c.rows zero (packPiece's padding).
  const w = new Int16Array(c.colsPad * rowsPad);
  for (let col = 0; col < c.colsPad; col++) {
    for (let k = 0; k < c.rows; k++) w[(col >> 2) * rowsPad * 4 + (k >> 3) * 32 + (col & 3) * 8 + (k & 7)] = Math.floor(rand() * 16385) - 8192;
  }
  const x = new Int16Array(posPad * rowsPad);
  for (let p = 0; p < c.positions; p++) for (let k = 0; k < c.rows; k++) x[p * rowsPad + k] = codes[p * c.rows + k]!;
  const srcBytes = c.positions * c.rows * bytes + 64 + 2 * rowsPad * bytes; // room for the garbage tail
  const total = align(srcBytes) + align(x.length * 2) + align(w.length * 2) + 2 * align(posPad * c.colsPad * 4) + 64;
  const base = chip.mvmScratch(total);
  const srcPtr = base;
  const xPtr = align(srcPtr + srcBytes);
  const wPtr = align(xPtr + x.length * 2);
  const aPtr = align(wPtr + w.length * 2);
  const gPtr = align(aPtr + posPad * c.colsPad * 4);
  const mem = chip.memory.buffer;
  // The tensor, then non-zero garbage where the last chunk and the odd partner position read.
  const src = c.signed ? new Int16Array(mem, srcPtr, srcBytes / 2) : new Uint8Array(mem, srcPtr, srcBytes);
  for (let i = 0; i < src.length; i++) src[i] = c.signed ? -255 + Math.floor(rand() * 511) : 1 + Math.floor(rand() * 255);
  src.set(c.signed ? codes : Uint8Array.from(codes));
  new Int16Array(mem, xPtr, x.length).set(x);
  new Int16Array(mem, wPtr, w.length).set(w);
  chip.mvmImplicit(srcPtr, c.signed, c.rows, wPtr, aPtr, posPad, rowsPad, c.colsPad);
  chip.mvmGolden(xPtr, wPtr, gPtr, posPad, rowsPad, c.colsPad);
  const n = c.positions * c.colsPad;
  const pulses = chip.codeAbsSum(srcPtr, c.signed, c.positions * c.rows);
  let js = 0;
  for (const v of codes) js += Math.abs(v);
  return {
    imp: new Int32Array(chip.memory.buffer, aPtr, n).slice(),
    gold: new Int32Array(chip.memory.buffer, gPtr, n).slice(),
    pulses: [pulses, js],
  };
}

describe('implicit-GEMM MVM (1×1 convs read from SRAM)', () => {
  const shapes: Array<[number, number, number]> = [
    // positions, rows, colsPad
    [1, 1, 4], [1, 3, 4], [2, 7, 4], [3, 8, 8], [5, 13, 4], [1, 28, 24], [625, 28, 24], [169, 128, 28],
    [49, 152, 24], [16, 56, 16], [7, 63, 12], [9, 64, 4], [11, 65, 8], [2, 96, 32], [1, 32, 128], [3, 1024, 4], [4, 1023, 8],
  ];
  for (const signed of [false, true]) {
    for (const zeros of [0, 0.5, 0.9, 1]) {
      it(`= golden on IM2COL's vectors, ${signed ? 'int16' : 'u8'} codes, ${zeros * 100} % zeros`, () => {
        const rand = rng(11 + (signed ? 100 : 0) + zeros * 10);
        for (const [positions, rows, colsPad] of shapes) {
          const r = run({ positions, rows, colsPad, signed, zeros }, rand);
          expect(Array.from(r.imp), `${positions}×${rows}×${colsPad}`).toEqual(Array.from(r.gold));
          expect(r.pulses[0]).toBe(BigInt(r.pulses[1]));
        }
      });
    }
  }

  it('random shapes', () => {
    const rand = rng(5);
    for (let t = 0; t < 40; t++) {
      const c: Case = {
        positions: 1 + Math.floor(rand() * 40),
        rows: 1 + Math.floor(rand() * 200),
        colsPad: 4 * (1 + Math.floor(rand() * 12)),
        signed: rand() < 0.5,
        zeros: rand(),
      };
      const r = run(c, rand);
      expect(Array.from(r.imp), JSON.stringify(c)).toEqual(Array.from(r.gold));
      expect(r.pulses[0]).toBe(BigInt(r.pulses[1]));
    }
  });
});
