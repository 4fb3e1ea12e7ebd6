/**
 * The network in float32 arithmetic, no converters, no noise: the reference the chip's digital
 * twin is compared with, and the forward pass that calibrates ranges. Tensors are HWC Float32Arrays.
 */
import type { LayerShape } from '../graphs/shapes.js';
import { layerShapes } from '../graphs/shapes.js';
import type { LayerSpec, NetworkGraph } from '../graphs/types.js';
import type { WeightImage } from './types.js';

/** What a layer saw, for calibration: its input, the array's output (before BN), and its output tensor. */
export interface LayerTrace {
  name: string;
  input: Float32Array;
  /** The matrix-vector products, positions × cout (what the ADC converts). */
  preActivation: Float32Array;
  output: Float32Array;
}

/** The weights, digital scale and offset a layer is run with (a WeightImage layer, or calibration's). */
export interface LayerParams {
  weights: Float32Array;
  scale: Float32Array;
  offset: Float32Array;
}

/**
 * The array part of a layer: Σ input · W per output position and column (TF 'same' padding). The
 * reference order: per position and column, over the taps in (ky, kx) order inside the input and the
 * channels in order, skipping inputs equal to 0, s ← s + x·w in float64 (the product is exact), then
 * float32(s), rounded once. The float baseline's WASM kernel (float-kernel.mjs) adds in this order.
 */
export function matrixProducts(spec: LayerSpec, shape: LayerShape, x: Float32Array, w: Float32Array): Float32Array {
  const acc = new Float64Array(shape.outH * shape.outW * shape.cout);
  accumulateProducts(spec, shape, x, w, acc);
  return new Float32Array(acc);
}

/**
 * matrixProducts' loop into `acc` (zeros on entry). A Float32Array accumulator rounds to float32 after
 * every step: the order the seeded random images were calibrated with (random.ts keeps it, so they stay
 * the same images).
 */
export function accumulateProducts(spec: LayerSpec, shape: LayerShape, x: Float32Array, w: Float32Array, acc: Float32Array | Float64Array): void {
  const { in: inp, outH, outW, cout, kh, kw, stride, padTop, padLeft } = shape;
  if (spec.kind === 'dense') {
    for (let i = 0; i < shape.cin; i++) {
      const v = x[i]!;
      if (v === 0) continue;
      const row = i * cout;
      for (let o = 0; o < cout; o++) acc[o]! += v * w[row + o]!;
    }
    return;
  }
  const cin = inp.c;
  for (let oy = 0; oy < outH; oy++) {
    for (let ox = 0; ox < outW; ox++) {
      const base = (oy * outW + ox) * cout;
      for (let ky = 0; ky < kh; ky++) {
        const iy = oy * stride + ky - padTop;
        if (iy < 0 || iy >= inp.h) continue;
        for (let kx = 0; kx < kw; kx++) {
          const ix = ox * stride + kx - padLeft;
          if (ix < 0 || ix >= inp.w) continue;
          const xi = (iy * inp.w + ix) * cin;
          const tap = ky * kw + kx;
          if (spec.kind === 'depthwise') {
            for (let c = 0; c < cin; c++) acc[base + c]! += x[xi + c]! * w[tap * cin + c]!;
          } else {
            for (let ci = 0; ci < cin; ci++) {
              const v = x[xi + ci]!;
              if (v === 0) continue;
              const row = (tap * cin + ci) * cout;
              for (let o = 0; o < cout; o++) acc[base + o]! += v * w[row + o]!;
            }
          }
        }
      }
    }
  }
}

/** Digital post-ops in the graph's order: scale·y + offset, ReLU, PAD + ADD, global average pool. */
export function postOps(spec: LayerSpec, shape: LayerShape, acc: Float32Array, p: LayerParams, skip: Float32Array | undefined, skipC: number): Float32Array {
  const positions = shape.outH * shape.outW;
  const { cout } = shape;
  const c = Math.max(cout, spec.residual !== undefined ? skipC : 0);
  let y = new Float32Array(positions * c);
  for (let pos = 0; pos < positions; pos++) {
    for (let o = 0; o < cout; o++) {
      let v = p.scale[o]! * acc[pos * cout + o]! + p.offset[o]!;
      if (spec.relu && v < 0) v = 0;
      y[pos * c + o] = v;
    }
    if (skip) for (let k = 0; k < skipC; k++) y[pos * c + k]! += skip[pos * skipC + k]!;
  }
  if (spec.pool) {
    const pooled = new Float32Array(c);
    for (let pos = 0; pos < positions; pos++) for (let k = 0; k < c; k++) pooled[k]! += y[pos * c + k]!;
    for (let k = 0; k < c; k++) pooled[k]! /= positions;
    y = pooled;
  }
  return y;
}

/** Runs the graph on one input; `trace` sees every layer's input, matrix products and output. */
export function floatForward(graph: NetworkGraph, image: WeightImage, input: Float32Array, trace?: (t: LayerTrace) => void): Float32Array {
  const shapes = layerShapes(graph).layers;
  const tensors = new Map<string, { data: Float32Array; c: number }>([['input', { data: input, c: graph.input.c }]]);
  let last = input;
  graph.layers.forEach((spec, i) => {
    const shape = shapes[i]!;
    const p = image.layers[i]!;
    const x = tensors.get(spec.input)!.data;
    const acc = matrixProducts(spec, shape, x, p.weights);
    const skip = spec.residual !== undefined ? tensors.get(spec.residual)! : undefined;
    const y = postOps(spec, shape, acc, p, skip?.data, skip?.c ?? 0);
    trace?.({ name: spec.name, input: x, preActivation: acc, output: y });
    tensors.set(spec.name, { data: y, c: shape.out.c });
    last = y;
  });
  return last;
}
