/**
 * The tfjs teachers (models/teacher/teacher.ts) against an independent float64 implementation written
 * here from the TFLite operator definitions (plain loops over the parsed file; nothing shared with
 * teacher.ts): every intermediate tensor of the KWS teacher on one real MFCC input, and the VWW
 * teacher's final probabilities on one real image. Also: the class-order permutation, batching.
 */
import { existsSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { sharedDataDir } from '../../../host/paths.js';
import { kwsTeacherInput, loadTeacherDataset, vwwTeacherInput } from '../../../models/teacher/inputs.js';
import { defaultTeacherPath } from '../../../models/teacher/spec.js';
import { loadTeacher, type Teacher } from '../../../models/teacher/teacher.js';
import type { TfliteModel, TfliteTensor } from '../../../models/teacher/tflite.js';
import { useWasmTrainingBackend } from '../../../models/train/kernels.js';

const DATA = sharedDataDir();
const have = existsSync(defaultTeacherPath('kws')) && existsSync(defaultTeacherPath('vww')) && existsSync(`${DATA}/vww/index.csv`) && existsSync(`${DATA}/speech_commands/index.csv`);
const title = (t: string) => (have ? t : `${t} — data not found at ${DATA} or teachers at ${defaultTeacherPath('kws')}`);

/** A float64 tensor, NHWC with batch 1 dropped: [H, W, C] or [N]. */
interface Ref {
  shape: number[];
  v: Float64Array;
}

/** Real weights from the file, written out here: w = scale·(q − zero point), one scale per tensor or per channel. */
function weights(t: TfliteTensor): Float64Array {
  const d = t.data!;
  const out = new Float64Array(d.length);
  if (!t.quantization || t.type === 'float32') {
    for (let i = 0; i < d.length; i++) out[i] = d[i]!;
    return out;
  }
  const { scale, zeroPoint, dimension } = t.quantization;
  const inner = t.shape.slice(dimension + 1).reduce((a, b) => a * b, 1);
  for (let i = 0; i < d.length; i++) {
    const ch = scale.length === 1 ? 0 : Math.floor(i / inner) % t.shape[dimension]!;
    out[i] = scale[ch]! * (d[i]! - zeroPoint[ch]!);
  }
  return out;
}

/** TensorFlow's padding: SAME gives ⌈in/s⌉ outputs with the odd pad at the end; VALID ⌈(in − k + 1)/s⌉, no pad. */
function pad(inSize: number, k: number, s: number, padding: 'same' | 'valid'): { out: number; before: number } {
  if (padding === 'valid') return { out: Math.ceil((inSize - k + 1) / s), before: 0 };
  const out = Math.ceil(inSize / s);
  return { out, before: Math.floor(Math.max((out - 1) * s + k - inSize, 0) / 2) };
}

function act(y: number, a: string): number {
  if (a === 'relu') return Math.max(0, y);
  if (a === 'relu6') return Math.min(6, Math.max(0, y));
  if (a === 'none') return y;
  throw new Error(`activation ${a} not in the reference`);
}

/** CONV_2D, filter OHWI. */
function conv(x: Ref, w: TfliteTensor, bias: Float64Array | null, sh: number, sw: number, padding: 'same' | 'valid', a: string): Ref {
  const [H, W, C] = x.shape as [number, number, number];
  const [O, KH, KW, I] = w.shape as [number, number, number, number];
  expect(I).toBe(C);
  const f = weights(w);
  const ph = pad(H, KH, sh, padding);
  const pw = pad(W, KW, sw, padding);
  const v = new Float64Array(ph.out * pw.out * O);
  for (let oy = 0; oy < ph.out; oy++)
    for (let ox = 0; ox < pw.out; ox++)
      for (let o = 0; o < O; o++) {
        let s = bias ? bias[o]! : 0;
        for (let ky = 0; ky < KH; ky++) {
          const iy = oy * sh - ph.before + ky;
          if (iy < 0 || iy >= H) continue;
          for (let kx = 0; kx < KW; kx++) {
            const ix = ox * sw - pw.before + kx;
            if (ix < 0 || ix >= W) continue;
            for (let c = 0; c < C; c++) s += x.v[(iy * W + ix) * C + c]! * f[((o * KH + ky) * KW + kx) * I + c]!;
          }
        }
        v[(oy * pw.out + ox) * O + o] = act(s, a);
      }
  return { shape: [ph.out, pw.out, O], v };
}

/** DEPTHWISE_CONV_2D, filter 1×KH×KW×(C·M): output channel c·M + m reads input channel c. */
function depthwise(x: Ref, w: TfliteTensor, bias: Float64Array | null, sh: number, sw: number, padding: 'same' | 'valid', a: string): Ref {
  const [H, W, C] = x.shape as [number, number, number];
  const [, KH, KW, CM] = w.shape as [number, number, number, number];
  const M = CM / C;
  const f = weights(w);
  const ph = pad(H, KH, sh, padding);
  const pw = pad(W, KW, sw, padding);
  const v = new Float64Array(ph.out * pw.out * CM);
  for (let oy = 0; oy < ph.out; oy++)
    for (let ox = 0; ox < pw.out; ox++)
      for (let c = 0; c < C; c++)
        for (let m = 0; m < M; m++) {
          const o = c * M + m;
          let s = bias ? bias[o]! : 0;
          for (let ky = 0; ky < KH; ky++) {
            const iy = oy * sh - ph.before + ky;
            if (iy < 0 || iy >= H) continue;
            for (let kx = 0; kx < KW; kx++) {
              const ix = ox * sw - pw.before + kx;
              if (ix < 0 || ix >= W) continue;
              s += x.v[(iy * W + ix) * C + c]! * f[(ky * KW + kx) * CM + o]!;
            }
          }
          v[(oy * pw.out + ox) * CM + o] = act(s, a);
        }
  return { shape: [ph.out, pw.out, CM], v };
}

/** AVERAGE_POOL_2D: the mean over the window's in-bounds positions (padding not counted). */
function avgPool(x: Ref, kh: number, kw: number, sh: number, sw: number, padding: 'same' | 'valid', a: string): Ref {
  const [H, W, C] = x.shape as [number, number, number];
  const ph = pad(H, kh, sh, padding);
  const pw = pad(W, kw, sw, padding);
  const v = new Float64Array(ph.out * pw.out * C);
  for (let oy = 0; oy < ph.out; oy++)
    for (let ox = 0; ox < pw.out; ox++)
      for (let c = 0; c < C; c++) {
        let s = 0;
        let n = 0;
        for (let ky = 0; ky < kh; ky++)
          for (let kx = 0; kx < kw; kx++) {
            const iy = oy * sh - ph.before + ky;
            const ix = ox * sw - pw.before + kx;
            if (iy < 0 || iy >= H || ix < 0 || ix >= W) continue;
            s += x.v[(iy * W + ix) * C + c]!;
            n++;
          }
        v[(oy * pw.out + ox) * C + c] = act(s / n, a);
      }
  return { shape: [ph.out, pw.out, C], v };
}

/** FULLY_CONNECTED, weights [out, in]. */
function dense(x: Ref, w: TfliteTensor, bias: Float64Array | null, a: string): Ref {
  const [O, I] = w.shape as [number, number];
  expect(x.v.length).toBe(I);
  const f = weights(w);
  const v = new Float64Array(O);
  for (let o = 0; o < O; o++) {
    let s = bias ? bias[o]! : 0;
    for (let i = 0; i < I; i++) s += f[o * I + i]! * x.v[i]!;
    v[o] = act(s, a);
  }
  return { shape: [O], v };
}

function softmax(x: Ref, beta: number): Ref {
  const m = Math.max(...x.v);
  const e = x.v.map((z) => Math.exp(beta * (z - m)));
  const sum = e.reduce((a, b) => a + b, 0);
  return { shape: x.shape, v: e.map((z) => z / sum) };
}

/** Runs the parsed file in float64; returns every operator's output. */
function reference(model: TfliteModel, input: Float32Array): Ref[] {
  const inT = model.tensors[model.inputs[0]!]!;
  const values = new Map<number, Ref>([[inT.index, { shape: inT.shape.slice(1), v: Float64Array.from(input) }]]);
  const outs: Ref[] = [];
  for (const op of model.operators) {
    const x = values.get(op.inputs[0]!)!;
    const t = (j: number) => model.tensors[op.inputs[j]!]!;
    const bias = op.inputs[2] !== undefined && op.inputs[2] >= 0 ? weights(t(2)) : null;
    let y: Ref;
    switch (op.op) {
      case 'CONV_2D': y = conv(x, t(1), bias, op.options.strideH, op.options.strideW, op.options.padding, op.options.activation); break;
      case 'DEPTHWISE_CONV_2D': y = depthwise(x, t(1), bias, op.options.strideH, op.options.strideW, op.options.padding, op.options.activation); break;
      case 'AVERAGE_POOL_2D': y = avgPool(x, op.options.filterH, op.options.filterW, op.options.strideH, op.options.strideW, op.options.padding, op.options.activation); break;
      case 'FULLY_CONNECTED': y = dense(x, t(1), bias, op.options.activation); break;
      case 'RESHAPE': y = { shape: model.tensors[op.outputs[0]!]!.shape.slice(1), v: x.v }; break;
      case 'SOFTMAX': y = softmax(x, op.options.beta); break;
    }
    expect(y.shape).toEqual(model.tensors[op.outputs[0]!]!.shape.slice(1));
    values.set(op.outputs[0]!, y);
    outs.push(y);
  }
  return outs;
}

/** max |a − b| / max |b|. */
function relErr(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let d = 0;
  let m = 0;
  for (let i = 0; i < b.length; i++) {
    d = Math.max(d, Math.abs(a[i]! - b[i]!));
    m = Math.max(m, Math.abs(b[i]!));
  }
  return d / m;
}

/** The README's output orders, restated here (not imported) so a wrong permutation in teacher.ts shows. */
const README_ORDER = {
  kws: ['down', 'go', 'left', 'no', 'off', 'on', 'right', 'stop', 'up', 'yes', '_silence_', '_unknown_'],
  vww: ['non_person', 'person'],
};

describe.skipIf(!have)(title('teachers vs a float64 reference'), () => {
  let kws: Teacher;
  let vww: Teacher;
  beforeAll(async () => {
    await useWasmTrainingBackend();
    kws = loadTeacher(defaultTeacherPath('kws'), 'kws');
    vww = loadTeacher(defaultTeacherPath('vww'), 'vww');
  });

  const firstOf = (task: 'kws' | 'vww', label: string) => {
    const d = loadTeacherDataset(DATA, task);
    return d.examples.filter((e) => d.classes[e.label] === label).map((e) => e.path);
  };

  it('KWS: every intermediate tensor on a real "yes" clip within 1e-4 of max |activation|', () => {
    const path = firstOf('kws', 'yes')[0]!;
    const x = kwsTeacherInput(path);
    const ref = reference(kws.model, x);
    const input = tf.tensor4d(x, [1, 49, 10, 1]);
    const acts = kws.trace(input);
    expect(acts.map((a) => a.op)).toEqual(kws.model.operators.map((o) => o.op));
    const errs = acts.map((a, i) => {
      expect(a.value.shape).toEqual([1, ...ref[i]!.shape]);
      return relErr(a.value.dataSync(), ref[i]!.v);
    });
    tf.dispose([input, ...acts.map((a) => a.value)]);
    for (const [i, e] of errs.entries()) expect(e, `operator ${i} (${acts[i]!.op}): ${e}`).toBeLessThan(1e-4);
    // A confident, correct answer on this clip; the reference and the teacher agree on it.
    const probs = ref[ref.length - 1]!.v;
    expect(README_ORDER.kws[probs.indexOf(Math.max(...probs))]).toBe('yes');
  });

  it("KWS logits(): log-probabilities, columns in the project's class order", () => {
    const paths = ['yes', 'no', '_silence_', 'go'].map((l) => firstOf('kws', l)[0]!);
    for (const path of paths) {
      const x = kwsTeacherInput(path);
      const probs = reference(kws.model, x).at(-1)!.v;
      const lp = tf.tidy(() => kws.logits(tf.tensor4d(x, [1, 49, 10, 1])).dataSync());
      expect(kws.classes).toEqual(['_silence_', '_unknown_', 'yes', 'no', 'up', 'down', 'left', 'right', 'on', 'off', 'stop', 'go']);
      kws.classes.forEach((name, j) => {
        expect(Math.exp(lp[j]!)).toBeCloseTo(probs[README_ORDER.kws.indexOf(name)]!, 5);
      });
      expect(Array.from(lp).reduce((a, b) => a + Math.exp(b), 0)).toBeCloseTo(1, 5);
    }
  });

  it('VWW: final probabilities on a real image equal the float64 reference', () => {
    for (const label of ['person', 'non_person']) {
      const x = vwwTeacherInput(firstOf('vww', label)[0]!);
      const ref = reference(vww.model, x).at(-1)!.v;
      const lp = tf.tidy(() => vww.logits(tf.tensor4d(x, [1, 96, 96, 3])).dataSync());
      expect(vww.classes).toEqual(README_ORDER.vww);
      expect(Math.abs(Math.exp(lp[0]!) - ref[0]!)).toBeLessThan(1e-4);
      expect(Math.abs(Math.exp(lp[1]!) - ref[1]!)).toBeLessThan(1e-4);
    }
  });

  it('a batch gives the same rows as one example at a time', () => {
    const paths = firstOf('kws', 'left').slice(0, 5);
    const xs = paths.map(kwsTeacherInput);
    const batch = new Float32Array(xs.length * 490);
    xs.forEach((x, i) => batch.set(x, i * 490));
    const together = tf.tidy(() => kws.logits(tf.tensor4d(batch, [xs.length, 49, 10, 1])).arraySync());
    xs.forEach((x, i) => {
      const alone = tf.tidy(() => kws.logits(tf.tensor4d(x, [1, 49, 10, 1])).arraySync()[0]!);
      alone.forEach((v, j) => expect(together[i]![j]!).toBeCloseTo(v, 4));
    });
  });

  it('weights are created once: logits() leaves no tensors behind', () => {
    const x = tf.zeros([3, 96, 96, 3]) as tf.Tensor4D;
    const before = tf.memory().numTensors;
    tf.dispose(vww.logits(x));
    expect(tf.memory().numTensors).toBe(before);
    x.dispose();
  });
});
