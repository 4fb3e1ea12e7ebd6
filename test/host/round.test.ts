import { describe, expect, it } from 'vitest';
import { roundHalfEven } from '../../host/round.js';

describe('roundHalfEven (contracts §2)', () => {
  it('rounds ties to the even neighbour and everything else to the nearest integer', () => {
    const cases: Array<[number, number]> = [[0.5, 0], [1.5, 2], [2.5, 2], [3.5, 4], [-1.5, -2], [-2.5, -2], [2.4, 2], [2.6, 3], [-2.6, -3], [7, 7]];
    for (const [x, want] of cases) expect(roundHalfEven(x)).toBe(want);
    expect(Math.abs(roundHalfEven(-0.5))).toBe(0);
  });
});
