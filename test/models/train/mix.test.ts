/**
 * Mixed views (models/train/mix.ts), by hand: mixup's pixel blend, CutMix's box and its label share,
 * and the VWW epoch with mixing on: label blends that sum to 1, the teacher's 96×96 view of the same
 * pixels, the same views for the same seed and epoch, and unchanged views when no mixing is asked for.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sharedDataDir } from '../../../host/paths.js';
import type { RgbImage } from '../../../host/vision/decode.js';
import { InitRng } from '../../../models/image/prng.js';
import { loadVww } from '../../../models/train/data.js';
import { cutBox, cutmix, mixPair, mixup } from '../../../models/train/mix.js';
import { mosaic } from '../../../models/train/mosaic.js';

const flat = (w: number, h: number, v: number): RgbImage => ({ width: w, height: h, rgb: new Uint8Array(w * h * 3).fill(v) });

describe('mixup', () => {
  it('blends pixels λ·a + (1 − λ)·b, rounded', () => {
    const m = mixup(flat(4, 3, 0), flat(4, 3, 200), 0.25);
    expect(m.lambda).toBe(0.25);
    expect(new Set(m.img.rgb)).toEqual(new Set([150]));
    expect(mixup(flat(2, 2, 10), flat(2, 2, 11), 0.5).img.rgb[0]).toBe(11); // 10.5 rounds up
  });
  it('rejects images of different sizes', () => {
    expect(() => mixup(flat(4, 3, 0), flat(3, 4, 0), 0.5)).toThrow(/differ in size/);
  });
});

describe('CutMix', () => {
  it('pastes exactly the box from b, and λ is the share of a left', () => {
    const box = { x0: 1, y0: 2, x1: 4, y1: 5 };
    const m = cutmix(flat(10, 8, 7), flat(10, 8, 99), box);
    let inBox = 0;
    for (let y = 0; y < 8; y++) {
      for (let x = 0; x < 10; x++) {
        const v = m.img.rgb[(y * 10 + x) * 3]!;
        const inside = x >= 1 && x < 4 && y >= 2 && y < 5;
        expect(v).toBe(inside ? 99 : 7);
        if (inside) inBox++;
      }
    }
    expect(inBox).toBe(9);
    expect(m.lambda).toBeCloseTo(1 - 9 / 80, 12);
  });
  it('a box for λ has sides √(1 − λ) of the image before clipping; λ from the area actually cut', () => {
    const rng = new InitRng(3, 1);
    for (let k = 0; k < 200; k++) {
      const lambda = rng.uniform();
      const b = cutBox(100, 100, lambda, rng);
      expect(b.x1 - b.x0).toBeLessThanOrEqual(Math.round(100 * Math.sqrt(1 - lambda)));
      expect(b.x0).toBeGreaterThanOrEqual(0);
      expect(b.x1).toBeLessThanOrEqual(100);
      const m = cutmix(flat(100, 100, 0), flat(100, 100, 255), b);
      const ones = m.img.rgb.reduce((a, v) => a + (v === 255 ? 1 : 0), 0) / 3;
      expect(m.lambda).toBeCloseTo(1 - ones / 10_000, 12);
    }
  });
  it('mixcut chooses both kinds over many draws; mixup\'s λ ~ U(0, 1), CutMix\'s shifted up by clipping', () => {
    const rng = new InitRng(9, 2);
    const n = 400;
    const lambdas: Record<'cut' | 'mix', number[]> = { cut: [], mix: [] };
    for (let k = 0; k < n; k++) {
      const m = mixPair(flat(20, 20, 0), flat(20, 20, 200), 'mixcut', rng);
      // A CutMix of 0 and 200 has only those two values; a mixup (0 < λ < 1) has neither.
      const isCut = [...new Set(m.img.rgb)].every((v) => v === 0 || v === 200);
      lambdas[isCut ? 'cut' : 'mix'].push(m.lambda);
    }
    const mean = (a: number[]) => a.reduce((s, v) => s + v, 0) / a.length;
    // Binomial(400, 0.5): sd 0.025 → ±4 sd.
    expect(lambdas.cut.length / n).toBeGreaterThan(0.4);
    expect(lambdas.cut.length / n).toBeLessThan(0.6);
    // U(0, 1) over ~200 draws: sd of the mean 0.29/√200 = 0.02 → ±3.5 sd.
    expect(Math.abs(mean(lambdas.mix) - 0.5)).toBeLessThan(0.07);
    // A box clipped at the border cuts less than asked: a's share is larger on average.
    expect(mean(lambdas.cut)).toBeGreaterThan(mean(lambdas.mix));
  });
});

describe('mosaic', () => {
  it('puts each image into its cell of the grid split at (fx, fy) (hand-made flat images)', () => {
    const m = mosaic([flat(10, 8, 10), flat(10, 8, 20), flat(10, 8, 30), flat(10, 8, 40)], 0.3, 0.5);
    expect([m.width, m.height]).toEqual([10, 8]);
    // split at column round(0.3·10) = 3 and row round(0.5·8) = 4
    const at = (x: number, y: number) => m.rgb[(y * 10 + x) * 3]!;
    expect([at(0, 0), at(2, 3), at(3, 0), at(9, 3), at(0, 4), at(2, 7), at(3, 4), at(9, 7)]).toEqual([10, 10, 20, 20, 30, 30, 40, 40]);
    // A degenerate split still leaves every image a cell at least one pixel wide.
    const e = mosaic([flat(4, 4, 1), flat(4, 4, 2), flat(4, 4, 3), flat(4, 4, 4)], 0, 1);
    expect(new Set(e.rgb)).toEqual(new Set([1, 2, 3, 4]));
  });
});

const data = sharedDataDir();
describe.skipIf(!existsSync(join(data, 'vww', 'index.csv')))(`VWW epochs with mixing (data not found at ${data} skips)`, () => {
  const d = existsSync(join(data, 'vww', 'index.csv')) ? loadVww(data, 1, 40) : null;
  const view = { mix: 'mixcut' as const, teacherInput: { h: 96, w: 96, c: 3 } };
  it('label blends sum to 1, y is the larger share, teacher views are 96×96×3 in [0, 1]', () => {
    const ex = d!.trainEpoch(3, view);
    expect(ex.soft).toBeDefined();
    expect(ex.teacherX!.length).toBe(ex.count * 96 * 96 * 3);
    for (let k = 0; k < ex.count; k++) {
      const a = ex.soft![2 * k]!;
      const b = ex.soft![2 * k + 1]!;
      expect(a + b).toBeCloseTo(1, 6);
      expect(ex.y[k]).toBe(b > a ? 1 : b < a ? 0 : ex.y[k]);
    }
    expect(ex.teacherX!.every((v) => v >= 0 && v <= 1)).toBe(true);
    // Some views are really mixed (40 images: the chance that none is, is nil).
    expect(Array.from(ex.soft!).some((v) => v > 0.05 && v < 0.95)).toBe(true);
  });
  it('the same seed and epoch give the same views; another epoch others', () => {
    const a = d!.trainEpoch(3, view);
    const b = d!.trainEpoch(3, view);
    const c = d!.trainEpoch(4, view);
    expect(Buffer.from(a.x.buffer).equals(Buffer.from(b.x.buffer))).toBe(true);
    expect(Buffer.from(a.teacherX!.buffer).equals(Buffer.from(b.teacherX!.buffer))).toBe(true);
    expect(Buffer.from(a.x.buffer).equals(Buffer.from(c.x.buffer))).toBe(false);
  });
  it('mosaic views keep the examples\' labels (fillers are person-free), are deterministic and differ from mixcut\'s', () => {
    const mv = { ...view, mix: 'mosaic' as const };
    const a = d!.trainEpoch(3, mv);
    const b = d!.trainEpoch(3, mv);
    expect(Buffer.from(a.x.buffer).equals(Buffer.from(b.x.buffer))).toBe(true);
    expect(Buffer.from(a.x.buffer).equals(Buffer.from(d!.trainEpoch(3, view).x.buffer))).toBe(false);
    // Unmixed label rows (mosaics, and mixes of two images of one class) are one-hot; the label shares still sum to 1.
    for (let k = 0; k < a.count; k++) expect(a.soft![2 * k]! + a.soft![2 * k + 1]!).toBeCloseTo(1, 6);
    // The person share of the views' labels is the data set's within sampling error (mosaics alone would make it 94 %).
    // Over 6 epochs (~190 views, σ ≈ 3.6 points); random fillers would add ~15 points (a third of the views at 94 %).
    let persons = 0;
    let views = 0;
    for (let e = 0; e < 6; e++) {
      const ex = d!.trainEpoch(e, mv);
      persons += Array.from(ex.y).filter((v) => v === 1).length;
      views += ex.count;
    }
    const base = Array.from(d!.trainEpoch(0).y).filter((v) => v === 1).length / a.count;
    expect(Math.abs(persons / views - base)).toBeLessThan(0.1);
  });
  it('without a view an epoch is exactly what it was before mixing existed (no soft labels)', () => {
    const a = d!.trainEpoch(2);
    const b = d!.trainEpoch(2, {});
    expect(a.soft).toBeUndefined();
    expect(Buffer.from(a.x.buffer).equals(Buffer.from(b.x.buffer))).toBe(true);
  });
  it('the teacher sees the student\'s pixels: its view is the student view resized', () => {
    const ex = d!.trainEpoch(5, { teacherInput: { h: 96, w: 96, c: 3 } });
    // Mean brightness of both views of each example agrees (bilinear resizing keeps it to ~1 %); the
    // student's input is centred ((x − 127.5)/255), the teacher's x/255.
    const per = 100 * 100 * 3;
    const tper = 96 * 96 * 3;
    for (let k = 0; k < ex.count; k++) {
      let s = 0;
      let t = 0;
      for (let i = 0; i < per; i++) s += ex.x[k * per + i]!;
      for (let i = 0; i < tper; i++) t += ex.teacherX![k * tper + i]!;
      expect(Math.abs(s / per + 0.5 - t / tper)).toBeLessThan(0.01);
    }
  });
});
