/**
 * Mixing two training images into one view (VWW distillation): mixup (Zhang et al. 2018) blends the
 * pixels, CutMix (Yun et al. 2019) pastes a box of one into the other. With a teacher scoring the mixed
 * view the student learns the teacher's function on many more inputs than the data set holds
 * ("function matching", Beyer et al. 2022); the label is the area/weight-proportional blend.
 * Pure functions on same-sized uint8 RGB images; the randomness comes from the caller's seeded stream.
 */
import type { RgbImage } from '../../host/vision/decode.js';
import type { InitRng } from '../image/prng.js';

/**
 * none: each example on its own; mixup / cutmix: every example is mixed; mixcut: either, half each;
 * mosaic: a third each mixup, cutmix and a 2×2 mosaic of four images (mosaic.ts).
 */
export type MixMode = 'none' | 'mixup' | 'cutmix' | 'mixcut' | 'mosaic';
export const MIX_MODES: readonly MixMode[] = ['none', 'mixup', 'cutmix', 'mixcut', 'mosaic'];

/** A mixed view: the image and λ, the share of the first image in it (its label weight). */
export interface Mixed {
  img: RgbImage;
  lambda: number;
}

function sameSize(a: RgbImage, b: RgbImage): void {
  if (a.width !== b.width || a.height !== b.height) throw new Error(`mix: images differ in size (${a.width}×${a.height} vs ${b.width}×${b.height})`);
}

/** Pixel blend λ·a + (1 − λ)·b, rounded half up to uint8. */
export function mixup(a: RgbImage, b: RgbImage, lambda: number): Mixed {
  sameSize(a, b);
  const rgb = new Uint8Array(a.rgb.length);
  for (let i = 0; i < rgb.length; i++) rgb[i] = Math.floor(lambda * a.rgb[i]! + (1 - lambda) * b.rgb[i]! + 0.5);
  return { img: { width: a.width, height: a.height, rgb }, lambda };
}

/** A box [x0, x1) × [y0, y1) in pixels. */
export interface Box {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

/**
 * CutMix's box for a target share λ of the first image: sides √(1 − λ) of the image's, centred at a
 * uniform point and clipped to the image (so the box may be smaller than 1 − λ of the area).
 */
export function cutBox(width: number, height: number, lambda: number, rng: InitRng): Box {
  const s = Math.sqrt(1 - lambda);
  const bw = Math.round(width * s);
  const bh = Math.round(height * s);
  const cx = Math.floor(rng.uniform() * width);
  const cy = Math.floor(rng.uniform() * height);
  const clamp = (v: number, hi: number) => Math.max(0, Math.min(hi, v));
  return {
    x0: clamp(cx - Math.floor(bw / 2), width),
    x1: clamp(cx - Math.floor(bw / 2) + bw, width),
    y0: clamp(cy - Math.floor(bh / 2), height),
    y1: clamp(cy - Math.floor(bh / 2) + bh, height),
  };
}

/** `a` with `box` taken from `b`; λ = the share of `a`'s pixels left (the label weight of a). */
export function cutmix(a: RgbImage, b: RgbImage, box: Box): Mixed {
  sameSize(a, b);
  const rgb = Uint8Array.from(a.rgb);
  for (let y = box.y0; y < box.y1; y++) {
    const row = (y * a.width + box.x0) * 3;
    rgb.set(b.rgb.subarray(row, row + (box.x1 - box.x0) * 3), row);
  }
  const area = (box.x1 - box.x0) * (box.y1 - box.y0);
  return { img: { width: a.width, height: a.height, rgb }, lambda: 1 - area / (a.width * a.height) };
}

/** One mixed view of a and b under `mode` (λ ~ U(0, 1), i.e. Beta(1, 1) as both papers use). */
export function mixPair(a: RgbImage, b: RgbImage, mode: Exclude<MixMode, 'none'>, rng: InitRng): Mixed {
  const lambda = rng.uniform();
  const useCut = mode === 'cutmix' || (mode === 'mixcut' && rng.uniform() < 0.5);
  return useCut ? cutmix(a, b, cutBox(a.width, a.height, lambda, rng)) : mixup(a, b, lambda);
}

