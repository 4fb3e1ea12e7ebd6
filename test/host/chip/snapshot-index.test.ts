// drift(t, k): the k-th snapshot's read noise without taking snapshots 1 … k−1 first — what a sweep shard
// that evaluates one time point of a run relies on (host/eval/shard.ts).
import { describe, it, expect } from 'vitest';
import { Chip } from '../../../host/chip/chip.js';
import { buildNet, forward, rangesFor, rng, toProgram } from './net-builder.js';

const NET = [
  { name: 'conv1', kind: 'conv', k: 3, stride: 1, cout: 8, relu: true },
  { name: 'fc', kind: 'dense', k: 1, stride: 1, cout: 5, relu: false },
] as const;

describe('Chip.drift with a snapshot index', () => {
  it('drift(1d, 2) on a fresh chip equals drift(1h) then drift(1d), and differs from drift(1d, 1)', async () => {
    const net = buildNet({ h: 6, w: 6, c: 3 }, true, [...NET], 4);
    const rand = rng(9);
    const x = Float64Array.from({ length: 108 }, () => rand() * 2 - 1);
    const ref = forward(net, x);
    const program = toProgram(net, rangesFor(net, ref.maxIn, ref.maxPre));
    const input = Float32Array.from(x);
    const chip = async () => {
      const c = await Chip.create({ preset: 'paper', seed: 7, run: 3 });
      c.load(program);
      return c;
    };
    const inOrder = await chip();
    inOrder.drift(3600);
    inOrder.drift(86_400);
    const expected = { logits: Array.from(inOrder.infer(input)), alpha: inOrder.gdcFactors() };

    const jumped = await chip();
    jumped.drift(86_400, 2);
    expect({ logits: Array.from(jumped.infer(input)), alpha: jumped.gdcFactors() }).toEqual(expected);

    // Snapshot 1 at 1 day has other read noise: the index is what selects the stream.
    const first = await chip();
    first.drift(86_400, 1);
    expect(first.gdcFactors()).not.toEqual(expected.alpha);

    // After an explicit index the count goes on from there: drift(1d, 2), drift(1y) = drift(1y, 3).
    jumped.drift(365 * 86_400);
    const direct = await chip();
    direct.drift(365 * 86_400, 3);
    expect(Array.from(jumped.infer(input))).toEqual(Array.from(direct.infer(input)));
  });

  it('rejects a snapshot index that is not an integer ≥ 0', async () => {
    const c = await Chip.create({ preset: 'ideal' });
    const net = buildNet({ h: 6, w: 6, c: 3 }, true, [...NET], 4);
    const ref = forward(net, new Float64Array(108));
    c.load(toProgram(net, rangesFor(net, ref.maxIn.map(() => 1), ref.maxPre.map(() => 1))));
    expect(() => c.drift(1, -1)).toThrow(/snapshot index must be an integer ≥ 0/);
    expect(() => c.drift(1, 1.5)).toThrow(/snapshot index/);
  });
});
