// The controller: holds the loaded layer program and runs it one layer at a time (layer-serial,
// paper section 5.1), counting per layer exactly the fields of host/chip/counters.ts. Also owns GDC
// (contracts.md §4): a per-layer α = mean|G| right after programming / mean|G| of the current snapshot
// over the layer's rectangles, applied to the ADC outputs before BN. Calibration reads are not counted.
// Optional analog GDC (GDC_ANALOG, off by default): α multiplies the current-to-code gain k of the layer's
// ADCs instead, i.e. a = clip(round(α·k·I)) — the range r_ADC,l/α — so drifted (smaller) signals still
// span the ADC's codes; the datapath then scales by Δ_ADC alone. Same conversions, same counters.
//
// Memory: the host writes the program image (program-layout.ts) into programImage(); programLoad()
// derives the per-piece state and allocates every buffer an inference needs, so chipInfer() allocates
// nothing. After each snapshot (chipRead) every piece's conductances are copied, transposed and padded,
// into its own buffer in the layout mvm.ts wants.
//
// Row replication (P_COPIES > 1, an option, off by default): a piece's rectangle holds `copies` stacked
// copies of its matrix rows; IM2COL's row vector drives every copy (one fetch, copies × the row drives),
// the bit line sums the copies' currents and the ADC takes that charge ÷ copies (its gain k/copies:
// converters.ts adcCodeCopies), so identical copies give the one-copy codes exactly.
//
// Counter definitions (per piece, summed over the layer's pieces; "piece rows" are the rectangle's,
// i.e. copies × matrix rows for a replicated piece, "matrix rows" one copy's):
//   arrayCycles        = positions × cyclesPerPosition (Mux4: most columns on one ADC)
//   activeRowCycles    = arrayCycles × piece rows (DACs outside the piece are clock-gated; each cycle drives all rows)
//   activeAdcCycles    = arrayCycles × ADCs serving ≥ 1 column of the piece (the others are clock-gated)
//   adcConversions     = positions × piece columns
//   dacPulses          = Σ over positions of Σ|code| of the row vector × cyclesPerPosition × copies
//   dacPulsesFullScale = activeRowCycles × (2^b − 1)
//   macs               = positions × matrix rows × piece columns (depthwise: taps × channels, its diagonal)
//   sramBytesRead      = codes the IM2COL unit fetches (no reuse buffer modelled) + skip operand codes, in bytes
//   sramBytesWritten   = output codes written, in bytes (logits leave the chip: not counted)
//   digitalOps         = per element: scale 1, BN 1, ReLU 1, residual add 1, pool 1 (+1 per channel), requantize 1

import {
  H_MAGIC, H_VERSION, H_LAYERS, H_PIECES, H_ABS_S, H_IN_BANK, H_IN_OFFSET, H_IN_H, H_IN_W, H_IN_C, H_IN_SIGNED,
  H_IN_RDAC, H_LAYER_BASE, H_PIECE_BASE, PROGRAM_MAGIC, PROGRAM_VERSION,
  KIND_DEPTHWISE, L_KIND, L_KH, L_KW, L_STRIDE, L_PAD_TOP, L_PAD_LEFT, L_IN_H, L_IN_W, L_IN_C, L_GRID_H, L_GRID_W,
  L_C_MAT, L_C_OUT, L_RELU, L_POOL, L_SRC_BANK, L_SRC_OFFSET, L_SRC_SIGNED, L_DST_BANK, L_DST_OFFSET,
  L_DST_SIGNED, L_RES_BANK, L_RES_OFFSET, L_RES_SIGNED, L_RES_C, L_RDAC, L_RADC, L_DST_RDAC, L_RES_RDAC,
  L_FIRST_PIECE, L_PIECES, L_SCALE_WORD, L_OFFSET_WORD, LAYER_WORDS,
  P_TILE, P_ROW, P_COL, P_ROWS, P_COLS, P_ROW_START, P_COL_START, P_COPIES, MAX_COPIES, PIECE_WORDS,
  C_ARRAY_CYCLES, C_ACTIVE_ROW_CYCLES, C_ACTIVE_ADC_CYCLES, C_ADC_CONVERSIONS, C_DAC_PULSES,
  C_DAC_PULSES_FULL_SCALE, C_MACS, C_SRAM_BYTES_READ, C_SRAM_BYTES_WRITTEN, C_DIGITAL_OPS, COUNTER_FIELDS,
  GDC_DIGITAL, GDC_ANALOG, LOAD_OK, LOAD_BAD_MAGIC, LOAD_BAD_GEOMETRY, LOAD_BAD_BUFFER, LOAD_BAD_PIECE,
} from './program-layout';
import { crossbarInit, crossbarRead, conductancePtr, rectAbsSumRead, rectAbsSumProgrammed } from './crossbar';
import { adcConvertPiece, adcConvertRows, adcGain, adcMaxCode, adcStep, adcsInUse, dacMaxCode, dacStep, muxCyclesPerPosition } from './converters';
import { mvmGolden, mvmSimd, mvmSimdFrom, wIndex } from './mvm';
import { codeAbsSum, implicitEligible, mvmImplicit, mvmImplicitFrom } from './mvm-implicit';
import { im2colConv, im2colDepthwise, im2colFetches, im2colPulses, im2colQuad, im2colQuadBytes, im2colQuadEligible } from './im2col';
import { im2colRgb, im2colRgbEligible, rgbFetches, rgbPulses } from './im2col-rgb';
import { KERNELS_DEFAULT, KERNELS_GOLDEN, KERNELS_LANES, KERNELS_PARTS, KERNELS_QUAD, KERNELS_RGB, KERNELS_S2, KERNELS_SHAPED, KERNELS_WINOGRAD } from './kernel-modes';
import { s2Combine, s2Eligible, s2Fetches, s2Gemms, s2PackWeights, s2Pulses, s2Rows, s2Transform } from './winograd-s2';
import { lanesColumns, lanesIndex, mvmLanes } from './mvm-lanes';
import {
  winogradCombine, winogradEligible, winogradFetches, winogradGemms, winogradPackWeights, winogradPairsPad, winogradParts, winogradPulses,
  winogradRows, winogradTransform, winogradVertical,
} from './winograd';
import { sramInit, sramCheck, sramAddress, codeBytes } from './sram';
import { scaleBnRelu, scaleBnReluMax, residualAdd, averagePool, requantize } from './datapath';

// Geometry of one tile.
let geoTiles: i32 = 0;
let geoRows: i32 = 0;
let geoCols: i32 = 0;

let bits: i32 = 8;
let gdcOn: bool = true;

// IM2COL pieces up to this many rows run mvmLanes; longer rows (KWS's 1008) keep mvmSimd, where the
// horizontal sums cost little and lanes would need a splat per 2 rows.
const LANES_ROWS = 512;

// Which kernels run (chipSetKernels; assembly/kernel-modes.ts).
let kernels: i32 = KERNELS_DEFAULT;
let gdcAnalog: bool = false;

// The program image.
let img: usize = 0;
let imgWords: i32 = 0;
let nLayers: i32 = 0;
let nPieces: i32 = 0;
let layerBase: i32 = 0;
let pieceBase: i32 = 0;

// Per piece, derived at load.
let pieceW: StaticArray<usize> = new StaticArray<usize>(0); // packed transposed conductances
let pieceRowsPad: StaticArray<i32> = new StaticArray<i32>(0);
let pieceColsPad: StaticArray<i32> = new StaticArray<i32>(0);
let pieceCycles: StaticArray<i32> = new StaticArray<i32>(0); // conversions per position (Mux4)
let pieceAdcs: StaticArray<i32> = new StaticArray<i32>(0); // ADCs in use
let pieceImplicit: StaticArray<bool> = new StaticArray<bool>(0); // a 1×1 piece read straight from SRAM
let pieceRgb: StaticArray<bool> = new StaticArray<bool>(0); // a 3×3 piece over 3 channels (im2col-rgb.ts)
let pieceCopies: StaticArray<i32> = new StaticArray<i32>(0); // row copies (1: not replicated)
let pieceWinoC: StaticArray<i32> = new StaticArray<i32>(0); // input channels of a piece F(2,3) runs (winograd.ts), else 0
let pieceU: StaticArray<usize> = new StaticArray<usize>(0); // its transformed weights U_0 … U_3
let pieceLanes: StaticArray<i32> = new StaticArray<i32>(0); // columns mvmLanes computes (mvm-lanes.ts), 0: none
let pieceWL: StaticArray<usize> = new StaticArray<usize>(0); // a 1×1 or RGB piece's weights in the lanes layout
let pieceUL: StaticArray<usize> = new StaticArray<usize>(0); // an F(2,3) piece's U_0 … U_3, lanes layout for those columns
// KERNELS_PARTS: F(2,3) on any row count, either axis (winograd.ts). Input channels of such a piece, else 0;
// along kernel columns or not; its U (pieceUL when the same: one part along rows, else its own).
let pieceWinoP: StaticArray<i32> = new StaticArray<i32>(0);
let pieceWinoV: StaticArray<bool> = new StaticArray<bool>(0);
let pieceUP: StaticArray<usize> = new StaticArray<usize>(0);
// KERNELS_S2: a 3×3 stride-2 piece (winograd-s2.ts): input channels, else 0; its axis; its U_P, U_Q, U_M.
let pieceS2C: StaticArray<i32> = new StaticArray<i32>(0);
let pieceS2V: StaticArray<bool> = new StaticArray<bool>(0);
let pieceS2U: StaticArray<usize> = new StaticArray<usize>(0);
let pieceQuad: StaticArray<bool> = new StaticArray<bool>(0); // KERNELS_QUAD: IM2COL by im2colQuad

// Per layer.
let gdcBase: StaticArray<f64> = new StaticArray<f64>(0);
let gdcRead: StaticArray<f64> = new StaticArray<f64>(0);
let gdcAlpha: StaticArray<f32> = new StaticArray<f32>(0);
let counters: StaticArray<f64> = new StaticArray<f64>(0);

// Scratch for one inference (sized at load).
let xBuf: usize = 0; // im2col rows, int16
let tBuf: usize = 0; // F(2,3)'s transformed codes T_0 … T_3, int16
let mBuf: usize = 0; // F(2,3)'s products M_0 … M_3, int32
let quadBuf: usize = 0; // im2colQuad's zero-bordered source, int16
let accBuf: usize = 0; // MVM accumulators, int32
let adcBuf: usize = 0; // ADC codes summed over row-pieces, int32 [positions][cMat]
let yBuf: usize = 0; // the layer's values after the datapath, f32 [positions][cOut]
let poolBuf: usize = 0; // pooled sums, f32
let inBuf: usize = 0; // the network input, f32 HWC
let outBuf: usize = 0; // the logits, f32
let inLength: i32 = 0;
let outLength: i32 = 0;

@inline function word(i: i32): i32 {
  return load<i32>(img + (<usize>i << 2));
}
@inline function wordF(i: i32): f32 {
  return load<f32>(img + (<usize>i << 2));
}
@inline function lw(l: i32, f: i32): i32 {
  return word(layerBase + l * LAYER_WORDS + f);
}
@inline function lf(l: i32, f: i32): f32 {
  return wordF(layerBase + l * LAYER_WORDS + f);
}
@inline function pw(p: i32, f: i32): i32 {
  return word(pieceBase + p * PIECE_WORDS + f);
}

function alloc16(bytes: i32): usize {
  const p = heap.alloc(<usize>bytes + 32);
  const a = (p + 15) & ~<usize>15;
  memory.fill(a, 0, <usize>bytes + 16);
  return a;
}

/** Build an empty chip: `tiles` crossbars of rows × cols, and the two SRAM banks. */
export function chipInit(tiles: i32, rows: i32, cols: i32): void {
  crossbarInit(tiles, rows, cols);
  sramInit();
  geoTiles = tiles;
  geoRows = rows;
  geoCols = cols;
}

/** Space for a program image of `words` 32-bit words; the host writes it, then calls programLoad. */
export function programImage(words: i32): usize {
  if (words > imgWords) {
    img = alloc16(words << 2);
    imgWords = words;
  }
  return img;
}

/** Read the image, derive per-piece state, size every buffer. Returns a LOAD_* status. */
export function programLoad(): i32 {
  if (word(H_MAGIC) != PROGRAM_MAGIC || word(H_VERSION) != PROGRAM_VERSION) return LOAD_BAD_MAGIC;
  if (geoCols % 4 != 0 || geoTiles <= 0) return LOAD_BAD_GEOMETRY;
  nLayers = word(H_LAYERS);
  nPieces = word(H_PIECES);
  layerBase = word(H_LAYER_BASE);
  pieceBase = word(H_PIECE_BASE);
  inLength = word(H_IN_H) * word(H_IN_W) * word(H_IN_C);
  if (!sramCheck(word(H_IN_BANK), word(H_IN_OFFSET), inLength, word(H_IN_SIGNED) != 0)) return LOAD_BAD_BUFFER;

  pieceW = new StaticArray<usize>(nPieces);
  pieceRowsPad = new StaticArray<i32>(nPieces);
  pieceColsPad = new StaticArray<i32>(nPieces);
  pieceCycles = new StaticArray<i32>(nPieces);
  pieceAdcs = new StaticArray<i32>(nPieces);
  pieceImplicit = new StaticArray<bool>(nPieces);
  pieceRgb = new StaticArray<bool>(nPieces);
  pieceCopies = new StaticArray<i32>(nPieces);
  pieceWinoC = new StaticArray<i32>(nPieces);
  pieceU = new StaticArray<usize>(nPieces);
  pieceLanes = new StaticArray<i32>(nPieces);
  pieceWL = new StaticArray<usize>(nPieces);
  pieceUL = new StaticArray<usize>(nPieces);
  pieceWinoP = new StaticArray<i32>(nPieces);
  pieceWinoV = new StaticArray<bool>(nPieces);
  pieceUP = new StaticArray<usize>(nPieces);
  pieceS2C = new StaticArray<i32>(nPieces);
  pieceS2V = new StaticArray<bool>(nPieces);
  pieceS2U = new StaticArray<usize>(nPieces);
  pieceQuad = new StaticArray<bool>(nPieces);
  gdcBase = new StaticArray<f64>(nLayers);
  gdcRead = new StaticArray<f64>(nLayers);
  gdcAlpha = new StaticArray<f32>(nLayers);
  counters = new StaticArray<f64>(nLayers * COUNTER_FIELDS);

  let xBytes = 0, accBytes = 0, tBytes = 0, mBytes = 0, adcBytes = 0, rowFloats = 0, yFloats = 0, quadBytes = 0;
  outLength = 0;
  for (let l = 0; l < nLayers; l++) {
    unchecked((gdcAlpha[l] = 1));
    const positions = lw(l, L_GRID_H) * lw(l, L_GRID_W);
    const posPad = (positions + 1) & ~1;
    const cMat = lw(l, L_C_MAT);
    const cOut = lw(l, L_C_OUT);
    if (!sramCheck(lw(l, L_SRC_BANK), lw(l, L_SRC_OFFSET), lw(l, L_IN_H) * lw(l, L_IN_W) * lw(l, L_IN_C), lw(l, L_SRC_SIGNED) != 0)) return LOAD_BAD_BUFFER;
    const outElems = lw(l, L_POOL) != 0 ? cOut : positions * cOut;
    if (lw(l, L_DST_BANK) >= 0) {
      if (!sramCheck(lw(l, L_DST_BANK), lw(l, L_DST_OFFSET), outElems, lw(l, L_DST_SIGNED) != 0)) return LOAD_BAD_BUFFER;
    } else {
      outLength = outElems;
    }
    if (lw(l, L_RES_BANK) >= 0 && !sramCheck(lw(l, L_RES_BANK), lw(l, L_RES_OFFSET), positions * lw(l, L_RES_C), lw(l, L_RES_SIGNED) != 0)) return LOAD_BAD_BUFFER;
    adcBytes = max(adcBytes, positions * cMat * 4);
    rowFloats = max(rowFloats, cOut);
    yFloats = max(yFloats, positions * cOut);
    const first = lw(l, L_FIRST_PIECE);
    for (let p = first; p < first + lw(l, L_PIECES); p++) {
      const tile = pw(p, P_TILE), row = pw(p, P_ROW), col = pw(p, P_COL), rows = pw(p, P_ROWS), cols = pw(p, P_COLS);
      if (tile < 0 || tile >= geoTiles || row < 0 || col < 0 || rows <= 0 || cols <= 0 || row + rows > geoRows || col + cols > geoCols) return LOAD_BAD_PIECE;
      const copies = max<i32>(pw(p, P_COPIES), 1);
      if (copies > MAX_COPIES || rows % copies != 0) return LOAD_BAD_PIECE;
      unchecked((pieceCopies[p] = copies));
      const rowsPad = (rows + 7) & ~7;
      const colsPad = (cols + 3) & ~3;
      unchecked((pieceRowsPad[p] = rowsPad));
      unchecked((pieceColsPad[p] = colsPad));
      unchecked((pieceCycles[p] = muxCyclesPerPosition(col, cols, geoCols)));
      unchecked((pieceAdcs[p] = adcsInUse(col, cols, geoCols)));
      unchecked((pieceW[p] = alloc16(colsPad * rowsPad * 2)));
      // The implicit and RGB kernels read one copy's rows; a replicated piece takes the general path.
      unchecked((pieceImplicit[p] = copies == 1 && lw(l, L_KIND) != KIND_DEPTHWISE && implicitEligible(
        lw(l, L_KH), lw(l, L_KW), lw(l, L_STRIDE), lw(l, L_PAD_TOP), lw(l, L_PAD_LEFT), lw(l, L_IN_H), lw(l, L_IN_W), lw(l, L_IN_C),
        lw(l, L_GRID_H), lw(l, L_GRID_W), pw(p, P_ROW_START), rows)));
      unchecked((pieceRgb[p] = copies == 1 && lw(l, L_KIND) != KIND_DEPTHWISE &&
        im2colRgbEligible(lw(l, L_KH), lw(l, L_KW), lw(l, L_IN_C), pw(p, P_ROW_START), rows, rowsPad)));
      const inC = lw(l, L_IN_C);
      const conv = lw(l, L_KIND) != KIND_DEPTHWISE;
      const gridH = lw(l, L_GRID_H), gridW = lw(l, L_GRID_W);
      const rp = winogradRows(inC);
      if (conv && winogradEligible(lw(l, L_KH), lw(l, L_KW), lw(l, L_STRIDE), inC, pw(p, P_ROW_START), rows, copies, 512)) {
        const pairsPad = winogradPairsPad(gridH, gridW, false);
        unchecked((pieceWinoC[p] = inC));
        unchecked((pieceU[p] = alloc16(4 * rp * colsPad * 2)));
        unchecked((pieceLanes[p] = lanesColumns(colsPad)));
        unchecked((pieceUL[p] = alloc16(4 * rp * colsPad * 2)));
        tBytes = max(tBytes, 4 * pairsPad * rp * 2);
        mBytes = max(mBytes, 4 * pairsPad * colsPad * 4);
      }
      if (conv && winogradEligible(lw(l, L_KH), lw(l, L_KW), lw(l, L_STRIDE), inC, pw(p, P_ROW_START), rows, copies, 1 << 30)) {
        const vertical = winogradVertical(gridH, gridW);
        const pairsPad = winogradPairsPad(gridH, gridW, vertical);
        unchecked((pieceWinoP[p] = inC));
        unchecked((pieceWinoV[p] = vertical));
        const same = unchecked(pieceWinoC[p]) > 0 && !vertical && winogradParts(inC) == 1;
        unchecked((pieceUP[p] = same ? unchecked(pieceUL[p]) : alloc16(4 * rp * colsPad * 2)));
        tBytes = max(tBytes, 4 * pairsPad * rp * 2);
        mBytes = max(mBytes, (2 + 2 * winogradParts(inC)) * pairsPad * colsPad * 4);
      }
      // Stride 2 only where IM2COL's rows are too long for mvmLanes (KWS's conv2, 756): under LANES_ROWS the
      // lanes IM2COL path is as fast or faster (VWW's b1_expand over 12 channels: 0.79×; bench/README.md).
      if (conv && rowsPad > LANES_ROWS && s2Eligible(lw(l, L_KH), lw(l, L_KW), lw(l, L_STRIDE), inC, pw(p, P_ROW_START), rows, copies)) {
        const vertical = winogradVertical(gridH, gridW);
        const pairsPad = winogradPairsPad(gridH, gridW, vertical);
        unchecked((pieceS2C[p] = inC));
        unchecked((pieceS2V[p] = vertical));
        unchecked((pieceS2U[p] = alloc16(s2Rows(inC) * colsPad * 2)));
        tBytes = max(tBytes, pairsPad * s2Rows(inC) * 2);
        mBytes = max(mBytes, 3 * pairsPad * colsPad * 4);
      }
      if (conv && copies == 1 && im2colQuadEligible(lw(l, L_KW), inC, lw(l, L_KH), pw(p, P_ROW_START), rows)) {
        unchecked((pieceQuad[p] = true));
        quadBytes = max(quadBytes, im2colQuadBytes(lw(l, L_KH), lw(l, L_KW), inC, lw(l, L_STRIDE), gridH, gridW));
      }
      // mvmLanes for the pieces of ≤ LANES_ROWS rows (read from SRAM as u8 codes: ≤ 64 rows, their splats cost a widening each).
      const general = !unchecked(pieceImplicit[p]) && unchecked(pieceWinoC[p]) == 0 && rowsPad <= LANES_ROWS;
      if ((unchecked(pieceWinoP[p]) > 0 || unchecked(pieceS2C[p]) > 0) && unchecked(pieceLanes[p]) == 0) unchecked((pieceLanes[p] = lanesColumns(colsPad)));
      if ((unchecked(pieceImplicit[p]) && (lw(l, L_SRC_SIGNED) != 0 || rows <= 64)) || unchecked(pieceRgb[p]) || general) {
        unchecked((pieceLanes[p] = lanesColumns(colsPad)));
        if (unchecked(pieceLanes[p]) > 0) unchecked((pieceWL[p] = alloc16(colsPad * rowsPad * 2)));
      }
      xBytes = max(xBytes, posPad * rowsPad * 2);
      accBytes = max(accBytes, posPad * colsPad * 4);
    }
  }
  xBuf = alloc16(xBytes);
  accBuf = alloc16(accBytes);
  tBuf = alloc16(tBytes);
  mBuf = alloc16(mBytes);
  quadBuf = alloc16(quadBytes);
  adcBuf = alloc16(adcBytes);
  yBuf = alloc16(yFloats * 4);
  poolBuf = alloc16(rowFloats * 4);
  inBuf = alloc16(inLength * 4);
  outBuf = alloc16(outLength * 4);
  return LOAD_OK;
}

/** GDC baseline, right after programming: mean|G+ − G−| over each layer's rectangles. */
export function gdcBaseline(): void {
  for (let l = 0; l < nLayers; l++) unchecked((gdcBase[l] = layerMeanAbs(l, false)));
}

function layerMeanAbs(l: i32, current: bool): f64 {
  let sum: f64 = 0;
  let cells: f64 = 0;
  const first = lw(l, L_FIRST_PIECE);
  for (let p = first; p < first + lw(l, L_PIECES); p++) {
    const tile = pw(p, P_TILE), row = pw(p, P_ROW), col = pw(p, P_COL), rows = pw(p, P_ROWS), cols = pw(p, P_COLS);
    sum += current ? rectAbsSumRead(tile, row, col, rows, cols) : rectAbsSumProgrammed(tile, row, col, rows, cols);
    cells += <f64>rows * <f64>cols;
  }
  return sum / cells;
}

function updateAlpha(): void {
  for (let l = 0; l < nLayers; l++) {
    unchecked((gdcAlpha[l] = gdcOn ? <f32>(unchecked(gdcBase[l]) / max<f64>(unchecked(gdcRead[l]), 1e-12)) : 1));
  }
}

/** Copy a piece's rectangle of the snapshot into its zero-padded buffer in the kernel's layout (mvm.ts). */
function packPiece(p: i32): void {
  const row = pw(p, P_ROW), col = pw(p, P_COL), rows = pw(p, P_ROWS), cols = pw(p, P_COLS);
  const rowsPad = unchecked(pieceRowsPad[p]);
  const colsPad = unchecked(pieceColsPad[p]);
  const dst = unchecked(pieceW[p]);
  memory.fill(dst, 0, <usize>(colsPad * rowsPad) << 1);
  const g = conductancePtr(pw(p, P_TILE));
  for (let r = 0; r < rows; r++) {
    const src = g + (<usize>((row + r) * geoCols + col) << 1);
    for (let c = 0; c < cols; c++) {
      store<i16>(dst + (<usize>wIndex(r, c, rowsPad) << 1), load<i16>(src + (<usize>c << 1)));
    }
  }
  const wl = unchecked(pieceWL[p]);
  if (wl != 0) {
    const lanes = unchecked(pieceLanes[p]);
    const pairs = (rows + 1) >> 1;
    memory.fill(wl, 0, <usize>(colsPad * rowsPad) << 1);
    for (let r = 0; r < rows; r++) {
      const src = g + (<usize>((row + r) * geoCols + col) << 1);
      for (let c = 0; c < min(cols, lanes); c++) store<i16>(wl + (<usize>lanesIndex(r, c, pairs, lanes) << 1), load<i16>(src + (<usize>c << 1)));
    }
  }
  const inC = unchecked(pieceWinoC[p]);
  if (inC > 0) {
    winogradPackWeights(g, row, col, geoCols, inC, cols, colsPad, unchecked(pieceU[p]), 0, false);
    winogradPackWeights(g, row, col, geoCols, inC, cols, colsPad, unchecked(pieceUL[p]), unchecked(pieceLanes[p]), false);
  }
  const inCP = unchecked(pieceWinoP[p]);
  if (inCP > 0 && unchecked(pieceUP[p]) != unchecked(pieceUL[p])) {
    winogradPackWeights(g, row, col, geoCols, inCP, cols, colsPad, unchecked(pieceUP[p]), unchecked(pieceLanes[p]), unchecked(pieceWinoV[p]));
  }
  const inC2 = unchecked(pieceS2C[p]);
  if (inC2 > 0) s2PackWeights(g, row, col, geoCols, inC2, cols, colsPad, unchecked(pieceS2U[p]), unchecked(pieceLanes[p]), unchecked(pieceS2V[p]));
}

/** Snapshot at t seconds after programming (read noise from `seed`), re-pack the pieces, GDC readout. */
export function chipRead(tSeconds: f64, seed: u64): void {
  crossbarRead(tSeconds, seed);
  for (let p = 0; p < nPieces; p++) packPiece(p);
  for (let l = 0; l < nLayers; l++) unchecked((gdcRead[l] = layerMeanAbs(l, true)));
  updateAlpha();
}

/** KERNELS_GOLDEN, KERNELS_SIMD, KERNELS_SHAPED, KERNELS_RGB, KERNELS_WINOGRAD, KERNELS_LANES, KERNELS_PARTS, KERNELS_S2 or KERNELS_QUAD (the default); others abort. Results do not depend on it. */
export function chipSetKernels(mode: i32): void {
  if (mode < KERNELS_GOLDEN || mode > KERNELS_QUAD) abort('chipSetKernels: 0 golden, 1 SIMD, 2 shaped, 3 RGB, 4 Winograd, 5 lanes, 6 parts, 7 stride 2, 8 quad');
  kernels = mode;
}

export function chipSetBits(b: i32): void {
  bits = b;
}

export function chipSetGdc(on: bool): void {
  gdcOn = on;
  updateAlpha();
}

/** Where α acts: GDC_DIGITAL (default: on the ADC codes) or GDC_ANALOG (on the ADC's input). Others abort. */
export function chipSetGdcMode(mode: i32): void {
  if (mode != GDC_DIGITAL && mode != GDC_ANALOG) abort('chipSetGdcMode: 0 digital, 1 analog');
  gdcAnalog = mode == GDC_ANALOG;
}

/** GDC factor of layer l for the current snapshot (1 when GDC is off). */
export function chipGdcAlpha(l: i32): f32 {
  return unchecked(gdcAlpha[l]);
}

/** Where the host writes the network input (float32 HWC, program.input's shape). */
export function chipInputPtr(): usize {
  return inBuf;
}

/** Where the logits are after chipInfer (float32, chipOutputLength() of them). */
export function chipOutputPtr(): usize {
  return outBuf;
}

export function chipOutputLength(): i32 {
  return outLength;
}

/** Per-layer counters of the last inference: f64 [layers][COUNTER_FIELDS]. */
export function chipCountersPtr(): usize {
  return changetype<usize>(counters);
}

/** Index of the first input value that is NaN or ±Inf, or −1 (x − x is 0 exactly for finite x). SIMD. */
export function chipInputNonFinite(): i32 {
  const zero = f32x4.splat(0);
  let i = 0;
  for (; i + 4 <= inLength; i += 4) {
    const v = v128.load(inBuf + (<usize>i << 2));
    if (!i32x4.all_true(f32x4.eq(f32x4.sub(v, v), zero))) break;
  }
  for (; i < inLength; i++) {
    const v = load<f32>(inBuf + (<usize>i << 2));
    if (v - v != 0) return i;
  }
  return -1;
}

/** One inference: quantize the input by the first DAC into SRAM, then run every layer. */
export function chipInfer(): void {
  const dst = sramAddress(word(H_IN_BANK), word(H_IN_OFFSET));
  requantize(inBuf, inLength, dst, word(H_IN_SIGNED) != 0, dacStep(wordF(H_IN_RDAC), bits), dacMaxCode(bits));
  memory.fill(changetype<usize>(counters), 0, <usize>(nLayers * COUNTER_FIELDS) << 3);
  for (let l = 0; l < nLayers; l++) runLayer(l);
}

/** Test surface: run layers [first, last) only (the SRAM holds what earlier layers left). */
export function chipRunLayers(first: i32, last: i32): void {
  for (let l = first; l < last; l++) runLayer(l);
}

/** Row replication: copy each position's first `rows` codes into copies 1 … copies−1 of its row vector. */
function replicateRows(x: usize, posPad: i32, rows: i32, rowsPad: i32, copies: i32): void {
  const bytes = <usize>rows << 1;
  for (let q = 0; q < posPad; q++) {
    const v = x + (<usize>(q * rowsPad) << 1);
    for (let k = 1; k < copies; k++) memory.copy(v + <usize>k * bytes, v, bytes);
  }
}

/** A piece's accumulators by F(2,3) (winograd.ts): transform, the GEMMs, combine into accBuf. */
function winogradMvm(p: i32, src: usize, signed: bool, inH: i32, inW: i32, inC: i32, padTop: i32, padLeft: i32, gridH: i32, gridW: i32, colsPad: i32): void {
  const parts = kernels >= KERNELS_PARTS;
  const vertical = parts && unchecked(pieceWinoV[p]);
  const pairsPad = winogradPairsPad(gridH, gridW, vertical);
  const lanes = kernels >= KERNELS_LANES ? unchecked(pieceLanes[p]) : 0;
  const u = parts ? unchecked(pieceUP[p]) : lanes > 0 ? unchecked(pieceUL[p]) : unchecked(pieceU[p]);
  winogradTransform(src, signed, inH, inW, inC, padTop, padLeft, gridH, gridW, tBuf, vertical);
  winogradGemms(tBuf, u, mBuf, inC, pairsPad, colsPad, lanes);
  winogradCombine(mBuf, gridH, gridW, colsPad, accBuf, inC, vertical);
}

function runLayer(l: i32): void {
  const cnt = changetype<usize>(counters) + (<usize>(l * COUNTER_FIELDS) << 3);
  const depthwise = lw(l, L_KIND) == KIND_DEPTHWISE;
  const kh = lw(l, L_KH), kw = lw(l, L_KW), stride = lw(l, L_STRIDE);
  const padTop = lw(l, L_PAD_TOP), padLeft = lw(l, L_PAD_LEFT);
  const inH = lw(l, L_IN_H), inW = lw(l, L_IN_W), inC = lw(l, L_IN_C);
  const gridH = lw(l, L_GRID_H);
  const gridW = lw(l, L_GRID_W);
  const positions = gridH * gridW;
  const posPad = (positions + 1) & ~1;
  const cMat = lw(l, L_C_MAT);
  const cOut = lw(l, L_C_OUT);
  const srcSigned = lw(l, L_SRC_SIGNED) != 0;
  const src = sramAddress(lw(l, L_SRC_BANK), lw(l, L_SRC_OFFSET));
  const alpha = unchecked(gdcAlpha[l]);
  // Analog GDC: α·k is the layer's ADC gain (α widened exactly to f64); digital: k, and α comes after.
  const k = gdcAnalog ? adcGain(<f64>wordF(H_ABS_S), bits) * <f64>alpha : adcGain(<f64>wordF(H_ABS_S), bits);
  const aMax = adcMaxCode(bits);
  const dMax = dacMaxCode(bits);

  let cycles: f64 = 0, rowCycles: f64 = 0, adcCycles: f64 = 0, conversions: f64 = 0;
  let pulses: f64 = 0, pulsesFull: f64 = 0, macs: f64 = 0, bytesRead: f64 = 0, bytesWritten: f64 = 0, ops: f64 = 0;

  const first = lw(l, L_FIRST_PIECE);
  // One piece of all columns, one copy: its ADC codes are the layer's (written, not summed).
  const whole = lw(l, L_PIECES) == 1 && unchecked(pieceCopies[first]) == 1 && pw(first, P_COL_START) == 0 && pw(first, P_COLS) == cMat;
  if (!whole) memory.fill(adcBuf, 0, <usize>(positions * cMat) << 2);
  for (let p = first; p < first + lw(l, L_PIECES); p++) {
    const rows = pw(p, P_ROWS), cols = pw(p, P_COLS), colStart = pw(p, P_COL_START);
    const copies = unchecked(pieceCopies[p]);
    const mRows = rows / copies; // one copy's matrix rows (= rows unless replicated)
    const rowsPad = unchecked(pieceRowsPad[p]);
    const colsPad = unchecked(pieceColsPad[p]);
    let piecePulses: i64, pieceFetches: i64;
    if (kernels >= KERNELS_SHAPED && unchecked(pieceImplicit[p])) {
      const lanes = kernels >= KERNELS_LANES ? unchecked(pieceLanes[p]) : 0;
      if (lanes > 0) mvmLanes(src, rows * codeBytes(srcSigned), !srcSigned, unchecked(pieceWL[p]), accBuf, colsPad, posPad, (rows + 1) >> 1, lanes);
      if (lanes < colsPad) mvmImplicitFrom(src, srcSigned, rows, unchecked(pieceW[p]), accBuf, posPad, rowsPad, colsPad, lanes);
      piecePulses = codeAbsSum(src, srcSigned, positions * rows);
      pieceFetches = <i64>positions * <i64>rows;
    } else if (kernels >= KERNELS_RGB && unchecked(pieceRgb[p])) {
      im2colRgb(src, srcSigned, inH, inW, stride, padTop, padLeft, gridH, gridW, posPad, xBuf);
      const lanes = kernels >= KERNELS_LANES ? unchecked(pieceLanes[p]) : 0;
      if (lanes > 0) mvmLanes(xBuf, rowsPad << 1, false, unchecked(pieceWL[p]), accBuf, colsPad, posPad, (rows + 1) >> 1, lanes);
      if (lanes < colsPad) mvmSimdFrom(xBuf, unchecked(pieceW[p]), accBuf, posPad, rowsPad, colsPad, lanes);
      piecePulses = rgbPulses;
      pieceFetches = rgbFetches;
    } else if ((kernels >= KERNELS_PARTS && unchecked(pieceWinoP[p]) > 0) || (kernels >= KERNELS_WINOGRAD && kernels < KERNELS_PARTS && unchecked(pieceWinoC[p]) > 0)) {
      winogradMvm(p, src, srcSigned, inH, inW, inC, padTop, padLeft, gridH, gridW, colsPad);
      piecePulses = winogradPulses;
      pieceFetches = winogradFetches;
    } else if (kernels >= KERNELS_S2 && unchecked(pieceS2C[p]) > 0) {
      const vertical = unchecked(pieceS2V[p]);
      s2Transform(src, srcSigned, inH, inW, inC, padTop, padLeft, gridH, gridW, tBuf, vertical);
      s2Gemms(tBuf, unchecked(pieceS2U[p]), mBuf, inC, winogradPairsPad(gridH, gridW, vertical), colsPad, unchecked(pieceLanes[p]));
      s2Combine(mBuf, gridH, gridW, colsPad, accBuf, vertical);
      piecePulses = s2Pulses;
      pieceFetches = s2Fetches;
    } else {
      if (depthwise) {
        im2colDepthwise(src, srcSigned, inH, inW, inC, kh, kw, stride, padTop, padLeft, gridH, gridW, posPad, colStart, cols, rowsPad, xBuf);
      } else if (kernels >= KERNELS_QUAD && unchecked(pieceQuad[p])) {
        im2colQuad(src, srcSigned, inH, inW, inC, kh, kw, stride, padTop, padLeft, gridH, gridW, posPad, rowsPad, xBuf, quadBuf);
      } else {
        im2colConv(src, srcSigned, inH, inW, inC, kh, kw, stride, padTop, padLeft, gridH, gridW, posPad, pw(p, P_ROW_START), mRows, rowsPad, xBuf);
      }
      if (copies > 1) replicateRows(xBuf, posPad, mRows, rowsPad, copies);
      if (kernels == KERNELS_GOLDEN) mvmGolden(xBuf, unchecked(pieceW[p]), accBuf, posPad, rowsPad, colsPad);
      else {
        // Pieces F(2,3) takes under KERNELS_PARTS have no lanes weights: mvmSimd here.
        const lanes = kernels >= KERNELS_LANES && unchecked(pieceWL[p]) != 0 ? unchecked(pieceLanes[p]) : 0;
        if (lanes > 0) mvmLanes(xBuf, rowsPad << 1, false, unchecked(pieceWL[p]), accBuf, colsPad, posPad, (rows + 1) >> 1, lanes);
        if (lanes < colsPad) mvmSimdFrom(xBuf, unchecked(pieceW[p]), accBuf, posPad, rowsPad, colsPad, lanes);
      }
      piecePulses = im2colPulses;
      pieceFetches = im2colFetches;
    }
    // ADCs: one conversion per column per position; row-pieces of a split layer add their codes digitally.
    if (whole) adcConvertPiece(accBuf, colsPad, positions, cols, k, aMax, adcBuf, cMat);
    else adcConvertRows(accBuf, colsPad, positions, cols, k, aMax, adcBuf + (<usize>colStart << 2), cMat, copies);
    const perPos = unchecked(pieceCycles[p]);
    const pieceCycleCount = <f64>positions * <f64>perPos;
    cycles += pieceCycleCount;
    rowCycles += pieceCycleCount * <f64>rows;
    adcCycles += pieceCycleCount * <f64>unchecked(pieceAdcs[p]);
    conversions += <f64>positions * <f64>cols;
    pulses += <f64>piecePulses * <f64>perPos * <f64>copies;
    pulsesFull += pieceCycleCount * <f64>rows * <f64>dMax;
    macs += <f64>positions * <f64>cols * (depthwise ? <f64>(kh * kw) : <f64>mRows);
    bytesRead += <f64>pieceFetches * <f64>codeBytes(srcSigned);
  }

  // Digital datapath over the whole layer (every skip code is read before any code is written).
  const gain = gdcAnalog ? adcStep(lf(l, L_RADC), bits) : adcStep(lf(l, L_RADC), bits) * alpha;
  const scale = img + (<usize>lw(l, L_SCALE_WORD) << 2);
  const offset = img + (<usize>lw(l, L_OFFSET_WORD) << 2);
  const relu = lw(l, L_RELU) != 0;
  const pool = lw(l, L_POOL) != 0;
  const hasRes = lw(l, L_RES_BANK) >= 0;
  const resC = lw(l, L_RES_C);
  const resSigned = lw(l, L_RES_SIGNED) != 0;
  const res = hasRes ? sramAddress(lw(l, L_RES_BANK), lw(l, L_RES_OFFSET)) : 0;
  const resStep = hasRes ? dacStep(lf(l, L_RES_RDAC), bits) : <f32>0;
  const hasDst = lw(l, L_DST_BANK) >= 0;
  const dstSigned = lw(l, L_DST_SIGNED) != 0;
  const dst = hasDst ? sramAddress(lw(l, L_DST_BANK), lw(l, L_DST_OFFSET)) : 0;
  const dstStep = hasDst ? dacStep(lf(l, L_DST_RDAC), bits) : <f32>1;
  // Values that go straight to requantize may keep −0 or NaN for +0 (both give code 0): ReLU as a max.
  if (relu && !hasRes && !pool && hasDst) scaleBnReluMax(adcBuf, positions, cMat, gain, scale, offset, yBuf, cOut);
  else scaleBnRelu(adcBuf, positions, cMat, gain, scale, offset, relu, yBuf, cOut);
  if (hasRes) residualAdd(yBuf, positions, cMat, cOut, res, resSigned, resC, resStep);
  let values = yBuf;
  if (pool) {
    averagePool(yBuf, positions, cOut, poolBuf);
    values = poolBuf;
  }
  const n = pool ? cOut : positions * cOut;
  if (hasDst) requantize(values, n, dst, dstSigned, dstStep, dMax);
  else memory.copy(outBuf, values, <usize>n << 2);
  const elems = <f64>positions * <f64>cMat;
  ops += elems * (relu ? 3 : 2);
  if (hasRes) {
    ops += <f64>positions * <f64>cOut;
    bytesRead += <f64>positions * <f64>resC * <f64>codeBytes(resSigned);
  }
  const written = pool ? <f64>cOut : <f64>positions * <f64>cOut;
  if (pool) ops += <f64>positions * <f64>cOut + <f64>cOut;
  if (hasDst) {
    ops += written;
    bytesWritten += written * <f64>codeBytes(dstSigned);
  }

  store<f64>(cnt + (C_ARRAY_CYCLES << 3), cycles);
  store<f64>(cnt + (C_ACTIVE_ROW_CYCLES << 3), rowCycles);
  store<f64>(cnt + (C_ACTIVE_ADC_CYCLES << 3), adcCycles);
  store<f64>(cnt + (C_ADC_CONVERSIONS << 3), conversions);
  store<f64>(cnt + (C_DAC_PULSES << 3), pulses);
  store<f64>(cnt + (C_DAC_PULSES_FULL_SCALE << 3), pulsesFull);
  store<f64>(cnt + (C_MACS << 3), macs);
  store<f64>(cnt + (C_SRAM_BYTES_READ << 3), bytesRead);
  store<f64>(cnt + (C_SRAM_BYTES_WRITTEN << 3), bytesWritten);
  store<f64>(cnt + (C_DIGITAL_OPS << 3), ops);
}
