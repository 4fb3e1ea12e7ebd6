/**
 * Speed perturbation (models/train/speed.ts): hand-computed resampling about the centre, a tone's pitch
 * scaled by the factor, and the trainer's KWS views: off = the views of runs made before it, on = the
 * same clips and labels in the same order with other samples.
 */
import { describe, expect, it } from 'vitest';
import { sharedDataDir } from '../../../host/paths.js';
import { loadKws } from '../../../models/train/data.js';
import { changeSpeed } from '../../../models/train/speed.js';

describe('changeSpeed', () => {
  const ramp = Int16Array.from([0, 10, 20, 30, 40]); // centre sample 2
  it('factor 1 is the identity', () => {
    expect(Array.from(changeSpeed(ramp, 1))).toEqual([0, 10, 20, 30, 40]);
  });
  it('twice as fast: out[i] = in(2 + 2(i − 2)), zeros outside', () => {
    expect(Array.from(changeSpeed(ramp, 2))).toEqual([0, 0, 20, 40, 0]);
  });
  it('half as fast: linear interpolation between samples', () => {
    expect(Array.from(changeSpeed(ramp, 0.5))).toEqual([10, 15, 20, 25, 30]);
  });
  it('a 440 Hz tone played 1.2× as fast is a 528 Hz tone (zero crossings in the middle half, ±1 %)', () => {
    const n = 16000;
    const tone = Int16Array.from({ length: n }, (_, i) => Math.round(10000 * Math.sin((2 * Math.PI * 440 * i) / 16000 + 0.3)));
    const fast = changeSpeed(tone, 1.2);
    let crossings = 0;
    for (let i = n / 4 + 1; i < (3 * n) / 4; i++) if (Math.sign(fast[i]!) !== Math.sign(fast[i - 1]!) && fast[i] !== 0) crossings++;
    // Half a second holds 2·528·0.5 = 528 crossings.
    expect(Math.abs(crossings / 528 - 1)).toBeLessThan(0.01);
  });
  it('rejects a factor that is not positive', () => {
    expect(() => changeSpeed(ramp, 0)).toThrow(RangeError);
    expect(() => changeSpeed(ramp, Number.NaN)).toThrow(RangeError);
  });
});

describe('KWS training views with speed perturbation', () => {
  const data = loadKws(sharedDataDir(), 3, 60);
  it('speed 0 gives the views of a run without it; speed 0.15 changes the samples, not the clips or labels', () => {
    const plain = data.trainEpoch(2);
    expect(Buffer.from(data.trainEpoch(2, { speed: 0 }).x.buffer).equals(Buffer.from(plain.x.buffer))).toBe(true);
    const fast = data.trainEpoch(2, { speed: 0.15 });
    expect(Array.from(fast.y)).toEqual(Array.from(plain.y));
    expect(Buffer.from(fast.x.buffer).equals(Buffer.from(plain.x.buffer))).toBe(false);
    // Seeded: the same epoch twice is the same views.
    expect(Buffer.from(data.trainEpoch(2, { speed: 0.15 }).x.buffer).equals(Buffer.from(fast.x.buffer))).toBe(true);
  });
});
