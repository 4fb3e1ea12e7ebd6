/**
 * floatForward (float-forward.ts) with the matrix products of conv and dense layers in a WebAssembly
 * SIMD kernel (float-kernel.mjs): the same float32 values bit for bit — the same summation order in
 * float64, rounded to float32 once — at many times the speed of the plain-JS loop (the float baseline
 * of every eval / ablation sweep runs it over every example). Depthwise layers (MicroNet only) keep the JS loop; the digital post-ops are float-forward.ts's
 * postOps. test/models/image/float-forward-fast.test.ts compares it with floatForward bit for bit.
 *
 * One FloatForwarder per (graph, image): the weights are converted and laid out once; forward() reuses
 * the kernel's memory (it returns a fresh output array, as floatForward does).
 */
import type { LayerShape } from '../graphs/shapes.js';
import { layerShapes } from '../graphs/shapes.js';
import type { NetworkGraph } from '../graphs/types.js';
import { FLOAT_KERNEL_WASM_BASE64 } from './float-kernel-wasm.js';
import { matrixProducts, postOps } from './float-forward.js';
import type { WeightImage } from './types.js';

interface KernelExports {
  memory: WebAssembly.Memory;
  conv(
    x: number, inH: number, inW: number, cin: number, w: number, coutPad: number, kh: number, kw: number,
    stride: number, padTop: number, padLeft: number, outH: number, outW: number, acc: number, list: number,
  ): void;
}

let compiled: WebAssembly.Module | undefined;
function kernelModule(): WebAssembly.Module {
  if (!compiled) {
    const bin = atob(FLOAT_KERNEL_WASM_BASE64);
    const bytes = new Uint8Array(bin.length);
    for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
    compiled = new WebAssembly.Module(bytes);
  }
  return compiled;
}

const PAGE = 65536;
const align = (n: number, a: number) => Math.ceil(n / a) * a;

interface KernelLayer {
  /** Byte offset of the float32 weights (rows × coutPad). */
  w: number;
  coutPad: number;
  /** Input as the kernel sees it (dense: 1 × 1 × cin). */
  inH: number;
  inW: number;
  cin: number;
  kh: number;
  kw: number;
  stride: number;
  padTop: number;
  padLeft: number;
  outH: number;
  outW: number;
}

export class FloatForwarder {
  private readonly graph: NetworkGraph;
  private readonly image: WeightImage;
  private readonly shapes: LayerShape[];
  private readonly layers: Array<KernelLayer | undefined>;
  private readonly kernel: KernelExports;
  private readonly xOffset: number;
  private readonly accOffset: number;
  private readonly listOffset: number;
  private readonly f32: Float32Array;

  constructor(graph: NetworkGraph, image: WeightImage) {
    this.graph = graph;
    this.image = image;
    this.shapes = layerShapes(graph).layers;
    let offset = 0;
    let maxIn = 0;
    let maxAcc = 0;
    let maxRows = 0;
    const plans = graph.layers.map((spec, i): KernelLayer | undefined => {
      const s = this.shapes[i]!;
      if (spec.kind === 'depthwise') return undefined;
      const coutPad = align(s.cout, 4);
      const dense = spec.kind === 'dense';
      const cin = dense ? s.cin : s.in.c;
      const rows = dense ? s.cin : s.kh * s.kw * cin;
      const plan: KernelLayer = {
        w: offset, coutPad, cin,
        inH: dense ? 1 : s.in.h, inW: dense ? 1 : s.in.w,
        kh: dense ? 1 : s.kh, kw: dense ? 1 : s.kw, stride: dense ? 1 : s.stride,
        padTop: dense ? 0 : s.padTop, padLeft: dense ? 0 : s.padLeft,
        outH: dense ? 1 : s.outH, outW: dense ? 1 : s.outW,
      };
      offset += align(rows * coutPad * 4, 16);
      maxIn = Math.max(maxIn, plan.inH * plan.inW * cin);
      maxAcc = Math.max(maxAcc, plan.outH * plan.outW * coutPad);
      maxRows = Math.max(maxRows, rows);
      return plan;
    });
    this.xOffset = offset;
    this.accOffset = align(this.xOffset + maxIn * 4 + 16, 16);
    this.listOffset = align(this.accOffset + maxAcc * 4, 16);
    const bytes = this.listOffset + (maxRows + 1) * 16; // the kernel's list of nonzero inputs, one spare entry
    const instance = new WebAssembly.Instance(kernelModule(), {});
    this.kernel = instance.exports as unknown as KernelExports;
    const mem = this.kernel.memory;
    const have = mem.buffer.byteLength;
    if (bytes > have) mem.grow(Math.ceil((bytes - have) / PAGE));
    this.f32 = new Float32Array(mem.buffer);
    plans.forEach((plan, i) => {
      if (!plan) return;
      const { cout } = this.shapes[i]!;
      const w = image.layers[i]!.weights;
      const rows = w.length / cout;
      for (let r = 0; r < rows; r++) {
        this.f32.set(w.subarray(r * cout, (r + 1) * cout), plan.w / 4 + r * plan.coutPad);
      }
    });
    this.layers = plans;
  }

  /** The network's output on `input`, bit for bit floatForward(graph, image, input). */
  forward(input: Float32Array): Float32Array {
    const graph = this.graph;
    const tensors = new Map<string, { data: Float32Array; c: number }>([['input', { data: input, c: graph.input.c }]]);
    let last = input;
    const f32 = this.f32;
    graph.layers.forEach((spec, i) => {
      const shape = this.shapes[i]!;
      const p = this.image.layers[i]!;
      const x = tensors.get(spec.input)!.data;
      const plan = this.layers[i];
      let acc: Float32Array;
      if (!plan) {
        acc = matrixProducts(spec, shape, x, p.weights);
      } else {
        const need = plan.inH * plan.inW * plan.cin;
        if (x.length !== need) throw new RangeError(`FloatForwarder: layer ${spec.name} input has ${x.length} values, expected ${need}`);
        f32.set(x, this.xOffset / 4);
        this.kernel.conv(this.xOffset, plan.inH, plan.inW, plan.cin, plan.w, plan.coutPad, plan.kh, plan.kw, plan.stride, plan.padTop, plan.padLeft, plan.outH, plan.outW, this.accOffset, this.listOffset);
        const positions = plan.outH * plan.outW;
        const { cout } = shape;
        acc = new Float32Array(positions * cout);
        const a0 = this.accOffset / 4;
        if (plan.coutPad === cout) acc.set(f32.subarray(a0, a0 + positions * cout));
        else for (let pos = 0; pos < positions; pos++) acc.set(f32.subarray(a0 + pos * plan.coutPad, a0 + pos * plan.coutPad + cout), pos * cout);
      }
      const skip = spec.residual !== undefined ? tensors.get(spec.residual)! : undefined;
      const y = postOps(spec, shape, acc, p, skip?.data, skip?.c ?? 0);
      tensors.set(spec.name, { data: y, c: shape.out.c });
      last = y;
    });
    return last;
  }
}
