/**
 * MLPerf Tiny's reference networks (../shared/teachers, read by tflite.ts) as a tfjs forward pass, for
 * scoring and as teachers: weights become tf tensors once at load (OHWI filters → HWIO, depthwise
 * 1×H×W×C → H×W×C×1, dense [out, in] → [in, out]; int8 weights dequantised), and each call runs the
 * operators in file order on a batch. Works on whichever tfjs backend is active (the project uses
 * wasm: useWasmTrainingBackend in models/train/kernels.ts).
 */
import { readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs';
import { UserError } from '../../host/errors.js';
import { getGraph } from '../graphs/index.js';
import { TEACHER_INPUT, TEACHER_OUTPUT_CLASSES, type TeacherTask } from './spec.js';
import { dequantize, parseTflite, type FusedActivation, type TfliteModel, type TfliteOpName, type TfliteTensor } from './tflite.js';

export { TEACHER_FILES, TEACHER_INPUT, TEACHER_OUTPUT_CLASSES, defaultTeacherDir, defaultTeacherPath, isTeacherTask, type TeacherTask } from './spec.js';

export interface TeacherActivation {
  /** Position in the file's operator list. */
  index: number;
  op: TfliteOpName;
  /** The TFLite tensor this is (its name, shape with batch 1). */
  tensor: TfliteTensor;
  value: tf.Tensor;
}

export interface Teacher {
  task: TeacherTask;
  /** NHWC input the teacher takes: KWS 49×10×1 MFCC, VWW 96×96×3 RGB in [0,1]. */
  input: { h: number; w: number; c: number };
  /** Class names in the project's order (getGraph(task).classes): the columns of logits(). */
  classes: readonly string[];
  /** The parsed file. */
  model: TfliteModel;
  /**
   * Log-probabilities (log of the teacher's softmax, i.e. logits up to a constant), [N, classes],
   * columns in the project's class order.
   */
  logits(x: tf.Tensor4D): tf.Tensor2D;
  /** Width of features(): the channels of the teacher's last average pool (its penultimate layer). */
  featureWidth: number;
  /**
   * logits() and, from the same pass, the output of the last AVERAGE_POOL_2D flattened to [N, featureWidth]:
   * what the classifier reads, a much richer target than two or twelve class scores (feature-distill.ts).
   */
  logitsAndFeatures(x: tf.Tensor4D): { logits: tf.Tensor2D; features: tf.Tensor2D };
  /** logits() and, from the same pass, the map the last AVERAGE_POOL_2D averages [N, H, W, featureWidth] (spatial distillation). */
  logitsAndFeatureMap(x: tf.Tensor4D): { logits: tf.Tensor2D; map: tf.Tensor4D };
  /** Every operator's output on x, in the teacher's own layout and class order (tests, debugging); the caller disposes them. */
  trace(x: tf.Tensor4D): TeacherActivation[];
  dispose(): void;
}

/** Reads and parses a .tflite file; a missing or unreadable file is a UserError. */
export function readTfliteFile(path: string): TfliteModel {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new UserError(`${path}: no such file`);
    if (code === 'EISDIR') throw new UserError(`${path}: is a directory, expected a .tflite file`);
    throw new UserError(`${path}: cannot read (${(e as Error).message})`);
  }
  return parseTflite(bytes, path);
}

const dims = (s: readonly number[]) => s.join('×');

/** The file's single input and output, checked against what the task's teacher takes and gives. */
function checkTask(model: TfliteModel, task: TeacherTask, name: string): void {
  const { h, w, c } = TEACHER_INPUT[task];
  const classes = TEACHER_OUTPUT_CLASSES[task].length;
  if (model.inputs.length !== 1 || model.outputs.length !== 1) {
    throw new UserError(`${name}: has ${model.inputs.length} inputs and ${model.outputs.length} outputs; a teacher has one of each`);
  }
  const inp = model.tensors[model.inputs[0]!]!;
  const out = model.tensors[model.outputs[0]!]!;
  const want = [1, h, w, c];
  if (inp.shape.join() !== want.join() || out.shape.join() !== [1, classes].join() || inp.type !== 'float32') {
    throw new UserError(
      `${name}: takes ${inp.type} ${dims(inp.shape)} and gives ${dims(out.shape)}; the ${task} teacher takes float32 ${dims(want)} and gives 1×${classes} (wrong --task or file?)`,
    );
  }
}

/** An operand that must be present. */
function operand(model: TfliteModel, index: number | undefined, what: string): TfliteTensor {
  const t = index === undefined || index < 0 ? undefined : model.tensors[index];
  if (!t) throw new UserError(`${what}: a required operand is missing`);
  return t;
}

/** A constant operand as a float tf tensor of its TFLite shape. */
function constant(model: TfliteModel, index: number | undefined, what: string): tf.Tensor {
  const t = operand(model, index, what);
  if (!t.data) throw new UserError(`${what}: tensor ${index} is not a constant (weights computed at run time are not supported)`);
  return tf.tensor(dequantize(t), t.shape, 'float32');
}

function activate(x: tf.Tensor, a: FusedActivation): tf.Tensor {
  switch (a) {
    case 'none': return x;
    case 'relu': return tf.relu(x);
    case 'relu6': return tf.relu6(x);
    case 'relu_n1_to_1': return tf.clipByValue(x, -1, 1);
    case 'tanh': return tf.tanh(x);
    case 'sign_bit': throw new UserError('fused activation SIGN_BIT is not supported');
  }
}

/** tfjs' fused kernels take these two directly (one pass on wasm); others are applied after. */
const fusedName = (a: FusedActivation): 'linear' | 'relu' | 'relu6' => (a === 'relu' || a === 'relu6' ? a : 'linear');

type Step = (x: tf.Tensor) => tf.Tensor;

/** One closure per operator, over its weights (created here, once). */
function buildSteps(model: TfliteModel, weights: tf.Tensor[]): Step[] {
  const keep = <T extends tf.Tensor>(t: T): T => (weights.push(t), t);
  const bias = (i: number | undefined, what: string) => (i === undefined || i < 0 ? undefined : keep(constant(model, i, what) as tf.Tensor1D));
  return model.operators.map((op, k): Step => {
    const what = `operator ${k} (${op.op})`;
    const out = operand(model, op.outputs[0], what);
    if ('activation' in op.options && op.options.activation === 'sign_bit') throw new UserError(`${what}: fused activation SIGN_BIT is not supported`);
    switch (op.op) {
      case 'CONV_2D': {
        const o = op.options;
        if ((o.dilationH > 1 || o.dilationW > 1) && (o.strideH > 1 || o.strideW > 1)) throw new UserError(`${what}: dilation with stride > 1 is not supported`);
        const filter = keep(tf.tidy(() => tf.transpose(constant(model, op.inputs[1], what), [1, 2, 3, 0]) as tf.Tensor4D)); // OHWI → HWIO
        const b = bias(op.inputs[2], what);
        return (x) => activate(
          tf.fused.conv2d({ x: x as tf.Tensor4D, filter, strides: [o.strideH, o.strideW], pad: o.padding, dilations: [o.dilationH, o.dilationW], bias: b, activation: fusedName(o.activation) }),
          fusedName(o.activation) === 'linear' ? o.activation : 'none',
        );
      }
      case 'DEPTHWISE_CONV_2D': {
        const o = op.options;
        if ((o.dilationH > 1 || o.dilationW > 1) && (o.strideH > 1 || o.strideW > 1)) throw new UserError(`${what}: dilation with stride > 1 is not supported`);
        const w = operand(model, op.inputs[1], what);
        const inC = operand(model, op.inputs[0], what).shape[3];
        const [one, kh, kw, outC] = w.shape;
        if (w.shape.length !== 4 || one !== 1 || !inC || outC! % inC !== 0) throw new UserError(`${what}: filter ${dims(w.shape)} does not fit ${inC} input channels`);
        // 1×H×W×(C·M), output channel c·M + m: the same memory as tfjs' H×W×C×M.
        const filter = keep(tf.tidy(() => tf.reshape(constant(model, op.inputs[1], what), [kh!, kw!, inC, outC! / inC]) as tf.Tensor4D));
        const b = bias(op.inputs[2], what);
        return (x) => activate(
          tf.fused.depthwiseConv2d({ x: x as tf.Tensor4D, filter, strides: [o.strideH, o.strideW], pad: o.padding, dilations: [o.dilationH, o.dilationW], bias: b, activation: fusedName(o.activation) }),
          fusedName(o.activation) === 'linear' ? o.activation : 'none',
        );
      }
      case 'AVERAGE_POOL_2D': {
        const o = op.options;
        return (x) => activate(tf.avgPool(x as tf.Tensor4D, [o.filterH, o.filterW], [o.strideH, o.strideW], o.padding), o.activation);
      }
      case 'FULLY_CONNECTED': {
        const w = operand(model, op.inputs[1], what);
        if (w.shape.length !== 2) throw new UserError(`${what}: weights ${dims(w.shape)}, expected [out, in]`);
        const inDim = w.shape[1]!;
        const wT = keep(tf.tidy(() => tf.transpose(constant(model, op.inputs[1], what)) as tf.Tensor2D)); // [in, out]
        const b = bias(op.inputs[2], what);
        return (x) => {
          // TFLite flattens everything but the last axis; with batch N in front that is [N·…, in].
          const y = tf.matMul(tf.reshape(x, [-1, inDim]) as tf.Tensor2D, wT);
          return activate(b ? tf.add(y, b) : y, op.options.activation);
        };
      }
      case 'RESHAPE': {
        // The target is the output tensor's recorded shape; its batch axis must stay the batch axis.
        if (out.shape[0] !== 1) throw new UserError(`${what}: reshape to ${dims(out.shape)} changes the batch axis`);
        const rest = out.shape.slice(1);
        return (x) => tf.reshape(x, [x.shape[0], ...rest]);
      }
      case 'SOFTMAX': {
        const beta = op.options.beta;
        return (x) => tf.softmax(beta === 1 ? x : tf.mul(x, beta));
      }
    }
  });
}

/** Reads a .tflite file and checks it is `task`'s teacher (input and output shapes); no tfjs involved. */
export function readTeacherFile(path: string, task: TeacherTask): TfliteModel {
  const model = readTfliteFile(path);
  checkTask(model, task, path);
  return model;
}

/** Loads a teacher file for `task`; a file of the other task, or anything it cannot run, is a UserError. */
export function loadTeacher(path: string, task: TeacherTask): Teacher {
  return teacherFromModel(readTeacherFile(path, task), task, path);
}

/** The tfjs forward pass of a parsed model (`path` names it in errors); weights are created on the active backend. */
export function teacherFromModel(model: TfliteModel, task: TeacherTask, path = 'model'): Teacher {
  checkTask(model, task, path);
  const projectClasses = getGraph(task).classes;
  const own = TEACHER_OUTPUT_CLASSES[task];
  const perm = projectClasses.map((c) => {
    const i = own.indexOf(c);
    if (i < 0) throw new Error(`teacher ${task} has no class "${c}"`); // a table mismatch in this file, not the user's
    return i;
  });

  const inputIndex = model.inputs[0]!;
  const outputIndex = model.outputs[0]!;
  const last = model.operators[model.operators.length - 1];
  // logits() swaps the final softmax for a log-softmax: the file must end in one.
  const logSoftmax: Step | null = last?.op === 'SOFTMAX' && last.outputs[0] === outputIndex
    ? (z) => tf.logSoftmax(last.options.beta === 1 ? z : tf.mul(z, last.options.beta))
    : null;
  if (!logSoftmax) throw new UserError(`${path}: the last operator is ${last?.op ?? 'missing'}, expected SOFTMAX (a classifier's scores)`);

  const weights: tf.Tensor[] = [];
  let steps: Step[];
  try {
    steps = buildSteps(model, weights);
  } catch (e) {
    tf.dispose(weights);
    throw e;
  }
  const input = TEACHER_INPUT[task];
  const poolIndex = model.operators.map((op) => op.op).lastIndexOf('AVERAGE_POOL_2D');
  if (poolIndex < 0) {
    tf.dispose(weights);
    throw new UserError(`${path}: has no AVERAGE_POOL_2D, so no penultimate features to distil from`);
  }
  const poolShape = model.tensors[model.operators[poolIndex]!.outputs[0]!]!.shape;
  const featureWidth = poolShape.slice(1).reduce((a, b) => a * b, 1);
  const poolInput = model.operators[poolIndex]!.inputs[0]!;

  /** Runs the operators; `final` replaces the step that produces the graph output (the log-softmax). */
  const run = (x: tf.Tensor4D, onOutput: ((k: number, t: tf.Tensor) => void) | null, final: Step | null): tf.Tensor => {
    const [, h, w, c] = x.shape;
    if (h !== input.h || w !== input.w || c !== input.c) throw new Error(`teacher ${task}: input ${dims(x.shape)}, expected N×${input.h}×${input.w}×${input.c}`);
    const values = new Map<number, tf.Tensor>([[inputIndex, x]]);
    model.operators.forEach((op, k) => {
      const src = values.get(op.inputs[0]!);
      if (!src) throw new UserError(`${path}: operator ${k} (${op.op}) reads tensor ${op.inputs[0]} before it is computed`);
      const step = final && op.outputs[0] === outputIndex ? final : steps[k]!;
      const y = step(src);
      values.set(op.outputs[0]!, y);
      onOutput?.(k, y);
    });
    const y = values.get(outputIndex);
    if (!y) throw new UserError(`${path}: no operator computes the output tensor ${outputIndex}`);
    return y;
  };

  const teacher: Teacher = {
    task,
    input,
    classes: projectClasses,
    model,
    logits: (x) => tf.tidy(() => tf.gather(run(x, null, logSoftmax), perm, 1) as tf.Tensor2D),
    featureWidth,
    logitsAndFeatures: (x) => {
      let pooled: tf.Tensor | null = null;
      const [logits, features] = tf.tidy(() => {
        const out = run(x, (k, t) => (k === poolIndex ? (pooled = t) : undefined), logSoftmax);
        return [tf.gather(out, perm, 1) as tf.Tensor2D, tf.reshape(pooled!, [x.shape[0], featureWidth]) as tf.Tensor2D];
      });
      return { logits, features };
    },
    logitsAndFeatureMap: (x) => {
      let map: tf.Tensor | null = null;
      const [logits, pre] = tf.tidy(() => {
        const out = run(x, (k, t) => (model.operators[k]!.outputs[0] === poolInput ? (map = t) : undefined), logSoftmax);
        return [tf.gather(out, perm, 1) as tf.Tensor2D, (map ?? x) as tf.Tensor4D];
      });
      return { logits, map: pre };
    },
    trace: (x) => tf.tidy(() => {
      const acts: Array<{ index: number; value: tf.Tensor }> = [];
      run(x, (index, value) => acts.push({ index, value }), null);
      return acts.map((a) => a.value);
    }).map((value, index) => ({ index, op: model.operators[index]!.op, tensor: model.tensors[model.operators[index]!.outputs[0]!]!, value })),
    dispose: () => tf.dispose(weights),
  };

  // One dry run: every output shape must be the file's (a misread option would show here, not as wrong answers).
  const probe = tf.zeros([1, input.h, input.w, input.c]) as tf.Tensor4D;
  let acts: TeacherActivation[];
  try {
    acts = teacher.trace(probe);
  } catch (e) {
    probe.dispose();
    teacher.dispose();
    // tfjs' own shape assertions: the file's operands do not fit together.
    if (e instanceof UserError) throw e;
    throw new UserError(`${path}: the network does not compute (${(e as Error).message})`);
  }
  const bad = acts.find((a) => a.value.shape.join() !== a.tensor.shape.join());
  const message = bad && `${path}: operator ${bad.index} (${bad.op}) computes ${dims(bad.value.shape)}, the file says ${dims(bad.tensor.shape)}`;
  tf.dispose([probe, ...acts.map((a) => a.value)]);
  if (message) {
    teacher.dispose();
    throw new UserError(message);
  }
  return teacher;
}
