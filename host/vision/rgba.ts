/**
 * RGBA (what PNG decoders and a browser canvas hand back) → the packed RGB frame every VWW path uses:
 * alpha is dropped, not composited (host/vision/decode.ts).
 */
import type { RgbImage } from './decode.js';

export function rgbFromRgba(width: number, height: number, rgba: ArrayLike<number>): RgbImage {
  const n = width * height;
  if (rgba.length < 4 * n) throw new RangeError(`rgbFromRgba: ${rgba.length} bytes for ${width}×${height} RGBA`);
  const rgb = new Uint8Array(n * 3);
  for (let i = 0; i < n; i++) {
    rgb[3 * i] = rgba[4 * i]!;
    rgb[3 * i + 1] = rgba[4 * i + 1]!;
    rgb[3 * i + 2] = rgba[4 * i + 2]!;
  }
  return { width, height, rgb };
}
