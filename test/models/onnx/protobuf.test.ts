import { ort } from './ort.js';
import { describe, expect, it } from 'vitest';
import { encodeOnnxModel, type OnnxModel } from '../../../models/onnx/onnx-proto.js';
import { ProtoWriter } from '../../../models/onnx/protobuf.js';
import { decodeProto, msg, str } from './proto-decode.js';

const hex = (b: Uint8Array) => Array.from(b, (x) => x.toString(16).padStart(2, '0')).join(' ');

describe('ProtoWriter wire format', () => {
  it('writes the protobuf documentation examples byte for byte', () => {
    // protobuf.dev "Encoding": field 1 = 150 → 08 96 01; field 2 = "testing" → 12 07 74 65 73 74 69 6e 67
    expect(hex(new ProtoWriter().int(1, 150).finish())).toBe('08 96 01');
    expect(hex(new ProtoWriter().string(2, 'testing').finish())).toBe('12 07 74 65 73 74 69 6e 67');
  });

  it('writes negative int64 as a 10-byte two\'s-complement varint, floats as fixed32 LE, nested messages length-prefixed', () => {
    expect(hex(new ProtoWriter().int(1, -1).finish())).toBe('08 ff ff ff ff ff ff ff ff ff 01');
    expect(hex(new ProtoWriter().float(2, 1).finish())).toBe('15 00 00 80 3f');
    expect(hex(new ProtoWriter().message(3, (m) => m.int(1, 150)).finish())).toBe('1a 03 08 96 01');
    expect(() => new ProtoWriter().int(1, 0.5)).toThrow(/not a safe integer/);
  });

  it('grows its buffer past the initial size', () => {
    const big = new Uint8Array(100_000).map((_, i) => i % 251);
    const out = decodeProto(new ProtoWriter().bytes(9, big).finish());
    expect(out.get(9)![0]).toEqual(big);
  });
});

/** input 1×1×3×3 → Conv(2×2, pads bottom/right 1, 2 out channels) → Mul → Add → Relu → Pad(C→3) → GAP → Flatten → Gemm. */
function tinyModel(): OnnxModel {
  return {
    opsetVersion: 13,
    producerName: 'aon-cim-test',
    producerVersion: '0',
    metadata: { classes: 'a,b' },
    graph: {
      name: 'tiny',
      inputs: [{ name: 'x', dims: [1, 1, 3, 3] }],
      outputs: [{ name: 'y', dims: [1, 2] }],
      initializers: [
        // OIHW: channel 0 sums the 2×2 window, channel 1 takes its top-left minus its bottom-right
        { name: 'w', dims: [2, 1, 2, 2], data: Float32Array.from([1, 1, 1, 1, 1, 0, 0, -1]) },
        { name: 's', dims: [1, 2, 1, 1], data: Float32Array.from([2, 1]) },
        { name: 'o', dims: [1, 2, 1, 1], data: Float32Array.from([0, -1]) },
        { name: 'p', dims: [8], data: BigInt64Array.from([0n, 0n, 0n, 0n, 0n, 1n, 0n, 0n]) },
        { name: 'fc', dims: [3, 2], data: Float32Array.from([1, 0, 0, 1, 5, 5]) },
      ],
      nodes: [
        { opType: 'Conv', name: 'conv', inputs: ['x', 'w'], outputs: ['c'], attributes: [
          { name: 'kernel_shape', type: 'ints', value: [2, 2] }, { name: 'pads', type: 'ints', value: [0, 0, 1, 1] },
          { name: 'strides', type: 'ints', value: [1, 1] }, { name: 'group', type: 'int', value: 1 },
        ] },
        { opType: 'Mul', name: 'mul', inputs: ['c', 's'], outputs: ['m'] },
        { opType: 'Add', name: 'add', inputs: ['m', 'o'], outputs: ['a'] },
        { opType: 'Relu', name: 'relu', inputs: ['a'], outputs: ['r'] },
        { opType: 'Pad', name: 'pad', inputs: ['r', 'p'], outputs: ['rp'], attributes: [{ name: 'mode', type: 'string', value: 'constant' }] },
        { opType: 'GlobalAveragePool', name: 'gap', inputs: ['rp'], outputs: ['g'] },
        { opType: 'Flatten', name: 'flat', inputs: ['g'], outputs: ['f'], attributes: [{ name: 'axis', type: 'int', value: 1 }] },
        { opType: 'Gemm', name: 'gemm', inputs: ['f', 'fc'], outputs: ['y'] },
      ],
    },
  };
}

describe('encodeOnnxModel', () => {
  it('decodes back to the ModelProto fields of onnx.proto', () => {
    const model = decodeProto(encodeOnnxModel(tinyModel()));
    expect(model.get(1)).toEqual([7n]); // ir_version
    expect(str(model.get(2)![0])).toBe('aon-cim-test');
    const opset = msg(model.get(8)![0]);
    expect([str(opset.get(1)![0]), opset.get(2)![0]]).toEqual(['', 13n]);
    const meta = msg(model.get(14)![0]);
    expect([str(meta.get(1)![0]), str(meta.get(2)![0])]).toEqual(['classes', 'a,b']);
    const graph = msg(model.get(7)![0]);
    expect(graph.get(1)!.map((n) => str(msg(n).get(4)![0]))).toEqual(['Conv', 'Mul', 'Add', 'Relu', 'Pad', 'GlobalAveragePool', 'Flatten', 'Gemm']);
    const w = msg(graph.get(5)![0]);
    expect(w.get(1)).toEqual([2n, 1n, 2n, 2n]); // dims
    expect(w.get(2)).toEqual([1n]); // FLOAT
    const raw = w.get(9)![0] as Uint8Array;
    expect(Array.from(new Float32Array(raw.slice().buffer))).toEqual([1, 1, 1, 1, 1, 0, 0, -1]);
    const conv = msg(graph.get(1)![0]);
    const pads = conv.get(5)!.map(msg).find((a) => str(a.get(1)![0]) === 'pads')!;
    expect([pads.get(8), pads.get(20)]).toEqual([[0n, 0n, 1n, 1n], [7n]]); // INTS
  });

  it('runs in onnxruntime and gives the hand-computed result', async () => {
    const session = await ort.InferenceSession.create(encodeOnnxModel(tinyModel()));
    const x = Float32Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9]);
    const out = await session.run({ x: new ort.Tensor('float32', x, [1, 1, 3, 3]) });
    // Conv with bottom/right zero pad, 3×3 outputs:
    //   ch0 window sums [12 16 9; 24 28 15; 15 17 9] → ×2 → mean = 2·145/9
    //   ch1 = tl − br: [1−5, 2−6, 3−0; 4−8, 5−9, 6−0; 7, 8, 9] → −1 → relu: [0,0,2; 0,0,5; 6,7,8] → mean 28/9
    //   padded ch2 = 0; Gemm rows [1 0; 0 1; 5 5] → [290/9, 28/9]
    const y = out['y']!.data as Float32Array;
    expect(y[0]).toBeCloseTo(290 / 9, 5);
    expect(y[1]).toBeCloseTo(28 / 9, 5);
    await session.release();
  });
});
