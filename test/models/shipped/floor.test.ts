/**
 * The accuracy floor of the shipped images: `full-8` of each task on a fixed sample of its trainer's
 * validation split (examples no shipped image was trained on), on the emulated chip (paper preset, GDC,
 * one chip, one day after programming). The floors sit a few points under what the images scored when
 * they shipped, so a change to the chip, the compiler or a front end that silently costs accuracy fails
 * here. Retraining an image moves its figure: update MEASURED (and the floor) with the image.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadDataset } from '../../../host/eval/dataset.js';
import { prepareInputs } from '../../../host/eval/inputs.js';
import { evaluateRun } from '../../../host/eval/run.js';
import { validationPredicate } from '../../../host/eval/split.js';
import { repoPath, sharedDataDir } from '../../../host/paths.js';
import { getGraph } from '../../../models/graphs/index.js';
import { readWeightImage } from '../../../models/image/format.js';
import type { Task } from '../../../models/graphs/types.js';

/** Held-out examples scored, in index.csv order: fixed, so the figure is exact and repeatable. */
const SAMPLE = { kws: 400, vww: 165 } as const;
/** Accuracy (%) of the shipped full-8 image on that sample when it shipped, and the floor under it. */
const MEASURED: Record<Task, number> = { kws: 92.0, vww: 83.0 }; // KWS: full-8 distilled from the teacher with its prior refitted (session 18; 93.3 before: the sample, in index.csv order, is 27 % _unknown_, the class that correction trades away, while all 949 clips gained 2 points); VWW: full-8 from session 17's stage 1 continued 150 epochs with colour jitter, then four 40-epoch frozen-statistics blocks, the last two at η 0.06 (session 20)
const MARGIN = { kws: 3, vww: 5 } as const; // VWW: 165 images, one image = 0.6 points

const DATASET: Record<Task, string> = { kws: 'speech_commands', vww: 'vww' };
const DAY_S = 86_400;

for (const task of ['kws', 'vww'] as const) {
  const dir = join(sharedDataDir(), DATASET[task]);
  describe.skipIf(!existsSync(join(dir, 'index.csv')))(`shipped ${task} full-8 (data not found at ${dir} skips)`, () => {
    it(`stays above ${MEASURED[task] - MARGIN[task]} % after a day on the chip (${SAMPLE[task]} held-out examples)`, async () => {
      const bytes = new Uint8Array(readFileSync(repoPath('models', task, 'full-8.aonw')));
      const image = readWeightImage(bytes, task);
      const ds = loadDataset(dir);
      const isVal = validationPredicate(task, ds.rows, image.training.seed);
      const items = ds.items.filter((_, i) => isVal(ds.rows[i]!)).slice(0, SAMPLE[task]);
      expect(items.length).toBe(SAMPLE[task]);
      const inputs = prepareInputs(getGraph(task), items);
      const r = await evaluateRun(
        { network: task, imageBytes: bytes, preset: 'paper', gdc: true, seed: 0, timesS: [DAY_S], bits: [8] },
        0,
        inputs.x,
        inputs.y,
      );
      const pct = 100 * r.accuracy[0]![0]!;
      console.log(`floor ${task}: ${pct.toFixed(2)} %`);
      expect(pct).toBeGreaterThanOrEqual(MEASURED[task] - MARGIN[task]);
    });
  });
}
