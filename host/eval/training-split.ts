/**
 * Which examples to score: a shipped image was trained on most of its data set, so scoring all of it
 * measures memory, not accuracy. An image's training meta names its data ("speech_commands: 3,244 train
 * clips … / 949 validation clips, …, seed 0"); when the set being evaluated splits, with that seed, into
 * exactly those counts, it is the set the image was trained on, and only the held-out part is scored
 * unless the user asks for all of it.
 */
import type { Task } from '../../models/graphs/types.js';
import type { TrainingMeta } from '../../models/image/types.js';
import { UserError } from '../errors.js';
import type { Dataset } from './dataset.js';
import { validationPredicate } from './split.js';

/** `auto` (default): held out when the set is the images' training set; `held-out` / `all`: as asked. */
export type ExampleChoice = 'auto' | 'held-out' | 'all';

export interface TrainingData {
  /** Folder name of the data set ("speech_commands", "vww"). */
  dataset: string;
  train: number;
  validation: number;
}

/** The counts in a training meta's `data` description, or null when it names none (random images, others). */
export function parseTrainingData(description: string): TrainingData | null {
  const m = /^(\w+):\s*([\d,]+) train\b.*?\/\s*([\d,]+) validation\b/.exec(description);
  if (!m) return null;
  const n = (s: string) => Number(s.replace(/,/g, ''));
  return { dataset: m[1]!, train: n(m[2]!), validation: n(m[3]!) };
}

/** True when `ds` is the set `training` was trained on: it splits with the image's seed into the logged counts. */
export function isTrainingSet(task: Task, ds: Dataset, training: TrainingMeta): boolean {
  if (training.method === 'random') return false;
  const logged = parseTrainingData(training.data);
  if (!logged) return false;
  const isVal = validationPredicate(task, ds.rows, training.seed);
  const validation = ds.rows.filter(isVal).length;
  return validation === logged.validation && ds.rows.length - validation === logged.train;
}

export interface ExampleSelection {
  /** The split seed whose held-out part is scored, or null for every example. */
  heldOutSeed: number | null;
  /** The one note that says which examples are scored and why (null when nothing needs saying). */
  note: string | null;
}

const fmt = (n: number) => n.toLocaleString('en-US');

/**
 * Decide which examples of `ds` to score for images with these training metas (one run of `eval` or
 * `ablation`; held-out needs one split, so one seed).
 */
export function selectExamples(task: Task, ds: Dataset, trainings: TrainingMeta[], choice: ExampleChoice): ExampleSelection {
  const seeds = [...new Set(trainings.map((t) => t.seed))];
  const trainedOn = trainings.length > 0 && trainings.every((t) => isTrainingSet(task, ds, t));
  const images = trainings.length === 1 ? 'the image' : 'the images';
  const imagesWere = trainings.length === 1 ? 'the image was' : 'the images were';
  if (choice === 'all') {
    if (!trainedOn) return { heldOutSeed: null, note: null };
    const held = ds.rows.filter(validationPredicate(task, ds.rows, seeds[0]!)).length;
    return {
      heldOutSeed: null,
      note: `evaluating all ${fmt(ds.rows.length)} examples of ${ds.dir}, including the ${fmt(ds.rows.length - held)} ${imagesWere} trained on (the default scores only the ${fmt(held)} held out)`,
    };
  }
  if (choice === 'auto' && !trainedOn) return { heldOutSeed: null, note: null };
  if (seeds.length > 1) {
    throw new UserError(
      `the images were trained with different seeds (${seeds.join(', ')}), so their held-out examples differ: evaluate them one at a time, or all examples with --all`,
    );
  }
  const seed = seeds[0];
  if (seed === undefined) return { heldOutSeed: null, note: null };
  const held = ds.rows.filter(validationPredicate(task, ds.rows, seed)).length;
  if (!trainedOn) {
    return { heldOutSeed: seed, note: `--held-out: ${ds.dir} is not the set ${images} logged as training data; applying the split of seed ${seed} anyway (${fmt(held)} examples)` };
  }
  return {
    heldOutSeed: seed,
    note: `evaluating the ${fmt(held)} of ${fmt(ds.rows.length)} examples ${images} never saw in training (held out, split seed ${seed}); --all scores every example, training data included`,
  };
}
