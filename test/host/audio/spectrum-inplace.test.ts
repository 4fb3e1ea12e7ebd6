/**
 * The in-place FFT of host/audio/spectrum.ts against the meyda 5.6 complexSpectrum path it replaced
 * (kept here as the reference): every magnitude bit for bit, on frames of real audio (Speech Commands
 * clips, recorded background noise, the demo stream) and on synthetic extremes.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import meydaModule from 'meyda';
import { expect, test } from 'vitest';
import { loadWav16k } from '../../../host/audio/load-clip.js';
import { FrameSpectrum, hypotInto, InPlaceFft } from '../../../host/audio/spectrum.js';
import { periodicHann } from '../../../host/audio/window.js';
import { repoPath, sharedDataDir } from '../../../host/paths.js';

type MeydaApi = typeof meydaModule.default;
const Meyda: MeydaApi = (() => {
  const m = meydaModule as unknown as MeydaApi & { default?: MeydaApi };
  return typeof m.extract === 'function' ? m : m.default!;
})();

/** The previous FrameSpectrum.magnitude: meyda's complexSpectrum (rect window) of the windowed, zero-padded frame. */
function meydaMagnitude(samples: ArrayLike<number>, offset: number, w: Float64Array, nfft: number): Float64Array {
  const buf = new Float64Array(nfft);
  for (let n = 0; n < w.length; n++) buf[n] = samples[offset + n]! * w[n]!;
  Meyda.bufferSize = nfft;
  Meyda.windowingFunction = 'rect';
  const spec = Meyda.extract('complexSpectrum', buf) as unknown as { real: ArrayLike<number>; imag: ArrayLike<number> };
  const out = new Float64Array(nfft / 2 + 1);
  for (let k = 0; k < out.length; k++) out[k] = Math.hypot(spec.real[k]!, spec.imag[k]!);
  return out;
}

/** Number of bins whose bits differ (Object.is: also the sign of zero and NaN). */
function differing(a: Float64Array, b: Float64Array): number {
  let d = 0;
  for (let k = 0; k < a.length; k++) if (!Object.is(a[k], b[k])) d++;
  return d;
}

function realClips(): Float32Array[] {
  const data = sharedDataDir();
  const sc = join(data, 'speech_commands');
  const clips: Float32Array[] = [];
  for (const word of ['yes', 'go', 'off', '_unknown_']) {
    const files = readdirSync(join(sc, word)).filter((f) => f.endsWith('.wav')).sort().slice(0, 3);
    for (const f of files) clips.push(loadWav16k(join(sc, word, f)).samples);
  }
  const noise = readdirSync(join(data, 'background_noise')).filter((f) => f.endsWith('.wav')).sort().slice(0, 2);
  for (const f of noise) clips.push(loadWav16k(join(data, 'background_noise', f)).samples.subarray(0, 16000 * 3));
  clips.push(loadWav16k(repoPath('demo', 'stream.wav')).samples.subarray(0, 16000 * 5));
  return clips;
}

test('FrameSpectrum equals the meyda path bit for bit on real audio frames (480-sample Hann frames, 320 hop, FFT 512)', () => {
  const w = periodicHann(480);
  const fs = new FrameSpectrum(w, 512);
  const out = new Float64Array(257);
  let frames = 0;
  for (const x of realClips()) {
    for (let offset = 0; offset + 480 <= x.length; offset += 320) {
      fs.magnitude(x, offset, out);
      expect(differing(out, meydaMagnitude(x, offset, w, 512))).toBe(0);
      frames++;
    }
  }
  expect(frames).toBeGreaterThan(1000);
});

test('bit for bit on synthetic frames too: random, tiny, huge, zeros, a lone impulse, other FFT lengths', () => {
  let s = 12345;
  const rand = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32) * 2 - 1;
  for (const nfft of [1, 2, 8, 64, 512, 1024]) {
    const len = Math.max(1, Math.floor(nfft * 0.9));
    const w = Float64Array.from({ length: len }, (_, n) => 0.5 - 0.5 * Math.cos((2 * Math.PI * n) / len));
    const fs = new FrameSpectrum(w, nfft);
    const out = new Float64Array(nfft / 2 + 1);
    const frames: Float64Array[] = [
      Float64Array.from({ length: len }, rand),
      Float64Array.from({ length: len }, () => rand() * 1e-30),
      Float64Array.from({ length: len }, () => rand() * 1e30),
      new Float64Array(len),
      Float64Array.from({ length: len }, (_, n) => (n === len >> 1 ? 1 : 0)),
    ];
    if (nfft === 1) continue; // meyda needs a buffer of 2 or more
    for (const x of frames) {
      fs.magnitude(x, 0, out);
      expect(differing(out, meydaMagnitude(x, 0, w, nfft))).toBe(0);
    }
  }
  expect(() => new InPlaceFft(12)).toThrow(/power of two/);
});

test('magnitude allocates no per-frame arrays: the same output for repeated calls, interleaved frames', () => {
  const w = periodicHann(480);
  const fs = new FrameSpectrum(w, 512);
  const x = Float32Array.from({ length: 2000 }, (_, i) => Math.sin(i * 0.1) * 0.3);
  const a = new Float64Array(257), b = new Float64Array(257), c = new Float64Array(257);
  fs.magnitude(x, 0, a);
  fs.magnitude(x, 700, b);
  fs.magnitude(x, 0, c);
  expect(differing(a, c)).toBe(0);
  expect(differing(b, meydaMagnitude(x, 700, w, 512))).toBe(0);
});

test('hypotInto is Math.hypot bit for bit: random magnitudes from subnormal to huge, zeros, −0, ±∞, NaN', () => {
  let s = 99;
  const u = () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32;
  const special = [0, -0, Infinity, -Infinity, NaN, 5e-324, -5e-324, 1e308, -1e308, 1, -1, 0.5, 3, 4];
  const values: number[] = [...special];
  for (let i = 0; i < 4000; i++) values.push((u() - 0.5) * 2 ** Math.floor(u() * 200 - 100));
  for (let i = 0; i < 400; i++) values.push((u() - 0.5) * 2 ** Math.floor(u() * 2000 - 1000));
  const re: number[] = [], im: number[] = [];
  for (let i = 0; i < values.length; i++) {
    for (const b of [values[(i * 7919) % values.length]!, values[(i + 1) % values.length]!, ...(i < special.length ? special : [])]) {
      re.push(values[i]!);
      im.push(b);
    }
  }
  const out = new Float64Array(re.length);
  hypotInto(Float64Array.from(re), Float64Array.from(im), out, re.length);
  let bad = 0;
  for (let k = 0; k < re.length; k++) if (!Object.is(out[k], Math.hypot(re[k]!, im[k]!))) bad++;
  expect(re.length).toBeGreaterThan(8000);
  expect(bad).toBe(0);
});
