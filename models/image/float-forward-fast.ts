/**
 * floatForward (float-forward.ts) with its conv and dense layers in a WebAssembly SIMD kernel
 * (float-kernel.mjs): the same float32 values bit for bit — the matrix products in the same summation
 * order in float64, rounded to float32 once, and postOps' operations one by one — at many times the speed
 * of the plain-JS loops (the float baseline of every eval / ablation sweep runs it over every example).
 * The tensors stay in the kernel's memory from the input to the output. Depthwise layers (MicroNet only)
 * run float-forward.ts's JS loops. test/models/image/float-forward-fast.test.ts compares it with
 * floatForward bit for bit.
 *
 * One FloatForwarder per (graph, image): the weights are laid out once; forward() reuses the kernel's
 * memory (it returns a fresh output array, as floatForward does).
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
  post(
    acc: number, coutPad: number, positions: number, cout: number, c: number, scale: number, offset: number,
    relu: number, skip: number, skipC: number, y: number, pooled: number,
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

/** A tensor in the kernel's memory: byte offset, values, channels (the next layers' view of it). */
interface Region {
  at: number;
  length: number;
  c: number;
}

/** One layer's memory: its output, its scale and offset (float32 [cout]), post-ops' channel count. */
interface LayerMemory {
  out: Region;
  scale: number;
  offset: number;
  /** postOps' width: max(cout, skip channels). */
  c: number;
  positions: number;
}

export class FloatForwarder {
  private readonly graph: NetworkGraph;
  private readonly image: WeightImage;
  private readonly shapes: LayerShape[];
  private readonly layers: Array<KernelLayer | undefined>;
  private readonly memory: LayerMemory[];
  private readonly input: Region;
  private readonly regions: Map<string, Region>;
  private readonly kernel: KernelExports;
  private readonly accOffset: number;
  private readonly listOffset: number;
  private readonly poolOffset: number;
  private readonly f32: Float32Array;

  constructor(graph: NetworkGraph, image: WeightImage) {
    this.graph = graph;
    this.image = image;
    this.shapes = layerShapes(graph).layers;
    let offset = 16; // 0 stays free: the kernel reads it as "no skip operand" / "no pool"
    const take = (bytes: number) => {
      const at = offset;
      offset = align(offset + bytes, 16);
      return at;
    };
    let maxAcc = 0;
    let maxRows = 0;
    let maxPooled = 0;
    const plans = graph.layers.map((spec, i): KernelLayer | undefined => {
      const s = this.shapes[i]!;
      if (spec.kind === 'depthwise') return undefined;
      const coutPad = align(s.cout, 4);
      const dense = spec.kind === 'dense';
      const cin = dense ? s.cin : s.in.c;
      const rows = dense ? s.cin : s.kh * s.kw * cin;
      const plan: KernelLayer = {
        w: take(rows * coutPad * 4), coutPad, cin,
        inH: dense ? 1 : s.in.h, inW: dense ? 1 : s.in.w,
        kh: dense ? 1 : s.kh, kw: dense ? 1 : s.kw, stride: dense ? 1 : s.stride,
        padTop: dense ? 0 : s.padTop, padLeft: dense ? 0 : s.padLeft,
        outH: dense ? 1 : s.outH, outW: dense ? 1 : s.outW,
      };
      maxAcc = Math.max(maxAcc, plan.outH * plan.outW * coutPad);
      maxRows = Math.max(maxRows, rows);
      return plan;
    });
    // Every tensor keeps its own region, so a residual operand is still there when its consumer runs.
    const { h, w, c } = graph.input;
    this.input = { at: take(h * w * c * 4), length: h * w * c, c };
    const regions = new Map<string, Region>([['input', this.input]]);
    this.memory = graph.layers.map((spec, i) => {
      const s = this.shapes[i]!;
      const positions = s.outH * s.outW;
      const skipC = spec.residual !== undefined ? regions.get(spec.residual)!.c : 0;
      const width = Math.max(s.cout, skipC);
      const length = spec.pool ? width : positions * width;
      if (spec.pool) maxPooled = Math.max(maxPooled, positions * width);
      const mem: LayerMemory = { out: { at: take(length * 4), length, c: s.out.c }, scale: take(s.cout * 4), offset: take(s.cout * 4), c: width, positions };
      regions.set(spec.name, mem.out);
      const plan = plans[i];
      const x = regions.get(spec.input)!;
      if (plan && x.length !== plan.inH * plan.inW * plan.cin) {
        throw new RangeError(`FloatForwarder: layer ${spec.name} input has ${x.length} values, expected ${plan.inH * plan.inW * plan.cin}`);
      }
      return mem;
    });
    this.regions = regions;
    this.accOffset = take(maxAcc * 4);
    this.poolOffset = take(maxPooled * 4);
    this.listOffset = take((maxRows + 1) * 16); // the kernel's list of nonzero inputs, one spare entry
    const instance = new WebAssembly.Instance(kernelModule(), {});
    this.kernel = instance.exports as unknown as KernelExports;
    const mem = this.kernel.memory;
    const have = mem.buffer.byteLength;
    if (offset > have) mem.grow(Math.ceil((offset - have) / PAGE));
    this.f32 = new Float32Array(mem.buffer);
    plans.forEach((plan, i) => {
      const { cout } = this.shapes[i]!;
      const layer = image.layers[i]!;
      this.f32.set(layer.scale.subarray(0, cout), this.memory[i]!.scale / 4);
      this.f32.set(layer.offset.subarray(0, cout), this.memory[i]!.offset / 4);
      if (!plan) return;
      const w = layer.weights;
      const rows = w.length / cout;
      for (let r = 0; r < rows; r++) this.f32.set(w.subarray(r * cout, (r + 1) * cout), plan.w / 4 + r * plan.coutPad);
    });
    this.layers = plans;
  }

  /** The network's output on `input`, bit for bit floatForward(graph, image, input). */
  forward(input: Float32Array): Float32Array {
    if (input.length !== this.input.length) throw new RangeError(`FloatForwarder: input has ${input.length} values, expected ${this.input.length}`);
    const f32 = this.f32;
    const view = (r: Region) => f32.subarray(r.at / 4, r.at / 4 + r.length);
    f32.set(input, this.input.at / 4);
    let last = this.input;
    this.graph.layers.forEach((spec, i) => {
      const shape = this.shapes[i]!;
      const mem = this.memory[i]!;
      const x = this.regions.get(spec.input)!;
      const skip = spec.residual !== undefined ? this.regions.get(spec.residual)! : undefined;
      const plan = this.layers[i];
      if (!plan) {
        // Depthwise (MicroNet): float-forward.ts's JS loops, in and out of the kernel's memory.
        const p = this.image.layers[i]!;
        const acc = matrixProducts(spec, shape, view(x).slice(), p.weights);
        f32.set(postOps(spec, shape, acc, p, skip ? view(skip).slice() : undefined, skip?.c ?? 0), mem.out.at / 4);
      } else {
        this.kernel.conv(x.at, plan.inH, plan.inW, plan.cin, plan.w, plan.coutPad, plan.kh, plan.kw, plan.stride, plan.padTop, plan.padLeft, plan.outH, plan.outW, this.accOffset, this.listOffset);
        // With pool, the positions' rows go to scratch and their mean to the output.
        const y = spec.pool ? this.poolOffset : mem.out.at;
        this.kernel.post(this.accOffset, plan.coutPad, mem.positions, shape.cout, mem.c, mem.scale, mem.offset, spec.relu ? 1 : 0, skip?.at ?? 0, skip?.c ?? 0, y, spec.pool ? mem.out.at : 0);
      }
      last = mem.out;
    });
    return view(last).slice();
  }
}
