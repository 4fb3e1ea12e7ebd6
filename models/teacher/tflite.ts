/**
 * A small reader of TensorFlow Lite model files (FlatBuffers, schema tflite-schema.fbs), enough for the
 * MLPerf Tiny teacher networks: the first subgraph's tensors (shape, type, constant data, quantisation)
 * and operators (builtin code, inputs, outputs, decoded options).
 *
 * Hand-written instead of generated: the schema is large, we need six tables of it, and every read goes
 * through bounds checks so a truncated or corrupt file is a UserError, never a RangeError or garbage.
 * FlatBuffers layout: a table starts with an int32 offset back to its vtable; the vtable lists uint16
 * field offsets by field id (0 = absent, use the default); reference fields hold a uint32 offset
 * forward from where they are stored; vectors are a uint32 length then the elements, little-endian.
 */
import { UserError } from '../../host/errors.js';

/** Builtin operators this reader decodes (codes from the schema's BuiltinOperator enum). */
export const SUPPORTED_OPS = {
  AVERAGE_POOL_2D: 1,
  CONV_2D: 3,
  DEPTHWISE_CONV_2D: 4,
  FULLY_CONNECTED: 9,
  RESHAPE: 22,
  SOFTMAX: 25,
} as const;
export type TfliteOpName = keyof typeof SUPPORTED_OPS;

/** Names of a few other common builtins, so that an unsupported op is named in the error. */
const OTHER_OP_NAMES: Record<number, string> = {
  0: 'ADD', 2: 'CONCATENATION', 5: 'DEPTH_TO_SPACE', 6: 'DEQUANTIZE', 14: 'LOGISTIC', 17: 'MAX_POOL_2D',
  18: 'MUL', 19: 'RELU', 21: 'RELU6', 23: 'RESIZE_BILINEAR', 28: 'TANH', 32: 'CUSTOM', 34: 'PAD', 39: 'TRANSPOSE',
  40: 'MEAN', 41: 'SUB', 43: 'SQUEEZE', 45: 'STRIDED_SLICE', 49: 'SPLIT', 53: 'CAST', 54: 'PRELU', 55: 'MAXIMUM',
  60: 'PADV2', 67: 'TRANSPOSE_CONV', 70: 'SHAPE', 98: 'LEAKY_RELU', 114: 'QUANTIZE', 117: 'HARD_SWISH',
};

/** Tensor element types the reader decodes (codes from the schema's TensorType enum). */
const TENSOR_TYPES = { 0: 'float32', 2: 'int32', 3: 'uint8', 7: 'int16', 9: 'int8' } as const;
const OTHER_TYPE_NAMES: Record<number, string> = {
  1: 'FLOAT16', 4: 'INT64', 5: 'STRING', 6: 'BOOL', 8: 'COMPLEX64', 10: 'FLOAT64', 11: 'COMPLEX128', 12: 'UINT64',
  13: 'RESOURCE', 14: 'VARIANT', 15: 'UINT32', 16: 'UINT16', 17: 'INT4', 18: 'BFLOAT16',
};
export type TfliteTensorType = (typeof TENSOR_TYPES)[keyof typeof TENSOR_TYPES];
export type TfliteData = Float32Array | Int32Array | Uint8Array | Int16Array | Int8Array;

export type Padding = 'same' | 'valid';
/** Fused activations (schema ActivationFunctionType); 'tanh' and 'sign_bit' are read but not run by the teacher. */
export type FusedActivation = 'none' | 'relu' | 'relu_n1_to_1' | 'relu6' | 'tanh' | 'sign_bit';
const ACTIVATIONS: readonly FusedActivation[] = ['none', 'relu', 'relu_n1_to_1', 'relu6', 'tanh', 'sign_bit'];

export interface Quantization {
  /** One scale per tensor, or per slice along `dimension`. Real value = scale · (q − zeroPoint). */
  scale: number[];
  zeroPoint: number[];
  dimension: number;
}

export interface TfliteTensor {
  index: number;
  name: string;
  shape: number[];
  type: TfliteTensorType;
  /** Constant data (weights, biases, shapes), row-major; null for activations. */
  data: TfliteData | null;
  quantization: Quantization | null;
}

export interface ConvOptions {
  padding: Padding;
  strideH: number;
  strideW: number;
  dilationH: number;
  dilationW: number;
  activation: FusedActivation;
}
export interface DepthwiseOptions extends ConvOptions {
  depthMultiplier: number;
}
export interface PoolOptions {
  padding: Padding;
  strideH: number;
  strideW: number;
  filterH: number;
  filterW: number;
  activation: FusedActivation;
}
export interface FullyConnectedOptions {
  activation: FusedActivation;
  keepNumDims: boolean;
}

/** An operator with its options decoded; inputs/outputs are tensor indices (−1 = optional input absent). */
export type TfliteOperator = { inputs: number[]; outputs: number[] } & (
  | { op: 'CONV_2D'; options: ConvOptions }
  | { op: 'DEPTHWISE_CONV_2D'; options: DepthwiseOptions }
  | { op: 'AVERAGE_POOL_2D'; options: PoolOptions }
  | { op: 'FULLY_CONNECTED'; options: FullyConnectedOptions }
  | { op: 'RESHAPE'; options: { newShape: number[] | null } }
  | { op: 'SOFTMAX'; options: { beta: number } }
);

export interface TfliteModel {
  /** Schema version stored in the file (3 for current converters). */
  version: number;
  description: string;
  /** The main (first) subgraph's tensors, by index. */
  tensors: TfliteTensor[];
  operators: TfliteOperator[];
  inputs: number[];
  outputs: number[];
}

/** Thrown inside the reader; parseTflite turns it into a UserError naming the file. */
class Corrupt extends Error {}

/** Bounds-checked little-endian reads of a FlatBuffer. */
class Fb {
  private readonly view: DataView;
  constructor(readonly bytes: Uint8Array) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }
  private check(pos: number, size: number): void {
    if (!Number.isInteger(pos) || pos < 0 || pos + size > this.bytes.length) throw new Corrupt(`offset ${pos} (+${size}) outside the file`);
  }
  u8(p: number): number { this.check(p, 1); return this.view.getUint8(p); }
  i8(p: number): number { this.check(p, 1); return this.view.getInt8(p); }
  u16(p: number): number { this.check(p, 2); return this.view.getUint16(p, true); }
  i32(p: number): number { this.check(p, 4); return this.view.getInt32(p, true); }
  u32(p: number): number { this.check(p, 4); return this.view.getUint32(p, true); }
  f32(p: number): number { this.check(p, 4); return this.view.getFloat32(p, true); }
  i64(p: number): number {
    this.check(p, 8);
    const v = this.view.getBigInt64(p, true);
    if (v > BigInt(Number.MAX_SAFE_INTEGER) || v < BigInt(Number.MIN_SAFE_INTEGER)) throw new Corrupt(`64-bit value ${v} out of range`);
    return Number(v);
  }
  u64(p: number): number {
    this.check(p, 8);
    const v = this.view.getBigUint64(p, true);
    if (v > BigInt(Number.MAX_SAFE_INTEGER)) throw new Corrupt(`64-bit value ${v} out of range`);
    return Number(v);
  }
  /** The table at `pos`: checks its vtable once. */
  table(pos: number): Table {
    const vt = pos - this.i32(pos);
    const vtSize = this.u16(vt);
    if (vtSize < 4 || vtSize % 2 !== 0) throw new Corrupt(`bad vtable size ${vtSize}`);
    this.check(vt, vtSize);
    return new Table(this, pos, vt, vtSize);
  }
  /** Follow the uint32 offset stored at `p`. */
  deref(p: number): number {
    const target = p + this.u32(p);
    this.check(target, 1);
    return target;
  }
  /** Vector at `pos`: its element start and length, checked to fit. */
  vector(pos: number, elemSize: number): { start: number; length: number } {
    const length = this.u32(pos);
    this.check(pos + 4, length * elemSize);
    return { start: pos + 4, length };
  }
}

class Table {
  constructor(private readonly fb: Fb, readonly pos: number, private readonly vt: number, private readonly vtSize: number) {}
  /** Position of field `id`, or 0 when absent (FlatBuffers default). */
  private field(id: number): number {
    const slot = 4 + 2 * id;
    if (slot + 2 > this.vtSize) return 0;
    const off = this.fb.u16(this.vt + slot);
    return off === 0 ? 0 : this.pos + off;
  }
  has(id: number): boolean { return this.field(id) !== 0; }
  u8(id: number, dflt = 0): number { const p = this.field(id); return p ? this.fb.u8(p) : dflt; }
  i8(id: number, dflt = 0): number { const p = this.field(id); return p ? this.fb.i8(p) : dflt; }
  i32(id: number, dflt = 0): number { const p = this.field(id); return p ? this.fb.i32(p) : dflt; }
  u32(id: number, dflt = 0): number { const p = this.field(id); return p ? this.fb.u32(p) : dflt; }
  u64(id: number, dflt = 0): number { const p = this.field(id); return p ? this.fb.u64(p) : dflt; }
  f32(id: number, dflt = 0): number { const p = this.field(id); return p ? this.fb.f32(p) : dflt; }
  table(id: number): Table | null { const p = this.field(id); return p ? this.fb.table(this.fb.deref(p)) : null; }
  string(id: number): string {
    const p = this.field(id);
    if (!p) return '';
    const { start, length } = this.fb.vector(this.fb.deref(p), 1);
    return new TextDecoder().decode(this.fb.bytes.subarray(start, start + length));
  }
  /** A vector of tables. */
  tables(id: number): Table[] {
    const p = this.field(id);
    if (!p) return [];
    const { start, length } = this.fb.vector(this.fb.deref(p), 4);
    return Array.from({ length }, (_, i) => this.fb.table(this.fb.deref(start + 4 * i)));
  }
  i32s(id: number): number[] | null {
    const p = this.field(id);
    if (!p) return null;
    const { start, length } = this.fb.vector(this.fb.deref(p), 4);
    return Array.from({ length }, (_, i) => this.fb.i32(start + 4 * i));
  }
  f32s(id: number): number[] | null {
    const p = this.field(id);
    if (!p) return null;
    const { start, length } = this.fb.vector(this.fb.deref(p), 4);
    return Array.from({ length }, (_, i) => this.fb.f32(start + 4 * i));
  }
  i64s(id: number): number[] | null {
    const p = this.field(id);
    if (!p) return null;
    const { start, length } = this.fb.vector(this.fb.deref(p), 8);
    return Array.from({ length }, (_, i) => this.fb.i64(start + 8 * i));
  }
  /** A [ubyte] vector as a view into the file. */
  bytes(id: number): Uint8Array | null {
    const p = this.field(id);
    if (!p) return null;
    const { start, length } = this.fb.vector(this.fb.deref(p), 1);
    return this.fb.bytes.subarray(start, start + length);
  }
}

// Field ids (declaration order in tflite-schema.fbs; a union takes two ids: its type, then its value).
const MODEL = { version: 0, operatorCodes: 1, subgraphs: 2, description: 3, buffers: 4 } as const;
const OPERATOR_CODE = { deprecatedBuiltinCode: 0, customCode: 1, version: 2, builtinCode: 3 } as const;
const SUBGRAPH = { tensors: 0, inputs: 1, outputs: 2, operators: 3 } as const;
const TENSOR = { shape: 0, type: 1, buffer: 2, name: 3, quantization: 4, sparsity: 6 } as const;
const QUANT = { scale: 2, zeroPoint: 3, detailsType: 4, quantizedDimension: 6 } as const;
const BUFFER = { data: 0, offset: 1, size: 2 } as const;
const OPERATOR = { opcodeIndex: 0, inputs: 1, outputs: 2, builtinOptionsType: 3, builtinOptions: 4 } as const;
const CONV = { padding: 0, strideW: 1, strideH: 2, activation: 3, dilationW: 4, dilationH: 5 } as const;
const DEPTHWISE = { padding: 0, strideW: 1, strideH: 2, depthMultiplier: 3, activation: 4, dilationW: 5, dilationH: 6 } as const;
const POOL = { padding: 0, strideW: 1, strideH: 2, filterW: 3, filterH: 4, activation: 5 } as const;
const FC = { activation: 0, weightsFormat: 1, keepNumDims: 2 } as const;
const RESHAPE = { newShape: 0 } as const;
const SOFTMAX = { beta: 0 } as const;
/** BuiltinOptions union members (1-based positions in the schema's union). */
const OPTIONS_TYPE = { Conv2D: 1, DepthwiseConv2D: 2, Pool2D: 5, FullyConnected: 8, Softmax: 9, Reshape: 17 } as const;

function padding(v: number): Padding {
  if (v === 0) return 'same';
  if (v === 1) return 'valid';
  throw new Corrupt(`padding ${v} is neither SAME nor VALID`);
}

function activation(v: number): FusedActivation {
  const a = ACTIVATIONS[v];
  if (a === undefined) throw new Corrupt(`unknown fused activation ${v}`);
  return a;
}

function positive(v: number, what: string): number {
  if (!Number.isInteger(v) || v < 1) throw new Corrupt(`${what} must be ≥ 1 (got ${v})`);
  return v;
}

/** The operator's builtin options table, checked to be of the expected union member. */
function optionsOf(op: Table, expected: number, name: string): Table | null {
  const type = op.u8(OPERATOR.builtinOptionsType);
  if (type === 0) return null;
  if (type !== expected) throw new Corrupt(`${name} has options of union type ${type}, expected ${expected}`);
  return op.table(OPERATOR.builtinOptions);
}

function decodeOperator(op: Table, name: TfliteOpName, inputs: number[], outputs: number[]): TfliteOperator {
  const io = { inputs, outputs };
  switch (name) {
    case 'CONV_2D': {
      const o = optionsOf(op, OPTIONS_TYPE.Conv2D, name);
      if (!o) throw new Corrupt('CONV_2D without options');
      return { ...io, op: name, options: {
        padding: padding(o.i8(CONV.padding)), strideH: positive(o.i32(CONV.strideH), 'stride'), strideW: positive(o.i32(CONV.strideW), 'stride'),
        dilationH: positive(o.i32(CONV.dilationH, 1), 'dilation'), dilationW: positive(o.i32(CONV.dilationW, 1), 'dilation'),
        activation: activation(o.i8(CONV.activation)),
      } };
    }
    case 'DEPTHWISE_CONV_2D': {
      const o = optionsOf(op, OPTIONS_TYPE.DepthwiseConv2D, name);
      if (!o) throw new Corrupt('DEPTHWISE_CONV_2D without options');
      return { ...io, op: name, options: {
        padding: padding(o.i8(DEPTHWISE.padding)), strideH: positive(o.i32(DEPTHWISE.strideH), 'stride'), strideW: positive(o.i32(DEPTHWISE.strideW), 'stride'),
        dilationH: positive(o.i32(DEPTHWISE.dilationH, 1), 'dilation'), dilationW: positive(o.i32(DEPTHWISE.dilationW, 1), 'dilation'),
        depthMultiplier: o.i32(DEPTHWISE.depthMultiplier), activation: activation(o.i8(DEPTHWISE.activation)),
      } };
    }
    case 'AVERAGE_POOL_2D': {
      const o = optionsOf(op, OPTIONS_TYPE.Pool2D, name);
      if (!o) throw new Corrupt('AVERAGE_POOL_2D without options');
      return { ...io, op: name, options: {
        padding: padding(o.i8(POOL.padding)), strideH: positive(o.i32(POOL.strideH), 'stride'), strideW: positive(o.i32(POOL.strideW), 'stride'),
        filterH: positive(o.i32(POOL.filterH), 'pool filter'), filterW: positive(o.i32(POOL.filterW), 'pool filter'),
        activation: activation(o.i8(POOL.activation)),
      } };
    }
    case 'FULLY_CONNECTED': {
      const o = optionsOf(op, OPTIONS_TYPE.FullyConnected, name);
      // Shuffled int8 weights are a different memory layout: refuse rather than misread.
      if (o && o.i8(FC.weightsFormat) !== 0) throw new UserError('FULLY_CONNECTED with shuffled weights (SHUFFLED4x16INT8) is not supported');
      return { ...io, op: name, options: { activation: activation(o ? o.i8(FC.activation) : 0), keepNumDims: o ? o.u8(FC.keepNumDims) !== 0 : false } };
    }
    case 'RESHAPE': {
      const o = optionsOf(op, OPTIONS_TYPE.Reshape, name);
      return { ...io, op: name, options: { newShape: o ? o.i32s(RESHAPE.newShape) : null } };
    }
    case 'SOFTMAX': {
      const o = optionsOf(op, OPTIONS_TYPE.Softmax, name);
      return { ...io, op: name, options: { beta: o ? o.f32(SOFTMAX.beta) : 1 } };
    }
  }
}

function opName(code: number, custom: string): TfliteOpName {
  const hit = (Object.keys(SUPPORTED_OPS) as TfliteOpName[]).find((k) => SUPPORTED_OPS[k] === code);
  if (hit) return hit;
  const known = code === 32 && custom ? `CUSTOM "${custom}"` : (OTHER_OP_NAMES[code] ?? 'builtin');
  throw new UserError(`unsupported TFLite operator ${known} (code ${code}); supported: ${Object.keys(SUPPORTED_OPS).join(', ')}`);
}

/** Copies `bytes` (possibly unaligned) into a typed array of `type`, little-endian. */
function typedData(bytes: Uint8Array, type: TfliteTensorType, count: number): TfliteData {
  const size = { float32: 4, int32: 4, uint8: 1, int16: 2, int8: 1 }[type];
  if (bytes.length !== count * size) throw new Corrupt(`buffer holds ${bytes.length} bytes, tensor needs ${count} × ${size}`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  switch (type) {
    case 'float32': return Float32Array.from({ length: count }, (_, i) => view.getFloat32(4 * i, true));
    case 'int32': return Int32Array.from({ length: count }, (_, i) => view.getInt32(4 * i, true));
    case 'int16': return Int16Array.from({ length: count }, (_, i) => view.getInt16(2 * i, true));
    case 'uint8': return Uint8Array.from(bytes);
    case 'int8': return new Int8Array(Uint8Array.from(bytes).buffer);
  }
}

function readTensor(t: Table, index: number, buffers: Table[], fb: Fb): TfliteTensor {
  const name = t.string(TENSOR.name);
  const label = name ? `tensor ${index} "${name}"` : `tensor ${index}`;
  const typeCode = t.i8(TENSOR.type);
  const type = TENSOR_TYPES[typeCode as keyof typeof TENSOR_TYPES];
  if (type === undefined) throw new UserError(`${label}: unsupported TFLite tensor type ${OTHER_TYPE_NAMES[typeCode] ?? typeCode}`);
  if (t.has(TENSOR.sparsity)) throw new UserError(`${label}: sparse tensors are not supported`);
  const shape = t.i32s(TENSOR.shape) ?? [];
  for (const d of shape) if (d < 0) throw new Corrupt(`${label}: negative dimension ${d}`);
  const count = shape.reduce((a, b) => a * b, 1);

  let data: TfliteData | null = null;
  const b = t.u32(TENSOR.buffer);
  if (b >= buffers.length) throw new Corrupt(`${label}: buffer ${b} of ${buffers.length}`);
  if (b > 0) {
    const buf = buffers[b]!;
    let raw = buf.bytes(BUFFER.data);
    // Files over 2 GB keep data outside the FlatBuffer, addressed from the start of the file.
    const offset = buf.u64(BUFFER.offset);
    if ((!raw || raw.length === 0) && offset > 1) {
      const size = buf.u64(BUFFER.size);
      if (offset + size > fb.bytes.length) throw new Corrupt(`${label}: external data beyond the end of the file`);
      raw = fb.bytes.subarray(offset, offset + size);
    }
    if (raw && raw.length > 0) data = typedData(raw, type, count);
  }

  let quantization: Quantization | null = null;
  const q = t.table(TENSOR.quantization);
  if (q) {
    if (q.u8(QUANT.detailsType) !== 0) throw new UserError(`${label}: custom/blockwise quantisation is not supported`);
    const scale = q.f32s(QUANT.scale) ?? [];
    const zeroPoint = q.i64s(QUANT.zeroPoint) ?? [];
    // Converters write an empty quantisation table on float tensors: no scale means not quantised.
    if (scale.length > 0) {
      const dimension = q.i32(QUANT.quantizedDimension);
      if (zeroPoint.length !== 0 && zeroPoint.length !== scale.length) throw new Corrupt(`${label}: ${scale.length} scales but ${zeroPoint.length} zero points`);
      if (scale.length > 1 && shape[dimension] !== scale.length) throw new Corrupt(`${label}: ${scale.length} scales along dimension ${dimension} of [${shape}]`);
      quantization = { scale, zeroPoint: zeroPoint.length ? zeroPoint : scale.map(() => 0), dimension };
    }
  }
  return { index, name, shape, type, data, quantization };
}

function indexList(list: number[] | null, count: number, what: string, optional: boolean): number[] {
  const out = list ?? [];
  for (const i of out) if (i >= count || i < (optional ? -1 : 0)) throw new Corrupt(`${what} refers to tensor ${i} of ${count}`);
  return out;
}

/** Parses a .tflite file's bytes; `name` (a path) labels errors. Corrupt or unsupported → UserError. */
export function parseTflite(bytes: Uint8Array, name = 'model'): TfliteModel {
  try {
    const fb = new Fb(bytes);
    if (bytes.length < 8) throw new Corrupt(`only ${bytes.length} bytes`);
    const ident = new TextDecoder().decode(bytes.subarray(4, 8));
    if (ident !== 'TFL3') throw new UserError(`${name}: not a TFLite model (file identifier "${ident.replace(/[^\x20-\x7e]/g, '?')}", expected "TFL3")`);
    const model = fb.table(fb.deref(0));
    const version = model.u32(MODEL.version);
    const codes = model.tables(MODEL.operatorCodes).map((c) => ({
      // The byte-sized deprecated code is authoritative below 127, the int32 one above (TFLite's GetBuiltinCode).
      code: Math.max(c.i8(OPERATOR_CODE.deprecatedBuiltinCode), c.i32(OPERATOR_CODE.builtinCode)),
      custom: c.string(OPERATOR_CODE.customCode),
    }));
    const buffers = model.tables(MODEL.buffers);
    const subgraphs = model.tables(MODEL.subgraphs);
    if (subgraphs.length === 0) throw new Corrupt('no subgraph');
    if (subgraphs.length > 1) throw new UserError(`${name}: ${subgraphs.length} subgraphs (control flow) are not supported`);
    const sg = subgraphs[0]!;
    const tensors = sg.tables(SUBGRAPH.tensors).map((t, i) => readTensor(t, i, buffers, fb));
    const operators = sg.tables(SUBGRAPH.operators).map((op, i) => {
      const idx = op.u32(OPERATOR.opcodeIndex);
      const code = codes[idx];
      if (!code) throw new Corrupt(`operator ${i} uses operator code ${idx} of ${codes.length}`);
      const inputs = indexList(op.i32s(OPERATOR.inputs), tensors.length, `operator ${i}`, true);
      const outputs = indexList(op.i32s(OPERATOR.outputs), tensors.length, `operator ${i}`, false);
      return decodeOperator(op, opName(code.code, code.custom), inputs, outputs);
    });
    const inputs = indexList(sg.i32s(SUBGRAPH.inputs), tensors.length, 'subgraph inputs', false);
    const outputs = indexList(sg.i32s(SUBGRAPH.outputs), tensors.length, 'subgraph outputs', false);
    return { version, description: model.string(MODEL.description), tensors, operators, inputs, outputs };
  } catch (e) {
    if (e instanceof Corrupt || e instanceof RangeError) throw new UserError(`${name}: corrupt or truncated TFLite file (${e.message})`);
    if (e instanceof UserError && !e.message.startsWith(`${name}:`)) throw new UserError(`${name}: ${e.message}`);
    throw e;
  }
}

/** A constant tensor's values as real numbers: int8/uint8/int16 weights dequantised, w = scale·(q − zero point). */
export function dequantize(t: TfliteTensor): Float32Array {
  if (!t.data) throw new UserError(`tensor ${t.index} "${t.name}" has no constant data`);
  if (t.type === 'float32') return t.data as Float32Array;
  const q = t.quantization;
  if (!q) throw new UserError(`tensor ${t.index} "${t.name}" is ${t.type} without a quantisation scale`);
  const out = new Float32Array(t.data.length);
  if (q.scale.length === 1) {
    const s = q.scale[0]!;
    const z = q.zeroPoint[0]!;
    for (let i = 0; i < out.length; i++) out[i] = s * (t.data[i]! - z);
    return out;
  }
  // Per-channel: the slice index along `dimension` picks the scale.
  const inner = t.shape.slice(q.dimension + 1).reduce((a, b) => a * b, 1);
  const n = t.shape[q.dimension]!;
  for (let i = 0; i < out.length; i++) {
    const c = Math.floor(i / inner) % n;
    out[i] = q.scale[c]! * (t.data[i]! - q.zeroPoint[c]!);
  }
  return out;
}
