/**
 * One voice for the whole CLI: every error is one line starting `aon-cim: error:` (commander's own
 * parse errors too), every note starts `aon-cim: note:`, and the same mistake gets the same message.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { recordingIo } from '../../../host/cli/io.js';
import { main } from '../../../host/cli/main.js';
import { RANGE_INITS } from '../../../models/train/options.js';

async function run(argv: string[]) {
  const io = recordingIo();
  const code = await main(argv, io);
  return { code, stdout: io.stdout, stderr: io.stderr };
}

const badInputs: string[][] = [
  ['bogus'],
  ['eval', '--task', 'kws'],
  ['eval', '--task', 'kws', '--data', 'x', '--bogus'],
  ['energy', '--model', 'kws', '--bits', '3'],
  ['map', '--model', 'kws', '--array', 'big'],
  ['vww'],
  ['kws', 'demo/yes.wav', '--hop', '7ms'],
  ['device', '--g', 'x'],
  ['eval', '--task', 'foo', '--data', 'x'],
  ['mfcc', 'no-such.wav'],
];

describe('error and note lines', () => {
  it.each(badInputs)('%s … : one line "aon-cim: error: …", exit 2', async (...argv) => {
    const r = await run(argv);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    const lines = r.stderr.trimEnd().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^aon-cim: error: \S/);
    expect(lines[0]).not.toMatch(/aon-cim: error: error/);
  });

  it('--runs 0 and --runs -1 get the same message', async () => {
    const zero = await run(['eval', '--task', 'kws', '--data', 'x', '--runs', '0']);
    const minus = await run(['eval', '--task', 'kws', '--data', 'x', '--runs', '-1']);
    expect(zero.stderr).toMatch(/--runs.*expected a positive integer \(got "0"\)/);
    expect(minus.stderr.replaceAll('-1', '0')).toBe(zero.stderr);
  });

  it('notes start "aon-cim: note:" (mfcc padding a short clip)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'aoncim-msg-'));
    // 0.5 s of silence, 16 kHz mono 16-bit.
    const n = 8000;
    const wav = Buffer.alloc(44 + 2 * n);
    wav.write('RIFF', 0);
    wav.writeUInt32LE(36 + 2 * n, 4);
    wav.write('WAVEfmt ', 8);
    wav.writeUInt32LE(16, 16);
    wav.writeUInt16LE(1, 20);
    wav.writeUInt16LE(1, 22);
    wav.writeUInt32LE(16000, 24);
    wav.writeUInt32LE(32000, 28);
    wav.writeUInt16LE(2, 32);
    wav.writeUInt16LE(16, 34);
    wav.write('data', 36);
    wav.writeUInt32LE(2 * n, 40);
    writeFileSync(join(dir, 'short.wav'), wav);
    const r = await run(['mfcc', join(dir, 'short.wav'), '--json']);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/^aon-cim: note: clip is 0\.500 s/);
  });

  it('--range-init names every accepted value', async () => {
    const r = await run(['train', '--task', 'kws', '--mode', 'full', '--range-init', 'bogus']);
    expect(r.code).toBe(2);
    for (const v of RANGE_INITS) expect(r.stderr).toContain(v);
  });
});

describe('--help shows defaults as a person writes them', () => {
  const help = async (cmd: string) => (await run([cmd, '--help'])).stdout.replace(/\s+/g, ' ');

  it.each(['eval', 'ablation', 'energy', 'map', 'kws', 'vww', 'demo', 'device', 'mfcc', 'export-onnx'])('%s --help', async (cmd) => {
    const text = await help(cmd);
    expect(text).not.toMatch(/\(default: false\)/); // a flag is off unless given
    expect(text).not.toMatch(/\(default: "/); // no JSON quoting
    expect(text).not.toMatch(/\(default: \{|\(default: \[/); // no parsed objects or lists
    const drift = /--(?:drift|t) <time> .*?\(default: ([^)]*)\)/.exec(text);
    if (drift) expect(drift[1]).toBe('25s');
  });

  it('the values themselves', async () => {
    expect(await help('map')).toMatch(/--array <RxC> .*\(default: 1024x512\)/);
    expect(await help('eval')).toMatch(/--times <list> .*\(default: 25s,1h,1d,1mo,1y\)/);
    expect(await help('eval')).toMatch(/--preset <preset> .*\(default: paper\)/);
    expect(await help('ablation')).toMatch(/--time <t> .*\(default: 1d\)/);
    expect(await help('kws')).toMatch(/--drift <time> .*\(default: 25s\)/);
    expect(await help('demo')).toMatch(/--bits <bits> .*\(default: 8\)/);
  });
});
