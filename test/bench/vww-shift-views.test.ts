/**
 * bench/vww-shift-views.ts, hand-checked on tiny images: the mirror, grey (BT.601 luma), value maps with
 * clipping, a cornered zoom that keeps only its corner's pixels, and the table's first view = the image.
 */
import { describe, expect, it } from 'vitest';
import { grey, mapValues, mirror, SHIFTED_VIEWS, zoom } from '../../bench/vww-shift-views.js';
import type { RgbImage } from '../../host/vision/decode.js';

const img = (width: number, height: number, rgb: number[]): RgbImage => ({ width, height, rgb: Uint8Array.from(rgb) });

describe('VWW shifted views', () => {
  it('mirror swaps columns, keeps each pixel\'s channels', () => {
    expect(Array.from(mirror(img(2, 1, [1, 2, 3, 4, 5, 6])).rgb)).toEqual([4, 5, 6, 1, 2, 3]);
  });
  it('grey is BT.601 luma in all three channels', () => {
    // 0.299 · 255 = 76.2 → 76; 0.587 · 255 = 149.7 → 150.
    expect(Array.from(grey(img(2, 1, [255, 0, 0, 0, 255, 0])).rgb)).toEqual([76, 76, 76, 150, 150, 150]);
  });
  it('value maps clip to 0–255 and see the channel', () => {
    expect(Array.from(mapValues(img(1, 1, [100, 200, 50]), (v, c) => (c === 1 ? v * 2 : v - 60)).rgb)).toEqual([40, 255, 0]);
  });
  it('a zoom into the top-left quarter of a 4×4 image with one colour there shows only that colour', () => {
    const rgb: number[] = [];
    for (let y = 0; y < 4; y++) for (let x = 0; x < 4; x++) rgb.push(...(x < 2 && y < 2 ? [200, 10, 10] : [0, 0, 255]));
    const z = zoom(img(4, 4, rgb), 0.5, 0, 0);
    expect([z.width, z.height]).toEqual([4, 4]);
    for (let i = 0; i < z.rgb.length; i += 3) expect([z.rgb[i], z.rgb[i + 1], z.rgb[i + 2]]).toEqual([200, 10, 10]);
  });
  it('the first view is the image itself; names are unique', () => {
    const a = img(1, 1, [1, 2, 3]);
    expect(SHIFTED_VIEWS[0]!.apply(a)).toBe(a);
    expect(new Set(SHIFTED_VIEWS.map((v) => v.name)).size).toBe(SHIFTED_VIEWS.length);
  });
});
