/**
 * `--view-seed` (models/train/data.ts EpochView.seed): a continuation run with another view seed must see
 * new views of the same training split. Checked on the trainer's data: the view seed equal to the data's
 * seed gives the views of a run without it, byte for byte; another seed changes the views and their order
 * but not which examples (label counts) an epoch holds; it is itself seeded.
 */
import { describe, expect, it } from 'vitest';
import { sharedDataDir } from '../../../host/paths.js';
import { loadKws, loadVww } from '../../../models/train/data.js';

const same = (a: Float32Array | Int32Array, b: Float32Array | Int32Array) =>
  a.length === b.length && Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));

describe.each([
  ['kws', () => loadKws(sharedDataDir(), 0, 200)],
  ['vww', () => loadVww(sharedDataDir(), 0, 60)],
] as const)('%s views under --view-seed', (_task, load) => {
  const data = load();
  it('the data seed as view seed = no view seed (runs made before it keep their views)', () => {
    expect(same(data.trainEpoch(3, { seed: 0 }).x, data.trainEpoch(3).x)).toBe(true);
  });
  it('another view seed: other views and order of the same examples', () => {
    const a = data.trainEpoch(3);
    const b = data.trainEpoch(3, { seed: 1 });
    expect(b.count).toBe(a.count);
    expect(same(b.x, a.x)).toBe(false);
    // The same examples in another order: the label counts agree, the label sequence does not.
    const counts = (y: Int32Array) => Array.from(y).sort((p, q) => p - q).join(',');
    expect(counts(b.y)).toBe(counts(a.y));
    expect(same(b.y, a.y)).toBe(false);
    // Seeded: the same view seed and epoch again give the same bytes.
    expect(same(data.trainEpoch(3, { seed: 1 }).x, b.x)).toBe(true);
  });
});
