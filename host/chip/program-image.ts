/**
 * Serializes a validated LayerProgram into the chip's program image: 32-bit words in the layout of
 * assembly/program-layout.ts (the one file both sides import). Header, one fixed-size record per
 * layer, one per piece, then each layer's scale and offset as float32. Piece targets do not go into
 * the image: the host programs them into the crossbar directly (Chip.load).
 */
import type { BufferRef, LayerProgram } from './program.js';
import type { LayerGeometry } from './validate.js';
import * as L from '../../assembly/program-layout.js';

/** The image as words; `f32` views the same bytes as float32. */
export interface ProgramImage {
  words: Int32Array;
}

function kindCode(kind: 'conv' | 'depthwise' | 'dense'): number {
  return kind === 'conv' ? L.KIND_CONV : kind === 'depthwise' ? L.KIND_DEPTHWISE : L.KIND_DENSE;
}

export function buildProgramImage(program: LayerProgram, geometries: LayerGeometry[]): ProgramImage {
  const layers = program.layers;
  const nPieces = layers.reduce((n, l) => n + l.pieces.length, 0);
  const layerBase = L.HEADER_WORDS;
  const pieceBase = layerBase + layers.length * L.LAYER_WORDS;
  let floatWord = pieceBase + nPieces * L.PIECE_WORDS;
  const total = floatWord + geometries.reduce((n, g) => n + 2 * g.cMat, 0);
  const words = new Int32Array(total);
  const f32 = new Float32Array(words.buffer);
  const setF = (i: number, v: number): void => {
    f32[i] = v;
  };

  words[L.H_MAGIC] = L.PROGRAM_MAGIC;
  words[L.H_VERSION] = L.PROGRAM_VERSION;
  words[L.H_LAYERS] = layers.length;
  words[L.H_PIECES] = nPieces;
  setF(L.H_ABS_S, Math.abs(program.S));
  const inp = program.input;
  words[L.H_IN_BANK] = inp.bank;
  words[L.H_IN_OFFSET] = inp.offset;
  words[L.H_IN_H] = inp.shape.h;
  words[L.H_IN_W] = inp.shape.w;
  words[L.H_IN_C] = inp.shape.c;
  words[L.H_IN_SIGNED] = inp.signed ? 1 : 0;
  setF(L.H_IN_RDAC, inp.rDac);
  words[L.H_LAYER_BASE] = layerBase;
  words[L.H_PIECE_BASE] = pieceBase;

  let piece = 0;
  layers.forEach((layer, li) => {
    const g = geometries[li]!;
    const b = layerBase + li * L.LAYER_WORDS;
    const dense = layer.kind === 'dense';
    words[b + L.L_KIND] = kindCode(layer.kind);
    words[b + L.L_KH] = g.kh;
    words[b + L.L_KW] = g.kw;
    words[b + L.L_STRIDE] = dense ? 1 : layer.stride;
    words[b + L.L_PAD_TOP] = dense ? 0 : layer.padTop;
    words[b + L.L_PAD_LEFT] = dense ? 0 : layer.padLeft;
    words[b + L.L_IN_H] = layer.in.h;
    words[b + L.L_IN_W] = layer.in.w;
    words[b + L.L_IN_C] = layer.in.c;
    words[b + L.L_GRID_H] = g.gridH;
    words[b + L.L_GRID_W] = g.gridW;
    words[b + L.L_C_MAT] = g.cMat;
    words[b + L.L_C_OUT] = g.cOut;
    words[b + L.L_RELU] = layer.relu ? 1 : 0;
    words[b + L.L_POOL] = layer.pool ? 1 : 0;
    const buf = (bank: number, offset: number, signed: number, ref: BufferRef | null): void => {
      words[b + bank] = ref ? ref.bank : -1;
      words[b + offset] = ref ? ref.offset : 0;
      words[b + signed] = ref?.signed ? 1 : 0;
    };
    buf(L.L_SRC_BANK, L.L_SRC_OFFSET, L.L_SRC_SIGNED, layer.src);
    buf(L.L_DST_BANK, L.L_DST_OFFSET, L.L_DST_SIGNED, layer.dst);
    buf(L.L_RES_BANK, L.L_RES_OFFSET, L.L_RES_SIGNED, layer.residual);
    words[b + L.L_RES_C] = layer.residual ? layer.residual.shape.c : 0;
    setF(b + L.L_RDAC, layer.rDac);
    setF(b + L.L_RADC, layer.rAdc);
    setF(b + L.L_DST_RDAC, layer.dst ? layer.dst.rDac : 1);
    setF(b + L.L_RES_RDAC, layer.residual ? layer.residual.rDac : 1);
    words[b + L.L_FIRST_PIECE] = piece;
    words[b + L.L_PIECES] = layer.pieces.length;
    for (const p of layer.pieces) {
      const q = pieceBase + piece * L.PIECE_WORDS;
      words[q + L.P_TILE] = p.rect.tile;
      words[q + L.P_ROW] = p.rect.row;
      words[q + L.P_COL] = p.rect.col;
      words[q + L.P_ROWS] = p.rect.rows;
      words[q + L.P_COLS] = p.rect.cols;
      words[q + L.P_ROW_START] = p.rowStart;
      words[q + L.P_COL_START] = p.colStart;
      words[q + L.P_COPIES] = p.copies ?? 1;
      piece++;
    }
    words[b + L.L_SCALE_WORD] = floatWord;
    f32.set(layer.scale.subarray(0, g.cMat), floatWord);
    floatWord += g.cMat;
    words[b + L.L_OFFSET_WORD] = floatWord;
    f32.set(layer.offset.subarray(0, g.cMat), floatWord);
    floatWord += g.cMat;
  });
  return { words };
}
