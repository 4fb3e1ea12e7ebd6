/**
 * The TFLite reader (models/teacher/tflite.ts) on the real teacher files: facts checked by hand against
 * teachers/README.md and the files, and broken files (empty, garbage, truncated, corrupted) as a
 * UserError every time — never a RangeError or another crash. No tfjs here.
 */
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { isUserError } from '../../../host/errors.js';
import { defaultTeacherPath } from '../../../models/teacher/spec.js';
import { dequantize, parseTflite, type TfliteModel } from '../../../models/teacher/tflite.js';

const KWS = defaultTeacherPath('kws');
const VWW = defaultTeacherPath('vww');
const haveFiles = existsSync(KWS) && existsSync(VWW);

/** parseTflite's outcome: the model, or the error it threw (which must be a UserError). */
function outcome(bytes: Uint8Array): TfliteModel | Error {
  try {
    return parseTflite(bytes, 'x.tflite');
  } catch (e) {
    return e as Error;
  }
}

function opCounts(m: TfliteModel): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const op of m.operators) counts[op.op] = (counts[op.op] ?? 0) + 1;
  return counts;
}

describe('parseTflite: not a model', () => {
  it.each([
    ['empty', new Uint8Array(0)],
    ['four bytes', new Uint8Array([1, 2, 3, 4])],
    ['text', new TextEncoder().encode('this is not a flatbuffer, just some text long enough')],
    ['a PNG header', new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0])],
  ])('%s → UserError', (_name, bytes) => {
    const r = outcome(bytes);
    expect(r).toBeInstanceOf(Error);
    expect(isUserError(r)).toBe(true);
    expect((r as Error).message).toMatch(/^x\.tflite: /);
  });

  it('TFL3 identifier with a root offset past the end → UserError (corrupt)', () => {
    const bytes = new Uint8Array(16);
    new DataView(bytes.buffer).setUint32(0, 4000, true);
    bytes.set(new TextEncoder().encode('TFL3'), 4);
    const r = outcome(bytes);
    expect(isUserError(r)).toBe(true);
    expect((r as Error).message).toMatch(/corrupt or truncated/);
  });
});

describe.skipIf(!haveFiles)(haveFiles ? 'parseTflite: the teacher files' : `parseTflite: the teacher files — teachers not found at ${KWS}`, () => {
  const kws = haveFiles ? parseTflite(readFileSync(KWS), KWS) : (null as unknown as TfliteModel);
  const vww = haveFiles ? parseTflite(readFileSync(VWW), VWW) : (null as unknown as TfliteModel);

  it('operator counts as the README states (KWS 5 conv / 4 depthwise; VWW 14 / 13), then pool, reshape, dense, softmax', () => {
    const tail = { AVERAGE_POOL_2D: 1, RESHAPE: 1, FULLY_CONNECTED: 1, SOFTMAX: 1 };
    expect(opCounts(kws)).toEqual({ CONV_2D: 5, DEPTHWISE_CONV_2D: 4, ...tail });
    expect(opCounts(vww)).toEqual({ CONV_2D: 14, DEPTHWISE_CONV_2D: 13, ...tail });
    expect(kws.operators.slice(-4).map((o) => o.op)).toEqual(['AVERAGE_POOL_2D', 'RESHAPE', 'FULLY_CONNECTED', 'SOFTMAX']);
    expect(kws.version).toBe(3);
  });

  it("KWS first conv: 64 filters 10×4 (OHWI), stride 2, SAME, ReLU; int8 weights with one scale, float32 bias", () => {
    const op = kws.operators[0]!;
    expect(op.op).toBe('CONV_2D');
    if (op.op !== 'CONV_2D') return;
    expect(op.options).toEqual({ padding: 'same', strideH: 2, strideW: 2, dilationH: 1, dilationW: 1, activation: 'relu' });
    const [x, w, b] = op.inputs.map((i) => kws.tensors[i]!);
    expect(x!.shape).toEqual([1, 49, 10, 1]);
    expect(x!.index).toBe(kws.inputs[0]);
    expect(w!.shape).toEqual([64, 10, 4, 1]);
    expect(w!.type).toBe('int8');
    expect(w!.quantization?.scale).toHaveLength(1);
    expect(w!.quantization?.zeroPoint).toEqual([0]);
    expect(b!.type).toBe('float32');
    expect(b!.shape).toEqual([64]);
    expect(kws.tensors[op.outputs[0]!]!.shape).toEqual([1, 25, 5, 64]);
    // Dequantised: scale·q, and |q| reaches 127 (symmetric per-tensor quantisation uses the full range).
    const real = dequantize(w!);
    const q = w!.data as Int8Array;
    expect(Math.max(...Array.from(q, Math.abs))).toBe(127);
    expect(real[5]).toBeCloseTo(w!.quantization!.scale[0]! * q[5]!, 12);
  });

  it('every KWS ordinary conv is int8 (dynamic-range quantised); depthwise and dense weights are float32; VWW is all float32', () => {
    const weightType = (m: TfliteModel, op: string) => m.operators.filter((o) => o.op === op).map((o) => m.tensors[o.inputs[1]!]!.type);
    expect(new Set(weightType(kws, 'CONV_2D'))).toEqual(new Set(['int8']));
    expect(new Set(weightType(kws, 'DEPTHWISE_CONV_2D'))).toEqual(new Set(['float32']));
    expect(new Set(weightType(kws, 'FULLY_CONNECTED'))).toEqual(new Set(['float32']));
    expect(new Set(vww.operators.flatMap((o) => o.inputs.slice(1).map((i) => vww.tensors[i]!.type)))).toEqual(new Set(['float32', 'int32']));
  });

  it('VWW: 96×96×3 in, 2 out; depthwise filters are 1×3×3×C; the last pool is 3×3 VALID', () => {
    expect(vww.tensors[vww.inputs[0]!]!.shape).toEqual([1, 96, 96, 3]);
    expect(vww.tensors[vww.outputs[0]!]!.shape).toEqual([1, 2]);
    for (const o of vww.operators.filter((o) => o.op === 'DEPTHWISE_CONV_2D')) {
      const s = vww.tensors[o.inputs[1]!]!.shape;
      expect([s[0], s[1], s[2]]).toEqual([1, 3, 3]);
    }
    const pool = vww.operators.find((o) => o.op === 'AVERAGE_POOL_2D')!;
    expect(pool.options).toMatchObject({ padding: 'valid', filterH: 3, filterW: 3 });
  });

  it('every truncation of the KWS file is a UserError', () => {
    const bytes = readFileSync(KWS);
    const cuts = [1, 7, 8, 12, 16, 31, 64, 100, 500];
    for (let n = 1000; n < bytes.length - 64; n += 1499) cuts.push(n);
    for (const n of cuts) {
      const r = outcome(bytes.subarray(0, n));
      expect(isUserError(r), `cut at ${n}: ${String(r)}`).toBe(true);
    }
  });

  it('random corruption parses or is a UserError, never another exception', () => {
    const original = readFileSync(KWS);
    let seed = 12345;
    const rand = () => ((seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0) / 2 ** 32);
    let errors = 0;
    for (let trial = 0; trial < 300; trial++) {
      const bytes = Uint8Array.from(original);
      // Four bytes at a time: every other trial in the first 2 kB (root table, vtables, offsets), else anywhere.
      const span = trial % 2 === 0 ? 2048 : bytes.length;
      for (let k = 0; k < 4; k++) bytes[Math.floor(rand() * span)] = Math.floor(rand() * 256);
      const r = outcome(bytes);
      if (r instanceof Error) {
        expect(isUserError(r), `trial ${trial}: ${r.stack}`).toBe(true);
        errors++;
      }
    }
    expect(errors).toBeGreaterThan(0);
  });
});
