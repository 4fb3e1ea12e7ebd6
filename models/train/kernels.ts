/**
 * Convolution gradient kernels for the tfjs `wasm` backend, built from the backend's own (XNNPACK)
 * forward convolution (training-notes.md). The shipped backend has no `Conv2DBackpropFilter` (training
 * throws) and a slow `Conv2DBackpropInput`; these make a KWS training step ~4× faster than that.
 * NHWC only, dilation 1 in the forward pass (all the project's graphs).
 */
import * as tf from '@tensorflow/tfjs';
import type { KernelConfig, KernelFunc, NamedTensorInfoMap, Tensor4D, TensorInfo } from '@tensorflow/tfjs';
import { fusedQuantizeKernels } from './fused-quantize.js';

type Pad = 'valid' | 'same' | number | [[number, number], [number, number], [number, number], [number, number]];

interface ConvGradAttrs {
  strides: number | [number, number];
  pad: Pad;
  dataFormat: 'NHWC' | 'NCHW';
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
}

interface RefCountingBackend {
  incRef(dataId: object): void;
}

/**
 * Wraps a kernel input as a Tensor without taking ownership: the caller's tensor must survive the
 * wrapper's disposal (without incRef, disposing the wrapper frees the caller's data).
 */
function borrow(info: TensorInfo, backend: RefCountingBackend): tf.Tensor {
  backend.incRef(info.dataId);
  return tf.engine().makeTensorFromTensorInfo(info);
}

/** Hands a result to the engine, which wraps it in its own Tensor: keep the data alive past our wrapper. */
function release(t: tf.Tensor, backend: RefCountingBackend): TensorInfo {
  backend.incRef(t.dataId);
  const info: TensorInfo = { dataId: t.dataId, shape: t.shape, dtype: t.dtype };
  t.dispose();
  return info;
}

function checkAttrs(a: ConvGradAttrs, kernel: string): [number, number] {
  if (a.dataFormat !== 'NHWC') throw new Error(`${kernel} (aon-cim wasm kernel): only NHWC is supported`);
  return typeof a.strides === 'number' ? [a.strides, a.strides] : a.strides;
}

function convInfo(xShape: number[], filterShape: number[], strides: [number, number], a: ConvGradAttrs) {
  return tf.backend_util.computeConv2DInfo(
    xShape as [number, number, number, number],
    filterShape as [number, number, number, number],
    strides,
    1,
    a.pad,
    a.dimRoundingMode,
    false,
    'channelsLast',
  );
}

/**
 * dW = Σ_{b,o} x[b, o·s + k − pad] · dy[b, o]: a 'valid' convolution of x (batch and channels swapped)
 * by dy (as a filter, dilated by the forward stride), sliced to KH×KW.
 */
export function conv2dBackpropFilterWasm(x: Tensor4D, dy: Tensor4D, filterShape: [number, number, number, number], strides: [number, number], pad: Pad, dimRoundingMode?: 'floor' | 'round' | 'ceil'): tf.Tensor4D {
  const info = convInfo(x.shape, filterShape, strides, { strides, pad, dataFormat: 'NHWC', dimRoundingMode });
  const [kh, kw] = [filterShape[0], filterShape[1]];
  const p = info.padInfo;
  return tf.tidy(() => {
    const xT = tf.transpose(x, [3, 1, 2, 0]); // [Cin, H, W, B]
    const dyT = tf.transpose(dy, [1, 2, 0, 3]); // [OH, OW, B, Cout]
    const full = tf.conv2d(xT, dyT, 1, [[0, 0], [p.top, p.bottom], [p.left, p.right], [0, 0]], 'NHWC', strides); // [Cin, ≥KH, ≥KW, Cout]
    const cut = full.shape[1] === kh && full.shape[2] === kw ? full : tf.slice(full, [0, 0, 0, 0], [-1, kh, kw, -1]);
    return tf.transpose(cut, [1, 2, 0, 3]) as tf.Tensor4D;
  });
}

/**
 * dx: dy with stride−1 zeros between rows and columns, padded, convolved with the filter rotated 180°
 * and its channel axes swapped.
 */
export function conv2dBackpropInputWasm(dy: Tensor4D, filter: Tensor4D, inputShape: [number, number, number, number], strides: [number, number], pad: Pad, dimRoundingMode?: 'floor' | 'round' | 'ceil'): tf.Tensor4D {
  const info = convInfo(inputShape, filter.shape, strides, { strides, pad, dataFormat: 'NHWC', dimRoundingMode });
  const [kh, kw] = [filter.shape[0], filter.shape[1]];
  const [sh, sw] = strides;
  const [, h, w] = inputShape;
  const p = info.padInfo;
  return tf.tidy(() => {
    let d: tf.Tensor4D = dy;
    const [b, oh, ow, c] = dy.shape;
    if (sh > 1 || sw > 1) {
      // [B, OH, 1, OW, 1, C] → zero-pad to [B, OH, sh, OW, sw, C] → [B, OH·sh, OW·sw, C], cut the trailing zeros.
      const r = tf.reshape(dy, [b, oh, 1, ow, 1, c]);
      const z = tf.pad(r, [[0, 0], [0, 0], [0, sh - 1], [0, 0], [0, sw - 1], [0, 0]]);
      d = tf.slice(tf.reshape(z, [b, oh * sh, ow * sw, c]), [0, 0, 0, 0], [-1, (oh - 1) * sh + 1, (ow - 1) * sw + 1, -1]) as tf.Tensor4D;
    }
    const hd = d.shape[1];
    const wd = d.shape[2];
    const pads: Array<[number, number]> = [
      [kh - 1 - p.top, h + p.top - hd],
      [kw - 1 - p.left, w + p.left - wd],
    ];
    // Negative padding (only with pad > kernel − 1) becomes a slice.
    const cutTop = Math.max(0, -pads[0]![0]);
    const cutLeft = Math.max(0, -pads[1]![0]);
    if (cutTop > 0 || cutLeft > 0) {
      d = tf.slice(d, [0, cutTop, cutLeft, 0], [-1, -1, -1, -1]);
      pads[0]![0] += cutTop;
      pads[1]![0] += cutLeft;
    }
    const rot = tf.transpose(tf.reverse(filter, [0, 1]), [0, 1, 3, 2]) as tf.Tensor4D; // [KH, KW, Cout, Cin]
    return tf.conv2d(d, rot, 1, [[0, 0], pads[0]!, pads[1]!, [0, 0]]);
  });
}

const backpropFilter: KernelFunc = ({ inputs, backend, attrs }) => {
  const a = attrs as unknown as ConvGradAttrs & { filterShape: [number, number, number, number] };
  const strides = checkAttrs(a, 'Conv2DBackpropFilter');
  const be = backend as unknown as RefCountingBackend;
  const { x, dy } = inputs as NamedTensorInfoMap;
  const xt = borrow(x!, be) as Tensor4D;
  const dyt = borrow(dy!, be) as Tensor4D;
  try {
    return release(conv2dBackpropFilterWasm(xt, dyt, a.filterShape, strides, a.pad, a.dimRoundingMode), be);
  } finally {
    xt.dispose();
    dyt.dispose();
  }
};

const backpropInput: KernelFunc = ({ inputs, backend, attrs }) => {
  const a = attrs as unknown as ConvGradAttrs & { inputShape: [number, number, number, number] };
  const strides = checkAttrs(a, 'Conv2DBackpropInput');
  const be = backend as unknown as RefCountingBackend;
  const { dy, filter } = inputs as NamedTensorInfoMap;
  const dyt = borrow(dy!, be) as Tensor4D;
  const ft = borrow(filter!, be) as Tensor4D;
  try {
    return release(conv2dBackpropInputWasm(dyt, ft, a.inputShape, strides, a.pad, a.dimRoundingMode), be);
  } finally {
    dyt.dispose();
    ft.dispose();
  }
};

const configs: KernelConfig[] = [
  { kernelName: 'Conv2DBackpropFilter', backendName: 'wasm', kernelFunc: backpropFilter },
  { kernelName: 'Conv2DBackpropInput', backendName: 'wasm', kernelFunc: backpropInput },
];

let registered = false;
/** The backend's own kernels we replaced (the benchmark's reference). */
const stock = new Map<string, KernelConfig>();

/**
 * Registers the gradient kernels (replacing the stock wasm `Conv2DBackpropInput`) and the fused
 * quantizer's (fused-quantize.ts). Idempotent.
 */
export function registerWasmTrainingKernels(): void {
  if (registered) return;
  for (const c of [...configs, ...fusedQuantizeKernels]) {
    const old = tf.getKernel(c.kernelName, 'wasm');
    if (old !== undefined) {
      stock.set(c.kernelName, old as KernelConfig);
      tf.unregisterKernel(c.kernelName, 'wasm');
    }
    tf.registerKernel(c);
  }
  registered = true;
}

/** Benchmarks only: switch `Conv2DBackpropInput` between ours and the backend's stock kernel. */
export function useStockBackpropInput(on: boolean): void {
  const name = 'Conv2DBackpropInput';
  const old = stock.get(name);
  if (!old) throw new Error('the wasm backend had no stock Conv2DBackpropInput');
  tf.unregisterKernel(name, 'wasm');
  tf.registerKernel(on ? old : configs.find((c) => c.kernelName === name)!);
  // The stock kernel binds its WASM function in setupFunc, which runs at backend init: it was not registered then.
  if (on && !stockSetUp) {
    old.setupFunc?.(tf.backend());
    stockSetUp = true;
  }
}

let stockSetUp = false;

/** Selects the wasm backend with the training kernels; call once per process before any tensor is made. */
export async function useWasmTrainingBackend(): Promise<void> {
  await import('@tensorflow/tfjs-backend-wasm');
  registerWasmTrainingKernels();
  const ok = await tf.setBackend('wasm');
  if (!ok) throw new Error('tfjs wasm backend failed to initialise');
  await tf.ready();
}
