/**
 * Stage 2's stochastic parts, measured through the model's own forward pass: with an identity input a
 * dense layer's output rows are its effective weights, so the injected noise can be read off directly.
 *  - eq. 1: noise ~ N(0, (η·W_max)²) per weight, fresh each pass (seed), none in evaluation;
 *  - quantization noise (Fan et al. 2020): a fraction p = 0.5 of the ADC outputs is rounded.
 * Statistical tolerances: 4096 draws → the std's relative standard error is ~1.1 %, a proportion's ~0.8 %.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { QUANT_NOISE_P, trainForwardOptions } from '../../../models/train/hw.js';
import { useWasmTrainingBackend } from '../../../models/train/kernels.js';
import { createModel, driftGainOf, forward, passDriftGain, type AnalogModel } from '../../../models/train/model.js';
import { train } from '../../../models/train/train.js';
import { sharedDataDir } from '../../../host/paths.js';
import { denseGraph } from './dense-graph.js';

const C = 64;
const graph = denseGraph(C, false);
let model: AnalogModel;
let eye: tf.Tensor4D;
let clipped: Float32Array;

beforeAll(async () => {
  await useWasmTrainingBackend();
  model = createModel(graph, 1);
  eye = tf.reshape(tf.eye(C), [C, 1, 1, C]) as tf.Tensor4D;
  const l = model.layers[0]!;
  clipped = tf.clipByValue(l.w, -l.wMax, l.wMax).dataSync() as Float32Array;
});

/** S = 1 and r_ADC = W_max, so the ADC's step on the identity input is Δ = W_max / (2^(bits−1) − 1); returns Δ. */
function adcAtWMax(bits: number): number {
  const l = model.layers[0]!;
  model.S.assign(tf.scalar(1));
  l.rAdc.assign(tf.scalar(l.wMax));
  return l.wMax / (2 ** (bits - 1) - 1);
}

function noiseOf(out: tf.Tensor): Float64Array {
  const o = out.dataSync();
  return Float64Array.from(o, (v, i) => v - clipped[i]!);
}

function stats(a: Float64Array): { mean: number; std: number } {
  const mean = a.reduce((s, v) => s + v, 0) / a.length;
  return { mean, std: Math.sqrt(a.reduce((s, v) => s + (v - mean) ** 2, 0) / a.length) };
}

describe('weight noise (eq. 1)', () => {
  it('σ = η·W_max, mean 0, fresh per seed, reproducible per seed, absent in evaluation', () => {
    const eta = 0.1;
    const wMax = model.layers[0]!.wMax;
    const opts = { training: true, eta, bits: null, quantNoiseP: QUANT_NOISE_P };
    const n1 = noiseOf(forward(model, eye, { ...opts, seed: 7 }));
    const n1again = noiseOf(forward(model, eye, { ...opts, seed: 7 }));
    const n2 = noiseOf(forward(model, eye, { ...opts, seed: 8 }));
    const s = stats(n1);
    expect(s.std / (eta * wMax)).toBeGreaterThan(0.95);
    expect(s.std / (eta * wMax)).toBeLessThan(1.05);
    expect(Math.abs(s.mean)).toBeLessThan(5 * (eta * wMax) / Math.sqrt(n1.length));
    expect(Array.from(n1again)).toEqual(Array.from(n1));
    const corr = n1.reduce((a, v, i) => a + v * n2[i]!, 0) / n1.length / (s.std * s.std);
    expect(Math.abs(corr)).toBeLessThan(0.08); // independent draws: |ρ| ~ 1/√4096 = 0.016
    const clean = noiseOf(forward(model, eye, { ...opts, training: false, seed: 7 }));
    expect(Math.max(...Array.from(clean, Math.abs))).toBe(0);
  });
  it('--eta-input: a layer reading the network\'s input draws σ = η_input·W_max instead (0: none)', () => {
    const wMax = model.layers[0]!.wMax;
    const opts = { training: true, eta: 0.1, bits: null, quantNoiseP: QUANT_NOISE_P, seed: 7 };
    const s = stats(noiseOf(forward(model, eye, { ...opts, etaInput: 0.3 })));
    expect(s.std / (0.3 * wMax)).toBeGreaterThan(0.95);
    expect(s.std / (0.3 * wMax)).toBeLessThan(1.05);
    expect(Math.max(...Array.from(noiseOf(forward(model, eye, { ...opts, etaInput: 0 })), Math.abs))).toBe(0);
  });
});

describe('quantization noise (p = 0.5)', () => {
  it('about half of the ADC outputs are on the quantization grid in training, all in evaluation', () => {
    const l = model.layers[0]!;
    // Ranges so that the one-hot input is exact on the DAC grid and the outputs stay inside the ADC range.
    model.S.assign(tf.scalar(1));
    l.rAdc.assign(tf.scalar(l.wMax)); // r_DAC = r_ADC·S/W_max = 1
    const bits = 8;
    const delta = l.wMax / (2 ** (bits - 1) - 1);
    const onGrid = (t: tf.Tensor) => {
      const o = t.dataSync();
      let k = 0;
      for (let i = 0; i < o.length; i++) if (Math.abs(o[i]! / delta - Math.round(o[i]! / delta)) < 1e-3) k++;
      return k / o.length;
    };
    const train = onGrid(forward(model, eye, { training: true, eta: 0, bits, quantNoiseP: QUANT_NOISE_P, seed: 3 }));
    const evalFrac = onGrid(forward(model, eye, { training: false, eta: 0, bits, quantNoiseP: QUANT_NOISE_P, seed: 3 }));
    // Unrounded outputs land within 1e-3 of the grid with probability ~2e-3.
    expect(train).toBeGreaterThan(QUANT_NOISE_P - 0.04);
    expect(train).toBeLessThan(QUANT_NOISE_P + 0.04);
    expect(evalFrac).toBe(1);
  });
});

describe('drift at the ADC (--drift-gain)', () => {
  it('gains are log-uniform in [min, 1], fixed per (seed, layer)', () => {
    const min = 0.5;
    const logs: number[] = [];
    for (let s = 0; s < 4000; s++) {
      const g = driftGainOf(s, 3, min);
      expect(g).toBeGreaterThanOrEqual(min);
      expect(g).toBeLessThanOrEqual(1);
      logs.push(Math.log(g));
    }
    expect(driftGainOf(11, 3, min)).toBe(driftGainOf(11, 3, min));
    // ln g ~ U(ln 0.5, 0): mean −0.3466, sd 0.2001 → sd of the mean over 4000 draws 0.0032.
    const mean = logs.reduce((a, v) => a + v, 0) / logs.length;
    expect(Math.abs(mean - Math.log(min) / 2)).toBeLessThan(0.013);
  });
  it('the ADC quantizes g·y and the output is divided by g: outputs lie on the grid Δ/g; none in evaluation', () => {
    const bits = 4;
    const delta = adcAtWMax(bits);
    const seed = 21;
    const g = driftGainOf(seed, 0, 0.5);
    expect(g).toBeLessThan(0.999);
    const opts = { eta: 0, bits, quantNoiseP: 1, seed, driftGain: 0.5 };
    const out = forward(model, eye, { ...opts, training: true }).dataSync();
    for (const v of out) expect(Math.abs((v * g) / delta - Math.round((v * g) / delta))).toBeLessThan(1e-3);
    // Coarser than the plain grid: some outputs are off the grid Δ.
    expect(Array.from(out).some((v) => Math.abs(v / delta - Math.round(v / delta)) > 0.05)).toBe(true);
    const ev = forward(model, eye, { ...opts, training: false }).dataSync();
    for (const v of ev) expect(Math.abs(v / delta - Math.round(v / delta))).toBeLessThan(1e-3);
  });
  it('adcGain fixes g in any pass: outputs on the grid Δ/g in evaluation; g = 1 is the plain pass', () => {
    const bits = 4;
    const delta = adcAtWMax(bits);
    const opts = { training: false, eta: 0, bits, quantNoiseP: 1, seed: 3 };
    const g = 0.665;
    const out = forward(model, eye, { ...opts, adcGain: g }).dataSync();
    // Each output is round(g·y/Δ)·Δ/g, hand-computed from the clipped weights (y = w on the identity input).
    out.forEach((v, i) => expect(v).toBeCloseTo((Math.max(-7, Math.min(7, Math.round((g * clipped[i]!) / delta))) * delta) / g, 5));
    expect(Array.from(out).some((v) => Math.abs(v / delta - Math.round(v / delta)) > 0.05)).toBe(true);
    expect(Array.from(forward(model, eye, { ...opts, adcGain: 1 }).dataSync())).toEqual(Array.from(forward(model, eye, opts).dataSync()));
  });
  it('--drift-gain-shared: one draw per pass for every layer (layer 0\'s), per layer without it; adcGain wins; 1 outside training', () => {
    const base = { training: true, eta: 0, bits: 4, quantNoiseP: 1, seed: 77, driftGain: 0.4 };
    const own = [0, 1, 2, 5].map((i) => passDriftGain(base, i));
    expect(own).toEqual([0, 1, 2, 5].map((i) => driftGainOf(77, i, 0.4)));
    expect(new Set(own).size).toBe(4);
    for (const i of [0, 1, 2, 5]) expect(passDriftGain({ ...base, driftGainShared: true }, i)).toBe(driftGainOf(77, 0, 0.4));
    expect(passDriftGain({ ...base, driftGainShared: true, adcGain: 0.5 }, 3)).toBe(0.5);
    expect(passDriftGain({ ...base, training: false }, 3)).toBe(1);
    // The trainer's passes carry it only when asked, so runs made before it keep their draws.
    const hw = { mode: 'full' as const, bits: 4 as const, eta: 0.1, lr: 1e-3, driftGainMin: 0.4 };
    expect(trainForwardOptions(hw, 1).driftGainShared).toBeUndefined();
    expect(trainForwardOptions({ ...hw, driftGainShared: true }, 1).driftGainShared).toBe(true);
  });
  it('refuses --drift-gain-shared without --drift-gain, before any work', async () => {
    const o = { task: 'kws' as const, mode: 'full' as const, bits: 4 as const, eta: 0.1, epochs: 1, batch: 8, lr: 1e-3, out: 'runs/never/x.aonw', seed: 0, dataDir: sharedDataDir(), resume: false, rangeInit: 'fitted' as const, targets: 'mean-corrected' as const, driftGainShared: true };
    await expect(train(o)).rejects.toThrow(/needs --drift-gain/);
  });
});
