import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { chipShares, pairedDifference } from '../../bench/paired.js';
import { planEval } from '../../host/eval/evaluate.js';
import { evaluateRun } from '../../host/eval/run.js';
import { repoPath, sharedDataDir } from '../../host/paths.js';
import { InitRng } from '../../models/image/prng.js';

describe('pairedDifference (bench/paired.ts)', () => {
  it('is exactly zero for identical predictions, and counts nothing won or lost', () => {
    const a = Uint8Array.from([1, 0, 1, 1, 0]);
    expect(pairedDifference(a, a)).toEqual({ mean: 0, low: 0, high: 0, onlyB: 0, onlyA: 0 });
  });

  it('matches a hand-computed case: b wins 3 examples and loses 1 of 10', () => {
    const a = Uint8Array.from([0, 0, 0, 1, 1, 1, 1, 0, 1, 0]);
    const b = Uint8Array.from([1, 1, 1, 0, 1, 1, 1, 0, 1, 0]);
    const d = pairedDifference(a, b);
    expect(d.mean).toBeCloseTo(0.2, 12);
    expect([d.onlyB, d.onlyA]).toEqual([3, 1]);
    // d is +1 three times, −1 once, 0 six times: sd 0.6, standard error 0.6/√10 = 0.19, so the normal
    // interval is 0.2 ± 0.37; bootstrap means are multiples of 0.1, so the ends fall on the grid near it.
    expect(d.low).toBeGreaterThanOrEqual(-0.3 - 1e-12);
    expect(d.low).toBeLessThanOrEqual(-0.1 + 1e-12);
    expect(d.high).toBeGreaterThanOrEqual(0.5 - 1e-12);
    expect(d.high).toBeLessThanOrEqual(0.7 + 1e-12);
    expect(d.low).toBeLessThan(d.mean);
    expect(d.high).toBeGreaterThan(d.mean);
  });

  it('covers the true difference about 95 % of the time (200 simulated pairs, within 4 sd)', () => {
    // b is right with p 0.8; a agrees with b 90 % of the time, so E[a] = 0.9·0.8 + 0.1·0.2 = 0.74 and the
    // true difference is 0.06.
    const rng = new InitRng(5, 1);
    let covered = 0;
    const trials = 200;
    const truth = 0.06;
    for (let t = 0; t < trials; t++) {
      const n = 165;
      const a = new Uint8Array(n);
      const b = new Uint8Array(n);
      for (let k = 0; k < n; k++) {
        b[k] = rng.uniform() < 0.8 ? 1 : 0;
        a[k] = rng.uniform() < 0.9 ? b[k]! : 1 - b[k]!;
      }
      const d = pairedDifference(a, b, 1000, t);
      if (d.low <= truth && truth <= d.high) covered++;
    }
    const sd = Math.sqrt(trials * 0.95 * 0.05);
    expect(Math.abs(covered - 0.95 * trials)).toBeLessThan(4 * sd);
  });

  it('refuses vectors of different or zero length', () => {
    expect(() => pairedDifference(new Uint8Array(3), new Uint8Array(4))).toThrow(/equal/);
    expect(() => pairedDifference(new Uint8Array(0), new Uint8Array(0))).toThrow(/equal/);
  });
});

describe('chipShares (paired --chip)', () => {
  it('sums to what eval counts at that time, run by run (KWS full-8, 2 chips, 1 d, 60 held-out clips)', async () => {
    const image = repoPath('models', 'kws', 'full-8.aonw');
    const { inputs } = planEval({ task: 'kws', data: sharedDataDir(), model: [image], timesS: [86_400], bits: [8], preset: 'paper', gdc: 'digital', seed: 0, runs: 2, examples: 'auto' });
    const n = 60;
    const x = inputs.x.subarray(0, n * inputs.inputSize);
    const y = inputs.y.subarray(0, n);
    const bytes = new Uint8Array(readFileSync(image));
    const shares = await chipShares('kws', bytes, x, y, { timeS: 86_400, runs: 2, bits: 8 });
    const cfg = { network: 'kws' as const, imageBytes: bytes, preset: 'paper' as const, gdc: 'digital' as const, seed: 0, timesS: [86_400], bits: [8 as const] };
    let counted = 0;
    for (const r of [0, 1]) counted += (await evaluateRun(cfg, r, x, y)).correct[0]![0]!;
    expect(Array.from(shares).every((v) => v === 0 || v === 0.5 || v === 1)).toBe(true);
    expect(Array.from(shares).reduce((s, v) => s + v, 0) * 2).toBe(counted);
  });
});
