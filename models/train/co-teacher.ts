/**
 * A second teacher: a float weight image of the network being trained (an earlier student), whose
 * log-probabilities are averaged with the first teacher's (after its prior, teacher-prior.ts) into the
 * distillation target. On our held-out split such an average beats either alone (bench/teacher-ceiling.ts:
 * VWW teacher 83.6 %, full-8 81.2 %, their average 84.8 %): the student knows our data, the teacher the
 * full data set. Same input as the student (its centred VWW input), evaluated without noise or converters.
 */
import * as tf from '@tensorflow/tfjs';
import type { NetworkGraph } from '../graphs/types.js';
import { loadWeightImage } from '../image/load.js';
import type { Examples } from './data.js';
import { initFromImage } from './export.js';
import { evalLogits } from './hw.js';
import { createModel, disposeModel } from './model.js';

export interface CoTeacher {
  /** mean(logSoftmax(teacher), logSoftmax(image(x))): [N, classes]; the caller disposes it (not its inputs). */
  blend(teacher: tf.Tensor2D, x: tf.Tensor4D): tf.Tensor2D;
  dispose(): void;
}

/** Loads `path` (a trained image of `graph`'s network; a bad one is a UserError) as a float network. */
export function loadCoTeacher(path: string, graph: NetworkGraph, calibration: Examples): CoTeacher {
  const image = loadWeightImage(path, graph.name);
  const model = createModel(graph, 0);
  initFromImage(model, image, calibration);
  return {
    blend: (teacher, x) => tf.tidy(() => tf.div(tf.add(tf.logSoftmax(teacher), tf.logSoftmax(evalLogits(model, x, null))), 2) as tf.Tensor2D),
    dispose: () => disposeModel(model),
  };
}
