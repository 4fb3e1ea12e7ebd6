/**
 * Activation SRAM planning: two 64 KB banks, ping-pong (a layer reads its input from one bank and writes
 * the other). Tensors live from the layer that writes them to the last layer that reads them (as input
 * or as residual operand); within a bank each new tensor goes to the lowest offset that is free for its
 * whole lifetime. Codes take 1 byte when unsigned, 2 when signed (contracts §2). One exception to
 * "never overwrite a live tensor": a layer may write over its own skip operand in the destination bank
 * when both have the same bytes per position (an in-place add, contracts §3); with different widths the
 * write of position p would overrun the operand of position p+1, so that is never done.
 */
import { SRAM_BANK_BYTES } from '../../assembly/program-layout.js';
import { UserError } from '../errors.js';
import { layerShapes, type NetworkShapes } from '../../models/graphs/shapes.js';
import type { NetworkGraph, TensorShape } from '../../models/graphs/types.js';

export interface SramBuffer {
  /** Tensor name ('input' or the writing layer's name). */
  tensor: string;
  bank: 0 | 1;
  offset: number;
  bytes: number;
  shape: TensorShape;
  signed: boolean;
  /** Step (layer index) that writes it; −1 for the network input. */
  writtenAt: number;
  /** Last step that reads it (input or residual); the last layer's output: its own step. */
  lastReadAt: number;
  /** True when written over its layer's skip operand (in-place add). */
  inPlace: boolean;
}

export interface SramPlan {
  buffers: Map<string, SramBuffer>;
  /** High-water mark of each bank in bytes. */
  peakBankBytes: [number, number];
}

export const tensorBytes = (shape: TensorShape, signed: boolean): number => shape.h * shape.w * shape.c * (signed ? 2 : 1);

export function planSram(graph: NetworkGraph, bankBytes = SRAM_BANK_BYTES, shapes: NetworkShapes = layerShapes(graph)): SramPlan {
  const lastRead = new Map<string, number>();
  graph.layers.forEach((l, i) => {
    lastRead.set(l.input, i);
    if (l.residual !== undefined) lastRead.set(l.residual, i);
  });
  const buffers = new Map<string, SramBuffer>();
  const peak: [number, number] = [0, 0];
  const put = (b: SramBuffer) => {
    buffers.set(b.tensor, b);
    peak[b.bank] = Math.max(peak[b.bank], b.offset + b.bytes);
  };
  const inputBytes = tensorBytes(graph.input, graph.inputSigned);
  if (inputBytes > bankBytes) {
    throw new UserError(`${graph.name}: the input ${fmt(graph.input)} needs ${inputBytes} bytes, an SRAM bank holds ${bankBytes}`);
  }
  put({ tensor: 'input', bank: 0, offset: 0, bytes: inputBytes, shape: graph.input, signed: graph.inputSigned, writtenAt: -1, lastReadAt: lastRead.get('input') ?? -1, inPlace: false });
  graph.layers.forEach((layer, i) => {
    // The last layer's float logits leave the chip; they take no SRAM.
    if (i === graph.layers.length - 1 && !lastRead.has(layer.name)) return;
    const sh = shapes.layers[i]!;
    const src = buffers.get(layer.input)!;
    const bank = (1 - src.bank) as 0 | 1;
    const bytes = tensorBytes(sh.out, sh.outSigned);
    // Tensors in the destination bank still needed at step i or later.
    const live = [...buffers.values()].filter((b) => b.bank === bank && b.lastReadAt >= i).sort((a, b) => a.offset - b.offset);
    const skip = layer.residual !== undefined ? buffers.get(layer.residual) : undefined;
    let offset = firstFit(live, bytes, bankBytes);
    let inPlace = false;
    if (offset === null && skip && skip.bank === bank && skip.lastReadAt === i && skip.bytes === bytes) {
      const others = live.filter((b) => b !== skip);
      if (others.every((b) => b.offset >= skip.offset + bytes || b.offset + b.bytes <= skip.offset)) {
        offset = skip.offset;
        inPlace = true;
      }
    }
    if (offset === null) {
      const used = live.reduce((a, b) => a + b.bytes, 0);
      throw new UserError(
        `${graph.name}: layer ${layer.name}'s output ${fmt(sh.out)} (${bytes} bytes) does not fit SRAM bank ${bank} ` +
          `(${bankBytes} bytes${used ? `; ${used} held by ${live.map((b) => b.tensor).join(', ')}` : ''})`,
      );
    }
    put({ tensor: layer.name, bank, offset, bytes, shape: sh.out, signed: sh.outSigned, writtenAt: i, lastReadAt: lastRead.get(layer.name) ?? i, inPlace });
  });
  return { buffers, peakBankBytes: peak };
}

/** Lowest offset with `bytes` free between the live buffers (sorted by offset), or null. */
function firstFit(live: SramBuffer[], bytes: number, bankBytes: number): number | null {
  let at = 0;
  for (const b of live) {
    if (b.offset - at >= bytes) return at;
    at = Math.max(at, b.offset + b.bytes);
  }
  return bankBytes - at >= bytes ? at : null;
}

const fmt = (s: TensorShape) => `${s.h}×${s.w}×${s.c}`;
