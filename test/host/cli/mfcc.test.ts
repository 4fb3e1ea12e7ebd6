import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { mfcc } from '../../../host/audio/mfcc.js';
import { readWav } from '../../../host/audio/wav.js';
import { recordingIo } from '../../../host/cli/io.js';
import { main } from '../../../host/cli/main.js';
import type { MfccReport } from '../../../host/cli/mfcc.js';
import { repoPath } from '../../../host/paths.js';
import { pcmWav } from '../audio/wav-bytes.js';

const demo = repoPath('demo', 'yes.wav');
const dir = mkdtempSync(join(tmpdir(), 'aoncim-mfcc-cli-'));

function file(name: string, bytes: Uint8Array): string {
  const p = join(dir, name);
  writeFileSync(p, bytes);
  return p;
}

async function run(...argv: string[]) {
  const io = recordingIo();
  const code = await main(argv, io);
  return { code, ...io };
}

describe('aon-cim mfcc', () => {
  test('--json prints the 49×10 matrix of mfcc() for the demo clip', async () => {
    const r = await run('mfcc', demo, '--json');
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    const doc = JSON.parse(r.stdout) as MfccReport;
    expect(doc).toMatchObject({ sampleRate: 16000, channels: 1, bitDepth: 16, encoding: 'pcm', frames: 49, coefficients: 10, paddedSamples: 0, truncatedSamples: 0, resampled: false });
    expect(doc.mfcc.length).toBe(49);
    const ref = mfcc(readWav(demo).samples);
    doc.mfcc.forEach((row, f) => row.forEach((v, k) => expect(v).toBe(ref[f * 10 + k])));
  });

  test('the table has a header and 49 rows of 10 numbers', async () => {
    const r = await run('mfcc', demo);
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/16000 Hz, 16-bit pcm, 1 channel\(s\), 1\.000 s → 49×10 MFCC/);
    expect(lines.length).toBe(2 + 49);
    expect(lines[2]!.trim().split(/\s+/).length).toBe(11);
  });

  test('a short clip is padded and the note says so; a stereo 44.1 kHz file is resampled and mixed', async () => {
    const short = file('short.wav', pcmWav([new Float32Array(8000).fill(0.25)], 16000, 16));
    const r = await run('mfcc', short, '--json');
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/note: clip is 0\.500 s, shorter than the 1 s window: padded with 8000 zero samples/);
    expect((JSON.parse(r.stdout) as MfccReport).paddedSamples).toBe(8000);
    const tone = Float32Array.from({ length: 44100 }, (_, n) => 0.3 * Math.sin(n * 0.1));
    const stereo = file('stereo.wav', pcmWav([tone, tone], 44100, 24));
    const s = await run('mfcc', stereo, '--json');
    expect(s.code).toBe(0);
    expect(s.stderr).toMatch(/resampled from 44100 Hz to 16000 Hz/);
    expect(s.stderr).toMatch(/mixed 2 channels to mono/);
    expect((JSON.parse(s.stdout) as MfccReport).paddedSamples).toBe(0);
  });

  const header = (dataBytes: number, tag = 1, bits = 16) => {
    const b = Buffer.alloc(44);
    b.write('RIFF', 0, 'latin1');
    b.writeUInt32LE(36 + dataBytes, 4);
    b.write('WAVEfmt ', 8, 'latin1');
    b.writeUInt32LE(16, 16);
    b.writeUInt16LE(tag, 20);
    b.writeUInt16LE(1, 22);
    b.writeUInt32LE(16000, 24);
    b.writeUInt32LE(16000 * (bits / 8), 28);
    b.writeUInt16LE(bits / 8, 32);
    b.writeUInt16LE(bits, 34);
    b.write('data', 36, 'latin1');
    b.writeUInt32LE(dataBytes, 40);
    return b;
  };
  const bad: Array<[string, () => string, RegExp]> = [
    ['missing file', () => join(dir, 'absent.wav'), /absent\.wav: no such file/],
    ['not a WAV', () => file('notwav.wav', Buffer.from('hello, this is text')), /not a WAV file \(no RIFF\/WAVE header\)/],
    ['truncated data', () => file('trunc.wav', Buffer.concat([header(32000), Buffer.alloc(1000)])), /truncated: the header declares 32000 bytes of audio but only 1000 are present/],
    ['unsupported encoding', () => file('alaw.wav', Buffer.concat([header(100, 6, 8), Buffer.alloc(100)])), /unsupported encoding: A-law/],
    ['empty audio', () => file('empty.wav', header(0)), /empty audio/],
  ];
  for (const [what, path, message] of bad) {
    test(`bad input: ${what} → one specific line, exit 2`, async () => {
      const r = await run('mfcc', path());
      expect(r.code).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr).toMatch(message);
      expect(r.stderr).toMatch(/^aon-cim: error: /);
      expect(r.stderr.trim().split('\n').length).toBe(1);
      expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
    });
  }

  test('unknown flag and missing argument exit 2', async () => {
    expect((await run('mfcc', demo, '--bogus')).code).toBe(2);
    expect((await run('mfcc')).code).toBe(2);
  });
});
