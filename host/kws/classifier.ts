/**
 * The streaming KWS loop: audio chunks → streaming MFCC (one 49×10 window per hop) → a classifier →
 * smoothing/threshold/refractory → detection events, with a summary of time and emulated energy.
 * The classifier is an interface: the emulated chip implements it (chip-classifier.ts); tests use
 * fakes.
 */
import { DEFAULT_HOP_SAMPLES, StreamFeatures } from '../audio/stream-features.js';
import { SAMPLE_RATE } from '../audio/mfcc.js';
import { KeywordDetector, type DetectionEvent, type DetectorOptions } from './detector.js';

export type { DetectionEvent } from './detector.js';

export interface Classification {
  /** Class probabilities, index = label index. */
  readonly scores: Float32Array;
  /** Emulated energy of this inference, µJ. */
  readonly energyUj: number;
  /** Emulated latency of this inference, µs. */
  readonly latencyUs: number;
}

export interface KwsClassifier {
  /** Classify one 49×10 MFCC window (frame-major, as mfcc()). */
  classify(mfcc: Float32Array): Classification;
}

export interface RunStreamOptions extends Omit<DetectorOptions, 'hopS'> {
  /** Samples between inferences (multiple of 320). Default 1600 = 100 ms. */
  readonly hopSamples?: number;
  /** Called after every inference (for progress or tracing). */
  readonly onInference?: (endS: number, result: Classification) => void;
  /** Wall clock in ms for the real-time factor; injectable for tests. Default performance.now. */
  readonly nowMs?: () => number;
}

export interface StreamSummary {
  /** Audio consumed, seconds. */
  readonly audioSeconds: number;
  readonly inferences: number;
  /** Wall-clock processing time / audio duration (< 1: faster than real time). Includes waiting on the source. */
  readonly realTimeFactor: number;
  /** Mean emulated energy per inference, µJ (0 when there were none). */
  readonly uJPerInference: number;
  readonly uJTotal: number;
  /** Mean emulated latency per inference, µs. */
  readonly meanLatencyUs: number;
  readonly detections: number;
}

/**
 * Run keyword spotting over a stream of 16 kHz chunks. Yields detection events as they happen; the
 * generator's return value is the summary (use collectStream to get both). The first inference happens
 * once one second of audio has arrived.
 */
export async function* runStream(
  source: AsyncIterable<Float32Array>,
  classifier: KwsClassifier,
  opts: RunStreamOptions,
): AsyncGenerator<DetectionEvent, StreamSummary> {
  const hopSamples = opts.hopSamples ?? DEFAULT_HOP_SAMPLES;
  const features = new StreamFeatures({ hopSamples });
  const detector = new KeywordDetector({ ...opts, hopS: hopSamples / SAMPLE_RATE });
  const now = opts.nowMs ?? (() => performance.now());
  const started = now();
  let inferences = 0;
  let uJTotal = 0;
  let latencyUsTotal = 0;
  let detections = 0;
  for await (const chunk of source) {
    for (const w of features.push(chunk)) {
      const result = classifier.classify(w.mfcc);
      if (result.scores.length !== opts.labels.length) {
        throw new Error(`runStream: the classifier returned ${result.scores.length} scores for ${opts.labels.length} labels`);
      }
      inferences++;
      uJTotal += result.energyUj;
      latencyUsTotal += result.latencyUs;
      opts.onInference?.(w.endS, result);
      const event = detector.update(w.endS, result.scores);
      if (event) {
        detections++;
        yield event;
      }
    }
  }
  const audioSeconds = features.samplesSeen / SAMPLE_RATE;
  const elapsedS = (now() - started) / 1000;
  return {
    audioSeconds,
    inferences,
    realTimeFactor: audioSeconds > 0 ? elapsedS / audioSeconds : 0,
    uJPerInference: inferences > 0 ? uJTotal / inferences : 0,
    uJTotal,
    meanLatencyUs: inferences > 0 ? latencyUsTotal / inferences : 0,
    detections,
  };
}

/** Drive runStream to the end: all events and the summary. */
export async function collectStream(
  source: AsyncIterable<Float32Array>,
  classifier: KwsClassifier,
  opts: RunStreamOptions,
): Promise<{ events: DetectionEvent[]; summary: StreamSummary }> {
  const gen = runStream(source, classifier, opts);
  const events: DetectionEvent[] = [];
  for (;;) {
    const r = await gen.next();
    if (r.done) return { events, summary: r.value };
    events.push(r.value);
  }
}
