/**
 * The one-layer network the trainer's unit tests build by hand: C inputs on a 1×1 map, one dense layer
 * of C units (with or without BN), no ReLU, C classes. Small enough to check a pass or a step by hand.
 */
import type { NetworkGraph } from '../../../models/graphs/types.js';

export function denseGraph(c: number, bn: boolean): NetworkGraph {
  return {
    name: 'kws', task: 'kws', title: bn ? 'one dense layer with BN' : 'one dense layer', input: { h: 1, w: 1, c }, inputSigned: true,
    classes: Array.from({ length: c }, (_, i) => `c${i}`),
    layers: [{ name: 'fc', kind: 'dense', input: 'input', units: c, bn, relu: false }],
  };
}
