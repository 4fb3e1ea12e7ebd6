/**
 * Checks a LayerProgram against the chip before anything is programmed: every rectangle inside the
 * array and no two overlapping, every piece matching its layer's matrix (exact cover), every SRAM
 * buffer inside its 64 KB bank, ping-pong banks, shapes that chain, ranges consistent with one ADC
 * gain S. A program that does not fit is a UserError naming the layer and the bytes or cells.
 * Returns what the chip derives per layer (output grid, matrix columns, channels after the add).
 */
import type { ArrayGeometry, BufferRef, LayerDescriptor, LayerProgram } from './program.js';
import type { TensorShape } from '../../models/graphs/types.js';
import { UserError } from '../errors.js';
import { MAX_COPIES, SRAM_BANK_BYTES } from '../../assembly/program-layout.js';

export interface LayerGeometry {
  /** Output positions grid before pooling. */
  gridH: number;
  gridW: number;
  /** Window the IM2COL unit scans (dense: the whole input). */
  kh: number;
  kw: number;
  /** Matrix rows (conv/dense: kh·kw·cin) and columns (channels the array produces). */
  matRows: number;
  cMat: number;
  /** Channels after the residual add. */
  cOut: number;
}

/** Relative tolerance of r_DAC·W_max/r_ADC against |S| (float32 round trips of the image). */
const GAIN_TOLERANCE = 1e-3;

const fmt = (n: number): string => n.toLocaleString('en-US');

function elements(s: TensorShape): number {
  return s.h * s.w * s.c;
}

function isPosInt(n: number): boolean {
  return Number.isInteger(n) && n > 0;
}

function sameShape(a: TensorShape, b: TensorShape): boolean {
  return a.h === b.h && a.w === b.w && a.c === b.c;
}

function shapeText(s: TensorShape): string {
  return `${s.h}×${s.w}×${s.c}`;
}

/** Byte range [start, end) of a buffer in its bank. */
export function bufferBytes(b: BufferRef): { start: number; end: number } {
  return { start: b.offset, end: b.offset + elements(b.shape) * (b.signed ? 2 : 1) };
}

function checkBuffer(where: string, role: string, b: BufferRef): void {
  if (b.bank !== 0 && b.bank !== 1) throw new UserError(`${where}: ${role} buffer is in bank ${String(b.bank)}; the SRAM has banks 0 and 1`);
  if (!Number.isInteger(b.offset) || b.offset < 0) throw new UserError(`${where}: ${role} buffer offset ${b.offset} is not a byte offset ≥ 0`);
  if (!isPosInt(b.shape.h) || !isPosInt(b.shape.w) || !isPosInt(b.shape.c)) {
    throw new UserError(`${where}: ${role} buffer shape ${shapeText(b.shape)} is not a positive integer shape`);
  }
  if (!(Number.isFinite(b.rDac) && b.rDac > 0)) throw new UserError(`${where}: ${role} buffer DAC range ${b.rDac} must be a positive number`);
  const { start, end } = bufferBytes(b);
  if (end > SRAM_BANK_BYTES) {
    throw new UserError(
      `${where}: ${role} buffer (${shapeText(b.shape)}, ${b.signed ? 2 : 1} byte codes) needs bytes ${fmt(start)}–${fmt(end)} ` +
        `of bank ${b.bank}: ${fmt(end - start)} bytes do not fit below ${fmt(SRAM_BANK_BYTES)} (a bank is 64 KB)`,
    );
  }
}

function overlaps(a: BufferRef, b: BufferRef): boolean {
  if (a.bank !== b.bank) return false;
  const x = bufferBytes(a);
  const y = bufferBytes(b);
  return x.start < y.end && y.start < x.end;
}

function checkPieces(where: string, layer: LayerDescriptor, g: LayerGeometry, geometry: ArrayGeometry, occupied: Int32Array[], li: number): void {
  if (layer.pieces.length === 0) throw new UserError(`${where}: has no pieces on the array`);
  const depthwise = layer.kind === 'depthwise';
  const covered = new Uint8Array(depthwise ? g.cMat : g.matRows * g.cMat);
  let area = 0;
  layer.pieces.forEach((p, pi) => {
    const r = p.rect;
    const at = `${where}, piece ${pi}`;
    for (const [k, v] of [['tile', r.tile], ['row', r.row], ['col', r.col], ['rowStart', p.rowStart], ['colStart', p.colStart]] as const) {
      if (!Number.isInteger(v) || v < 0) throw new UserError(`${at}: ${k} ${v} is not an integer ≥ 0`);
    }
    if (!isPosInt(r.rows) || !isPosInt(r.cols)) throw new UserError(`${at}: rectangle ${r.rows}×${r.cols} is not a positive integer size`);
    const copies = p.copies ?? 1;
    if (!Number.isInteger(copies) || copies < 1 || copies > MAX_COPIES || r.rows % copies !== 0) {
      throw new UserError(`${at}: ${copies} row copies of a ${r.rows}-row rectangle (copies: an integer 1–${MAX_COPIES} that divides the rows)`);
    }
    const mRows = r.rows / copies; // one copy's matrix rows
    if (r.tile >= geometry.tiles || r.row + r.rows > geometry.rows || r.col + r.cols > geometry.cols) {
      throw new UserError(
        `${at}: rectangle rows ${r.row}–${r.row + r.rows}, columns ${r.col}–${r.col + r.cols} on tile ${r.tile} lies outside ` +
          `the ${geometry.tiles} × ${geometry.rows}×${geometry.cols} array`,
      );
    }
    if (p.targets.length !== r.rows * r.cols) {
      throw new UserError(`${at}: ${fmt(p.targets.length)} targets for a ${r.rows}×${r.cols} rectangle (${fmt(r.rows * r.cols)} expected)`);
    }
    for (let i = 0; i < p.targets.length; i++) {
      const t = p.targets[i]!;
      if (!(Math.abs(t) <= 1 + 1e-6)) throw new UserError(`${at}: target ${i} is ${t}; targets are w/W_max in [−1, 1]`);
    }
    if (depthwise) {
      if (p.rowStart !== 0 || mRows !== g.kh * g.kw * r.cols || p.colStart + r.cols > g.cMat) {
        throw new UserError(
          `${at}: a depthwise piece of channels ${p.colStart}–${p.colStart + r.cols} needs ${g.kh * g.kw}·${r.cols} rows from row 0 ` +
            `(got ${mRows} from ${p.rowStart}) within ${g.cMat} channels`,
        );
      }
      for (let c = 0; c < r.cols; c++) {
        if (covered[p.colStart + c]++) throw new UserError(`${at}: channel ${p.colStart + c} is on two pieces`);
      }
      area += r.cols;
    } else {
      if (p.rowStart + mRows > g.matRows || p.colStart + r.cols > g.cMat) {
        throw new UserError(
          `${at}: matrix rows ${p.rowStart}–${p.rowStart + mRows}, columns ${p.colStart}–${p.colStart + r.cols} exceed the ` +
            `layer's ${g.matRows}×${g.cMat} matrix`,
        );
      }
      for (let i = 0; i < mRows; i++) {
        for (let c = 0; c < r.cols; c++) {
          if (covered[(p.rowStart + i) * g.cMat + p.colStart + c]++) {
            throw new UserError(`${at}: matrix cell (${p.rowStart + i}, ${p.colStart + c}) is on two pieces`);
          }
        }
      }
      area += mRows * r.cols;
    }
    const occ = occupied[r.tile]!;
    for (let i = r.row; i < r.row + r.rows; i++) {
      for (let c = r.col; c < r.col + r.cols; c++) {
        const owner = occ[i * geometry.cols + c]!;
        if (owner !== 0) {
          throw new UserError(`${at}: array cell (${i}, ${c}) on tile ${r.tile} is already used by layer ${owner - 1}; rectangles must not overlap`);
        }
        occ[i * geometry.cols + c] = li + 1;
      }
    }
  });
  const need = depthwise ? g.cMat : g.matRows * g.cMat;
  if (area !== need) throw new UserError(`${where}: its pieces cover ${fmt(area)} of the ${fmt(need)} ${depthwise ? 'channels' : 'matrix cells'}`);
}

function layerGeometry(where: string, layer: LayerDescriptor): LayerGeometry {
  const { in: inS } = layer;
  if (!isPosInt(inS.h) || !isPosInt(inS.w) || !isPosInt(inS.c)) throw new UserError(`${where}: input shape ${shapeText(inS)} is not a positive integer shape`);
  const cMat = layer.pieces.reduce((m, p) => Math.max(m, p.colStart + p.rect.cols), 0);
  if (layer.kind === 'dense') {
    return { gridH: 1, gridW: 1, kh: inS.h, kw: inS.w, matRows: inS.h * inS.w * inS.c, cMat, cOut: cMat };
  }
  if (layer.kind !== 'conv' && layer.kind !== 'depthwise') throw new UserError(`${where}: unknown layer kind "${String(layer.kind)}"`);
  if (!isPosInt(layer.kh) || !isPosInt(layer.kw) || !isPosInt(layer.stride)) {
    throw new UserError(`${where}: kernel ${layer.kh}×${layer.kw} stride ${layer.stride} must be positive integers`);
  }
  if (!Number.isInteger(layer.padTop) || !Number.isInteger(layer.padLeft) || layer.padTop < 0 || layer.padLeft < 0 || layer.padTop >= layer.kh || layer.padLeft >= layer.kw) {
    throw new UserError(`${where}: padding top ${layer.padTop}, left ${layer.padLeft} must be integers in [0, kernel)`);
  }
  const gridH = Math.ceil(inS.h / layer.stride);
  const gridW = Math.ceil(inS.w / layer.stride);
  const depthwise = layer.kind === 'depthwise';
  return {
    gridH,
    gridW,
    kh: layer.kh,
    kw: layer.kw,
    matRows: layer.kh * layer.kw * inS.c,
    cMat: depthwise ? inS.c : cMat,
    cOut: depthwise ? inS.c : cMat,
  };
}

function sameBuffer(a: BufferRef, b: BufferRef): boolean {
  return a.bank === b.bank && a.offset === b.offset && a.signed === b.signed && sameShape(a.shape, b.shape);
}

/**
 * SRAM liveness: every buffer a layer reads (source, residual) was written by an earlier layer (or is the
 * network input) and no layer in between wrote over any of its bytes.
 */
function checkLiveness(program: LayerProgram): void {
  const layers = program.layers;
  layers.forEach((layer, m) => {
    const reads: [string, BufferRef][] = [['source', layer.src]];
    if (layer.residual) reads.push(['residual', layer.residual]);
    for (const [role, b] of reads) {
      let producer = -1; // the network input
      for (let j = m - 1; j >= 0; j--) {
        const d = layers[j]!.dst;
        if (d && sameBuffer(d, b)) {
          producer = j;
          break;
        }
      }
      if (producer < 0 && !sameBuffer(program.input, b)) {
        throw new UserError(`layer "${layer.name}" (${m + 1} of ${layers.length}): its ${role} buffer (bank ${b.bank}, offset ${fmt(b.offset)}) is written by no earlier layer`);
      }
      for (let l = producer + 1; l < m; l++) {
        const d = layers[l]!.dst;
        if (d && overlaps(d, b)) {
          const w = bufferBytes(d);
          throw new UserError(
            `layer "${layers[l]!.name}" (${l + 1} of ${layers.length}) writes bytes ${fmt(w.start)}–${fmt(w.end)} of bank ${d.bank} over the ` +
              `${role} that layer "${layer.name}" (${m + 1}) still has to read`,
          );
        }
      }
    }
  });
}

/** Validate `program` for a chip of `geometry`; returns each layer's derived geometry. */
export function validateProgram(program: LayerProgram, geometry: ArrayGeometry): LayerGeometry[] {
  const g0 = program.geometry;
  if (g0.rows !== geometry.rows || g0.cols !== geometry.cols || g0.tiles > geometry.tiles) {
    throw new UserError(
      `the program is built for ${g0.tiles} × ${g0.rows}×${g0.cols} array(s); this chip has ${geometry.tiles} × ${geometry.rows}×${geometry.cols}`,
    );
  }
  if (!(Number.isFinite(program.S) && program.S !== 0)) throw new UserError(`the program's ADC gain S = ${program.S} must be a non-zero number`);
  if (program.layers.length === 0) throw new UserError('the program has no layers');
  const absS = Math.abs(program.S);
  checkBuffer('the network input', 'input', program.input);
  const occupied = Array.from({ length: geometry.tiles }, () => new Int32Array(geometry.rows * geometry.cols));
  const last = program.layers.length - 1;
  const geometries = program.layers.map((layer, li) => {
    const where = `layer "${layer.name}" (${li + 1} of ${program.layers.length})`;
    const g = layerGeometry(where, layer);
    checkPieces(where, layer, g, geometry, occupied, li);
    for (const [k, v] of [['wMax', layer.wMax], ['rDac', layer.rDac], ['rAdc', layer.rAdc]] as const) {
      if (!(Number.isFinite(v) && v > 0)) throw new UserError(`${where}: ${k} = ${v} must be a positive number`);
    }
    const gainS = (layer.rDac * layer.wMax) / layer.rAdc;
    if (Math.abs(gainS - absS) > GAIN_TOLERANCE * absS) {
      throw new UserError(
        `${where}: r_DAC·W_max/r_ADC = ${gainS.toPrecision(6)} but the chip's one ADC gain is |S| = ${absS.toPrecision(6)} (contracts §1: r_ADC = r_DAC·W_max/|S|)`,
      );
    }
    // Source.
    checkBuffer(where, 'source', layer.src);
    if (!sameShape(layer.src.shape, layer.in)) throw new UserError(`${where}: source buffer is ${shapeText(layer.src.shape)} but the layer reads ${shapeText(layer.in)}`);
    if (Math.abs(layer.src.rDac - layer.rDac) > 1e-6 * layer.rDac) throw new UserError(`${where}: source DAC range ${layer.src.rDac} differs from the layer's r_DAC ${layer.rDac}`);
    if (li === 0) {
      const i = program.input;
      if (i.bank !== layer.src.bank || i.offset !== layer.src.offset || i.signed !== layer.src.signed || !sameShape(i.shape, layer.src.shape)) {
        throw new UserError(`${where}: the first layer must read the network input buffer`);
      }
    }
    // Residual.
    if (layer.residual) {
      const r = layer.residual;
      checkBuffer(where, 'residual', r);
      if (r.shape.h !== g.gridH || r.shape.w !== g.gridW) {
        throw new UserError(`${where}: residual ${shapeText(r.shape)} does not match the output grid ${g.gridH}×${g.gridW}`);
      }
      g.cOut = Math.max(g.cMat, r.shape.c);
    }
    // Digital parameters.
    if (layer.scale.length < g.cMat || layer.offset.length < g.cMat || layer.scale.length !== layer.offset.length) {
      throw new UserError(`${where}: scale/offset have ${layer.scale.length}/${layer.offset.length} entries for ${g.cMat} channels`);
    }
    for (let c = 0; c < g.cMat; c++) {
      if (!Number.isFinite(layer.scale[c]!) || !Number.isFinite(layer.offset[c]!)) throw new UserError(`${where}: scale/offset of channel ${c} is not finite`);
    }
    // Output.
    const expected: TensorShape = layer.pool ? { h: 1, w: 1, c: g.cOut } : { h: g.gridH, w: g.gridW, c: g.cOut };
    if (!sameShape(layer.out, expected)) throw new UserError(`${where}: output shape ${shapeText(layer.out)}, the chip computes ${shapeText(expected)}`);
    if (li === last) {
      if (layer.dst) throw new UserError(`${where}: the last layer produces float logits and takes no SRAM destination`);
    } else {
      const d = layer.dst;
      if (!d) throw new UserError(`${where}: only the last layer may have no SRAM destination`);
      checkBuffer(where, 'destination', d);
      if (!sameShape(d.shape, layer.out)) throw new UserError(`${where}: destination buffer is ${shapeText(d.shape)} but the layer writes ${shapeText(layer.out)}`);
      if (d.bank === layer.src.bank) {
        throw new UserError(`${where}: reads and writes bank ${d.bank}; a layer reads one bank and writes the other (ping-pong)`);
      }
      if (layer.residual && overlaps(layer.residual, d)) {
        const r = layer.residual;
        const inPlace = r.offset === d.offset && r.signed === d.signed && sameShape(r.shape, d.shape) && !layer.pool;
        if (!inPlace) {
          throw new UserError(`${where}: residual and destination overlap in bank ${d.bank} without being the same buffer (only an in-place add is safe)`);
        }
      }
    }
    return g;
  });
  checkLiveness(program);
  for (const b of [0, 1] as const) {
    if (program.peakBankBytes[b] > SRAM_BANK_BYTES) {
      throw new UserError(`the program declares ${fmt(program.peakBankBytes[b])} bytes in bank ${b}; a bank holds ${fmt(SRAM_BANK_BYTES)}`);
    }
  }
  return geometries;
}
