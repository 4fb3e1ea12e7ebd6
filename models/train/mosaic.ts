/**
 * The mosaic view of `--mix mosaic` (data.ts): four training images in one. Its own module because
 * mix.ts is imported by the CLI and must load nothing at run time (test/host/cli/train.test.ts).
 */
import type { RgbImage } from '../../host/vision/decode.js';
import { resizeBilinear } from '../../host/vision/resize.js';

/**
 * A 2×2 mosaic (as YOLOv4's, Bochkovskiy et al. 2020) of four images the size of the first: the grid splits
 * at column round(fx·width) and row round(fy·height), and image k (top-left, top-right, bottom-left,
 * bottom-right) is resized (bilinear) into its cell. People in it appear at a half to a fifth of their
 * size: VWW counts a person from 0.5 % of the image, and small people are what 662 images show least.
 */
export function mosaic(imgs: readonly [RgbImage, RgbImage, RgbImage, RgbImage], fx: number, fy: number): RgbImage {
  const { width, height } = imgs[0];
  const cx = Math.min(width - 1, Math.max(1, Math.round(fx * width)));
  const cy = Math.min(height - 1, Math.max(1, Math.round(fy * height)));
  const rgb = new Uint8Array(width * height * 3);
  const cells = [[0, 0, cx, cy], [cx, 0, width, cy], [0, cy, cx, height], [cx, cy, width, height]] as const;
  cells.forEach(([x0, y0, x1, y1], k) => {
    const w = x1 - x0;
    const tile = resizeBilinear(imgs[k]!, w, y1 - y0).rgb;
    for (let y = y0; y < y1; y++) rgb.set(tile.subarray((y - y0) * w * 3, (y - y0 + 1) * w * 3), (y * width + x0) * 3);
  });
  return { width, height, rgb };
}
