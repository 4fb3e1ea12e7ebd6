/**
 * runSweepJobs (several images' sweeps on one worker pool, runs first, float baselines in short slices,
 * a float baseline shared by images with the same bytes computed once) counts what one runSweepCells
 * per image counts, and the float baseline is floatForward's (the plain-JS reference). From the
 * TypeScript sources the sweep runs in-thread; the worker path is the compiled CLI's (shard-merge test).
 */
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { loadDataset } from '../../../host/eval/dataset.js';
import { prepareInputs } from '../../../host/eval/inputs.js';
import type { SweepConfig } from '../../../host/eval/run.js';
import { FLOAT_SLICE, runSweepCells, runSweepJobs } from '../../../host/eval/sweep.js';
import { sharedDataDir } from '../../../host/paths.js';
import { getGraph } from '../../../models/graphs/index.js';
import { floatForward } from '../../../models/image/float-forward.js';
import { writeWeightImage } from '../../../models/image/format.js';
import { randomImage } from '../../../models/image/random.js';

test('several images on one pool = one sweep per image; a shared float baseline is computed once and equals floatForward', async () => {
  const graph = getGraph('kws');
  const items = loadDataset(join(sharedDataDir(), 'speech_commands')).items;
  const n = FLOAT_SLICE + 7; // two float slices
  const data = prepareInputs(graph, Array.from({ length: n }, (_, i) => items[Math.floor((i * items.length) / n)]!));
  const a = randomImage('kws', 1), b = randomImage('kws', 2);
  const cfg = (img: typeof a, bits: SweepConfig['bits']): SweepConfig => ({ network: 'kws', imageBytes: writeWeightImage(img), preset: 'paper', gdc: true, seed: 0, timesS: [25, 86_400], bits });
  const cfgs = [cfg(a, [8]), cfg(a, [4]), cfg(b, [6])];
  const cells = [[{ run: 0, time: 1, bits: 0 }, { run: 1, time: 0, bits: 0 }], undefined, [{ run: 1, time: 1, bits: 0 }]];
  const together = await runSweepJobs(cfgs.map((c, j) => ({ cfg: c, cells: cells[j], floatRange: [0, n] as const })), data, { runs: 2 });
  const alone = await Promise.all(cfgs.map((c, j) => runSweepCells(c, data, { runs: 2, cells: cells[j] })));
  expect(together).toEqual(alone);
  expect(together[0]!.cells.length).toBe(2);
  expect(together[1]!.cells.length).toBe(4);
  for (const [j, img] of [[0, a]] as const) {
    let right = 0;
    for (let k = 0; k < n; k++) {
      const out = floatForward(graph, img, data.x.subarray(k * data.inputSize, (k + 1) * data.inputSize));
      let best = 0;
      for (let i = 1; i < out.length; i++) if (out[i]! > out[best]!) best = i;
      if (best === data.y[k]) right++;
    }
    expect(together[j]!.floatCorrect).toBe(right);
  }
  expect(together[1]!.floatCorrect).toBe(together[0]!.floatCorrect);
  // A float range of a shard, and an empty one.
  const [from, to] = [5, FLOAT_SLICE + 6]; // across a slice boundary, inside the n examples
  const part = await runSweepJobs([{ cfg: cfgs[0]!, cells: [], floatRange: [from, to] }, { cfg: cfgs[1]!, cells: [], floatRange: [to, to] }], data, { runs: 2 });
  expect(part[0]).toMatchObject({ cells: [], floatFrom: from, floatTo: to });
  expect(part[1]).toEqual({ cells: [], floatFrom: to, floatTo: to, floatCorrect: 0 });
});
