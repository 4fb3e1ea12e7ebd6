import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { UserError } from '../../../host/errors.js';
import { testData } from '../data.js';
import { decodeImageFile, type RgbImage } from '../../../host/vision/decode.js';
import { resizeBilinear } from '../../../host/vision/resize.js';
import { useQuietCpuBackend } from '../tfjs-cpu.js';

/** A one-row image whose three channels all carry `values`. */
function row(values: number[]): RgbImage {
  const rgb = new Uint8Array(values.length * 3);
  values.forEach((v, i) => rgb.fill(v, 3 * i, 3 * i + 3));
  return { width: values.length, height: 1, rgb };
}

function red(img: RgbImage): number[] {
  return Array.from({ length: img.width * img.height }, (_, i) => img.rgb[3 * i]!);
}

describe('resizeBilinear, hand-computed cases', () => {
  it('upscale 2 → 4: half-pixel centres sample −0.25, 0.25, 0.75, 1.25, clamped at the borders', () => {
    // x_src = (i + 0.5)·2/4 − 0.5 → clamp(−0.25) = 0 → 0; 0.25 → 25; 0.75 → 75; 1.25 → clamp 1 → 100
    expect(red(resizeBilinear(row([0, 100]), 4, 1))).toEqual([0, 25, 75, 100]);
    // Same along the other axis.
    const col: RgbImage = { width: 1, height: 2, rgb: Uint8Array.from([0, 0, 0, 100, 100, 100]) };
    expect(red(resizeBilinear(col, 1, 4))).toEqual([0, 25, 75, 100]);
  });

  it('rounds half to even: [0, 2] → [0, 0.5, 1.5, 2] → [0, 0, 2, 2]', () => {
    expect(red(resizeBilinear(row([0, 2]), 4, 1))).toEqual([0, 0, 2, 2]);
  });

  it('downscale 4 → 2 widens the triangle to radius 2 (PIL / antialias)', () => {
    // Output 0: centre 1, taps j = 0,1,2 with weights tri((j − 0.5)/2) = 0.75, 0.75, 0.25 (j = −1 is
    // outside and dropped, renormalized by 1.75): (0.75·0 + 0.75·40 + 0.25·80)/1.75 = 28.57 → 29.
    // Output 1: centre 3, taps 1,2,3 with 0.25, 0.75, 0.75: (10 + 60 + 90)/1.75 = 91.43 → 91.
    expect(red(resizeBilinear(row([0, 40, 80, 120]), 2, 1))).toEqual([29, 91]);
  });

  it('keeps a constant image constant at any size', () => {
    const img: RgbImage = { width: 7, height: 13, rgb: new Uint8Array(7 * 13 * 3) };
    for (let i = 0; i < img.rgb.length; i++) img.rgb[i] = [17, 200, 99][i % 3]!;
    for (const [w, h] of [[100, 100], [3, 2], [1, 1], [640, 480]] as const) {
      const out = resizeBilinear(img, w, h);
      let wrong = 0;
      for (let i = 0; i < out.rgb.length; i++) if (out.rgb[i] !== [17, 200, 99][i % 3]) wrong++;
      expect([out.width, out.height, wrong]).toEqual([w, h, 0]);
    }
  });

  it('reproduces a linear gradient away from the clamped borders', () => {
    // v(x) = 10x + 5 on 20 columns, upscaled ×5 (to 100): sample x = (i + 0.5)/5 − 0.5 inside [0, 19].
    const img = row(Array.from({ length: 20 }, (_, x) => 10 * x + 5));
    const out = red(resizeBilinear(img, 100, 1));
    for (let i = 0; i < 100; i++) {
      const x = Math.min(19, Math.max(0, (i + 0.5) / 5 - 0.5));
      expect(Math.abs(out[i]! - (10 * x + 5))).toBeLessThanOrEqual(0.5);
    }
    // Downscaling a linear ramp by an integer factor keeps it linear (symmetric kernel) in the interior.
    const big = row(Array.from({ length: 100 }, (_, x) => 2 * x + 20));
    const small = red(resizeBilinear(big, 25, 1));
    for (let i = 1; i < 24; i++) expect(Math.abs(small[i]! - (2 * ((i + 0.5) * 4 - 0.5) + 20))).toBeLessThanOrEqual(0.5);
  });

  it('is the identity at the same size', () => {
    const img = decodeImageFile(join(testData(), 'vww', 'person', '000000000785.png'));
    expect(resizeBilinear(img, 96, 96).rgb).toEqual(img.rgb);
  });

  it('rejects a buffer that does not match its size', () => {
    expect(() => resizeBilinear({ width: 4, height: 4, rgb: new Uint8Array(10) }, 2, 2)).toThrow(UserError);
    expect(() => resizeBilinear(row([1, 2]), 0, 5)).toThrow(/positive integers/);
  });
});

describe('resizeBilinear against tf.image.resizeBilinear (halfPixelCenters)', () => {
  it('matches tfjs within rounding on real VWW images upscaled 96 → 100', async () => {
    const noBanner = await useQuietCpuBackend();
    for (const f of ['person/000000000785.png', 'non_person/000000000724.png']) {
      const img = decodeImageFile(join(testData(), 'vww', f));
      const ours = resizeBilinear(img, 100, 100).rgb;
      const t = tf.tensor4d(Float32Array.from(img.rgb), [1, img.height, img.width, 3]);
      const ref = (await tf.image.resizeBilinear(t, [100, 100], false, true).data()) as Float32Array;
      t.dispose();
      let maxDiff = 0;
      for (let i = 0; i < ref.length; i++) maxDiff = Math.max(maxDiff, Math.abs(ours[i]! - ref[i]!));
      expect(maxDiff).toBeLessThanOrEqual(0.5 + 1e-3); // only our final rounding to uint8
    }
    noBanner();
  });
});
