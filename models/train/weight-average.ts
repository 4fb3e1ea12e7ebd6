/**
 * An exponential moving average of the trained variables (Polyak averaging): avg ← d·avg + (1 − d)·v after
 * every step. Validation accuracy on these small data sets swings by several points from epoch to epoch
 * (KWS stage 1: 83–90 %); the average sits in the middle of where the weights wander, which is flatter
 * and so also kinder to the chip's weight noise. The run exports the average (train.ts `--ema`).
 */
import * as tf from '@tensorflow/tfjs';
import { UserError } from '../../host/errors.js';

export class WeightAverage {
  private readonly avg: tf.Variable[];

  /**
   * `vars`: the live variables to average, in a stable order; `decay` d in (0, 1); `state`: the averages
   * of a checkpoint (else the average starts at the variables' current values).
   */
  constructor(
    private readonly vars: tf.Variable[],
    readonly decay: number,
    state?: Float32Array[],
  ) {
    if (!(decay > 0 && decay < 1)) throw new Error(`averaging decay must be in (0, 1) (got ${decay})`);
    // A state comes from a checkpoint file: a mismatch is the user's file, not a bug.
    if (state && state.length !== vars.length) throw new UserError(`averaging state holds ${state.length} variables, the model ${vars.length}`);
    this.avg = vars.map((v, i) => {
      const s = state?.[i];
      if (s && s.length !== v.size) throw new UserError(`averaging state of ${v.name} has the wrong size`);
      return tf.variable(s ? tf.tensor(s, v.shape) : v.clone(), false);
    });
  }

  /**
   * One step of the average (after each optimisation step). With `step` (the run's step count, from 0) the
   * decay warms up as min(d, (1 + step)/(10 + step)) (TensorFlow's ExponentialMovingAverage with
   * num_updates), so a short run's average is not held back by its starting weights (d = 0.998 over
   * 825 steps would keep 19 % of them).
   */
  update(step?: number): void {
    const d = step === undefined ? this.decay : Math.min(this.decay, (1 + step) / (10 + step));
    tf.tidy(() => this.avg.forEach((a, i) => a.assign(tf.add(tf.mul(a, d), tf.mul(this.vars[i]!, 1 - d)))));
  }

  /** The averages, for checkpoints. */
  state(): Float32Array[] {
    return this.avg.map((a) => Float32Array.from(a.dataSync() as Float32Array));
  }

  /** Runs `fn` with the averages in the live variables, then puts the live values back exactly. */
  withAverage<T>(fn: () => T): T {
    const live = this.vars.map((v) => v.clone());
    try {
      this.vars.forEach((v, i) => v.assign(this.avg[i]!));
      return fn();
    } finally {
      this.vars.forEach((v, i) => v.assign(live[i]!));
      tf.dispose(live);
    }
  }

  /** Writes the averages into the live variables for good (before export). */
  commit(): void {
    this.vars.forEach((v, i) => v.assign(this.avg[i]!));
  }

  dispose(): void {
    tf.dispose(this.avg);
  }
}
