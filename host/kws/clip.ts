/** Keyword spotting on one clip: the first second of the audio (padded or truncated) → label and scores. */
import { CLIP_SAMPLES, fitToOneSecond, mfcc, SAMPLE_RATE } from '../audio/mfcc.js';
import type { LabelledKwsClassifier } from './chip-classifier.js';

/** The one-clip result (the JSON document of `kws FILE --json`). */
export interface KwsClipResult {
  label: string;
  /** Softmax probability per label. */
  scores: Record<string, number>;
  uJ: number;
  latencyUs: number;
}

/** Notes for a clip fitted to the 1 s window (pad or truncate). */
export function fitNotes(samples: number): string[] {
  const secs = (n: number) => (n / SAMPLE_RATE).toFixed(3);
  if (samples < CLIP_SAMPLES) return [`audio is ${secs(samples)} s, shorter than the 1 s window: padded with ${CLIP_SAMPLES - samples} zero samples`];
  if (samples > CLIP_SAMPLES) return [`audio is ${secs(samples)} s: only the first second is classified (${samples - CLIP_SAMPLES} samples dropped; --stream scans all of it)`];
  return [];
}

/** Classify one second of 16 kHz audio (padded or truncated). */
export function classifyClip(classifier: LabelledKwsClassifier, samples: Float32Array): KwsClipResult {
  const out = classifier.classify(mfcc(fitToOneSecond(samples).samples));
  if (out.scores.length !== classifier.labels.length) {
    throw new Error(`the classifier returned ${out.scores.length} scores for ${classifier.labels.length} labels`);
  }
  let best = 0;
  for (let i = 1; i < out.scores.length; i++) if (out.scores[i]! > out.scores[best]!) best = i;
  const scores: Record<string, number> = {};
  classifier.labels.forEach((l, i) => (scores[l] = out.scores[i]!));
  return { label: classifier.labels[best]!, scores, uJ: out.energyUj, latencyUs: out.latencyUs };
}
