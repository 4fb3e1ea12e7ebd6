/**
 * Allocation-free scoring of KWS windows on a programmed chip, for long streams: logits, softmax and
 * the measured-pulse energy and latency of each inference go into buffers the scorer owns and
 * overwrites on the next window — no per-window garbage, so a stream's memory stays flat without V8
 * flags. The numbers equal the KWS classifier's classify() (chip-classifier.ts) bit for bit (tested).
 */
import type { Chip } from '../chip/chip.js';
import type { InferenceCounters } from '../chip/counters.js';
import { energyTotalsInto, type PulseMode } from '../energy/model.js';
import { softmaxInto } from './chip-classifier.js';

export class KwsWindowScorer {
  /** The chip's logits of the last window (overwritten by the next). */
  readonly logits: Float32Array;
  /** Softmax of the logits (overwritten by the next window). */
  readonly scores: Float32Array;
  /** Emulated energy (µJ) and latency (µs) of the last inference. */
  energyUj = 0;
  latencyUs = 0;
  private counters: InferenceCounters | null = null;
  private readonly totals = { energyUj: 0, latencyUs: 0 };

  constructor(
    private readonly chip: Chip,
    private readonly mode: PulseMode = 'measured',
  ) {
    this.logits = new Float32Array(chip.outputLength);
    this.scores = new Float32Array(chip.outputLength);
  }

  /** Score one 49×10 MFCC window (a wrong length is a UserError from the chip); returns this scorer, whose fields hold the result. */
  score(mfcc: Float32Array): this {
    this.chip.inferInto(mfcc, this.logits);
    softmaxInto(this.logits, this.scores);
    // The first window builds the counters' objects once; later windows refill them.
    const c = this.counters === null ? (this.counters = this.chip.counters()) : this.chip.countersInto(this.counters);
    energyTotalsInto(c, { mode: this.mode }, this.totals);
    this.energyUj = this.totals.energyUj;
    this.latencyUs = this.totals.latencyUs;
    return this;
  }
}
