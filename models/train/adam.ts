/**
 * Adam (Kingma & Ba) over named variables with an externally scheduled learning rate. Own code rather
 * than tf.train.adam so the state (moments, step) is plain data a checkpoint can save and restore exactly.
 */
import * as tf from '@tensorflow/tfjs';

export interface AdamState {
  step: number;
  /** First and second moments, in the order of the optimiser's variables. */
  m: Float32Array[];
  v: Float32Array[];
}

export class Adam {
  private readonly m = new Map<string, tf.Variable>();
  private readonly v = new Map<string, tf.Variable>();
  step = 0;

  constructor(
    private readonly vars: tf.Variable[],
    private readonly beta1 = 0.9,
    private readonly beta2 = 0.999,
    private readonly epsilon = 1e-7,
    /** Per-variable multipliers of the learning rate (default 1), in the order of `vars`. */
    private readonly lrScale: number[] = [],
  ) {
    for (const x of vars) {
      this.m.set(x.name, tf.variable(tf.zerosLike(x), false));
      this.v.set(x.name, tf.variable(tf.zerosLike(x), false));
    }
  }

  /** One update with learning rate `lr`; `grads` keyed by variable name (missing = no update). */
  apply(grads: Record<string, tf.Tensor>, lr: number): void {
    this.step++;
    const t = this.step;
    const a = (lr * Math.sqrt(1 - this.beta2 ** t)) / (1 - this.beta1 ** t);
    tf.tidy(() => {
      this.vars.forEach((x, i) => {
        const g = grads[x.name];
        if (!g) return;
        const ai = a * (this.lrScale[i] ?? 1);
        const m = this.m.get(x.name)!;
        const v = this.v.get(x.name)!;
        m.assign(tf.add(tf.mul(m, this.beta1), tf.mul(g, 1 - this.beta1)));
        v.assign(tf.add(tf.mul(v, this.beta2), tf.mul(tf.square(g), 1 - this.beta2)));
        x.assign(tf.sub(x, tf.div(tf.mul(m, ai), tf.add(tf.sqrt(v), this.epsilon))));
      });
    });
  }

  getState(): AdamState {
    const m = this.vars.map((x) => this.m.get(x.name)!.dataSync() as Float32Array);
    const v = this.vars.map((x) => this.v.get(x.name)!.dataSync() as Float32Array);
    return { step: this.step, m, v };
  }

  setState(s: AdamState): void {
    this.step = s.step;
    if (s.m.length !== this.vars.length || s.v.length !== this.vars.length) {
      throw new Error(`optimizer state has ${s.m.length} moments, the model ${this.vars.length} variables`);
    }
    this.vars.forEach((x, i) => {
      const mv = s.m[i]!;
      const vv = s.v[i]!;
      if (mv.length !== x.size || vv.length !== x.size) throw new Error(`optimizer state does not match the size of ${x.name}`);
      tf.tidy(() => {
        this.m.get(x.name)!.assign(tf.tensor(mv, x.shape));
        this.v.get(x.name)!.assign(tf.tensor(vv, x.shape));
      });
    });
  }

  dispose(): void {
    for (const t of [...this.m.values(), ...this.v.values()]) t.dispose();
  }
}
