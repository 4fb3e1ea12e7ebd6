import { describe, expect, it } from 'vitest';
import { resample } from '../../../host/audio/resample.js';
import { StreamResampler } from '../../../host/audio/stream-resample.js';

function signal(n: number, rate: number): Float32Array {
  const x = new Float32Array(n);
  let s = 7;
  for (let i = 0; i < n; i++) {
    s = (s * 1103515245 + 12345) % 2147483648;
    x[i] = 0.5 * Math.sin((2 * Math.PI * 440 * i) / rate) + 0.2 * (s / 2147483648 - 0.5);
  }
  return x;
}

function streamed(x: Float32Array, from: number, to: number, chunks: number[]): Float32Array {
  const r = new StreamResampler(from, to);
  const parts: Float32Array[] = [];
  let i = 0;
  let c = 0;
  while (i < x.length) {
    const len = chunks[c++ % chunks.length]!;
    parts.push(r.push(x.subarray(i, i + len)));
    i += len;
  }
  parts.push(r.end());
  const out = new Float32Array(parts.reduce((a, p) => a + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

describe('StreamResampler', () => {
  // 44.1 kHz (a browser's capture rate; 160/441 phases), 48 kHz, 22.05 kHz (upsampling), and a rate
  // whose ratio needs more than 1024 phases (rounded positions).
  for (const from of [44_100, 48_000, 22_050, 44_123]) {
    it(`pushed in chunks of any size equals resample() of the whole signal, bit for bit (${from} Hz)`, () => {
      const x = signal(Math.round(from * 0.12), from);
      const whole = resample(x, from, 16_000);
      for (const chunks of [[128], [1, 7, 333], [x.length]]) {
        expect(streamed(x, from, 16_000, chunks)).toEqual(whole);
      }
    });
  }

  it('emits samples as input arrives, with a delay of about halfTaps input samples', () => {
    const r = new StreamResampler(44_100);
    const x = signal(44_100, 44_100);
    let out = 0;
    for (let i = 0; i < x.length; i += 128) out += r.push(x.subarray(i, i + 128)).length;
    // 1 s in → 16000 out at the end; all but the last ~3 ms already emitted.
    expect(out).toBeGreaterThan(16_000 - 60);
    expect(out + r.end().length).toBe(16_000);
  });

  it('passes equal rates through', () => {
    const r = new StreamResampler(16_000);
    const x = signal(500, 16_000);
    expect(r.push(x)).toEqual(x);
    expect(r.end().length).toBe(0);
  });
});
