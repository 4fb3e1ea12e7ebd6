import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { readWav } from '../../../host/audio/wav.js';
import { buildLongStream, scoreDetections, type LabeledClip, type PlacedClip } from '../../../host/kws/long-stream.js';
import { readSpeechCommandsIndex } from '../../../host/kws/speech-commands.js';
import { testData } from '../data.js';

describe('buildLongStream on real clips and noise', () => {
  const index = readSpeechCommandsIndex(join(testData(), 'speech_commands'));
  const pick = (label: string, n: number) => index.filter((e) => e.label === label).slice(0, n);
  const entries = [...pick('yes', 2), ...pick('stop', 2), ...pick('_unknown_', 2), ...pick('go', 1)];
  const clips: LabeledClip[] = entries.map((e) => ({ label: e.label, samples: readWav(e.path).samples, source: e.path }));
  const noise = readWav(join(testData(), 'background_noise', 'doing_the_dishes.wav')).samples;
  const s = buildLongStream(clips, { noise, seed: 3 });

  test('every clip is placed once, in time order, with the gaps and lead asked for', () => {
    expect(s.placed.length).toBe(7);
    expect(s.placed[0]!.startS).toBeCloseTo(1.5, 9);
    for (let i = 1; i < s.placed.length; i++) {
      const gap = s.placed[i]!.startS - s.placed[i - 1]!.endS;
      expect(gap).toBeGreaterThanOrEqual(1 - 1e-9);
      expect(gap).toBeLessThanOrEqual(3 + 1e-9);
    }
    expect(s.placed.map((p) => p.label).sort()).toEqual(entries.map((e) => e.label).sort());
    expect(s.keywords.map((k) => k.label).sort()).toEqual(['go', 'stop', 'stop', 'yes', 'yes']);
    expect(s.samples.length / 16000).toBeCloseTo(s.durationS, 9);
  });

  test('at a placed clip the stream is clip + 0.1 × noise; between clips, 0.1 × noise', () => {
    const p = s.placed[2]!;
    const clip = clips.find((c) => c.source === p.source)!;
    const start = Math.round(p.startS * 16000);
    // Reconstruct the noise offset from a noise-only stretch: samples before the first clip.
    const n0 = s.samples.subarray(0, 64);
    let offset = -1;
    for (let o = 0; o < noise.length && offset < 0; o++) {
      let ok = true;
      for (let k = 0; k < 64 && ok; k++) ok = Math.abs(Math.fround(0.1 * noise[(o + k) % noise.length]!) - n0[k]!) < 1e-7;
      if (ok) offset = o;
    }
    expect(offset).toBeGreaterThanOrEqual(0);
    for (let k = 0; k < clip.samples.length; k += 37) {
      const expected = Math.max(-1, Math.min(1, 0.1 * noise[(offset + start + k) % noise.length]! + clip.samples[k]!));
      expect(s.samples[start + k]).toBeCloseTo(expected, 6);
    }
  });

  test('deterministic in the seed; a different seed reorders', () => {
    const again = buildLongStream(clips, { noise, seed: 3 });
    expect(again.samples).toEqual(s.samples);
    const other = buildLongStream(clips, { noise, seed: 4 });
    expect(other.placed.map((p) => p.source)).not.toEqual(s.placed.map((p) => p.source));
  });
});

describe('scoreDetections', () => {
  const truth: PlacedClip[] = [
    { label: 'yes', startS: 10, endS: 11 },
    { label: 'no', startS: 20, endS: 21 },
    { label: 'yes', startS: 30, endS: 31 },
  ];
  test('hits within (start, end + 1 s]; wrong keyword, duplicates and late ones are false accepts', () => {
    const events = [
      { timeS: 11.2, keyword: 'yes', score: 0.9 }, // hit truth 0
      { timeS: 11.6, keyword: 'yes', score: 0.9 }, // duplicate → FA
      { timeS: 20.9, keyword: 'yes', score: 0.8 }, // wrong keyword → FA (and 'no' missed)
      { timeS: 32.1, keyword: 'yes', score: 0.8 }, // 1.1 s after the end → FA, truth 2 missed
      { timeS: 5, keyword: 'stop', score: 0.8 }, // on noise → FA
    ];
    const r = scoreDetections(truth, events, 3600);
    expect(r).toMatchObject({ keywords: 3, hits: 1, misses: 2, falseAccepts: 4 });
    expect(r.hitBy).toEqual([0, -1, -1]);
    expect(r.falseAcceptsPerHour).toBeCloseTo(4, 12);
    expect(r.missRate).toBeCloseTo(2 / 3, 12);
  });

  test('boundary: exactly 1 s after the end is a hit; at the clip start is not', () => {
    expect(scoreDetections(truth.slice(0, 1), [{ timeS: 12, keyword: 'yes', score: 1 }], 60).hits).toBe(1);
    expect(scoreDetections(truth.slice(0, 1), [{ timeS: 10, keyword: 'yes', score: 1 }], 60).hits).toBe(0);
  });

  test('per-hour rates scale with the audio duration', () => {
    const r = scoreDetections(truth, [{ timeS: 1, keyword: 'go', score: 1 }], 1800);
    expect(r.falseAcceptsPerHour).toBeCloseTo(2, 12);
    expect(r.missesPerHour).toBeCloseTo(6, 12);
    expect(() => scoreDetections(truth, [], 0)).toThrow(/positive/);
  });
});

describe('evaluateLongStream', () => {
  test('a classifier that always says "yes" hits every yes clip and nothing else; the rest are false accepts', async () => {
    const { evaluateLongStream } = await import('../../../host/kws/evaluate-stream.js');
    const { KWS_CLASSES } = await import('../../../models/graphs/kws.js');
    const index = readSpeechCommandsIndex(join(testData(), 'speech_commands'));
    const entries = [...index.filter((e) => e.label === 'yes').slice(0, 3), ...index.filter((e) => e.label === 'no').slice(0, 2)];
    const clips = entries.map((e) => ({ label: e.label, samples: readWav(e.path).samples }));
    const noise = readWav(join(testData(), 'background_noise', 'pink_noise.wav')).samples;
    const stream = buildLongStream(clips, { noise, seed: 5 });
    const yes = new Float32Array(12);
    yes[KWS_CLASSES.indexOf('yes')] = 0.9;
    yes[0] = 0.1;
    const r = await evaluateLongStream(stream, { classify: () => ({ scores: yes, energyUj: 1, latencyUs: 1 }) }, { labels: KWS_CLASSES });
    // Detections every refractory second from 1.2 s on; each yes clip's 2 s acceptance window holds one.
    expect(r.events.length).toBe(Math.floor((stream.durationS - 1.2) / 1 + 1e-9) + 1);
    expect(r.score).toMatchObject({ keywords: 5, hits: 3, misses: 2, falseAccepts: r.events.length - 3 });
    expect(r.score.falseAcceptsPerHour).toBeCloseTo((r.events.length - 3) / (stream.durationS / 3600), 6);
  });
});
