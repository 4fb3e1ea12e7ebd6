/**
 * A seeded random-weight image per network, so the chip, compiler and energy model run before any
 * training. Generated at load time (not shipped): He-normal weights clipped at ±2σ (wMax = 2σ), a
 * data-free BN that gives every channel unit variance on calibration inputs, and converter ranges
 * calibrated Appendix C style on those inputs (contracts.md §1, `baseline` rule).
 */
import { getGraph } from '../graphs/index.js';
import { layerShapes } from '../graphs/shapes.js';
import type { NetworkGraph, NetworkName } from '../graphs/types.js';
import { accumulateProducts, postOps } from './float-forward.js';
import { InitRng } from './prng.js';
import type { ImageLayer, WeightImage } from './types.js';

/** Percentile used for ranges (Appendix C: 99.995th). */
const RANGE_PERCENTILE = 0.99995;
/** Calibration inputs per image: enough for stable percentiles, cheap at load time. */
const CALIBRATION_INPUTS = 4;

/** The p-quantile of |values| over several arrays (nearest-rank). */
export function absPercentile(arrays: Float32Array[], p: number): number {
  const n = arrays.reduce((a, x) => a + x.length, 0);
  const all = new Float32Array(n);
  let k = 0;
  for (const x of arrays) for (let i = 0; i < x.length; i++) all[k++] = Math.abs(x[i]!);
  all.sort();
  return n === 0 ? 0 : all[Math.min(n - 1, Math.max(0, Math.ceil(p * n) - 1))]!;
}

/** Random calibration input: N(0, 1) for MFCC (signed), U[0, 1) for pixels. */
function calibrationInput(graph: NetworkGraph, rng: InitRng): Float32Array {
  const { h, w, c } = graph.input;
  const x = new Float32Array(h * w * c);
  for (let i = 0; i < x.length; i++) x[i] = graph.inputSigned ? rng.normal() : rng.uniform();
  return x;
}

export function randomImage(network: NetworkName, seed = 0): WeightImage {
  const graph = getGraph(network);
  const shapes = layerShapes(graph).layers;
  const wRng = new InitRng(seed, 1);
  const xRng = new InitRng(seed, 2);
  const batch = Array.from({ length: CALIBRATION_INPUTS }, () => calibrationInput(graph, xRng));
  const tensors = new Map<string, { data: Float32Array[]; c: number }>([['input', { data: batch, c: graph.input.c }]]);
  const layers: ImageLayer[] = [];
  const raw: Array<{ rDac: number; rAdcMeasured: number }> = [];
  graph.layers.forEach((spec, i) => {
    const shape = shapes[i]!;
    const fanIn = spec.kind === 'depthwise' ? shape.kh * shape.kw : shape.matrixRows;
    const sigma = Math.sqrt(2 / fanIn);
    const wMax = 2 * sigma;
    const weights = new Float32Array(shape.weights);
    for (let k = 0; k < weights.length; k++) weights[k] = Math.max(-wMax, Math.min(wMax, sigma * wRng.normal()));
    const xs = tensors.get(spec.input)!.data;
    const accs = xs.map((x) => {
      const acc = new Float32Array(shape.outH * shape.outW * shape.cout);
      accumulateProducts(spec, shape, x, weights, acc);
      return acc;
    });
    // Data-free BN: per channel, scale = 1/std and offset = −mean·scale over the calibration batch.
    const { cout } = shape;
    const sum = new Float64Array(cout);
    const sumSq = new Float64Array(cout);
    let count = 0;
    for (const a of accs) {
      for (let k = 0; k < a.length; k++) {
        sum[k % cout]! += a[k]!;
        sumSq[k % cout]! += a[k]! * a[k]!;
      }
      count += a.length / cout;
    }
    const scale = new Float32Array(cout);
    const offset = new Float32Array(cout);
    for (let o = 0; o < cout; o++) {
      const mean = sum[o]! / count;
      const std = Math.sqrt(Math.max(sumSq[o]! / count - mean * mean, 0));
      scale[o] = std > 1e-12 ? 1 / std : 1;
      offset[o] = -mean * scale[o]!;
    }
    const skip = spec.residual !== undefined ? tensors.get(spec.residual)! : undefined;
    const ys = accs.map((a, b) => postOps(spec, shape, a, { weights, scale, offset }, skip?.data[b], skip?.c ?? 0));
    tensors.set(spec.name, { data: ys, c: shape.out.c });
    raw.push({ rDac: absPercentile(xs, RANGE_PERCENTILE), rAdcMeasured: absPercentile(accs, RANGE_PERCENTILE) });
    layers.push({ name: spec.name, weights, wMax, rDac: 0, rAdc: 0, scale, offset });
  });
  // One global gain S = mean over layers of rDac·wMax/rAdc (eq. 8's idea); each layer's ADC range
  // then follows from S, so the chip's rAdc = rDac·wMax/S holds exactly.
  const ratios = layers.map((l, i) => (raw[i]!.rDac * l.wMax) / raw[i]!.rAdcMeasured);
  const S = ratios.reduce((a, b) => a + b, 0) / ratios.length;
  layers.forEach((l, i) => {
    l.rDac = raw[i]!.rDac;
    l.rAdc = (l.rDac * l.wMax) / S;
  });
  return {
    network,
    S,
    training: {
      method: 'random',
      eta: 0,
      bits: null,
      data: `none: seeded random weights (He-normal clipped at ±2σ); BN and ranges calibrated on ${CALIBRATION_INPUTS} random inputs`,
      seed,
      epochs: 0,
      valAccuracy: null,
      createdAt: '1970-01-01T00:00:00.000Z',
    },
    layers,
  };
}
