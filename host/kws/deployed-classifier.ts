/**
 * A KwsClassifier on a chip that is already programmed and drifted (host/runtime/deployment.ts): scores
 * are the softmax of the chip's logits; energy and latency come from the energy model applied to the
 * chip's counters of that very inference, with the DAC pulses the window really took ('measured',
 * contracts.md §7). No file system: the CLI's factory (chip-classifier.ts) and the web page use it.
 */
import type { InferenceCounters } from '../chip/counters.js';
import type { Bits } from '../chip/program.js';
import { energyOf, type InferenceEnergy, type PulseMode } from '../energy/model.js';
import { UserError } from '../errors.js';
import type { Deployment, InferenceSettings } from '../runtime/deployment.js';
import type { Classification, KwsClassifier } from './classifier.js';

/** The chip and model settings every inference subcommand takes (contracts.md §5). */
export type KwsChipOptions = InferenceSettings;

export interface KwsChipClassification extends Classification {
  /** The chip's logits (before softmax), one per label. */
  readonly logits: Float32Array;
}

/** A KWS classifier that names its classes (what the `kws` command needs; tests use fakes). */
export interface LabelledKwsClassifier extends KwsClassifier {
  /** Class labels, index = score index. */
  readonly labels: readonly string[];
}

export interface KwsChipClassifier extends LabelledKwsClassifier {
  /** Where the weights came from: a path or "random(seed)". */
  readonly imageSource: string;
  /** Converter bits the chip runs at. */
  readonly bits: Bits;
  readonly deployment: Deployment;
  classify(mfcc: Float32Array): KwsChipClassification;
  /** The counters of the last inference (a UserError before the first). */
  lastCounters(): InferenceCounters;
  /** The energy model on the last inference's counters, either pulse accounting. */
  lastEnergy(mode: PulseMode): InferenceEnergy;
}

export type KwsChipClassifierFactory = (options: KwsChipOptions) => Promise<KwsChipClassifier>;

/** Softmax of logits into `out` (max subtracted first: logits of a random image can be large). */
export function softmaxInto(logits: ArrayLike<number>, out: Float32Array): Float32Array {
  let max = -Infinity;
  for (let i = 0; i < logits.length; i++) max = Math.max(max, logits[i]!);
  let sum = 0;
  for (let i = 0; i < logits.length; i++) sum += Math.exp(logits[i]! - max);
  for (let i = 0; i < logits.length; i++) out[i] = Math.exp(logits[i]! - max) / sum;
  return out;
}

/** Wrap an already programmed and drifted KWS chip (the factory below does the deploying). */
export function chipKwsClassifier(deployment: Deployment, imageSource: string): KwsChipClassifier {
  const { graph, chip } = deployment;
  if (graph.task !== 'kws') throw new UserError(`a KWS classifier needs a KWS network (got ${graph.name})`);
  const inputSize = graph.input.h * graph.input.w * graph.input.c;
  return {
    labels: graph.classes,
    imageSource,
    bits: chip.bits,
    deployment,
    classify(mfcc) {
      if (mfcc.length !== inputSize) throw new UserError(`KWS input has ${mfcc.length} values; the network takes ${graph.input.h}×${graph.input.w} = ${inputSize}`);
      const logits = chip.infer(mfcc);
      const scores = softmaxInto(logits, new Float32Array(logits.length));
      const e = energyOf(chip.counters(), { mode: 'measured' });
      return { scores, logits, energyUj: e.total.energyUj, latencyUs: e.total.latencyUs };
    },
    lastCounters: () => chip.counters(),
    lastEnergy: (mode) => energyOf(chip.counters(), { mode }),
  };
}

