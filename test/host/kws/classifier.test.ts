import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { mfcc } from '../../../host/audio/mfcc.js';
import { readWav } from '../../../host/audio/wav.js';
import { collectStream, runStream, type KwsClassifier } from '../../../host/kws/classifier.js';
import { buildLongStream, scoreDetections, type PlacedClip } from '../../../host/kws/long-stream.js';
import { readSpeechCommandsIndex } from '../../../host/kws/speech-commands.js';
import { testData } from '../data.js';
import { KWS_CLASSES } from '../../../models/graphs/kws.js';

const labels = KWS_CLASSES;

async function* chunked(x: Float32Array, size: number): AsyncGenerator<Float32Array> {
  for (let at = 0; at < x.length; at += size) yield x.subarray(at, Math.min(x.length, at + size));
}

/**
 * A fake that knows the truth: the i-th call sees the window ending at 1 s + i·hop; it answers the
 * placed clip's label with 0.9 while the window overlaps that clip by ≥ 0.7 s, else `_silence_`.
 */
function oracle(placed: readonly PlacedClip[], hopS: number): KwsClassifier & { calls: Float32Array[] } {
  let i = 0;
  const calls: Float32Array[] = [];
  return {
    calls,
    classify(features: Float32Array) {
      calls.push(features);
      const end = 1 + i++ * hopS;
      const inside = placed.find((p) => Math.min(end, p.endS) - Math.max(end - 1, p.startS) >= 0.7);
      const s = new Float32Array(12).fill(0.1 / 11);
      s[labels.indexOf((inside?.label ?? '_silence_') as (typeof labels)[number])] = 0.9;
      return { scores: s, energyUj: 0.25, latencyUs: 1000 };
    },
  };
}

describe('runStream with a fake classifier over a real long stream', () => {
  const index = readSpeechCommandsIndex(join(testData(), 'speech_commands'));
  const entries = ['yes', 'no', 'left', '_unknown_', 'stop', 'go', '_unknown_', 'off'].map((l, k) => index.filter((e) => e.label === l)[k]!);
  const clips = entries.map((e) => ({ label: e.label, samples: readWav(e.path).samples, source: e.path }));
  const noise = readWav(join(testData(), 'background_noise', 'exercise_bike.wav')).samples;
  const stream = buildLongStream(clips, { noise, seed: 11, gapS: [1.2, 2.5] });

  test('every keyword detected once, no false accepts, _unknown_ never fires; summary adds up', async () => {
    const fake = oracle(stream.placed, 0.1);
    let t = 0;
    const { events, summary } = await collectStream(chunked(stream.samples, 4000), fake, { labels, nowMs: () => (t += 1) });
    const score = scoreDetections(stream.keywords, events, stream.durationS);
    expect(score.keywords).toBe(6);
    expect(score.misses).toBe(0);
    expect(score.falseAccepts).toBe(0);
    expect(events.every((e) => e.keyword !== '_unknown_' && e.score > 0.7)).toBe(true);
    const n = Math.floor((stream.samples.length - 16000) / 1600) + 1;
    expect(summary.inferences).toBe(n);
    expect(summary.audioSeconds).toBeCloseTo(stream.durationS, 9);
    expect(summary.uJTotal).toBeCloseTo(0.25 * n, 9);
    expect(summary.uJPerInference).toBeCloseTo(0.25, 12);
    expect(summary.meanLatencyUs).toBe(1000);
    expect(summary.detections).toBe(6);
    // the injected clock ticks 1 ms per call: started, then the end
    expect(summary.realTimeFactor).toBeCloseTo(0.001 / stream.durationS, 12);
  });

  test('the classifier receives mfcc() of the last second at every hop', async () => {
    const fake = oracle(stream.placed, 0.2);
    const gen = runStream(chunked(stream.samples.subarray(0, 40000), 999), fake, { labels, hopSamples: 3200 });
    for await (const _ of gen) void _;
    expect(fake.calls.length).toBe(Math.floor((40000 - 16000) / 3200) + 1);
    fake.calls.forEach((f, i) => {
      const end = 16000 + i * 3200;
      const ref = mfcc(stream.samples.slice(end - 16000, end));
      for (let k = 0; k < 490; k++) expect(Math.abs(f[k]! - ref[k]!)).toBeLessThan(1e-5);
    });
  });

  test('a classifier with the wrong number of scores is an error; silence-only stream gives no events', async () => {
    const bad: KwsClassifier = { classify: () => ({ scores: new Float32Array(3), energyUj: 0, latencyUs: 0 }) };
    await expect(collectStream(chunked(stream.samples.subarray(0, 20000), 5000), bad, { labels })).rejects.toThrow(/3 scores for 12 labels/);
    const silent: KwsClassifier = { classify: () => ({ scores: Float32Array.from({ length: 12 }, (_, i) => (i === 0 ? 1 : 0)), energyUj: 1, latencyUs: 1 }) };
    const r = await collectStream(chunked(new Float32Array(8000), 1000), silent, { labels });
    expect(r.events).toEqual([]);
    expect(r.summary).toMatchObject({ inferences: 0, uJPerInference: 0, audioSeconds: 0.5 });
  });
});
