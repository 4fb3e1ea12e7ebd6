// Winograd's F(2,3) for 3×3 stride-1 pieces (assembly/winograd.ts) against the golden scalar kernel on
// the IM2COL vectors of the same conv: identical accumulators for every real position, and the Σ|code|
// and fetch counts IM2COL reports. Shapes: 1–113 channels (K = 9·inC from 9, ragged: not a multiple
// of 8, up to 1017 rows: M1 and M2 in 1–3 parts of ≤ 168 transformed rows), odd and even widths and
// heights down to 1, 'same', 'valid' and asymmetric padding, few and many columns (not a multiple of 4:
// padded), a piece at a row/column offset of the tile; u8 and int16 codes; dense, zero-heavy, all-zero
// and extreme (±255 codes, ±8192 weights on every row) inputs; along kernel rows and along kernel columns;
// the GEMMs by mvmSimd (KERNELS_WINOGRAD) and by mvmLanes + mvmSimdStrided (KERNELS_LANES, KERNELS_PARTS).
import { beforeAll } from 'vitest';
import { instantiateChip, type ChipExports } from '../../host/chip/wasm.js';
import { EDGE_SHAPES, pieceInputs, winogradSuite, type Case, type Result, type Shape } from './winograd-cases.js';
import { scratchPointers, wIndex } from './scratch.js';

let chip: ChipExports;
beforeAll(async () => {
  chip = await instantiateChip();
});

function run(c: Case, rand: () => number): Result {
  const { inH, inW, inC, padTop, padLeft } = c;
  const gridH = inH + padTop + c.padBottom - 2;
  const gridW = inW + padLeft + c.padRight - 2;
  const positions = gridH * gridW;
  const posPad = (positions + 1) & ~1;
  const rows = 9 * inC;
  const rowsPad = (rows + 7) & ~7;
  const colsPad = (c.cols + 3) & ~3;
  const rp = (3 * inC + 7) & ~7;
  const vertical = c.vertical ?? false;
  const pairsPad = ((vertical ? gridW * ((gridH + 1) >> 1) : gridH * ((gridW + 1) >> 1)) + 1) & ~1;
  const parts = Math.ceil((3 * inC) / 168);
  const mMats = 2 + 2 * parts;
  const { codes, tile, row0, col0, geoCols, weight } = pieceInputs(c, rows, rand);
  // IM2COL vectors and the packed piece, as the controller builds them for mvmGolden.
  const x = new Int16Array(posPad * rowsPad);
  let pulses = 0;
  let fetches = 0;
  for (let oy = 0; oy < gridH; oy++) {
    for (let ox = 0; ox < gridW; ox++) {
      for (let ky = 0; ky < 3; ky++) {
        for (let kx = 0; kx < 3; kx++) {
          const iy = oy - padTop + ky;
          const ix = ox - padLeft + kx;
          if (iy < 0 || iy >= inH || ix < 0 || ix >= inW) continue;
          for (let ci = 0; ci < inC; ci++) {
            const v = codes[(iy * inW + ix) * inC + ci]!;
            x[(oy * gridW + ox) * rowsPad + (ky * 3 + kx) * inC + ci] = v;
            pulses += Math.abs(v);
          }
          fetches += inC;
        }
      }
    }
  }
  const w = new Int16Array(colsPad * rowsPad);
  for (let col = 0; col < c.cols; col++) for (let k = 0; k < rows; k++) w[wIndex(k, col, rowsPad)] = weight(k, col);

  const bytes = c.signed ? 2 : 1;
  const srcBytes = codes.length * bytes;
  const sizes = [srcBytes, tile.length * 2, x.length * 2, w.length * 2, posPad * colsPad * 4, 4 * rp * colsPad * 2, 4 * pairsPad * rp * 2, mMats * pairsPad * colsPad * 4, posPad * colsPad * 4];
  const ptrs = scratchPointers(chip, sizes);
  const [srcPtr, tilePtr, xPtr, wPtr, goldPtr, uPtr, tPtr, mPtr, accPtr] = ptrs as [number, number, number, number, number, number, number, number, number];
  let mem = chip.memory.buffer;
  if (c.signed) new Int16Array(mem, srcPtr, codes.length).set(codes);
  else new Uint8Array(mem, srcPtr, codes.length).set(Uint8Array.from(codes));
  new Int16Array(mem, tilePtr, tile.length).set(tile);
  new Int16Array(mem, xPtr, x.length).set(x);
  new Int16Array(mem, wPtr, w.length).set(w);
  // Garbage where the kernels must write everything they read back.
  new Int32Array(mem, accPtr, posPad * colsPad).fill(0x5a5a5a5a);
  new Int16Array(mem, tPtr, 4 * pairsPad * rp).fill(0x3333);
  new Int32Array(mem, mPtr, mMats * pairsPad * colsPad).fill(-7);
  new Int16Array(mem, uPtr, 4 * rp * colsPad).fill(0x1111);

  chip.mvmGolden(xPtr, wPtr, goldPtr, posPad, rowsPad, colsPad);
  const lanes = c.lanes ? ((colsPad & 15) === 4 ? colsPad - 4 : colsPad) : 0;
  chip.winogradPackWeights(tilePtr, row0, col0, geoCols, inC, c.cols, colsPad, uPtr, lanes, vertical);
  chip.winogradTransform(srcPtr, c.signed, inH, inW, inC, padTop, padLeft, gridH, gridW, tPtr, vertical);
  chip.winogradGemms(tPtr, uPtr, mPtr, inC, pairsPad, colsPad, lanes);
  chip.winogradCombine(mPtr, gridH, gridW, colsPad, accPtr, inC, vertical);
  mem = chip.memory.buffer;
  const n = positions * colsPad;
  return {
    wino: new Int32Array(mem, accPtr, n).slice(),
    gold: new Int32Array(mem, goldPtr, n).slice(),
    pulses: [chip.winogradCounts(true), pulses],
    fetches: [chip.winogradCounts(false), fetches],
  };
}

// inH, inW, inC, padTop, padBottom, padLeft, padRight, cols
const shapes: Shape[] = [
  [25, 25, 24, 1, 1, 1, 1, 28], // VWW b2_expand
  [13, 13, 28, 1, 1, 1, 1, 152], // b4/b5_expand
  [7, 7, 32, 1, 1, 1, 1, 76], // b10_expand
  [4, 4, 16, 1, 1, 1, 1, 96], // b14_expand
  ...EDGE_SHAPES,
  [25, 5, 112, 1, 1, 1, 1, 84], // KWS conv3: 1008 rows, parts of 168 + 168
  [25, 5, 84, 1, 1, 1, 1, 84], // KWS conv4/conv5: 756 rows, parts of 168 + 84
  [4, 5, 113, 0, 1, 1, 0, 13], // 1017 rows: parts of 168 + 168 + 3
  [5, 3, 60, 1, 1, 0, 0, 6], // 540 rows: 168 + 12
];

winogradSuite("Winograd F(2,3) for 3×3 stride-1 pieces", run, { shapes, extremeNote: ' (the bound the halving in parts relies on)', oneSignNote: ': the largest halves a part can make', oneSignSide: 5, randomSide: 12 });
