/**
 * VWW colour jitter (`train --color-jitter`; docs/training.md, "Colour jitter"): a view's contrast about
 * its mean luma and its red and blue gains, drawn after the view's other draws so that views without it
 * are those of runs made before the option. Free of tfjs, so the CLI imports its description statically.
 */
import type { InitRng } from '../image/prng.js';

/** What the draws below cover, for help texts (the numbers of jitterView). */
export const COLOR_JITTER_RANGES = "contrast 0.6–1.4 about the view's mean luma, red and blue gains 0.88–1.12";

/** In place, on a view's RGB bytes: three draws (contrast, red, blue) from rng, in that order. */
export function jitterView(rgb: Uint8Array, rng: InitRng): void {
  jitterColours(rgb, 0.6 + 0.8 * rng.uniform(), 0.88 + 0.24 * rng.uniform(), 0.88 + 0.24 * rng.uniform());
}

/** In place: red and blue scaled by `red` and `blue`, then every channel's distance from the mean luma (BT.601) by `contrast`. */
export function jitterColours(rgb: Uint8Array, contrast: number, red: number, blue: number): void {
  let sum = 0;
  for (let i = 0; i < rgb.length; i += 3) sum += 0.299 * rgb[i]! * red + 0.587 * rgb[i + 1]! + 0.114 * rgb[i + 2]! * blue;
  const mean = sum / (rgb.length / 3);
  const gains = [red, 1, blue];
  for (let i = 0; i < rgb.length; i++) {
    const v = mean + contrast * (rgb[i]! * gains[i % 3]! - mean);
    rgb[i] = v <= 0 ? 0 : v >= 255 ? 255 : Math.floor(v);
  }
}
