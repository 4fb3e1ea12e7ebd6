/** bench/teacher-ceiling.ts's arithmetic on hand-computed cases. */
import { describe, expect, it } from 'vitest';
import { accuracyOf, meanOf } from '../../bench/teacher-ceiling.js';

describe('teacher-ceiling', () => {
  it('accuracyOf: argmax of scores plus offsets against the labels, first of equal scores', () => {
    const scores = Float32Array.from([1, 0, 0, 2, 0.5, 0.5]); // rows: argmax 0, 1, 0 (tie)
    expect(accuracyOf(scores, [0, 1, 1])).toBeCloseTo(2 / 3, 12);
    expect(accuracyOf(scores, [0, 1, 1], [0, 0.6])).toBe(1); // the tie of row 2 goes to class 1; row 0 stays 0
    expect(accuracyOf(scores, [1, 1, 1], [0, 1.1])).toBe(1);
    expect(accuracyOf(new Float32Array(0), [])).toBe(0);
  });

  it('meanOf: the elementwise mean', () => {
    expect(Array.from(meanOf([Float32Array.from([1, 2]), Float32Array.from([3, 6])]))).toEqual([2, 4]);
  });
});
