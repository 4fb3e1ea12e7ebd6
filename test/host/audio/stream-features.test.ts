import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { mfcc } from '../../../host/audio/mfcc.js';
import { hopSamplesFromMs, StreamFeatures, streamFeatures, type FeatureWindow } from '../../../host/audio/stream-features.js';
import { readWav } from '../../../host/audio/wav.js';
import { testData } from '../data.js';

const SC = join(testData(), 'speech_commands');

/** ~4.3 s: three real clips (yes, _unknown_, stop) over real background noise, at odd offsets. */
function testStream(): Float32Array {
  const index = readFileSync(join(SC, 'index.csv'), 'utf8').trim().split('\n').slice(1);
  const clip = (label: string) => readWav(join(SC, index.find((l) => l.split(',')[1] === label)!.split(',')[0]!)).samples;
  const noise = readWav(join(testData(), 'background_noise', 'running_tap.wav')).samples;
  const out = new Float32Array(69_123);
  for (let i = 0; i < out.length; i++) out[i] = 0.1 * noise[i + 5000]!;
  for (const [label, at] of [['yes', 3_001], ['_unknown_', 21_777], ['stop', 50_000]] as const) {
    const c = clip(label);
    for (let i = 0; i < c.length && at + i < out.length; i++) out[at + i]! += c[i]!;
  }
  return out;
}

/** Push in irregular chunk sizes (1, 7, 333, 4099 … samples). */
function pushAll(sf: StreamFeatures, x: Float32Array): FeatureWindow[] {
  const sizes = [1, 7, 333, 4099, 2, 160, 1601];
  const windows: FeatureWindow[] = [];
  let at = 0;
  for (let j = 0; at < x.length; j++) {
    const n = sizes[j % sizes.length]!;
    windows.push(...sf.push(x.subarray(at, at + n)));
    at += n;
  }
  return windows;
}

function maxDiff(a: Float32Array, b: Float32Array): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

describe('streaming features', () => {
  const x = testStream();

  for (const hop of [320, 1600, 4800, 16000]) {
    test(`hop ${hop}: every window equals offline mfcc() of the same second; each frame's spectrum computed once`, () => {
      const sf = new StreamFeatures({ hopSamples: hop });
      const windows = pushAll(sf, x);
      const expectedEnds: number[] = [];
      for (let t = Math.ceil(16000 / hop) * hop; t <= x.length; t += hop) expectedEnds.push(t);
      expect(windows.map((w) => w.endSample)).toEqual(expectedEnds);
      let worst = 0;
      for (const w of windows) worst = Math.max(worst, maxDiff(w.mfcc, mfcc(x.slice(w.endSample - 16000, w.endSample))));
      // The same frames and the same gain → identical up to float rounding (observed: 0).
      expect(worst).toBeLessThan(1e-5);
      // Frames 0 … (T_last − 640)/320 exist in the stream; frames no window uses (hop 1 s skips one) are not computed.
      const lastT = expectedEnds[expectedEnds.length - 1]!;
      const used = new Set<number>();
      for (const t of expectedEnds) for (let j = 0; j < 49; j++) used.add((t - 16000) / 320 + j);
      expect(sf.framesComputed).toBe(used.size);
      expect(used.size).toBeLessThanOrEqual((lastT - 640) / 320 + 1);
    });
  }

  test('after the first window, each hop computes only hop/320 new spectra (not 49)', () => {
    const sf = new StreamFeatures({ hopSamples: 1600 });
    sf.push(x.subarray(0, 16000));
    const before = sf.framesComputed;
    expect(before).toBe(49);
    const w = sf.push(x.subarray(16000, 17600));
    expect(w.length).toBe(1);
    expect(sf.framesComputed - before).toBe(5);
  });

  test('emitBeforeFull: windows from the first hop, the missing past as zeros', () => {
    const sf = new StreamFeatures({ hopSamples: 3200, emitBeforeFull: true });
    const windows = pushAll(sf, x.subarray(0, 20000));
    expect(windows.map((w) => w.endSample)).toEqual([3200, 6400, 9600, 12800, 16000, 19200]);
    for (const w of windows) {
      const clip = new Float32Array(16000);
      const s = x.subarray(Math.max(0, w.endSample - 16000), w.endSample);
      clip.set(s, 16000 - s.length);
      expect(maxDiff(w.mfcc, mfcc(clip))).toBeLessThan(1e-5);
    }
  });

  test('async adapter yields the same windows; hop validation', async () => {
    async function* chunks() {
      for (let at = 0; at < 24000; at += 999) yield x.slice(at, Math.min(24000, at + 999));
    }
    const got: number[] = [];
    for await (const w of streamFeatures(chunks(), { hopSamples: hopSamplesFromMs(100) })) got.push(w.endS);
    expect(got).toEqual([1, 1.1, 1.2, 1.3, 1.4, 1.5]);
    expect(() => hopSamplesFromMs(30)).toThrow(/multiple of 20 ms/);
    expect(() => new StreamFeatures({ hopSamples: 500 })).toThrow(/multiple of 320/);
  });
});
