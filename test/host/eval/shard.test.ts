import { describe, expect, it } from 'vitest';
import { allCells, parseShard, shardCells, shardRange } from '../../../host/eval/shard.js';
import { mergePartials, PARTIAL_FORMAT, PARTIAL_VERSION, type PartialFile } from '../../../host/eval/partial.js';
import { sweepResult } from '../../../host/eval/sweep.js';

describe('--shard K/N', () => {
  it('takes K from the flag, or from JOB_COMPLETION_INDEX / SLURM_ARRAY_TASK_ID − SLURM_ARRAY_TASK_MIN with auto', () => {
    expect(parseShard('2/5', {})).toEqual({ index: 2, count: 5 });
    expect(parseShard('auto/4', { JOB_COMPLETION_INDEX: '3' })).toEqual({ index: 3, count: 4 });
    expect(parseShard('auto/8', { SLURM_ARRAY_TASK_ID: '1', SLURM_ARRAY_TASK_MIN: '1', SLURM_ARRAY_TASK_COUNT: '8' })).toEqual({ index: 0, count: 8 });
    expect(parseShard('auto/8', { SLURM_ARRAY_TASK_ID: '7' })).toEqual({ index: 7, count: 8 });
    // Kubernetes first when both are set (a Slurm job step inside a pod is not a thing; a stale variable is).
    expect(parseShard('auto/4', { JOB_COMPLETION_INDEX: '0', SLURM_ARRAY_TASK_ID: '3' })).toEqual({ index: 0, count: 4 });
  });

  it.each([
    ['3/3', {}, /shard index must be below 3/],
    ['1', {}, /--shard must be K\/N/],
    ['-1/3', {}, /--shard must be K\/N/],
    ['0/0', {}, /--shard must be K\/N/],
    ['a/3', {}, /--shard must be K\/N/],
    ['auto/3', {}, /neither JOB_COMPLETION_INDEX .* nor SLURM_ARRAY_TASK_ID/],
    ['auto/3', { JOB_COMPLETION_INDEX: 'x' }, /JOB_COMPLETION_INDEX is "x"/],
    ['auto/3', { JOB_COMPLETION_INDEX: '3' }, /auto \(= 3\)\/3: the shard index must be below 3/],
    ['auto/3', { SLURM_ARRAY_TASK_ID: '4', SLURM_ARRAY_TASK_COUNT: '4' }, /the Slurm array has 4 tasks/],
  ] as const)('rejects %s with %j', (spec, env, msg) => {
    expect(() => parseShard(spec, env)).toThrow(msg);
  });
});

describe('cells of a shard', () => {
  it('N shards cover every cell of every image exactly once, in contiguous slices (hand-counted case)', () => {
    // Two images: 2 runs × 2 times × 2 bits = 8 cells, and 2 runs × 1 × 1 = 2 cells: 10 cells in all.
    const grids = [{ runs: 2, times: 2, bits: 2 }, { runs: 2, times: 1, bits: 1 }];
    const parts = [0, 1, 2].map((index) => shardCells(grids, { index, count: 3 }));
    // ⌊10k/3⌋: [0, 3), [3, 6), [6, 10)
    expect(parts.map((p) => p[0]!.length + p[1]!.length)).toEqual([3, 3, 4]);
    expect(parts[1]![0]).toEqual([{ run: 0, time: 1, bits: 1 }, { run: 1, time: 0, bits: 0 }, { run: 1, time: 0, bits: 1 }]);
    expect(parts[2]![1]).toEqual([{ run: 0, time: 0, bits: 0 }, { run: 1, time: 0, bits: 0 }]);
    for (const [j, g] of grids.entries()) expect(parts.flatMap((p) => p[j]!)).toEqual(allCells(g));
    for (const n of [1, 4, 7, 10, 13]) {
      const all = [...Array(n).keys()].map((index) => shardCells(grids, { index, count: n }));
      for (const [j, g] of grids.entries()) expect(all.flatMap((p) => p[j]!)).toEqual(allCells(g));
    }
    expect(shardRange(10, { index: 2, count: 3 })).toEqual([6, 10]);
    expect(shardRange(2, { index: 1, count: 4 })).toEqual([0, 1]); // ⌊2/4⌋, ⌊4/4⌋
    expect(shardRange(2, { index: 0, count: 4 })).toEqual([0, 0]); // more shards than examples: some score none
  });
});

const part = (index: number, count: number, cells: PartialFile['jobs'][number]['counts']['cells'], float: [number, number, number], fingerprint = 'f'): { name: string; file: PartialFile } => ({
  name: `part-${index}.json`,
  file: {
    format: PARTIAL_FORMAT,
    version: PARTIAL_VERSION,
    command: 'eval',
    shard: { index, count },
    fingerprint,
    runs: 2,
    items: 4,
    header: {},
    jobs: [{ timesS: [25], bits: [8, 4], counts: { cells, floatFrom: float[0], floatTo: float[1], floatCorrect: float[2] } }],
  },
});

describe('merge', () => {
  // 2 runs × 1 time × 2 bits over 4 examples, in two shards; hand-computed result.
  const a = part(0, 2, [{ run: 0, time: 0, bits: 0, correct: 3 }, { run: 0, time: 0, bits: 1, correct: 1 }], [0, 2, 2]);
  const b = part(1, 2, [{ run: 1, time: 0, bits: 0, correct: 4 }, { run: 1, time: 0, bits: 1, correct: 2 }], [2, 4, 1]);

  it('adds the shards up (any order) to the counts of the whole sweep', () => {
    const m = mergePartials([b, a]);
    expect(m.results[0]!.baseline).toBe(0.75);
    expect(m.results[0]!.results.map((p) => [p.bits, p.runs])).toEqual([[8, [0.75, 1]], [4, [0.25, 0.5]]]);
    expect(m.results[0]!.results[0]!.mean).toBe(0.875);
    const whole = sweepResult({ timesS: [25], bits: [8, 4] }, 2, 4, {
      cells: [...a.file.jobs[0]!.counts.cells, ...b.file.jobs[0]!.counts.cells],
      floatFrom: 0,
      floatTo: 4,
      floatCorrect: 3,
    });
    expect(m.results[0]).toEqual(whole);
  });

  it('one clear error for a missing shard, a shard given twice, shards of another split or sweep', () => {
    expect(() => mergePartials([a])).toThrow(/^shard 1 of 2 missing \(got 0\)$/);
    expect(() => mergePartials([a, { ...a, name: 'copy.json' }, b])).toThrow(/^shard 0\/2 is given twice: part-0\.json and copy\.json$/);
    expect(() => mergePartials([a, part(1, 3, [], [0, 0, 0])])).toThrow(/must come from one --shard K\/N split/);
    expect(() => mergePartials([a, part(1, 2, [], [2, 4, 1], 'other')])).toThrow(/shards of different sweeps/);
    // Same fingerprint, but a cell missing (a file edited by hand, or a bug): not a silent NaN.
    expect(() => mergePartials([a, part(1, 2, [{ run: 1, time: 0, bits: 0, correct: 4 }], [2, 4, 1])])).toThrow(/do not add up to one sweep: cell run 1, time 0, bits 1 was not evaluated/);
  });
});
