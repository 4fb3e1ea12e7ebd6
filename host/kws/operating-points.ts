/**
 * A stream's detections at several detector thresholds from one pass of the chip: the per-window scores
 * are recorded once (runStream's onInference) and replayed through a fresh KeywordDetector per threshold,
 * so a miss / false-accept trade-off (a DET curve, as wake-word benchmarks report) costs one inference per
 * window, not one per threshold. The replay feeds the detector exactly what the live stream fed it.
 */
import { KeywordDetector, type DetectionEvent, type DetectorOptions } from './detector.js';
import { scoreDetections, type PlacedClip, type ScoreOptions, type StreamScore } from './long-stream.js';

/** One inference of a stream: the end of its window (seconds) and its class scores (a private copy). */
export interface RecordedWindow {
  readonly endS: number;
  readonly scores: Float32Array;
}

/** Records every inference of a stream; pass `record` as runStream's onInference. */
export class WindowRecorder {
  readonly windows: RecordedWindow[] = [];
  readonly record = (endS: number, result: { readonly scores: ArrayLike<number> }): void => {
    this.windows.push({ endS, scores: Float32Array.from(result.scores) });
  };
}

/** The detections a detector with `opts` makes on the recorded windows. */
export function replayDetections(windows: readonly RecordedWindow[], opts: DetectorOptions): DetectionEvent[] {
  const detector = new KeywordDetector(opts);
  const events: DetectionEvent[] = [];
  for (const w of windows) {
    const e = detector.update(w.endS, w.scores);
    if (e) events.push(e);
  }
  return events;
}

export interface OperatingPoint {
  readonly threshold: number;
  readonly score: StreamScore;
}

/** The stream's score at each threshold (other detector settings as in `opts`). */
export function operatingPoints(
  windows: readonly RecordedWindow[],
  truth: readonly PlacedClip[],
  audioSeconds: number,
  thresholds: readonly number[],
  opts: Omit<DetectorOptions, 'threshold'> & ScoreOptions,
): OperatingPoint[] {
  return thresholds.map((threshold) => ({ threshold, score: scoreDetections(truth, replayDetections(windows, { ...opts, threshold }), audioSeconds, opts) }));
}
