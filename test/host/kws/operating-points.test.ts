import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { readWav } from '../../../host/audio/wav.js';
import { evaluateLongStream } from '../../../host/kws/evaluate-stream.js';
import { buildLongStream } from '../../../host/kws/long-stream.js';
import { operatingPoints, replayDetections, WindowRecorder } from '../../../host/kws/operating-points.js';
import { readSpeechCommandsIndex } from '../../../host/kws/speech-commands.js';
import { KWS_CLASSES } from '../../../models/graphs/kws.js';
import { testData } from '../data.js';

const YES = KWS_CLASSES.indexOf('yes');
const NO = KWS_CLASSES.indexOf('no');

describe('replayDetections', () => {
  test('hand-computed: smoothing off, threshold 0.6, refractory 0.25 s at a 0.1 s hop', () => {
    const at = (endS: number, yes: number, no: number) => {
      const scores = new Float32Array(12);
      scores[YES] = yes;
      scores[NO] = no;
      scores[0] = 1 - yes - no;
      return { endS, scores };
    };
    const windows = [at(1.0, 0.7, 0), at(1.1, 0.8, 0), at(1.2, 0.1, 0.65), at(1.3, 0, 0.9), at(1.4, 0.5, 0.4)];
    const events = replayDetections(windows, { labels: KWS_CLASSES, hopS: 0.1, smoothingS: 0, threshold: 0.6, refractoryS: 0.25 });
    // 1.0 fires yes; 1.1 and 1.2 fall in its refractory time; 1.3 fires no; 1.4 is under the threshold.
    expect(events.map((e) => [e.timeS, e.keyword])).toEqual([[1.0, 'yes'], [1.3, 'no']]);
    expect(events[1]!.score).toBeCloseTo(0.9, 6);
  });
});

describe('operatingPoints', () => {
  test('one recorded pass scores every threshold exactly as a live stream at that threshold does', async () => {
    const index = readSpeechCommandsIndex(join(testData(), 'speech_commands'));
    const entries = [...index.filter((e) => e.label === 'yes').slice(0, 3), ...index.filter((e) => e.label === 'no').slice(0, 3), ...index.filter((e) => e.label === '_unknown_').slice(0, 2)];
    const stream = buildLongStream(entries.map((e) => ({ label: e.label, samples: readWav(e.path).samples })), { noise: readWav(join(testData(), 'background_noise', 'pink_noise.wav')).samples, seed: 2 });
    // A classifier whose scores move with the audio (a deterministic function of the window's MFCC), so
    // the thresholds cut its windows differently.
    const classify = (mfcc: Float32Array) => {
      let s = 0;
      for (let i = 0; i < mfcc.length; i += 7) s += mfcc[i]!;
      const p = (Math.sin(s / 10) + 1) / 2;
      const scores = new Float32Array(12);
      scores[YES] = p * 0.95;
      scores[NO] = (1 - p) * 0.95;
      scores[0] = 0.05;
      return { scores, energyUj: 1, latencyUs: 1 };
    };
    const recorder = new WindowRecorder();
    const settings = { labels: KWS_CLASSES, smoothingS: 0.2, refractoryS: 0.8 };
    const first = await evaluateLongStream(stream, { classify }, { ...settings, threshold: 0.7, onInference: recorder.record });
    expect(recorder.windows.length).toBe(first.summary.inferences);
    const thresholds = [0.5, 0.6, 0.7, 0.8, 0.9];
    const points = operatingPoints(recorder.windows, stream.keywords, first.summary.audioSeconds, thresholds, { ...settings, hopS: 0.1 });
    const seen = new Set<number>();
    for (const [i, threshold] of thresholds.entries()) {
      const live = await evaluateLongStream(stream, { classify }, { ...settings, threshold });
      expect(points[i]!.threshold).toBe(threshold);
      expect(points[i]!.score).toEqual(live.score);
      seen.add(live.events.length);
    }
    expect(seen.size).toBeGreaterThan(2); // the thresholds really differ on this stream
  });
});
