/**
 * THE input normalization of the VWW network, shared by the trainer and the runtime (import it; do
 * not restate it). An RGB uint8 frame of VWW_INPUT_HEIGHT × VWW_INPUT_WIDTH becomes a Float32Array in
 * HWC order with values (x − 127.5) / 255 ∈ [−0.5, 0.5]: centred, so the stem's DAC codes are signed.
 * Why centred: the stem's 27 rows see correlated pixels, so a column's weight noise n shifts its output
 * by about x̄·Σn; around mid-grey that shift is ~4× smaller in variance than around black (the stem
 * alone lost 4.7 points to σ = 0.05·W_max noise with [0, 1] inputs, 2.0 centred; docs/training.md), and
 * the signed codes use both halves of the DAC's range. Its cost: 2 bytes per input code in SRAM.
 */
import { UserError } from '../errors.js';
import type { RgbImage } from './decode.js';
import { resizeBilinear } from './resize.js';

export const VWW_INPUT_WIDTH = 100;
export const VWW_INPUT_HEIGHT = 100;
export const VWW_INPUT_CHANNELS = 3;
/** Float input = (code − VWW_INPUT_CENTRE) / VWW_INPUT_DIVISOR, exact in float64, rounded once to float32. */
export const VWW_INPUT_CENTRE = 127.5;
export const VWW_INPUT_DIVISOR = 255;
/** Range of the normalized input. */
export const VWW_INPUT_MIN = -0.5;
export const VWW_INPUT_MAX = 0.5;

/** Normalize a VWW_INPUT_HEIGHT × VWW_INPUT_WIDTH RGB uint8 frame to the network's float input (HWC). */
export function normalizeVwwInput(rgb: Uint8Array): Float32Array {
  const n = VWW_INPUT_WIDTH * VWW_INPUT_HEIGHT * VWW_INPUT_CHANNELS;
  if (rgb.length !== n) {
    throw new UserError(`VWW input must be ${VWW_INPUT_HEIGHT}×${VWW_INPUT_WIDTH}×3 = ${n} bytes (got ${rgb.length})`);
  }
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = (rgb[i]! - VWW_INPUT_CENTRE) / VWW_INPUT_DIVISOR;
  return out;
}

/** Any decoded frame → network input: bilinear resize to 100×100 (resize.ts), then normalize. */
export function preprocessVwwFrame(image: RgbImage): Float32Array {
  const sized =
    image.width === VWW_INPUT_WIDTH && image.height === VWW_INPUT_HEIGHT
      ? image
      : resizeBilinear(image, VWW_INPUT_WIDTH, VWW_INPUT_HEIGHT);
  return normalizeVwwInput(sized.rgb);
}
