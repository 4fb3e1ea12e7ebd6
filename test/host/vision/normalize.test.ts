import { describe, expect, it } from 'vitest';
import {
  VWW_INPUT_CHANNELS,
  VWW_INPUT_HEIGHT,
  VWW_INPUT_WIDTH,
  normalizeVwwInput,
  preprocessVwwFrame,
} from '../../../host/vision/normalize.js';

describe('VWW input normalization', () => {
  it('maps codes to (x − 127.5)/255 in [−0.5, 0.5], HWC, correctly rounded float32', () => {
    expect([VWW_INPUT_HEIGHT, VWW_INPUT_WIDTH, VWW_INPUT_CHANNELS]).toEqual([100, 100, 3]);
    const rgb = Uint8Array.from({ length: 100 * 100 * 3 }, (_, i) => i % 256);
    const x = normalizeVwwInput(rgb);
    expect(x.length).toBe(30_000);
    for (let i = 0; i < 256; i++) expect(x[i]).toBe(Math.fround((i - 127.5) / 255));
    expect(x[0]).toBe(-0.5);
    expect(x[255]).toBe(0.5);
    // Centred: codes c and 255 − c are exact negatives, so mid-grey drives the stem's DAC near code 0.
    for (let i = 0; i < 128; i++) expect(x[255 - i]).toBe(-x[i]!);
  });

  it('rejects a frame of the wrong size', () => {
    expect(() => normalizeVwwInput(new Uint8Array(96 * 96 * 3))).toThrow(/100×100×3 = 30000 bytes \(got 27648\)/);
  });

  it('preprocesses any frame size to 30,000 floats (resize then normalize)', () => {
    const img = { width: 2, height: 1, rgb: Uint8Array.from([0, 0, 0, 255, 255, 255]) };
    const x = preprocessVwwFrame(img);
    expect(x.length).toBe(30_000);
    // Row 0, first and last columns: the clamped borders keep the source values.
    expect(x[0]).toBe(-0.5);
    expect(x[99 * 3]).toBe(0.5);
  });
});
