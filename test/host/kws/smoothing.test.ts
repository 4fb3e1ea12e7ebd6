import { expect, test } from 'vitest';
import { PosteriorSmoother } from '../../../host/kws/smoothing.js';

test('mean over the last W inferences (hand-computed), fewer while filling', () => {
  const s = new PosteriorSmoother(2, 3);
  expect(Array.from(s.push([1, 0]))).toEqual([1, 0]);
  expect(Array.from(s.push([0, 1]))).toEqual([0.5, 0.5]);
  expect(s.push([0.5, 0.5])[0]).toBeCloseTo(0.5, 12);
  // window now [0,1],[0.5,0.5],[0.2,0.8] → [0.7/3, 2.3/3]
  const m = s.push([0.2, 0.8]);
  expect(m[0]).toBeCloseTo(0.7 / 3, 12);
  expect(m[1]).toBeCloseTo(2.3 / 3, 12);
  expect(s.filled).toBe(3);
});

test('a long run does not drift (running sum) and reset empties it', () => {
  const s = new PosteriorSmoother(1, 4);
  let m: Float64Array = new Float64Array(1);
  for (let i = 0; i < 100_000; i++) m = s.push([(i % 10) / 10]);
  // last four: 0.6, 0.7, 0.8, 0.9
  expect(m[0]).toBeCloseTo(0.75, 9);
  s.reset();
  expect(s.filled).toBe(0);
  expect(Array.from(s.push([0.3]))).toEqual([0.3]);
});

test('validation', () => {
  expect(() => new PosteriorSmoother(2, 0)).toThrow(/window/);
  expect(() => new PosteriorSmoother(2, 2).push([1])).toThrow(/expected 2/);
});
