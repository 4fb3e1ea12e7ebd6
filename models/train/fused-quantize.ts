/**
 * Eq. 4's quantizer with quantization noise as one fused op on the tfjs `wasm` backend: the forward
 * pass and the gradient are each a single pass of a small WebAssembly module (fused-quantize.wat) over
 * the backend's own memory. The composed form (keep-mask.ts `keepMask` + ste.ts `quantize`) builds and
 * uploads a mask per tensor and runs ~25 full-tensor tfjs ops and copies per call, forward and backward,
 * which made a VWW `full` step ~2.2× a `noise` step (fused: ~1.3×; bench/train-step.ts). Results are
 * bit-identical to the composed form: the module repeats its float32 operations in their order (also
 * tfjs-wasm's Sign, which is 0 below 2^−23), draws the same xorshift32 mask element by element, and the
 * gradient of r is assembled here from the module's three sums exactly as tfjs autodiff accumulates it
 * (test/models/train/fused-quantize.test.ts checks ops and whole trainings against the composed form).
 */
import * as tf from '@tensorflow/tfjs';
import type { KernelConfig, KernelFunc, NamedTensorInfoMap, TensorInfo } from '@tensorflow/tfjs';
import { FUSED_QUANTIZE_WASM_BASE64 } from './fused-quantize-wasm.js';
import { maxCode } from './ste.js';

export const FUSED_QUANTIZE = 'AonFusedQuantize';
export const FUSED_QUANTIZE_GRAD = 'AonFusedQuantizeGrad';

/** Quantization noise of one call: each element is rounded with probability p, drawn from `seed`. */
export interface QuantNoise {
  p: number;
  seed: number;
}

/** The parts of tfjs-backend-wasm's BackendWasm used here (not in its public types). */
interface WasmBackendLike {
  dataIdMap: { get(dataId: object): { memoryOffset: number } };
  makeOutput(shape: number[], dtype: 'float32'): TensorInfo;
  typedArrayFromHeap(info: TensorInfo): Float32Array;
  wasm: { asm: { memory: WebAssembly.Memory } };
}

interface FusedExports {
  forward(x: number, out: number, n: number, r: number, delta: number, seed: number, thr: number, noisy: number): void;
  backward(x: number, dy: number, dx: number, n: number, r: number, delta: number, seed: number, thr: number, noisy: number, sums: number): void;
}

/** Attributes of both kernels. */
interface FusedAttrs {
  /** Largest code of the quantizer: Δ = r / maxCode. */
  maxCode: number;
  /** keepMask's threshold p·2^32 (ignored without noise). */
  threshold: number;
  /** keepMask's initial xorshift32 state. */
  state: number;
  noisy: boolean;
}

/** The module, instantiated once per backend memory (it imports that memory: no copies). */
const instances = new WeakMap<WebAssembly.Memory, FusedExports>();

function moduleFor(be: WasmBackendLike): FusedExports {
  const memory = be.wasm.asm.memory;
  let ex = instances.get(memory);
  if (!ex) {
    const bytes = Uint8Array.from(Buffer.from(FUSED_QUANTIZE_WASM_BASE64, 'base64'));
    const inst = new WebAssembly.Instance(new WebAssembly.Module(bytes), { env: { memory } });
    ex = inst.exports as unknown as FusedExports;
    instances.set(memory, ex);
  }
  return ex;
}

/** keepMask's initial state for a seed (keep-mask.ts). */
export function maskState(seed: number): number {
  return (seed ^ 0x2545f491) >>> 0 || 0x9e3779b9;
}

/** Δ = r / maxCode, as tf.div computes it in float32. */
function stepOf(r: number, n: number): number {
  return Math.fround(r / n);
}

function floatInput(info: TensorInfo | undefined, name: string): TensorInfo {
  if (!info || info.dtype !== 'float32') throw new Error(`${FUSED_QUANTIZE}: ${name} must be a float32 tensor`);
  return info;
}

const forwardKernel: KernelFunc = ({ inputs, backend, attrs }) => {
  const be = backend as unknown as WasmBackendLike;
  const a = attrs as unknown as FusedAttrs;
  const x = floatInput((inputs as NamedTensorInfoMap)['x'], 'x');
  const r = be.typedArrayFromHeap(floatInput((inputs as NamedTensorInfoMap)['r'], 'r'))[0]!;
  const out = be.makeOutput(x.shape, 'float32');
  const n = tf.util.sizeFromShape(x.shape);
  if (n > 0) {
    const ptr = (t: TensorInfo) => be.dataIdMap.get(t.dataId).memoryOffset;
    moduleFor(be).forward(ptr(x), ptr(out), n, r, stepOf(r, a.maxCode), a.state | 0, a.threshold, a.noisy ? 1 : 0);
  }
  return out;
};

/** Outputs dx and the three float32 sums s1, s2, s3 of the gradient of r (fused-quantize.wat). */
const gradKernel: KernelFunc = ({ inputs, backend, attrs }) => {
  const be = backend as unknown as WasmBackendLike;
  const a = attrs as unknown as FusedAttrs;
  const ins = inputs as NamedTensorInfoMap;
  const x = floatInput(ins['x'], 'x');
  const dy = floatInput(ins['dy'], 'dy');
  const r = be.typedArrayFromHeap(floatInput(ins['r'], 'r'))[0]!;
  const dx = be.makeOutput(x.shape, 'float32');
  const sums = be.makeOutput([3], 'float32');
  const n = tf.util.sizeFromShape(x.shape);
  const ptr = (t: TensorInfo) => be.dataIdMap.get(t.dataId).memoryOffset;
  if (n > 0) moduleFor(be).backward(ptr(x), ptr(dy), ptr(dx), n, r, stepOf(r, a.maxCode), a.state | 0, a.threshold, a.noisy ? 1 : 0, ptr(sums));
  else be.typedArrayFromHeap(sums).fill(0);
  return [dx, sums];
};

export const fusedQuantizeKernels: KernelConfig[] = [
  { kernelName: FUSED_QUANTIZE, backendName: 'wasm', kernelFunc: forwardKernel },
  { kernelName: FUSED_QUANTIZE_GRAD, backendName: 'wasm', kernelFunc: gradKernel },
];

let enabled = true;

/** Tests and benchmarks only: model.ts falls back to the composed tfjs ops while off. */
export function useFusedQuantize(on: boolean): void {
  enabled = on;
}

/** True when the fused op can run: the wasm backend is active and the kernels are registered. */
export function fusedQuantizeAvailable(): boolean {
  return enabled && tf.getBackend() === 'wasm' && tf.getKernel(FUSED_QUANTIZE, 'wasm') !== undefined;
}

/**
 * dL/dr from the module's sums, in tfjs autodiff's float32 order: Δ gets s1 (from q = rd·Δ) plus
 * −s2/Δ² (from u = c/Δ); r gets that over maxCode (Δ = r/maxCode), then s3 (the clip).
 */
export function rangeGradient(s1: number, s2: number, s3: number, r: number, n: number): number {
  const f = Math.fround;
  const delta = stepOf(r, n);
  const dDelta = f(s1 + -f(s2 / f(delta * delta)));
  return f(f(dDelta / n) + s3);
}

/**
 * ste.ts `quantize(x, r, bits, keepMask(x.shape, noise.p, noise.seed))` (or without a mask when `noise`
 * is null), value and gradients bit for bit, as one op.
 */
export function quantizeFused(x: tf.Tensor, r: tf.Scalar, bits: number, noise: QuantNoise | null): tf.Tensor {
  const attrs: FusedAttrs = {
    maxCode: maxCode(bits),
    threshold: noise ? noise.p * 4294967296 : 0,
    state: noise ? maskState(noise.seed) : 0,
    noisy: noise !== null,
  };
  const named = attrs as unknown as tf.NamedAttrMap;
  const op = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
    const [xs, rs, save] = args as [tf.Tensor, tf.Scalar, tf.GradSaveFunc];
    // The gradient reads x again (the forward pass's tensors are gone by then): saved, as tfjs ops save theirs.
    save([xs, rs]);
    return {
      value: tf.engine().runKernel(FUSED_QUANTIZE, { x: xs, r: rs }, named) as tf.Tensor,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [x, r] = saved as [tf.Tensor, tf.Scalar];
        const [dx, sums] = tf.engine().runKernel(FUSED_QUANTIZE_GRAD, { x, dy, r }, named) as tf.Tensor[];
        const [s1, s2, s3] = sums!.dataSync() as Float32Array;
        const dr = rangeGradient(s1!, s2!, s3!, r.dataSync()[0]!, attrs.maxCode);
        sums!.dispose();
        return [dx!, tf.scalar(dr)];
      },
    };
  }) as (x: tf.Tensor, r: tf.Scalar) => tf.Tensor;
  return op(x, r);
}
