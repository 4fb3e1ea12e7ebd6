/**
 * Mean-corrected programming targets: the closed-form mean of a programmed device against the chip's own
 * device sampler (statistics with stated tolerances), a hand-computed value, the inverse, and images
 * that keep their trained network.
 */
import { describe, expect, test } from 'vitest';
import { deviceStats, G_MAX_US } from '../../../host/chip/device-stats.js';
import { readWeightImage, writeWeightImage } from '../../../models/image/format.js';
import {
  correctedTargetNorm, expectedProgrammedNorm, expectedWeightNorm, sigmaProgNorm, targetMapOf, withCorrectedTargets,
} from '../../../models/image/programming-targets.js';
import { randomImage } from '../../../models/image/random.js';

describe('mean programmed conductance', () => {
  test('target 0: σ_P(0)/√(2π), by hand 0.26348 µS / 25 µS / 2.50663 = 0.0042046', () => {
    expect(expectedProgrammedNorm(0)).toBeCloseTo(0.26348 / 25 / Math.sqrt(2 * Math.PI), 9);
    expect(expectedProgrammedNorm(0)).toBeCloseTo(0.0042046, 6);
  });

  test('far above σ_P the clip is inactive: the mean is the target', () => {
    for (const g of [0.3, 0.6, 1]) expect(expectedProgrammedNorm(g)).toBeCloseTo(g, 9);
  });

  // The chip's `paper` preset (assembly/device.ts) programs G_P = max(G_T + σ_P·z, 0); 200,000 devices per
  // target give the mean within 4 standard errors (σ_P/√n ≤ 1.1 µS / 447 ≈ 2.4e-3 µS).
  test.each([0, 0.05, 0.2, 0.5, 2, 12.5, 25])('G_T = %f µS: the closed form is the sampled mean of the chip\'s devices', async (gUs) => {
    const n = 200_000;
    const s = await deviceStats({ preset: 'paper', gUs, tSeconds: 25, n, seed: 11 });
    const want = expectedProgrammedNorm(gUs / G_MAX_US) * G_MAX_US;
    const se = (sigmaProgNorm(gUs / G_MAX_US) * G_MAX_US) / Math.sqrt(n);
    expect(Math.abs(s.programmed.mean - want)).toBeLessThan(4 * se);
  });
});

describe('corrected targets', () => {
  test('are the inverse of the expected pair weight, odd, and stay in [−1, 1]', () => {
    for (let x = -0.995; x <= 0.995; x += 0.0173) {
      const y = correctedTargetNorm(x);
      expect(Math.abs(y)).toBeLessThanOrEqual(1);
      expect(expectedWeightNorm(y)).toBeCloseTo(x, 9);
      expect(correctedTargetNorm(-x)).toBe(-y);
    }
    expect(correctedTargetNorm(0)).toBe(0);
    // Beyond what a target of ±1 reaches (1 − m(0) ≈ 0.9958), the bound.
    expect(correctedTargetNorm(0.999)).toBe(1);
    expect(correctedTargetNorm(-1)).toBe(-1);
    // The fast path (eight σ_P above 0) and the bisection meet: no step where they hand over.
    for (let x = 0.05; x < 0.2; x += 0.0011) expect(expectedWeightNorm(correctedTargetNorm(x))).toBeCloseTo(x, 12);
    // Newton's range, down to weights far below σ_P(0) (where the target is ~1.9·x: the clip halves it).
    for (const x of [1e-9, 1e-6, 1e-4, 1e-3, 3e-3, 0.01, 0.02]) expect(Math.abs(expectedWeightNorm(correctedTargetNorm(x)) - x)).toBeLessThan(1e-15);
  });

  test('move small weights by ~m(0) and large ones by less than it', () => {
    // Small |x|: the pair's unused device adds m(0), the used one also sits above its target near 0.
    const dSmall = correctedTargetNorm(0.01) - 0.01;
    const dMid = correctedTargetNorm(0.5) - 0.5;
    expect(dMid).toBeCloseTo(expectedProgrammedNorm(0), 6);
    expect(dSmall).toBeGreaterThan(0);
    expect(dSmall).toBeLessThan(dMid);
  });

  test('marking an image keeps its weights; the target map is the identity for an unmarked one', () => {
    const img = randomImage('kws', 5);
    const marked = withCorrectedTargets(img);
    expect(marked.training.targets).toBe('mean-corrected');
    expect(img.training.targets).toBeUndefined(); // not mutated
    expect(marked.layers).toBe(img.layers);
    const back = readWeightImage(writeWeightImage(marked), 'kws');
    expect(back.training.targets).toBe('mean-corrected');
    expect(back.layers[2]!.weights).toEqual(img.layers[2]!.weights);
    expect(withCorrectedTargets(marked)).toBe(marked); // once only
    expect(targetMapOf(img)(0.3)).toBe(0.3);
    expect(targetMapOf(back)(0.3)).toBe(correctedTargetNorm(0.3));
  });

  test('an image without the field reads and writes the same bytes as before', () => {
    const bytes = writeWeightImage(randomImage('vww', 2));
    expect(new TextDecoder().decode(bytes.subarray(20, 2000))).not.toMatch(/targets/);
    expect(writeWeightImage(readWeightImage(bytes))).toEqual(bytes);
  });

  test('an unknown targets value is one clear error', () => {
    const img = randomImage('kws', 1);
    const bad = { ...img, training: { ...img.training, targets: 'exact' as never } };
    expect(() => readWeightImage(writeWeightImage(bad))).toThrow(/training\.targets must be "mean-corrected" or absent/);
  });
});
