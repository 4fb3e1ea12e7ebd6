// The allocation-free streaming path (StreamFeatures.pushEach + KwsWindowScorer) against the
// allocating one (push + classify + energyOf): the same windows, logits, scores, µJ and µs, bit for bit.
import { describe, expect, it } from 'vitest';
import { readWav } from '../../../host/audio/wav.js';
import { StreamFeatures, type FeatureWindow } from '../../../host/audio/stream-features.js';
import { energyOf, energyTotalsInto } from '../../../host/energy/model.js';
import { createKwsChipClassifier } from '../../../host/kws/chip-classifier.js';
import { KwsWindowScorer } from '../../../host/kws/window-scorer.js';
import { repoPath } from '../../../host/paths.js';

/** 2.5 s of audio: demo/yes.wav, then the same clip at half gain, in uneven chunks. */
function chunks(): Float32Array[] {
  const yes = readWav(repoPath('demo', 'yes.wav')).samples;
  const audio = new Float32Array(40_000);
  audio.set(yes.subarray(0, 16_000));
  for (let i = 0; i < 16_000 && 16_000 + i < audio.length; i++) audio[16_000 + i] = 0.5 * yes[i]!;
  const out: Float32Array[] = [];
  for (let at = 0, k = 0; at < audio.length; k++) {
    const n = [1000, 3333, 700, 5000][k % 4]!;
    out.push(audio.slice(at, at + n));
    at += n;
  }
  return out;
}

describe('allocation-free streaming', () => {
  it('pushEach gives the windows push gives (one reused buffer), and the scorer what classify gives', async () => {
    const copied: Array<Omit<FeatureWindow, 'mfcc'> & { mfcc: Float32Array }> = [];
    const fresh = new StreamFeatures({ hopSamples: 3200 });
    const reused = new StreamFeatures({ hopSamples: 3200 });
    const expected: FeatureWindow[] = [];
    let buffer: Float32Array | null = null;
    for (const c of chunks()) {
      expected.push(...fresh.push(c));
      reused.pushEach(c, (w) => {
        buffer ??= w.mfcc;
        expect(w.mfcc).toBe(buffer); // the same array every window
        copied.push({ ...w, mfcc: w.mfcc.slice() });
      });
    }
    expect(expected.length).toBe(8); // windows end at 1.0, 1.2, … 2.4 s
    expect(copied).toEqual(expected);

    const classifier = await createKwsChipClassifier({ driftS: 86_400, preset: 'paper', seed: 3, gdc: true, bits: 6 });
    const scorer = new KwsWindowScorer(classifier.deployment.chip);
    for (const w of expected) {
      const r = classifier.classify(w.mfcc);
      const counters = classifier.lastCounters();
      const s = scorer.score(w.mfcc);
      expect(s.logits).toEqual(r.logits);
      expect(s.scores).toEqual(r.scores);
      expect(s.energyUj).toBe(r.energyUj);
      expect(s.latencyUs).toBe(r.latencyUs);
      // The totals without the report equal the report's, in both pulse accountings.
      for (const mode of ['measured', 'fullScale'] as const) {
        const e = energyOf(counters, { mode }).total;
        expect(energyTotalsInto(counters, { mode }, { energyUj: NaN, latencyUs: NaN })).toEqual({ energyUj: e.energyUj, latencyUs: e.latencyUs });
      }
    }
  });
});
