/**
 * Streaming MFCC: a ring buffer of 16 kHz samples and an incremental front end. Every hop it yields the
 * 49×10 MFCC of the last second, equal to mfcc() of those 16,000 samples, while computing the spectrum
 * and mel energies only of the frames that are new since the previous hop.
 *
 * How the per-clip gain stays incremental (contracts.md §6): frames keep their mel energies unscaled; the
 * window's maximum sample (kept as maxima of 20 ms blocks, 50 per second) gives the gain, and only the
 * cheap stages — gain, ln(· + 1e-6) and the 40×10 DCT — are redone for the 49 frames of each window.
 *
 * Alignment: windows end at multiples of the hop; the hop is a multiple of the 20 ms frame step
 * (320 samples), so frame f always starts at sample 320·f of the stream and is shared by every window
 * that contains it. Stream time t (s) = sample index / 16000; a window "at t" covers [t − 1 s, t).
 */
import { FRAME_LENGTH, FRAME_STEP, FrameMel } from './frame-mel.js';
import { gainFromMax } from './gain.js';
import { CLIP_SAMPLES, MFCC_SIZE, MfccFromMel, NUM_FRAMES, NUM_MEL_BINS, NUM_MFCC, SAMPLE_RATE } from './mfcc.js';

export const DEFAULT_HOP_SAMPLES = 1600; // 100 ms

export interface StreamFeaturesOptions {
  /** Samples between windows: a multiple of 320 (20 ms) from 320 to 16000. Default 1600 (100 ms). */
  readonly hopSamples?: number;
  /**
   * Emit windows before one second has arrived, the missing past taken as silence (zeros). Default false:
   * the first window ends at the first hop at or after 1 s.
   */
  readonly emitBeforeFull?: boolean;
}

export interface FeatureWindow {
  /** Stream sample index one past the window's last sample. */
  readonly endSample: number;
  /** endSample / 16000. */
  readonly endS: number;
  /** 49×10, frame-major; a fresh array per window from push(), the stream's one buffer in pushEach(). */
  readonly mfcc: Float32Array;
  /** The window's maximum sample (its gain is 1/max; see gain.ts). */
  readonly maxSample: number;
}

const RING = 1 << 15; // 32768 samples ≥ one hop (≤ 16000) + a frame of look-back
const RING_MASK = RING - 1;
const BLOCKS_PER_WINDOW = CLIP_SAMPLES / FRAME_STEP; // 50
const BLOCK_RING = 64;
const FRAME_RING = 64;

export function hopSamplesFromMs(ms: number): number {
  const n = (ms * SAMPLE_RATE) / 1000;
  if (!Number.isInteger(n) || n % FRAME_STEP !== 0 || n < FRAME_STEP || n > CLIP_SAMPLES) {
    throw new RangeError(`hop must be a multiple of 20 ms between 20 and 1000 ms (got ${ms} ms)`);
  }
  return n;
}

export class StreamFeatures {
  readonly hopSamples: number;
  /** Counts spectra computed; grows by hop/320 per window, not by 49. */
  readonly frameMel = new FrameMel();
  private readonly post = new MfccFromMel();
  private readonly ring = new Float32Array(RING);
  private readonly blockMax = new Float64Array(BLOCK_RING);
  private readonly mel = new Float64Array(FRAME_RING * NUM_MEL_BINS);
  /** One view per ring slot, made once (a subarray per frame would be garbage on every hop). */
  private readonly melSlots = Array.from({ length: FRAME_RING }, (_, i) => this.mel.subarray(i * NUM_MEL_BINS, (i + 1) * NUM_MEL_BINS));
  private readonly frame = new Float32Array(FRAME_LENGTH);
  /** Internal sample index; the stream's sample 0 is at `lead`. */
  private t: number;
  private readonly lead: number;
  private runningMax = -Infinity;
  private nextFrame = 0;

  constructor(opts: StreamFeaturesOptions = {}) {
    const hop = opts.hopSamples ?? DEFAULT_HOP_SAMPLES;
    if (!Number.isInteger(hop) || hop % FRAME_STEP !== 0 || hop < FRAME_STEP || hop > CLIP_SAMPLES) {
      throw new RangeError(`StreamFeatures: hop must be a multiple of ${FRAME_STEP} samples between ${FRAME_STEP} and ${CLIP_SAMPLES} (got ${hop})`);
    }
    this.hopSamples = hop;
    // With emitBeforeFull the stream starts after one second of zeros already in the ring.
    this.lead = opts.emitBeforeFull ? CLIP_SAMPLES : 0;
    this.t = 0;
    if (this.lead > 0) {
      this.blockMax.fill(0);
      this.t = this.lead; // ring already zero; blocks of the lead have max 0
    }
  }

  /** Stream samples received so far. */
  get samplesSeen(): number {
    return this.t - this.lead;
  }

  /** Spectra computed so far (each stream frame once). */
  get framesComputed(): number {
    return this.frameMel.framesComputed;
  }

  /** Append samples; returns the windows completed by them (possibly none), oldest first. */
  push(samples: Float32Array): FeatureWindow[] {
    const out: FeatureWindow[] = [];
    this.pushEach(samples, (w) => out.push({ ...w, mfcc: w.mfcc.slice() }));
    return out;
  }

  /**
   * Append samples and call `onWindow` for each window they complete, oldest first — allocation-free:
   * the window object and its `mfcc` are this stream's own, overwritten by the next window (copy what
   * must outlive the call). What a long stream uses so its memory stays flat.
   */
  pushEach(samples: Float32Array, onWindow: (w: FeatureWindow) => void): void {
    const ring = this.ring;
    for (let i = 0; i < samples.length; i++) {
      const v = samples[i]!;
      ring[this.t & RING_MASK] = v;
      if (v > this.runningMax) this.runningMax = v;
      this.t++;
      if (this.t % FRAME_STEP === 0) {
        this.blockMax[(this.t / FRAME_STEP - 1) % BLOCK_RING] = this.runningMax;
        this.runningMax = -Infinity;
        const real = this.t - this.lead;
        if (real > 0 && real % this.hopSamples === 0 && this.t >= CLIP_SAMPLES) onWindow(this.window());
      }
    }
  }

  private readonly current = { endSample: 0, endS: 0, mfcc: new Float32Array(MFCC_SIZE), maxSample: 0 };

  private window(): FeatureWindow {
    const T = this.t;
    const lastFrame = (T - (CLIP_SAMPLES - (NUM_FRAMES - 1) * FRAME_STEP)) / FRAME_STEP; // frame starting at T − 640
    const firstFrame = lastFrame - (NUM_FRAMES - 1);
    for (let f = Math.max(this.nextFrame, firstFrame); f <= lastFrame; f++) {
      const start = f * FRAME_STEP;
      for (let n = 0; n < FRAME_LENGTH; n++) this.frame[n] = this.ring[(start + n) & RING_MASK]!;
      this.frameMel.compute(this.frame, 0, this.melSlots[f % FRAME_RING]!);
    }
    this.nextFrame = lastFrame + 1;
    const lastBlock = T / FRAME_STEP - 1;
    let max = -Infinity;
    for (let b = lastBlock - BLOCKS_PER_WINDOW + 1; b <= lastBlock; b++) max = Math.max(max, this.blockMax[b % BLOCK_RING]!);
    const gain = gainFromMax(max);
    const w = this.current;
    for (let j = 0; j < NUM_FRAMES; j++) {
      this.post.frame(this.mel, gain, w.mfcc, j * NUM_MFCC, ((firstFrame + j) % FRAME_RING) * NUM_MEL_BINS);
    }
    w.endSample = T - this.lead;
    w.endS = w.endSample / SAMPLE_RATE;
    w.maxSample = max;
    return w;
  }
}

/** Feature windows of an audio stream (chunks of 16 kHz samples), one per hop. */
export async function* streamFeatures(source: AsyncIterable<Float32Array>, opts: StreamFeaturesOptions = {}): AsyncGenerator<FeatureWindow, void> {
  const sf = new StreamFeatures(opts);
  for await (const chunk of source) yield* sf.push(chunk);
}
