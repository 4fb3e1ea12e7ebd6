// What test/assembly/winograd.test.ts (F(2,3)) and winograd-s2.test.ts (F(2,2) for stride 2) share: the
// case and result of one conv piece run both ways, the weight layout, and the suite that checks a
// kernel's accumulators and counters against the golden kernel's over fixed, extreme, one-sign and
// random shapes. Each file brings its own `run` (how its kernel is driven).
import { describe, it, expect } from 'vitest';
import { rng } from '../host/chip/net-builder.js';

export interface Case {
  inH: number;
  inW: number;
  inC: number;
  padTop: number;
  padBottom: number;
  padLeft: number;
  padRight: number;
  cols: number;
  signed: boolean;
  /** Share of codes that are 0. */
  zeros: number;
  /** Codes ±255 and weights ±8192 only (the int16 bounds the kernels argue from). */
  extreme?: boolean;
  /** The GEMMs as KERNELS_LANES runs them: mvmLanes on all columns but a last single group of 4, mvmSimdFrom on that. */
  lanes?: boolean;
  /** Along kernel columns (pairs of output rows); default: along kernel rows. */
  vertical?: boolean;
  /** Every code and every conductance (the garbage around the piece too) this one value. */
  uniform?: { code: number; weight: number };
}

export interface Result {
  wino: Int32Array;
  gold: Int32Array;
  pulses: [bigint, number];
  fetches: [bigint, number];
}

/**
 * A case's random input codes (HWC) and the tile its piece of `rows` rows sits in at (row0, col0), geoCols
 * wide, with non-zero garbage around it; weight(k, col) reads the piece.
 */
export function pieceInputs(c: Case, rows: number, rand: () => number): { codes: Int16Array; tile: Int16Array; row0: number; col0: number; geoCols: number; weight: (k: number, col: number) => number } {
  const maxCode = 255;
  const code = (): number => {
    if (c.uniform) return c.uniform.code;
    if (rand() < c.zeros) return 0;
    const m = c.extreme ? maxCode : 1 + Math.floor(rand() * maxCode);
    return c.signed && rand() < 0.5 ? -m : m;
  };
  const codes = Int16Array.from({ length: c.inH * c.inW * c.inC }, code);
  const row0 = Math.floor(rand() * 5);
  const col0 = Math.floor(rand() * 6);
  const geoCols = col0 + c.cols + Math.floor(rand() * 5);
  const tile = Int16Array.from({ length: (row0 + rows + 2) * geoCols }, () => Math.floor(rand() * 16385) - 8192);
  if (c.extreme) for (let i = 0; i < tile.length; i++) tile[i] = rand() < 0.5 ? -8192 : 8192;
  if (c.uniform) tile.fill(c.uniform.weight);
  return { codes, tile, row0, col0, geoCols, weight: (k, col) => tile[(row0 + k) * geoCols + col0 + col]! };
}

/** inH, inW, inC, padTop, padBottom, padLeft, padRight, cols */
export type Shape = [number, number, number, number, number, number, number, number];

/** Edge shapes both suites run (inH, inW, inC, padTop, padBottom, padLeft, padRight, cols): single pixels,
 * 'valid' and asymmetric padding, and 513 rows (F(2,3): 171 transformed rows, parts of 168 + 3). */
export const EDGE_SHAPES: readonly Shape[] = [
  [1, 1, 1, 1, 1, 1, 1, 1],
  [1, 2, 3, 1, 1, 1, 1, 5],
  [2, 1, 2, 1, 1, 1, 1, 3],
  [3, 3, 1, 0, 0, 0, 0, 4], // 'valid': one position
  [5, 6, 5, 0, 0, 0, 0, 7],
  [6, 5, 7, 1, 0, 0, 1, 6], // asymmetric padding
  [5, 8, 9, 0, 1, 1, 0, 9],
  [4, 9, 12, 2, 0, 0, 2, 10],
  [3, 10, 13, 1, 1, 2, 0, 2],
  [9, 3, 57, 1, 1, 1, 1, 4], // 513 rows
  [2, 7, 4, 1, 1, 1, 1, 31],
];

export interface SuiteOptions {
  shapes: Shape[];
  /** Title suffix of the extreme test (what it proves for this kernel). */
  extremeNote: string;
  /** Title suffix of the one-sign test. */
  oneSignNote: string;
  /** Side of the one-sign test's input (its grid must hold a whole pair). */
  oneSignSide: number;
  /** Largest input side of the random shapes. */
  randomSide: number;
}

/** The suite: `run` against the golden kernel (accumulators, Σ|code| and fetch counts). */
export function winogradSuite(title: string, run: (c: Case, rand: () => number) => Result, o: SuiteOptions): void {
  const check = (c: Case, rand: () => number): void => {
    const r = run(c, rand);
    const label = JSON.stringify(c);
    expect(Array.from(r.wino), label).toEqual(Array.from(r.gold));
    expect(r.pulses[0], label).toBe(BigInt(r.pulses[1]));
    expect(r.fetches[0], label).toBe(BigInt(r.fetches[1]));
  };
  describe(title, () => {
    for (const vertical of [false, true]) {
      for (const lanes of [false, true]) {
        for (const signed of [false, true]) {
          for (const zeros of [0, 0.5, 1]) {
            it(`= golden on IM2COL's vectors, ${signed ? 'int16' : 'u8'} codes, ${zeros * 100} % zeros${lanes ? ', lanes GEMMs' : ''}${vertical ? ', along kernel columns' : ''}`, () => {
              const rand = rng(31 + (signed ? 100 : 0) + zeros * 10 + (lanes ? 7 : 0) + (vertical ? 1000 : 0));
              for (const [inH, inW, inC, padTop, padBottom, padLeft, padRight, cols] of o.shapes) {
                check({ inH, inW, inC, padTop, padBottom, padLeft, padRight, cols, signed, zeros, lanes, vertical }, rand);
              }
            });
          }
        }
      }
    }

    it(`extreme codes and weights on every row, 504 to 1017 rows${o.extremeNote}`, () => {
      const rand = rng(77);
      for (const inC of [56, 57, 84, 112, 113]) {
        for (const signed of [false, true]) {
          for (const [inH, inW] of [[5, 5], [4, 7], [3, 2], [7, 4]] as const) {
            for (const lanes of [false, true]) {
              for (const vertical of [false, true]) {
                check({ inH, inW, inC, padTop: 1, padBottom: 1, padLeft: 1, padRight: 1, cols: 12, signed, zeros: 0, extreme: true, lanes, vertical }, rand);
              }
            }
          }
        }
      }
    });

    it(`extreme codes and weights of one sign (every product +255·8192${o.oneSignNote})`, () => {
      // All codes +255 (u8) and all conductances +8192, or codes −255 (int16) against +8192.
      const rand = rng(78);
      for (const inC of [56, 84, 112, 113]) {
        for (const vertical of [false, true]) {
          for (const lanes of [false, true]) {
            for (const signed of [false, true]) {
              const side = o.oneSignSide;
              const r = run({ inH: side, inW: side, inC, padTop: 0, padBottom: 0, padLeft: 0, padRight: 0, cols: 8, signed, zeros: 0, lanes, vertical, uniform: { code: signed ? -255 : 255, weight: 8192 } }, rand);
              const label = JSON.stringify({ inC, vertical, lanes, signed });
              expect(Array.from(r.wino), label).toEqual(Array.from(r.gold));
              expect(r.gold[0], label).toBe((signed ? -1 : 1) * 9 * inC * 255 * 8192);
            }
          }
        }
      }
    });

    it('random shapes', () => {
      const rand = rng(9);
      for (let t = 0; t < 120; t++) {
        const pad = (): number => Math.floor(rand() * 3);
        const c: Case = {
          inH: 1 + Math.floor(rand() * o.randomSide),
          inW: 1 + Math.floor(rand() * o.randomSide),
          inC: 1 + Math.floor(rand() * (t % 3 === 0 ? 113 : 40)),
          padTop: pad(),
          padBottom: pad(),
          padLeft: pad(),
          padRight: pad(),
          cols: 1 + Math.floor(rand() * 40),
          signed: rand() < 0.5,
          zeros: rand(),
          lanes: t % 2 === 1,
          vertical: t % 4 >= 2,
        };
        if (c.inH + c.padTop + c.padBottom < 3 || c.inW + c.padLeft + c.padRight < 3) continue;
        check(c, rand);
      }
    });
  });
}
