import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { CLIP_SAMPLES, fitToOneSecond, mfcc, MFCC_SIZE, NUM_FRAMES, NUM_MFCC } from '../../../host/audio/mfcc.js';
import { testData } from '../data.js';

const SC = join(testData(), 'speech_commands');

/** 16-bit mono PCM WAV read by hand (not by host/audio/wav.ts): int16 / 32768. */
function readPcm16(path: string): Float64Array {
  const b = readFileSync(path);
  let at = 12;
  for (;;) {
    const id = b.toString('latin1', at, at + 4);
    const size = b.readUInt32LE(at + 4);
    if (id === 'data') {
      const out = new Float64Array(size / 2);
      for (let i = 0; i < out.length; i++) out[i] = b.readInt16LE(at + 8 + 2 * i) / 32768;
      return out;
    }
    at += 8 + size + (size & 1);
  }
}

/**
 * Slow float64 reference written from the formulas, in TensorFlow's order (MLPerf Tiny get_dataset.py):
 * x / reduce_max(x), zero-pad to 16000, stft(480, 320, fft 512, periodic Hann), |·|, direct DFT,
 * HTK mel 20–4000 Hz with mel = 2595·log10(1 + f/700) (the other way of writing 1127·ln), ln(· + 1e-6),
 * y_k = 2 Σ x_n cos(π k (2n+1)/80) / √80.
 */
function referenceMfcc(raw: Float64Array): Float64Array {
  let max = -Infinity;
  for (const v of raw) max = Math.max(max, v);
  const x = new Float64Array(16000);
  for (let i = 0; i < Math.min(raw.length, 16000); i++) x[i] = raw[i]! / max;
  const mel = (f: number) => 2595 * Math.log10(1 + f / 700);
  const lo = mel(20);
  const hi = mel(4000);
  const edge = (j: number) => lo + ((hi - lo) * j) / 41;
  const out = new Float64Array(49 * 10);
  for (let f = 0; f < 49; f++) {
    const frame = new Float64Array(480);
    for (let n = 0; n < 480; n++) frame[n] = x[f * 320 + n]! * (0.5 - 0.5 * Math.cos((2 * Math.PI * n) / 480));
    const mag = new Float64Array(257);
    for (let k = 0; k < 257; k++) {
      let re = 0;
      let im = 0;
      for (let n = 0; n < 480; n++) {
        re += frame[n]! * Math.cos((2 * Math.PI * k * n) / 512);
        im -= frame[n]! * Math.sin((2 * Math.PI * k * n) / 512);
      }
      mag[k] = Math.sqrt(re * re + im * im);
    }
    const logmel = new Float64Array(40);
    for (let m = 0; m < 40; m++) {
      let e = 0;
      for (let k = 1; k < 257; k++) {
        const b = mel(k * 31.25);
        const up = (b - edge(m)) / (edge(m + 1) - edge(m));
        const down = (edge(m + 2) - b) / (edge(m + 2) - edge(m + 1));
        e += mag[k]! * Math.max(0, Math.min(up, down));
      }
      logmel[m] = Math.log(e + 1e-6);
    }
    for (let k = 0; k < 10; k++) {
      let s = 0;
      for (let n = 0; n < 40; n++) s += logmel[n]! * Math.cos((Math.PI * k * (2 * n + 1)) / 80);
      out[f * 10 + k] = (2 * s) / Math.sqrt(80);
    }
  }
  return out;
}

/** The first clip of a label in index.csv. */
function clipPath(label: string): string {
  const index = readFileSync(join(SC, 'index.csv'), 'utf8').trim().split('\n');
  return join(SC, index.find((l) => l.split(',')[1] === label)!.split(',')[0]!);
}

function wavSamples(path: string): Float32Array {
  return Float32Array.from(readPcm16(path));
}

describe('mfcc (MLPerf Tiny KWS front end)', () => {
  test('shape: 49 frames × 10 coefficients, frame-major', () => {
    expect(NUM_FRAMES).toBe(49);
    expect(NUM_MFCC).toBe(10);
    expect(MFCC_SIZE).toBe(490);
  });

  for (const rel of ['yes', 'stop', '_silence_']) {
    test(`matches a float64 reference on a real clip (${rel})`, () => {
      const path = clipPath(rel);
      const raw = readPcm16(path);
      const ours = mfcc(wavSamples(path));
      const ref = referenceMfcc(raw);
      let maxErr = 0;
      for (let i = 0; i < 490; i++) maxErr = Math.max(maxErr, Math.abs(ours[i]! - ref[i]!));
      // float32 output of ~|40|-sized values: allow 1e-4 absolute (observed ≤ 2e-6).
      if (process.env['AONCIM_VERBOSE']) console.log(`${rel}: max |ours − reference| = ${maxErr.toExponential(2)}`);
      expect(maxErr).toBeLessThan(1e-4);
    });
  }

  test('a short clip (v0.01, < 1 s) is zero-padded after the gain, as MLPerf Tiny pads', () => {
    const index = readFileSync(join(SC, 'index.csv'), 'utf8').trim().split('\n');
    let path = '';
    let raw: Float64Array = new Float64Array();
    for (const l of index.slice(1)) {
      if (!l.includes('gsc-v0.01')) continue;
      raw = readPcm16(join(SC, l.split(',')[0]!));
      if (raw.length < 16000) {
        path = join(SC, l.split(',')[0]!);
        break;
      }
    }
    expect(path).not.toBe('');
    const fitted = fitToOneSecond(Float32Array.from(raw));
    expect(fitted.samples.length).toBe(CLIP_SAMPLES);
    expect(fitted.paddedSamples).toBe(16000 - raw.length);
    expect(fitted.truncatedSamples).toBe(0);
    const ours = mfcc(Float32Array.from(raw));
    const ref = referenceMfcc(raw);
    for (let i = 0; i < 490; i++) expect(Math.abs(ours[i]! - ref[i]!)).toBeLessThan(1e-3);
  });

  test('longer clips are truncated to the first second', () => {
    const long = new Float32Array(20000);
    for (let i = 0; i < long.length; i++) long[i] = Math.sin(i * 0.05) * (i < 16000 ? 0.5 : 0.9);
    const fitted = fitToOneSecond(long);
    expect(fitted.truncatedSamples).toBe(4000);
    expect(fitted.maxSample).toBeCloseTo(0.5, 6);
    expect(Array.from(mfcc(long))).toEqual(Array.from(mfcc(long.slice(0, 16000))));
  });

  test('the gain makes features independent of input level (divide by the max sample)', () => {
    const x = wavSamples(clipPath('yes'));
    const quiet = x.map((v) => v * 0.125); // a power of two: exact in float32
    expect(Array.from(mfcc(quiet))).toEqual(Array.from(mfcc(x)));
  });

  test('it divides by the maximum, not the maximum absolute value', () => {
    // Same waveform shape, different max: negating changes the max but not |spectrum| shape.
    const x = new Float32Array(16000);
    for (let i = 0; i < x.length; i++) x[i] = 0.5 * Math.sin(i * 0.3) + (i === 8000 ? -0.45 : 0);
    x[100] = 0.6; // max = 0.6, min ≈ -0.95
    const neg = x.map((v) => -v); // max ≈ 0.95
    const a = mfcc(x);
    const b = mfcc(neg);
    // |STFT(−x)| = |STFT(x)|, so the only difference is the gain: Δ log-mel = ln(0.95/0.6) in every band
    // (up to the 1e-6 offset), i.e. Δc0 = ln(ratio)·√80 and Δc_k ≈ 0.
    let maxNeg = -Infinity;
    for (const v of neg) maxNeg = Math.max(maxNeg, v);
    const shift = Math.log(maxNeg / 0.6) * Math.sqrt(80);
    for (let f = 0; f < 49; f++) expect(a[f * 10]! - b[f * 10]!).toBeCloseTo(shift, 2);
  });

  test('digital silence does not produce NaN (gain 1, ln(1e-6) in every band)', () => {
    const m = mfcc(new Float32Array(16000));
    expect(m[0]).toBeCloseTo(Math.log(1e-6) * Math.sqrt(80), 3);
    expect(m[1]).toBeCloseTo(0, 5);
  });
});
