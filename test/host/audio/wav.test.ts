import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { decodeWav, readWav } from '../../../host/audio/wav.js';
import { UserError } from '../../../host/errors.js';
import { wav } from './wav-bytes.js';

function int16(values: number[]): Uint8Array {
  const b = Buffer.alloc(values.length * 2);
  values.forEach((v, i) => b.writeInt16LE(v, 2 * i));
  return b;
}

describe('decodeWav: formats', () => {
  test('16-bit PCM scales every code by 1/32768 (MLPerf Tiny), both signs', () => {
    const d = decodeWav(wav({ bits: 16, data: int16([0, 1, -1, 32767, -32768, 16384]) }));
    expect(d).toMatchObject({ sampleRate: 16000, channels: 1, bitDepth: 16, encoding: 'pcm' });
    expect(Array.from(d.samples)).toEqual([0, 1 / 32768, -1 / 32768, 32767 / 32768, -1, 0.5]);
  });

  test('8-bit unsigned PCM: (code − 128)/128', () => {
    const d = decodeWav(wav({ bits: 8, data: Uint8Array.from([128, 0, 255, 192]) }));
    expect(Array.from(d.samples)).toEqual([0, -1, 127 / 128, 0.5]);
  });

  test('24-bit PCM, including the most negative code (−1)', () => {
    const codes = [0, 0x400000, -0x800000, 0x7fffff, -1];
    const b = Buffer.alloc(codes.length * 3);
    codes.forEach((c, i) => b.writeIntLE(c, 3 * i, 3));
    const d = decodeWav(wav({ bits: 24, data: b }));
    const expected = codes.map((c) => c / 2 ** 23);
    d.samples.forEach((v, i) => expect(v).toBeCloseTo(expected[i]!, 7));
    expect(d.samples[2]).toBe(-1);
  });

  test('32-bit PCM and 32/64-bit float', () => {
    const i32 = Buffer.alloc(8);
    i32.writeInt32LE(2 ** 30, 0);
    i32.writeInt32LE(-(2 ** 31), 4);
    expect(Array.from(decodeWav(wav({ bits: 32, data: i32 })).samples)).toEqual([0.5, -1]);
    const f32 = Buffer.from(Float32Array.from([0.25, -0.75]).buffer);
    expect(Array.from(decodeWav(wav({ tag: 3, bits: 32, data: f32 })).samples)).toEqual([0.25, -0.75]);
    const f64 = Buffer.from(Float64Array.from([0.125, -1]).buffer);
    expect(Array.from(decodeWav(wav({ tag: 3, bits: 64, data: f64 })).samples)).toEqual([0.125, -1]);
  });

  test('stereo is averaged to mono; any sample rate is reported', () => {
    const d = decodeWav(wav({ channels: 2, rate: 44100, bits: 16, data: int16([16384, 0, -32768, 16384]) }));
    expect(d.channels).toBe(2);
    expect(d.sampleRate).toBe(44100);
    expect(Array.from(d.samples)).toEqual([0.25, -0.25]);
  });

  test('WAVE_FORMAT_EXTENSIBLE (24-bit PCM, float) and odd-sized chunks before the data are read', () => {
    const b = Buffer.alloc(6);
    b.writeIntLE(0x200000, 0, 3);
    b.writeIntLE(-0x200000, 3, 3);
    expect(Array.from(decodeWav(wav({ tag: 0xfffe, subTag: 1, bits: 24, data: b })).samples)).toEqual([0.25, -0.25]);
    const f = Buffer.from(Float32Array.from([0.5]).buffer);
    expect(Array.from(decodeWav(wav({ tag: 0xfffe, subTag: 3, bits: 32, data: f })).samples)).toEqual([0.5]);
    const d = decodeWav(wav({ bits: 16, data: int16([8192]), extraChunkBefore: Uint8Array.from([1, 2, 3]) }));
    expect(Array.from(d.samples)).toEqual([0.25]);
  });

  test('a view into a larger buffer at an odd offset decodes', () => {
    const w = wav({ bits: 16, data: int16([4096, -4096]) });
    const big = Buffer.alloc(w.length + 3);
    w.copy(big, 3);
    expect(Array.from(decodeWav(big.subarray(3)).samples)).toEqual([0.125, -0.125]);
  });
});

describe('decodeWav / readWav: bad input gets a specific UserError', () => {
  const cases: Array<[string, Uint8Array, RegExp]> = [
    ['empty file', new Uint8Array(0), /not a WAV file: the file is empty/],
    ['garbage', Buffer.from('this is plainly not audio at all'), /not a WAV file \(no RIFF\/WAVE header\)/],
    ['a PNG', Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]), /not a WAV file/],
    ['RIFF but AVI', Buffer.concat([Buffer.from('RIFF'), Buffer.alloc(4), Buffer.from('AVI LIST')]), /not a WAV file/],
    ['big-endian RIFX', Buffer.concat([Buffer.from('RIFX'), Buffer.alloc(4), Buffer.from('WAVE')]), /unsupported encoding: big-endian/],
    ['truncated data', wav({ bits: 16, data: int16([1, 2, 3]), declaredDataSize: 3200 }), /truncated: the header declares 3200 bytes of audio but only 6 are present/],
    ['header only', wav({ bits: 16, data: new Uint8Array(0) }).subarray(0, 36), /truncated: no "data" chunk/],
    ['cut inside fmt', wav({ bits: 16, data: int16([1]) }).subarray(0, 24), /truncated: the "fmt " chunk is incomplete/],
    ['half a sample', wav({ bits: 16, data: Uint8Array.from([1, 2, 3]) }), /truncated: 3 audio bytes is not a whole number of 2-byte sample frames/],
    ['µ-law', wav({ tag: 7, bits: 8, data: Uint8Array.from([1, 2]) }), /unsupported encoding: µ-law/],
    ['ADPCM', wav({ tag: 2, bits: 4, data: Uint8Array.from([1, 2]) }), /unsupported encoding: Microsoft ADPCM/],
    ['12-bit PCM', wav({ bits: 12, data: Uint8Array.from([1, 2]) }), /unsupported encoding: 12-bit integer PCM/],
    ['16-bit float', wav({ tag: 3, bits: 16, data: Uint8Array.from([1, 2]) }), /unsupported encoding: 16-bit float/],
    ['empty audio', wav({ bits: 16, data: new Uint8Array(0) }), /empty audio: the WAV holds no samples/],
    ['NaN float', wav({ tag: 3, bits: 32, data: Buffer.from(Float32Array.from([0, NaN]).buffer) }), /invalid audio: float sample 1 is NaN/],
    ['zero sample rate', wav({ rate: 0, bits: 16, data: int16([1]) }), /sample rate 0 Hz/],
  ];
  for (const [what, bytes, message] of cases) {
    test(what, () => {
      let err: unknown;
      try {
        decodeWav(bytes, 'x.wav');
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(UserError);
      expect((err as Error).message).toMatch(/^x\.wav: /);
      expect((err as Error).message).toMatch(message);
    });
  }

  test('missing file and directory', () => {
    const dir = mkdtempSync(join(tmpdir(), 'aoncim-wav-'));
    expect(() => readWav(join(dir, 'nope.wav'))).toThrow(/nope\.wav: no such file/);
    expect(() => readWav(dir)).toThrow(/is a directory/);
    const p = join(dir, 'ok.wav');
    writeFileSync(p, wav({ bits: 16, data: int16([16384]) }));
    expect(Array.from(readWav(p).samples)).toEqual([0.5]);
  });
});

test('a real Speech Commands clip decodes to int16/32768 exactly (read by hand for comparison)', async () => {
  const { readFileSync } = await import('node:fs');
  const { repoPath } = await import('../../../host/paths.js');
  const path = repoPath('demo', 'yes.wav');
  const b = readFileSync(path);
  const d = readWav(path);
  expect(d).toMatchObject({ sampleRate: 16000, channels: 1, bitDepth: 16, encoding: 'pcm' });
  expect(d.samples.length).toBe((b.length - 44) / 2);
  for (let i = 0; i < d.samples.length; i++) expect(d.samples[i]).toBe(b.readInt16LE(44 + 2 * i) / 32768);
});
