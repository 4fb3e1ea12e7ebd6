/**
 * The layer program: what the compiler (host/compiler) hands the chip. One descriptor per analog
 * layer, executed one at a time (layer-serial). Types here are the boundary between compiler and chip.
 */
import type { TensorShape } from '../../models/graphs/types.js';

export type Bits = 8 | 6 | 4;
export type Preset = 'paper' | 'aihwkit' | 'ideal';

/** The chip's array: `tiles` identical crossbars of rows × cols differential pairs (default 1 × 1024×512). */
export interface ArrayGeometry {
  rows: number;
  cols: number;
  tiles: number;
}

/** A rectangle of unit cells on one tile. */
export interface ArrayRect {
  tile: number;
  row: number;
  col: number;
  rows: number;
  cols: number;
}

/**
 * One rectangle of a layer's matrix placed on the array. A layer that fits is one piece; a split
 * layer has several, run one after another (each costs one array cycle per output position).
 * conv/dense: rows [rowStart, rowStart+rect.rows) and columns [colStart, colStart+rect.cols) of the
 * layer's (kh·kw·cin) × cout matrix. depthwise: channels [colStart, colStart+rect.cols); its rows are
 * the kh·kw taps × those channels, ordered (tap, channel); rowStart is 0.
 */
export interface Piece {
  rect: ArrayRect;
  rowStart: number;
  colStart: number;
  /**
   * Row replication (an option, off by default; absent = 1): the rectangle holds `copies` stacked
   * copies of the piece's matrix rows, rect.rows = copies × matrix rows, each copy its own devices,
   * driven by the same DAC codes; the ADC takes the column charge ÷ copies (docs/chip.md). Integer 1…8.
   */
  copies?: number;
  /** Target weights of this piece, w/wMax ∈ [−1, 1], row-major rect.rows × rect.cols (every copy's rows). */
  targets: Float32Array;
}

/** Where a tensor lives in activation SRAM. Codes are 1 byte when unsigned, 2 (int16 LE) when signed. */
export interface BufferRef {
  bank: 0 | 1;
  /** Byte offset in the bank. */
  offset: number;
  shape: TensorShape;
  signed: boolean;
  /** DAC range the codes are quantized with (Δ = r / (2^b − 1)). */
  rDac: number;
}

export interface LayerDescriptor {
  name: string;
  kind: 'conv' | 'depthwise' | 'dense';
  /** Kernel and stride; dense layers are 1×1, stride 1 over a 1×1×cin input. */
  kh: number;
  kw: number;
  stride: number;
  padTop: number;
  padLeft: number;
  in: TensorShape;
  out: TensorShape;
  pieces: Piece[];
  /** Clip bound W_l,max of the layer. */
  wMax: number;
  /** Input DAC range r_DAC,l (equals src.rDac). */
  rDac: number;
  /** ADC range r_ADC,l = r_DAC,l·W_l,max/|S|. */
  rAdc: number;
  /** Digital per-output-channel affine (BN folded), length out.c. */
  scale: Float32Array;
  offset: Float32Array;
  relu: boolean;
  /** Skip operand added after BN (zero-padded to the wider of the two); null if none. */
  residual: BufferRef | null;
  /** Global average pool after the activation (out is then 1×1×c). */
  pool: boolean;
  src: BufferRef;
  /** Destination in SRAM, quantized to the consumer's DAC range; null for the last layer (float logits). */
  dst: BufferRef | null;
}

export interface LayerProgram {
  network: string;
  /** Global ADC gain S. */
  S: number;
  geometry: ArrayGeometry;
  /** The network input: quantized by the first layer's DAC into this buffer. */
  input: BufferRef;
  layers: LayerDescriptor[];
  /** Peak bytes used in each SRAM bank (≤ 65,536). */
  peakBankBytes: [number, number];
}
