/**
 * VWW colour jitter (models/train/data.ts jitterColours, augmentImage's `colorJitter`): contrast about the
 * view's mean luma and red/blue gains, hand-computed; its ranges seen through the first view of a seeded
 * stream (whose crop and brightness draws come before the jitter's, so they match the view without it);
 * views without the option are those of runs made before it; refused for KWS.
 */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { RgbImage } from '../../../host/vision/decode.js';
import { sharedDataDir } from '../../../host/paths.js';
import { InitRng } from '../../../models/image/prng.js';
import { jitterColours } from '../../../models/train/color-jitter.js';
import { augmentImage, loadVww } from '../../../models/train/data.js';
import { train } from '../../../models/train/train.js';

describe('VWW colour jitter', () => {
  it('contrast scales each value\'s distance from the mean luma; casts scale red and blue', () => {
    // Two grey pixels 100 and 200: mean luma 150; contrast 2 → 50 and 250.
    const a = Uint8Array.from([100, 100, 100, 200, 200, 200]);
    jitterColours(a, 2, 1, 1);
    expect(Array.from(a)).toEqual([50, 50, 50, 250, 250, 250]);
    // Clipped at both ends: contrast 4 → 150 ± 200.
    const b = Uint8Array.from([100, 100, 100, 200, 200, 200]);
    jitterColours(b, 4, 1, 1);
    expect(Array.from(b)).toEqual([0, 0, 0, 255, 255, 255]);
    // One grey pixel 100, red × 1.1, blue × 0.9, contrast 1: 110, 100, 90 (the mean cancels).
    const c = Uint8Array.from([100, 100, 100]);
    jitterColours(c, 1, 1.1, 0.9);
    expect(Array.from(c)).toEqual([110, 100, 90]);
  });

  it('draws contrast in 0.6–1.4 after the view\'s other draws', () => {
    // Two-tone grey image 100 / 150 (no clipping at any brightness or contrast drawn).
    const W = 32;
    const img: RgbImage = { width: W, height: W, rgb: Uint8Array.from({ length: W * W * 3 }, (_, i) => (Math.floor(i / 3) % W < W / 2 ? 100 : 150)) };
    const spread = (v: RgbImage) => {
      let lo = 255, hi = 0;
      for (let i = 1; i < v.rgb.length; i += 3) { lo = Math.min(lo, v.rgb[i]!); hi = Math.max(hi, v.rgb[i]!); }
      return hi - lo;
    };
    const ratios: number[] = [];
    for (let s = 0; s < 200; s++) {
      const off = augmentImage(img, new InitRng(s, 7), 'light', false);
      const on = augmentImage(img, new InitRng(s, 7), 'light', true);
      ratios.push(spread(on) / spread(off));
    }
    // Green carries no cast; floors move a spread of 40–60 by ≤ 1 on each side (±0.05 in the ratio).
    for (const r of ratios) {
      expect(r).toBeGreaterThan(0.55);
      expect(r).toBeLessThan(1.45);
    }
    expect(Math.min(...ratios)).toBeLessThan(0.7);
    expect(Math.max(...ratios)).toBeGreaterThan(1.3);
  });

  it('the trainer\'s views: off = runs made before the option; on differs, same labels', () => {
    const data = loadVww(sharedDataDir(), 0, 40);
    const plain = data.trainEpoch(1, { crop: 'inception' });
    // The same views as the trainer before the option (commit dad45d5): first 16 hex digits of sha256(x).
    expect(createHash('sha256').update(Buffer.from(plain.x.buffer, plain.x.byteOffset, plain.x.byteLength)).digest('hex').slice(0, 16)).toBe('f3d31446511fbc51');
    const off = data.trainEpoch(1, { crop: 'inception', colorJitter: false });
    expect(Buffer.from(off.x.buffer).equals(Buffer.from(plain.x.buffer))).toBe(true);
    const on = data.trainEpoch(1, { crop: 'inception', colorJitter: true });
    expect(Array.from(on.y)).toEqual(Array.from(plain.y));
    expect(Buffer.from(on.x.buffer).equals(Buffer.from(plain.x.buffer))).toBe(false);
  });

  it('is refused for KWS, before any work', async () => {
    const base = { task: 'kws' as const, mode: 'baseline' as const, bits: 8 as const, eta: 0.1, epochs: 1, batch: 8, lr: 1e-3, out: 'runs/never/x.aonw', seed: 0, dataDir: sharedDataDir(), resume: false, rangeInit: 'fitted' as const, targets: 'mean-corrected' as const };
    await expect(train({ ...base, colorJitter: true })).rejects.toThrow(/for --task vww/);
  });
});
