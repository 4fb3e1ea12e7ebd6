/**
 * Keyword spotting over a whole audio source (file, stdin, microphone): the streaming loop of
 * classifier.ts with each detection handed on as it happens, and the summary the CLI and demo print.
 */
import type { AudioSource } from '../audio/source.js';
import { DEFAULT_HOP_SAMPLES } from '../audio/stream-features.js';
import { UserError } from '../errors.js';
import type { LabelledKwsClassifier } from './chip-classifier.js';
import { runStream, type StreamSummary } from './classifier.js';
import { DETECTOR_DEFAULTS, type DetectionEvent } from './detector.js';

/** The streaming summary as printed. */
export interface KwsStreamSummary {
  audioSeconds: number;
  inferences: number;
  realTimeFactor: number;
  uJPerInference: number;
  uJTotal: number;
  meanLatencyUs: number;
  detections: number;
}

export interface StreamRun {
  /** Times rounded to 1 µs: they are sums of hops (1.9000000000000001 → 1.9). */
  readonly events: DetectionEvent[];
  readonly summary: KwsStreamSummary;
}

export interface StreamSettings {
  hopSamples: number;
  threshold: number;
  smoothingS: number;
  refractoryS: number;
}

export const STREAM_DEFAULTS: StreamSettings = { hopSamples: DEFAULT_HOP_SAMPLES, ...DETECTOR_DEFAULTS };

function summaryOf(s: StreamSummary): KwsStreamSummary {
  return {
    audioSeconds: s.audioSeconds,
    inferences: s.inferences,
    realTimeFactor: s.realTimeFactor,
    uJPerInference: s.uJPerInference,
    uJTotal: s.uJTotal,
    meanLatencyUs: s.meanLatencyUs,
    detections: s.detections,
  };
}

/**
 * Stream a source through a classifier, handing each detection to `onDetection` as it happens. A stream
 * that ends empty is a UserError; one shorter than the window gets a note (no inference could run).
 */
export async function streamDetections(
  source: AudioSource,
  classifier: LabelledKwsClassifier,
  o: StreamSettings,
  onDetection: (e: DetectionEvent) => void,
  onNote: (m: string) => void,
): Promise<StreamRun> {
  const gen = runStream(source.samples, classifier, {
    labels: classifier.labels,
    hopSamples: o.hopSamples,
    threshold: o.threshold,
    smoothingS: o.smoothingS,
    refractoryS: o.refractoryS,
  });
  const events: DetectionEvent[] = [];
  for (;;) {
    const r = await gen.next();
    if (r.done) {
      const summary = summaryOf(r.value);
      if (summary.audioSeconds === 0) throw new UserError(`${source.description}: empty audio: no samples arrived`);
      if (summary.inferences === 0) onNote(`${source.description}: ${summary.audioSeconds.toFixed(3)} s of audio is shorter than the 1 s window: no inference ran`);
      return { events, summary };
    }
    const e = { timeS: Math.round(r.value.timeS * 1e6) / 1e6, keyword: r.value.keyword, score: r.value.score };
    events.push(e);
    onDetection(e);
  }
}
