// crossbarRead skips the cells no rectangle was programmed into (they read 0); crossbarReadGolden
// computes every cell. Same seed → the same snapshot, int16 and float, on every cell of every tile.
import { describe, expect, it } from 'vitest';
import { instantiateChip, type ChipExports } from '../../../host/chip/wasm.js';
import { PRESET_CODE } from '../../../host/chip/preset-code.js';

const ROWS = 48, COLS = 40, TILES = 2;

function targets(n: number, salt: number): Float32Array {
  const out = new Float32Array(n);
  let x = salt >>> 0;
  for (let i = 0; i < n; i++) {
    x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
    out[i] = (x / 2 ** 32) * 2 - 1;
  }
  return out;
}

function all(chip: ChipExports): { q: number[]; f: number[] } {
  const q: number[] = [], f: number[] = [];
  for (let t = 0; t < TILES; t++) {
    q.push(...new Int16Array(chip.memory.buffer, chip.conductancePtr(t), ROWS * COLS));
    f.push(...new Float32Array(chip.memory.buffer, chip.conductanceFloatPtr(t), ROWS * COLS));
  }
  return { q, f };
}

describe('crossbarRead (programmed cells only) against crossbarReadGolden (every cell)', () => {
  for (const preset of ['paper', 'aihwkit', 'ideal'] as const) {
    it(`${preset}: bit-identical snapshots, unprogrammed cells 0`, async () => {
      const chip = await instantiateChip();
      chip.crossbarInit(TILES, ROWS, COLS);
      chip.crossbarSetPreset(PRESET_CODE[preset]);
      // Three rectangles with gaps between them, before them and after them, on both tiles.
      const rects = [
        { tile: 0, row: 3, col: 5, rows: 10, cols: 7 },
        { tile: 0, row: 20, col: 0, rows: 28, cols: 40 },
        { tile: 1, row: 1, col: 33, rows: 5, cols: 6 },
      ];
      rects.forEach((r, k) => {
        const t = targets(r.rows * r.cols, 7 + k);
        t[0] = 0; // a programmed cell with target 0 is still programmed
        new Float32Array(chip.memory.buffer, chip.targetsBuffer(t.length), t.length).set(t);
        chip.crossbarProgram(r.tile, r.row, r.col, r.rows, r.cols, 99n);
      });
      for (const [t, seed] of [[86_400, 5n], [3600 * 24 * 365, 6n]] as const) {
        chip.crossbarRead(t, seed);
        const fast = all(chip);
        chip.crossbarReadGolden(t, seed);
        const golden = all(chip);
        expect(fast.q).toEqual(golden.q);
        expect(fast.f).toEqual(golden.f);
        const inRect = (tile: number, i: number) => {
          const row = Math.floor(i / COLS), col = i % COLS;
          return rects.some((r) => r.tile === tile && row >= r.row && row < r.row + r.rows && col >= r.col && col < r.col + r.cols);
        };
        const outside = golden.f.filter((_, j) => !inRect(Math.floor(j / (ROWS * COLS)), j % (ROWS * COLS)));
        expect(outside.length).toBe(TILES * ROWS * COLS - (70 + 28 * 40 + 30));
        expect(outside.every((v) => v === 0)).toBe(true);
        if (preset !== 'ideal') expect(golden.q.filter((v) => v !== 0).length).toBeGreaterThan(1000);
      }
    });
  }
});
