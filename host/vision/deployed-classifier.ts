/**
 * What the `vww` command and the web page need from the emulated chip: one 100×100×3 HWC float frame in
 * (host/vision/normalize.ts), class scores, energy and latency out — on a chip that is already
 * programmed and drifted (host/runtime/deployment.ts). No file system; the CLI's factory that resolves
 * the image from a file is host/vision/classifier.ts.
 */
import { energyOf } from '../energy/model.js';
import type { Deployment, InferenceSettings } from '../runtime/deployment.js';

export interface VwwClassification {
  /** The network's output logits (before softmax), one per class, in `classes` order. */
  scores: Float32Array;
  /** Emulated energy of this inference. */
  energyUj: number;
  /** Emulated latency of this inference. */
  latencyUs: number;
}

export interface VwwClassifier {
  /** Class labels, index = score index (the graph's `classes`); must include "person". */
  readonly classes: readonly string[];
  /** `input`: 100×100×3 HWC, values in [−0.5, 0.5] (normalizeVwwInput). */
  classify(input: Float32Array): VwwClassification;
}

/** The chip and model settings every inference subcommand takes (contracts.md §5). */
export type VwwClassifierOptions = InferenceSettings;

export type VwwClassifierFactory = (options: VwwClassifierOptions) => Promise<VwwClassifier>;

/**
 * AnalogNet-VWW on a deployed chip: every frame is an inference on the chip's current snapshot. Energy
 * and latency come from the energy model reading the chip's counters of that inference, with the
 * measured DAC pulse counts of the frame.
 */
export function chipVwwClassifier(deployment: Deployment): VwwClassifier {
  const { graph, chip } = deployment;
  return {
    classes: graph.classes,
    classify(input) {
      const scores = chip.infer(input);
      const energy = energyOf(chip.counters(), { mode: 'measured' });
      return { scores, energyUj: energy.total.energyUj, latencyUs: energy.total.latencyUs };
    },
  };
}

/** Softmax probability of class `index` (computed stably from logits). */
export function softmaxAt(scores: Float32Array, index: number): number {
  let max = -Infinity;
  for (const s of scores) max = Math.max(max, s);
  let sum = 0;
  for (const s of scores) sum += Math.exp(s - max);
  return Math.exp(scores[index]! - max) / sum;
}
