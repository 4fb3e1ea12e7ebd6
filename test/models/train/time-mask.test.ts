/**
 * KWS time masking (models/train/data.ts maskTimeInto, `train --time-mask ms`): a hand-checked stretch
 * of zeros, its length bounds over many draws, and the trainer's views: off = the views of runs made
 * before it, on = the same clips and labels in the same order with a silenced stretch; bad values refused.
 */
import { describe, expect, it } from 'vitest';
import { sharedDataDir } from '../../../host/paths.js';
import { InitRng } from '../../../models/image/prng.js';
import { loadKws, maskTimeInto } from '../../../models/train/data.js';
import { train } from '../../../models/train/train.js';

describe('maskTimeInto', () => {
  it('zeros exactly [start, end) and nothing else, with the two draws it states', () => {
    const s = new Float32Array(100).fill(1);
    const draws = new InitRng(5, 1); // the same stream, read by hand
    const u1 = draws.uniform();
    const u2 = draws.uniform();
    const [a, b] = maskTimeInto(s, new InitRng(5, 1), 30);
    const len = Math.floor(u1 * 31);
    expect(b - a).toBe(len);
    expect(a).toBe(Math.floor(u2 * (100 - len + 1)));
    for (let i = 0; i < 100; i++) expect(s[i]).toBe(i >= a && i < b ? 0 : 1);
  });
  it('lengths cover [0, max] uniformly and the stretch always fits', () => {
    const rng = new InitRng(9, 2);
    const lens: number[] = [];
    for (let k = 0; k < 4000; k++) {
      const s = new Float32Array(50);
      const [a, b] = maskTimeInto(s, rng, 20);
      expect(a).toBeGreaterThanOrEqual(0);
      expect(b).toBeLessThanOrEqual(50);
      lens.push(b - a);
    }
    expect(Math.min(...lens)).toBe(0);
    expect(Math.max(...lens)).toBe(20);
    // Uniform on 0..20: mean 10, sd of the mean √(440/12 / 4000) ≈ 0.096; 5 sd.
    expect(Math.abs(lens.reduce((x, y) => x + y, 0) / lens.length - 10)).toBeLessThan(0.5);
  });
});

describe('KWS training views with a time mask', () => {
  const data = loadKws(sharedDataDir(), 3, 60);
  it('0 ms gives the views of a run without it; 100 ms changes samples, not the clips or labels', () => {
    const plain = data.trainEpoch(2);
    expect(Buffer.from(data.trainEpoch(2, { timeMaskMs: 0 }).x.buffer).equals(Buffer.from(plain.x.buffer))).toBe(true);
    const masked = data.trainEpoch(2, { timeMaskMs: 100 });
    expect(Array.from(masked.y)).toEqual(Array.from(plain.y));
    expect(Buffer.from(masked.x.buffer).equals(Buffer.from(plain.x.buffer))).toBe(false);
    expect(Buffer.from(data.trainEpoch(2, { timeMaskMs: 100 }).x.buffer).equals(Buffer.from(masked.x.buffer))).toBe(true);
  });
  it('refuses a mask for VWW and a value out of range, before any work', async () => {
    const base = { task: 'kws' as const, mode: 'baseline' as const, bits: 8 as const, eta: 0.1, epochs: 1, batch: 8, lr: 1e-3, out: 'runs/never/x.aonw', seed: 0, dataDir: sharedDataDir(), resume: false, rangeInit: 'fitted' as const, targets: 'mean-corrected' as const };
    await expect(train({ ...base, task: 'vww', timeMaskMs: 100 })).rejects.toThrow(/for --task kws/);
    await expect(train({ ...base, timeMaskMs: 501 })).rejects.toThrow(/\[0, 500\]/);
    await expect(train({ ...base, timeMaskMs: 2.5 })).rejects.toThrow(/whole number/);
  });
});
