/**
 * Ctrl-C on `aon-cim kws - --stream` (the built CLI) ends the stream as its end would: the summary of
 * what was heard still prints, as with --mic, and the exit status is 0.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadWav16k } from '../../../host/audio/load-clip.js';
import { packageRoot, repoPath } from '../../../host/paths.js';

function s16le(samples: Float32Array): Buffer {
  const b = Buffer.alloc(2 * samples.length);
  for (let i = 0; i < samples.length; i++) b.writeInt16LE(Math.max(-32768, Math.min(32767, Math.round(samples[i]! * 32768))), 2 * i);
  return b;
}

describe('Ctrl-C on kws - --stream', () => {
  it('prints the summary of the audio heard so far and exits 0', async () => {
    const pcm = s16le(loadWav16k(repoPath('demo', 'stream.wav')).samples);
    const child = spawn(process.execPath, [join(packageRoot, 'bin', 'aon-cim.js'), 'kws', '-', '--stream'], { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const done = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
    // The stream stays open, as a live source would: the first detection shows it is being heard.
    child.stdin.write(pcm);
    await new Promise<void>((resolve) => {
      child.stdout.on('data', (d: Buffer) => {
        stdout += d.toString();
        if (stdout.includes('\n')) resolve();
      });
    });
    await new Promise((r) => setTimeout(r, 500)); // let it read the rest of what was written
    child.kill('SIGINT');
    const code = await done;
    expect(stderr).toMatch(/^10\.59 s of audio, 96 inferences, \d+ detection\(s\), real-time factor/m);
    expect(stderr).not.toMatch(/error/);
    expect(code).toBe(0);
  }, 60_000);
});
