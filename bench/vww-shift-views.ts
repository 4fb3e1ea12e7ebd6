/**
 * The fixed shifted views of bench/vww-shift.ts: each maps a decoded RGB image to one of the same size.
 * Deterministic (no draws), so two runs and two networks see the same pixels. The photometric ones lie
 * partly outside what the trainer's views draw (models/train/data.ts augmentImage and color-jitter.ts);
 * grey and blur are drawn by no training view.
 */
import type { RgbImage } from '../host/vision/decode.js';
import { resizeBilinear } from '../host/vision/resize.js';

export interface ShiftedView {
  name: string;
  apply: (im: RgbImage) => RgbImage;
}

const clamp = (v: number): number => (v <= 0 ? 0 : v >= 255 ? 255 : Math.round(v));

/** Every value through f(value, channel). */
export function mapValues(im: RgbImage, f: (v: number, c: number) => number): RgbImage {
  return { ...im, rgb: Uint8Array.from(im.rgb, (v, i) => clamp(f(v, i % 3))) };
}

/** A centred-or-cornered crop of `frac` of each side, resized back to the image's size. */
export function zoom(im: RgbImage, frac: number, ox: number, oy: number): RgbImage {
  const cw = Math.round(im.width * frac);
  const ch = Math.round(im.height * frac);
  const x0 = Math.round((im.width - cw) * ox);
  const y0 = Math.round((im.height - ch) * oy);
  const rgb = new Uint8Array(cw * ch * 3);
  for (let y = 0; y < ch; y++) rgb.set(im.rgb.subarray(((y0 + y) * im.width + x0) * 3, ((y0 + y) * im.width + x0 + cw) * 3), y * cw * 3);
  return resizeBilinear({ width: cw, height: ch, rgb }, im.width, im.height);
}

export function mirror(im: RgbImage): RgbImage {
  const rgb = new Uint8Array(im.rgb.length);
  for (let y = 0; y < im.height; y++) {
    for (let x = 0; x < im.width; x++) {
      const to = (y * im.width + x) * 3;
      const from = (y * im.width + im.width - 1 - x) * 3;
      rgb[to] = im.rgb[from]!;
      rgb[to + 1] = im.rgb[from + 1]!;
      rgb[to + 2] = im.rgb[from + 2]!;
    }
  }
  return { ...im, rgb };
}

/** Luma (BT.601) in all three channels. */
export function grey(im: RgbImage): RgbImage {
  const rgb = new Uint8Array(im.rgb.length);
  for (let i = 0; i < rgb.length; i += 3) rgb[i] = rgb[i + 1] = rgb[i + 2] = clamp(0.299 * im.rgb[i]! + 0.587 * im.rgb[i + 1]! + 0.114 * im.rgb[i + 2]!);
  return { ...im, rgb };
}

/** Down to half the size and back up (bilinear both ways): the detail of a smaller or softer photograph. */
export function soften(im: RgbImage): RgbImage {
  return resizeBilinear(resizeBilinear(im, Math.round(im.width / 2), Math.round(im.height / 2)), im.width, im.height);
}

/** The first is the image itself. */
export const SHIFTED_VIEWS: readonly ShiftedView[] = [
  { name: 'orig', apply: (im) => im },
  { name: 'flip', apply: mirror },
  { name: 'zoom80', apply: (im) => zoom(im, 0.8, 0.5, 0.5) },
  { name: 'zoomTL', apply: (im) => zoom(im, 0.7, 0, 0) },
  { name: 'zoomBR', apply: (im) => zoom(im, 0.7, 1, 1) },
  { name: 'dark', apply: (im) => mapValues(im, (v) => v * 0.6) },
  { name: 'bright', apply: (im) => mapValues(im, (v) => v * 1.3 + 20) },
  { name: 'lowcon', apply: (im) => mapValues(im, (v) => 128 + (v - 128) * 0.5) },
  { name: 'warm', apply: (im) => mapValues(im, (v, c) => v * [1.15, 1, 0.8][c]!) },
  { name: 'grey', apply: grey },
  { name: 'blur', apply: soften },
];
