// The lanes = columns MVM (assembly/mvm-lanes.ts) on a piece's columns but a last single group of 4,
// with mvmSimdFrom / mvmImplicitFrom on that group (what the controller runs), against the golden
// scalar kernel on the IM2COL vectors: identical accumulators for every position and column. Shapes:
// rows < 8 and odd (the last pair's partner row meets zero weights), ragged, up to 300; 4 to 68 columns
// (16-column blocks, a 12- or 8-column block, a 4-column rest); positions 2–40; int16 codes at a padded stride
// (IM2COL's vectors) or contiguous (1×1 from SRAM, garbage past the tensor), u8 codes contiguous.
import { describe, it, expect, beforeAll } from 'vitest';
import { instantiateChip, type ChipExports } from '../../host/chip/wasm.js';
import { rng } from '../host/chip/net-builder.js';
import { scratchPointers, wIndex } from './scratch.js';

let chip: ChipExports;
beforeAll(async () => {
  chip = await instantiateChip();
});

/** mvm-lanes.ts's columns: all but a last single group of 4. */
const lanesColumns = (colsPad: number): number => ((colsPad & 15) === 4 ? colsPad - 4 : colsPad);
/** mvm-lanes.ts's layout of the first `cols` (lanesColumns) columns. */
function lanesIndex(k: number, c: number, rowPairs: number, cols: number): number {
  const groups = cols >> 2;
  const g = c >> 2;
  const full = groups & ~3;
  const g0 = g < full ? g & ~3 : full;
  const nv = g0 < full ? 4 : groups - full;
  return g0 * rowPairs * 8 + ((k >> 1) * nv + (g - g0)) * 8 + (c & 3) * 2 + (k & 1);
}

type Source = 'int16 padded' | 'int16 contiguous' | 'u8 contiguous';

function check(positions: number, rows: number, colsPad: number, source: Source, zeros: number, rand: () => number): void {
  const rowsPad = (rows + 7) & ~7;
  const rowPairs = (rows + 1) >> 1;
  const lanes = lanesColumns(colsPad);
  const u8 = source === 'u8 contiguous';
  const contiguous = source !== 'int16 padded';
  const codes = Int16Array.from({ length: positions * rows }, () => {
    if (rand() < zeros) return 0;
    const m = 1 + Math.floor(rand() * 255);
    return !u8 && rand() < 0.5 ? -m : m;
  });
  const w = new Int16Array(colsPad * rowsPad); // mvm.ts's layout, rows ≥ `rows` zero
  const wl = new Int16Array(colsPad * rowsPad); // the lanes layout of the first `lanes` columns
  for (let c = 0; c < colsPad; c++) {
    for (let k = 0; k < rows; k++) {
      const g = Math.floor(rand() * 16385) - 8192;
      w[wIndex(k, c, rowsPad)] = g;
      if (c < lanes) wl[lanesIndex(k, c, rowPairs, lanes)] = g;
    }
  }
  const x = new Int16Array(positions * rowsPad); // IM2COL's vectors for the golden kernel
  for (let p = 0; p < positions; p++) for (let k = 0; k < rows; k++) x[p * rowsPad + k] = codes[p * rows + k]!;
  const bytes = u8 ? 1 : 2;
  const stride = contiguous ? rows * bytes : rowsPad * 2;
  const srcBytes = positions * stride + 64;
  const sizes = [srcBytes, x.length * 2, w.length * 2, wl.length * 2, positions * colsPad * 4, positions * colsPad * 4];
  const ptrs = scratchPointers(chip, sizes);
  const [srcPtr, xPtr, wPtr, wlPtr, aPtr, gPtr] = ptrs as [number, number, number, number, number, number];
  const mem = chip.memory.buffer;
  // The source, with non-zero garbage past the tensor (what the last pair's partner may read).
  if (u8) {
    const src = new Uint8Array(mem, srcPtr, srcBytes).fill(0xa7);
    src.set(Uint8Array.from(codes));
  } else if (contiguous) {
    const src = new Int16Array(mem, srcPtr, srcBytes / 2).fill(-181);
    src.set(codes);
  } else {
    new Int16Array(mem, srcPtr, srcBytes / 2).fill(-181);
    new Int16Array(mem, srcPtr, x.length).set(x);
  }
  new Int16Array(mem, xPtr, x.length).set(x);
  new Int16Array(mem, wPtr, w.length).set(w);
  new Int16Array(mem, wlPtr, wl.length).set(wl);
  new Int32Array(mem, aPtr, positions * colsPad).fill(0x5a5a5a5a);
  if (lanes > 0) chip.mvmLanes(srcPtr, stride, u8, wlPtr, aPtr, colsPad, positions, rowPairs, lanes);
  if (lanes < colsPad) {
    if (contiguous) chip.mvmImplicitFrom(srcPtr, !u8, rows, wPtr, aPtr, positions, rowsPad, colsPad, lanes);
    else chip.mvmSimdFrom(srcPtr, wPtr, aPtr, positions, rowsPad, colsPad, lanes);
  }
  chip.mvmGolden(xPtr, wPtr, gPtr, positions, rowsPad, colsPad);
  const n = positions * colsPad;
  const label = `${positions}×${rows}×${colsPad}, ${source}`;
  expect(Array.from(new Int32Array(chip.memory.buffer, aPtr, n)), label).toEqual(Array.from(new Int32Array(chip.memory.buffer, gPtr, n)));
}

describe('lanes = columns MVM (+ the 2 × 4 kernels on a last group of 4) = golden', () => {
  const shapes: Array<[number, number, number]> = [
    // positions, rows, colsPad
    [2, 1, 4], [2, 1, 8], [2, 3, 16], [4, 7, 12], [6, 8, 20], [2, 27, 12], [626, 28, 24], [170, 42, 152], [50, 36, 112],
    [50, 48, 76], [16, 24, 96], [16, 32, 128], [10, 13, 28], [8, 63, 68], [2, 300, 40], [40, 5, 56],
  ];
  for (const source of ['int16 padded', 'int16 contiguous', 'u8 contiguous'] as const) {
    for (const zeros of [0, 0.5, 1]) {
      it(`${source} codes, ${zeros * 100} % zeros`, () => {
        const rand = rng(3 + zeros * 10 + source.length);
        for (const [positions, rows, colsPad] of shapes) check(positions, rows, colsPad, source, zeros, rand);
      });
    }
  }

  it('random shapes', () => {
    const rand = rng(21);
    const sources: Source[] = ['int16 padded', 'int16 contiguous', 'u8 contiguous'];
    for (let t = 0; t < 60; t++) {
      check(2 * (1 + Math.floor(rand() * 20)), 1 + Math.floor(rand() * 200), 4 * (1 + Math.floor(rand() * 17)), sources[t % 3]!, rand(), rand);
    }
  });
});
