/**
 * The compiler: graph + weight image (+ array geometry) → the chip's layer program. Placement from the
 * tiler, SRAM from the planner, and per layer: the pieces' target weights w/wMax, padding, the DAC and
 * ADC ranges (r_ADC = r_DAC·W_max/|S|, contracts §1), the digital affine, the residual operand and the
 * destination quantized to its consumer's DAC range.
 *
 * A residual layer's output is as wide as the wider of its matrix output and its skip operand (PAD +
 * ADD); `out.c`, `scale` and `offset` then cover that width, with scale = offset = 0 on the channels the
 * matrix does not produce (so they carry the skip operand alone). The matrix columns are the pieces'.
 */
import { SRAM_BANK_BYTES } from '../../assembly/program-layout.js';
import { UserError } from '../errors.js';
import { layerShapes } from '../../models/graphs/shapes.js';
import type { NetworkGraph } from '../../models/graphs/types.js';
import { validateWeightImage } from '../../models/image/format.js';
import type { WeightImage } from '../../models/image/types.js';
import { targetMapOf } from '../../models/image/programming-targets.js';
import type { BufferRef, LayerDescriptor, LayerProgram, Piece } from '../chip/program.js';
import { planSram, type SramBuffer } from './sram-planner.js';
import { PAPER_ARRAY, placeNetwork, type PlacedPiece, type TileSpec } from './tiler.js';
import type { Replication } from './replicate.js';

/**
 * Target weights of one piece, row-major rect.rows × rect.cols (layouts: models/graphs/types.ts); a
 * replicated piece repeats its matrix rows copies times, one block of rows per copy.
 */
function pieceTargets(kind: LayerDescriptor['kind'], weights: Float32Array, wMax: number, cout: number, p: PlacedPiece, target: (w: number) => number): Float32Array {
  const one = oneCopyTargets(kind, weights, wMax, cout, p, target);
  if (p.copies === 1) return one;
  const t = new Float32Array(one.length * p.copies);
  for (let k = 0; k < p.copies; k++) t.set(one, k * one.length);
  return t;
}

function oneCopyTargets(kind: LayerDescriptor['kind'], weights: Float32Array, wMax: number, cout: number, p: PlacedPiece, target: (w: number) => number): Float32Array {
  const cols = p.rect.cols;
  const rows = p.rect.rows / p.copies;
  const t = new Float32Array(rows * cols);
  if (kind === 'depthwise') {
    // Rows ordered (tap, channel) over this piece's channels; only the diagonal holds weights.
    const taps = rows / cols;
    for (let tap = 0; tap < taps; tap++) {
      for (let c = 0; c < cols; c++) t[(tap * cols + c) * cols + c] = target(weights[tap * cout + p.colStart + c]! / wMax);
    }
    return t;
  }
  for (let r = 0; r < rows; r++) {
    const src = (p.rowStart + r) * cout + p.colStart;
    for (let c = 0; c < cols; c++) t[r * cols + c] = target(weights[src + c]! / wMax);
  }
  return t;
}

function padded(v: Float32Array, n: number): Float32Array {
  if (v.length === n) return Float32Array.from(v);
  const out = new Float32Array(n);
  out.set(v);
  return out;
}

export function compileProgram(graph: NetworkGraph, image: WeightImage, geometry: TileSpec = PAPER_ARRAY, replicate?: Replication): LayerProgram {
  validateWeightImage(image, graph.name);
  const shapes = layerShapes(graph);
  const placement = placeNetwork(graph, geometry, replicate);
  const sram = planSram(graph, SRAM_BANK_BYTES, shapes);
  const absS = Math.abs(image.S);
  const target = targetMapOf(image); // mean-corrected programming when the image asks for it

  // Each tensor's codes use the DAC range of the layer that reads it as input.
  const rangeOf = new Map<string, { rDac: number; by: string }>();
  graph.layers.forEach((l, i) => {
    const r = image.layers[i]!.rDac;
    const prev = rangeOf.get(l.input);
    if (prev && prev.rDac !== r) {
      throw new UserError(`${graph.name}: tensor ${l.input} feeds ${prev.by} and ${l.name} with different DAC ranges (${prev.rDac} vs ${r})`);
    }
    rangeOf.set(l.input, { rDac: r, by: l.name });
  });
  const ref = (b: SramBuffer): BufferRef => {
    const range = rangeOf.get(b.tensor);
    if (!range) throw new UserError(`${graph.name}: tensor ${b.tensor} is used only as a skip operand; no layer gives it a DAC range`);
    return { bank: b.bank, offset: b.offset, shape: { ...b.shape }, signed: b.signed, rDac: range.rDac };
  };

  const layers = graph.layers.map((spec, i): LayerDescriptor => {
    const sh = shapes.layers[i]!;
    const img = image.layers[i]!;
    const pieces: Piece[] = placement.layers[i]!.pieces.map((p) => ({
      rect: { ...p.rect },
      rowStart: p.rowStart,
      colStart: p.colStart,
      ...(p.copies > 1 ? { copies: p.copies } : {}),
      targets: pieceTargets(sh.kind, img.weights, img.wMax, sh.cout, p, target),
    }));
    const src = ref(sram.buffers.get(spec.input)!);
    const last = i === graph.layers.length - 1;
    return {
      name: spec.name,
      kind: spec.kind,
      kh: sh.kh,
      kw: sh.kw,
      stride: sh.stride,
      padTop: sh.padTop,
      padLeft: sh.padLeft,
      in: { ...sh.in },
      out: { ...sh.out },
      pieces,
      wMax: img.wMax,
      rDac: src.rDac,
      rAdc: (src.rDac * img.wMax) / absS,
      scale: padded(img.scale, sh.out.c),
      offset: padded(img.offset, sh.out.c),
      relu: spec.relu,
      residual: spec.residual !== undefined ? ref(sram.buffers.get(spec.residual)!) : null,
      pool: spec.pool === true,
      src,
      dst: last ? null : ref(sram.buffers.get(spec.name)!),
    };
  });
  return {
    network: graph.name,
    S: image.S,
    geometry: { ...placement.geometry },
    input: ref(sram.buffers.get('input')!),
    layers,
    peakBankBytes: sram.peakBankBytes,
  };
}
