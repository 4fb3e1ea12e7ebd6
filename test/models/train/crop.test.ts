/**
 * VWW training crops (models/train/data.ts augmentImage): `light` keeps 80–100 % of each side,
 * `inception` 25–100 % of the area. On a half-black, half-white image the white share of a view shows how
 * much of the scene a crop kept; the trainer's default views are those of runs made before the option.
 */
import { describe, expect, it } from 'vitest';
import type { RgbImage } from '../../../host/vision/decode.js';
import { sharedDataDir } from '../../../host/paths.js';
import { InitRng } from '../../../models/image/prng.js';
import { augmentImage, loadVww } from '../../../models/train/data.js';

const W = 96;
const halves: RgbImage = {
  width: W,
  height: W,
  rgb: Uint8Array.from({ length: W * W * 3 }, (_, i) => (Math.floor(i / 3) % W < W / 2 ? 0 : 200)),
};
/** Share of a view's pixels that came from the white half (brightness moves 200 to 160–240; black stays 0). */
const whiteShare = (img: RgbImage) => {
  let n = 0;
  for (let i = 0; i < img.rgb.length; i += 3) if (img.rgb[i]! > 80) n++;
  return n / (img.rgb.length / 3);
};

describe('VWW crops', () => {
  it('light crops keep most of both halves; inception crops sometimes mostly one', () => {
    const rng = new InitRng(1, 7);
    const light = Array.from({ length: 300 }, () => whiteShare(augmentImage(halves, rng, 'light')));
    const inception = Array.from({ length: 300 }, () => whiteShare(augmentImage(halves, rng, 'inception')));
    // A light crop spans ≥ 80 % of the width, so each half keeps ≥ 30/80 of it.
    for (const s of light) expect(Math.abs(s - 0.5)).toBeLessThan(0.14);
    // An inception crop can be 43 px wide: near an edge it keeps a share no light crop can (|s − 0.5| > 0.14);
    // about a tenth of them do on each side (seeded; ≥ 5 % asserted).
    expect(inception.filter((s) => s < 0.36).length).toBeGreaterThan(15);
    expect(inception.filter((s) => s > 0.64).length).toBeGreaterThan(15);
  });
  it('inception saturation leaves grey pixels grey and keeps every colour in 0–255', () => {
    const colour: RgbImage = { width: 8, height: 8, rgb: Uint8Array.from({ length: 192 }, (_, i) => [250, 10, 128][i % 3]!) };
    const rng = new InitRng(2, 7);
    let spread = 0;
    for (let k = 0; k < 50; k++) {
      const v = augmentImage(colour, rng, 'inception');
      spread = Math.max(spread, v.rgb[0]! - v.rgb[1]!);
      const g = augmentImage({ width: 8, height: 8, rgb: new Uint8Array(192).fill(100) }, rng, 'inception');
      for (let i = 0; i < g.rgb.length; i += 3) expect(g.rgb[i]).toBe(g.rgb[i + 1]);
    }
    expect(spread).toBeGreaterThan(240); // saturation > 1 pushed red and green further apart than the 240 they were
  });
  it('the trainer\'s views: default = light = runs made before the option; inception differs, same labels', () => {
    const data = loadVww(sharedDataDir(), 0, 40);
    const plain = data.trainEpoch(1);
    expect(Buffer.from(data.trainEpoch(1, { crop: 'light' }).x.buffer).equals(Buffer.from(plain.x.buffer))).toBe(true);
    const inc = data.trainEpoch(1, { crop: 'inception' });
    expect(Array.from(inc.y)).toEqual(Array.from(plain.y));
    expect(Buffer.from(inc.x.buffer).equals(Buffer.from(plain.x.buffer))).toBe(false);
  });
});
