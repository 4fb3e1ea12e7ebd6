/**
 * Bilinear resize of 8-bit RGB images (to the network's 100×100 input).
 *
 * Convention: half-pixel centres. Output pixel i samples source coordinate (i + 0.5)·in/out − 0.5
 * with a triangle (bilinear) kernel, clamped at the borders. For upscaling (the VWW data is 96×96)
 * this is exactly tf.image.resize(method='bilinear') with half_pixel_centers=True (tfjs
 * resizeBilinear(alignCorners=false, halfPixelCenters=true)) and PIL's Image.resize(BILINEAR).
 * For downscaling (a 640×480 camera frame) the kernel is widened by the scale factor as PIL and
 * tf.image.resize(antialias=True) do, so every source pixel contributes and fine detail does not alias.
 * Both passes run in float64; the result is rounded once, half to even, and clamped to [0, 255].
 */
import { UserError } from '../errors.js';
import type { RgbImage } from './decode.js';
import { roundHalfEven } from '../round.js';

/** Per output index: first source index, tap count and normalized weights (row-major, `taps` each). */
interface Taps {
  start: Int32Array;
  count: Int32Array;
  taps: number;
  weights: Float64Array;
}

function triangle(x: number): number {
  const a = Math.abs(x);
  return a < 1 ? 1 - a : 0;
}

/** Kernel taps for one axis (PIL's precompute_coeffs with the bilinear filter). */
export function bilinearTaps(inSize: number, outSize: number): Taps {
  const scale = inSize / outSize;
  const filterScale = Math.max(scale, 1);
  const support = filterScale; // triangle radius 1, widened when downscaling
  const taps = Math.ceil(support) * 2 + 1;
  const start = new Int32Array(outSize);
  const count = new Int32Array(outSize);
  const weights = new Float64Array(outSize * taps);
  for (let i = 0; i < outSize; i++) {
    const centre = (i + 0.5) * scale;
    const lo = Math.max(Math.floor(centre - support + 0.5), 0);
    const hi = Math.min(Math.floor(centre + support + 0.5), inSize);
    let sum = 0;
    for (let j = lo; j < hi; j++) {
      const w = triangle((j - centre + 0.5) / filterScale);
      weights[i * taps + (j - lo)] = w;
      sum += w;
    }
    // Renormalize over the taps inside the image: this is the border clamp.
    for (let j = lo; j < hi; j++) weights[i * taps + (j - lo)]! /= sum;
    start[i] = lo;
    count[i] = hi - lo;
  }
  return { start, count, taps, weights };
}


/** Resize an RGB image to outWidth × outHeight (see the convention above). */
export function resizeBilinear(image: RgbImage, outWidth: number, outHeight: number): RgbImage {
  const { width, height, rgb } = image;
  if (!(width >= 1 && height >= 1) || rgb.length !== width * height * 3) {
    throw new UserError(`resize: image buffer of ${rgb.length} bytes does not match ${width}×${height}×3`);
  }
  if (!(Number.isInteger(outWidth) && Number.isInteger(outHeight) && outWidth >= 1 && outHeight >= 1)) {
    throw new UserError(`resize: output size must be positive integers (got ${outWidth}×${outHeight})`);
  }
  const hx = bilinearTaps(width, outWidth);
  const hy = bilinearTaps(height, outHeight);
  // Horizontal pass: height × outWidth × 3, kept in float64.
  const mid = new Float64Array(height * outWidth * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < outWidth; x++) {
      let r = 0;
      let g = 0;
      let b = 0;
      const s = hx.start[x]!;
      for (let k = 0; k < hx.count[x]!; k++) {
        const w = hx.weights[x * hx.taps + k]!;
        const p = (y * width + s + k) * 3;
        r += w * rgb[p]!;
        g += w * rgb[p + 1]!;
        b += w * rgb[p + 2]!;
      }
      const q = (y * outWidth + x) * 3;
      mid[q] = r;
      mid[q + 1] = g;
      mid[q + 2] = b;
    }
  }
  // Vertical pass, then one rounding.
  const out = new Uint8Array(outHeight * outWidth * 3);
  for (let y = 0; y < outHeight; y++) {
    const s = hy.start[y]!;
    for (let x = 0; x < outWidth; x++) {
      for (let c = 0; c < 3; c++) {
        let v = 0;
        for (let k = 0; k < hy.count[y]!; k++) v += hy.weights[y * hy.taps + k]! * mid[((s + k) * outWidth + x) * 3 + c]!;
        out[(y * outWidth + x) * 3 + c] = Math.min(255, Math.max(0, roundHalfEven(v)));
      }
    }
  }
  return { width: outWidth, height: outHeight, rgb: out };
}
