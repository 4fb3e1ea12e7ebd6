import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { validationPredicate, VALIDATION_FRACTION } from '../../../host/eval/split.js';
import { loadDataset } from '../../../host/eval/dataset.js';
import { testData } from '../data.js';

describe('train/validation split (shared by trainer and eval --held-out)', () => {
  const ds = loadDataset(join(testData(), 'speech_commands'));
  it('never puts one speaker on both sides, holds out ~20 % of speakers, and is deterministic in the seed', () => {
    const isVal = validationPredicate('kws', ds.rows, 7);
    const sides = new Map<string, Set<boolean>>();
    for (const r of ds.rows) if (r.speaker) (sides.get(r.speaker) ?? sides.set(r.speaker, new Set()).get(r.speaker)!).add(isVal(r));
    for (const s of sides.values()) expect(s.size).toBe(1);
    const speakers = [...sides.keys()];
    const held = speakers.filter((s) => sides.get(s)!.has(true)).length;
    expect(Math.abs(held - speakers.length * VALIDATION_FRACTION)).toBeLessThanOrEqual(0.5);
    const again = validationPredicate('kws', ds.rows, 7);
    expect(ds.rows.map(again)).toEqual(ds.rows.map(isVal));
    const other = validationPredicate('kws', ds.rows, 8);
    expect(ds.rows.map(other)).not.toEqual(ds.rows.map(isVal));
  });
  it('splits VWW by image, ~20 % held out', () => {
    const v = loadDataset(join(testData(), 'vww'));
    const isVal = validationPredicate('vww', v.rows, 0);
    const n = v.rows.filter(isVal).length;
    expect(n).toBe(Math.round(v.rows.length * VALIDATION_FRACTION));
    expect(readFileSync(join(testData(), 'vww', 'index.csv'), 'utf8')).toContain('path,label');
  });
});
