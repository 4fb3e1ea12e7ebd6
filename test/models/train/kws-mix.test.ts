/**
 * KWS mixup (models/train/data.ts): the blend itself by hand, and the trainer's KWS views: off = the views
 * of runs made before it; on = half the keyword clips blended with another clip, label weights that sum
 * to 1 and name both words, silence cuts left alone, seeded.
 */
import { describe, expect, it } from 'vitest';
import { sharedDataDir } from '../../../host/paths.js';
import { KWS_CLASSES } from '../../../models/graphs/kws.js';
import { KWS_MIX_PROBABILITY, loadKws, mixClipInto } from '../../../models/train/data.js';

describe('mixClipInto', () => {
  it('λ·s + (1 − λ)·clip shifted, zeros outside the clip (hand-computed)', () => {
    const s = Float32Array.from([0.5, 0.5, 0.5, 0.5]);
    // 16384 / 32768 = 0.5, 8192 / 32768 = 0.25; shifted right by 1: [·, 0.5, 0.25, 0.5], sample 0 outside.
    mixClipInto(s, Int16Array.from([16384, 8192, 16384]), 1, 0.25);
    expect(Array.from(s)).toEqual([0.125, 0.125 + 0.375, 0.125 + 0.1875, 0.125 + 0.375]);
  });
  it('a negative shift takes the clip from later samples', () => {
    const s = new Float32Array(3);
    mixClipInto(s, Int16Array.from([0, 16384, -16384]), -1, 0.5);
    expect(Array.from(s)).toEqual([0.25, -0.25, 0]);
  });
});

describe('KWS training views with mixup', () => {
  const data = loadKws(sharedDataDir(), 3, 240);
  const silence = KWS_CLASSES.indexOf('_silence_');
  const classes = KWS_CLASSES.length;
  it('mix none gives the views of a run without it', () => {
    const plain = data.trainEpoch(4);
    const none = data.trainEpoch(4, { mix: 'none' });
    expect(Buffer.from(none.x.buffer).equals(Buffer.from(plain.x.buffer))).toBe(true);
    expect(none.soft).toBeUndefined();
  });
  it('mixup: label weights sum to 1, y is the larger share, about half the keyword clips blended, seeded', () => {
    const plain = data.trainEpoch(4);
    const mixed = data.trainEpoch(4, { mix: 'mixup' });
    expect(mixed.count).toBe(plain.count);
    const soft = mixed.soft!;
    let blended = 0;
    let keywords = 0;
    for (let k = 0; k < mixed.count; k++) {
      const row = Array.from(soft.subarray(k * classes, (k + 1) * classes));
      expect(row.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 6);
      const top = row.indexOf(Math.max(...row));
      expect(row[mixed.y[k]!]).toBeCloseTo(row[top]!, 6);
      const isSilenceCut = plain.y[k] === silence && row[silence] === 1;
      if (isSilenceCut) continue;
      keywords++;
      if (row.filter((v) => v > 0).length > 1 || Math.max(...row) < 1) blended++;
    }
    // Binomial(n, 0.5): within 4 standard deviations (a partner of the same word can hide a blend: rare).
    const sd = Math.sqrt(keywords * KWS_MIX_PROBABILITY * (1 - KWS_MIX_PROBABILITY));
    expect(Math.abs(blended - keywords * KWS_MIX_PROBABILITY)).toBeLessThan(4 * sd + 0.05 * keywords);
    expect(Buffer.from(mixed.x.buffer).equals(Buffer.from(plain.x.buffer))).toBe(false);
    expect(Buffer.from(data.trainEpoch(4, { mix: 'mixup' }).x.buffer).equals(Buffer.from(mixed.x.buffer))).toBe(true);
  });
  it('image mixes are refused for KWS', () => {
    expect(() => data.trainEpoch(0, { mix: 'cutmix' })).toThrow(/mixup only/);
  });
});
