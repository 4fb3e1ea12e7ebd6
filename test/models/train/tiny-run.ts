/**
 * The tiny KWS training run the trainer's end-to-end tests share (real data, few examples, few steps):
 * 100 clips → ~80 training examples → 2 steps of 32 per epoch; 4 steps = 2 epochs (resume needs ≥ 2).
 */
import { join } from 'node:path';
import { sharedDataDir } from '../../../host/paths.js';
import { loadWeightImage } from '../../../models/image/load.js';
import { train, type TrainOptions } from '../../../models/train/train.js';

/** Stage 1, writing `<dir>/<name>.aonw` with its checkpoints in `<dir>/ck-<name>`. */
export function tinyKwsRun(dir: string, name: string, seed: number): TrainOptions {
  return {
    task: 'kws',
    mode: 'baseline',
    bits: 8,
    eta: 0.1,
    epochs: 1,
    steps: 4,
    batch: 32,
    lr: 1e-3,
    out: join(dir, `${name}.aonw`),
    seed,
    dataDir: sharedDataDir(),
    resume: false,
    limit: 100,
    checkpointDir: join(dir, `ck-${name}`),
    calibrationExamples: 32,
  };
}

/** The weights of a KWS image file, layer by layer (to compare two runs' images exactly). */
export function imageWeights(path: string): number[][] {
  return loadWeightImage(path, 'kws').layers.map((l) => Array.from(l.weights));
}

/** The run stopped after its first epoch and resumed from the checkpoint: the image path it ends with. */
export async function stoppedAndResumed(o: TrainOptions): Promise<string> {
  await train({ ...o, stopAfterEpochs: 1 });
  return (await train({ ...o, resume: true })).imagePath;
}
