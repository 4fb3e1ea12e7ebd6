/**
 * The built CLI with its stdout piped into a reader that stops after the first line (as `| head -1`
 * does): the command must end quietly with exit 0, not with an EPIPE stack trace.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadWav16k } from '../../../host/audio/load-clip.js';
import { packageRoot, repoPath } from '../../../host/paths.js';
import { testData } from '../data.js';

const cli = join(packageRoot, 'bin', 'aon-cim.js');

/** Run the CLI, close its stdout after the first full line; the exit code and what it wrote to stderr. */
function runUntilFirstLine(args: string[], stdin?: Buffer): Promise<{ code: number | null; stderr: string; firstLine: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cli, ...args], { stdio: [stdin ? 'pipe' : 'ignore', 'pipe', 'pipe'] });
    const stdout = child.stdout!; // piped, per stdio above
    const stderrStream = child.stderr!;
    let out = '';
    let stderr = '';
    let firstLine = '';
    stdout.on('data', (d: Buffer) => {
      out += d.toString();
      const nl = out.indexOf('\n');
      if (nl >= 0 && firstLine === '') {
        firstLine = out.slice(0, nl);
        stdout.destroy(); // the reader goes away; the command still has lines to write
      }
    });
    stderrStream.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stderr, firstLine }));
    if (stdin) {
      child.stdin!.on('error', () => {}); // it may stop reading once stdout is gone
      child.stdin!.end(stdin);
    }
  });
}

/** demo/stream.wav four times over as raw s16le: a dozen detections to write. */
function longStreamPcm(): Buffer {
  const s = loadWav16k(repoPath('demo', 'stream.wav')).samples;
  const one = Buffer.alloc(2 * s.length);
  for (let i = 0; i < s.length; i++) one.writeInt16LE(Math.max(-32768, Math.min(32767, Math.round(s[i]! * 32768))), 2 * i);
  return Buffer.concat([one, one, one, one]);
}

describe('a closed stdout ends the command quietly (exit 0)', () => {
  it('vww over a folder of frames', async () => {
    const r = await runUntilFirstLine(['vww', join(testData(), 'vww', 'person')]);
    expect(r.firstLine).toMatch(/person/);
    expect(r.stderr).not.toMatch(/EPIPE|error/);
    expect(r.stderr).not.toMatch(/frame\(s\) scored/); // it stopped there, not after scoring the whole folder
    expect(r.code).toBe(0);
  });

  it('demo', async () => {
    const r = await runUntilFirstLine(['demo']);
    expect(r.firstLine).toMatch(/AnalogNet-KWS/);
    expect(r.stderr).not.toMatch(/EPIPE|error/);
    expect(r.code).toBe(0);
  });

  it('kws - --stream', async () => {
    const r = await runUntilFirstLine(['kws', '-', '--stream', '--json'], longStreamPcm());
    expect(JSON.parse(r.firstLine)).toHaveProperty('keyword');
    expect(r.stderr).not.toMatch(/EPIPE|error/);
    expect(r.code).toBe(0);
  });
});
