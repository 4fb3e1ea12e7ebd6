import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../../host/cli/main.js';
import { recordingIo } from '../../../host/cli/io.js';
import { packageRoot } from '../../../host/paths.js';
import { testData } from '../data.js';
import { loadWeightImage, saveWeightImage } from '../../../models/image/load.js';

const data = join(testData(), 'speech_commands');
type Report = { task: string; baseline: number; results: Array<{ bits: number; time: string; timeS: number; mean: number; std: number; runs: number[] }> };

async function evalJson(args: string[]): Promise<Report> {
  const io = recordingIo();
  const code = await main(['eval', '--task', 'kws', '--data', data, '--json', ...args], io);
  expect(io.stderr).not.toMatch(/internal error/);
  expect(code).toBe(0);
  return JSON.parse(io.stdout) as Report;
}

describe('aon-cim eval', () => {
  it('ideal devices: every run and every time give the same accuracy (no noise, no drift)', async () => {
    const r = await evalJson(['--preset', 'ideal', '--runs', '2', '--times', '25s,1y', '--bits', '8', '--limit', '24']);
    expect(r.results.map((p) => p.time)).toEqual(['25s', '1y']);
    for (const p of r.results) expect(p.std).toBe(0);
    expect(r.results[0]!.mean).toBe(r.results[1]!.mean);
    expect(r.baseline).toBeGreaterThanOrEqual(0);
  });

  it('paper devices: one result per run and time, bit-identical for the same seed', async () => {
    const r = await evalJson(['--runs', '3', '--times', '25s,1d', '--bits', '8', '--limit', '24', '--seed', '5']);
    expect(r.results).toHaveLength(2);
    for (const p of r.results) expect(p.runs).toHaveLength(3);
    const again = await evalJson(['--runs', '3', '--times', '25s,1d', '--bits', '8', '--limit', '24', '--seed', '5']);
    expect(again).toEqual(r);
  });

  it('gives the same numbers on worker threads as in one thread (seeds never depend on the worker)', async () => {
    const inThread = await evalJson(['--runs', '2', '--times', '1h', '--bits', '8,4', '--limit', '16', '--seed', '3']);
    const out = execFileSync(
      process.execPath,
      [join(packageRoot, 'bin', 'aon-cim.js'), 'eval', '--task', 'kws', '--data', data, '--json', '--runs', '2', '--times', '1h', '--bits', '8,4', '--limit', '16', '--seed', '3', '--threads', '2'],
      { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] },
    );
    expect(JSON.parse(out)).toEqual(inThread);
  });

  it('writes Figure 7 as SVG: one band per bit width and the float baseline', async () => {
    const svg = join(mkdtempSync(join(tmpdir(), 'aoncim-eval-')), 'fig7.svg');
    await evalJson(['--runs', '1', '--times', '25s,1h', '--bits', '8,6', '--limit', '8', '--svg', svg]);
    const text = readFileSync(svg, 'utf8');
    expect(text.startsWith('<svg')).toBe(true);
    expect(text.match(/<polygon /g)).toHaveLength(2);
    expect(text).toContain('stroke-dasharray');
  });

  it('one image per bit width (Figure 7): each band on its own image, with that image\'s float baseline', async () => {
    const m8 = join(packageRoot, 'models', 'kws', 'full-8.aonw');
    const m4 = join(packageRoot, 'models', 'kws', 'full-4.aonw');
    const svg = join(mkdtempSync(join(tmpdir(), 'aoncim-eval-')), 'fig7.svg');
    const pair = await evalJson(['--model', `${m8},${m4}`, '--runs', '1', '--times', '1h', '--bits', '8,4', '--limit', '12', '--seed', '2', '--svg', svg]);
    type Point = Report['results'][number] & { model: string; baseline: number };
    const [p8, p4] = pair.results as Point[];
    expect([p8!.bits, p4!.bits]).toEqual([8, 4]);
    expect([p8!.model, p4!.model]).toEqual([m8, m4]);
    // The same numbers as evaluating each image alone at its own bits.
    const alone4 = await evalJson(['--model', m4, '--runs', '1', '--times', '1h', '--bits', '4', '--limit', '12', '--seed', '2']);
    expect(p4!.runs).toEqual(alone4.results[0]!.runs);
    expect(p4!.baseline).toBe(alone4.baseline);
    // Two bands, each with its own dashed float line and legend entry; no common baseline.
    const text = readFileSync(svg, 'utf8');
    expect(text.match(/<polygon /g)).toHaveLength(2);
    expect(text.match(/stroke-dasharray/g)).toHaveLength(4);
    expect(text).not.toMatch(/stroke="#000" stroke-dasharray/);
  });

  it('--held-out refuses images trained with different seeds (their held-out examples differ)', async () => {
    const m8 = join(packageRoot, 'models', 'kws', 'full-8.aonw');
    const other = join(mkdtempSync(join(tmpdir(), 'aoncim-eval-')), 'seed1.aonw');
    const img = loadWeightImage(m8, 'kws');
    saveWeightImage(other, { ...img, training: { ...img.training, seed: img.training.seed + 1 } });
    const io = recordingIo();
    const code = await main(['eval', '--task', 'kws', '--data', data, '--held-out', '--model', `${m8},${other}`, '--bits', '8,6', '--runs', '1'], io);
    expect(code).toBe(2);
    expect(io.stderr).toMatch(/trained with different seeds/);
  });

  it.each([
    [['eval', '--task', 'kws', '--data', data, '--model', 'a.aonw,b.aonw', '--bits', '8'], /--model lists 2 images: give --bits with one bit width per image/],
    [['eval', '--task', 'kws', '--data', data, '--model', 'a.aonw,b.aonw', '--bits', '6,6'], /--bits 6,6 repeats a bit width: with several images each needs its own/],
    [['eval', '--task', 'kws', '--data', data, '--model', 'a.aonw,'], /--model: empty image name/],
    [['eval', '--task', 'asr', '--data', data], /task must be kws or vww/],
    [['eval', '--task', 'kws'], /required option '--data <dir>'/],
    [['eval', '--task', 'kws', '--data', data, '--bits', '7'], /bits must be 8, 6 or 4/],
    [['eval', '--task', 'kws', '--data', data, '--times', '3 weeks'], /time must look like/],
    [['eval', '--task', 'kws', '--data', '/nonexistent'], /data directory not found/],
    [['eval', '--task', 'kws', '--data', data, '--model', '/nonexistent.aonw'], /nonexistent\.aonw/],
  ])('rejects %j with a specific message and exit 2', async (argv, msg) => {
    const io = recordingIo();
    expect(await main(argv, io)).toBe(2);
    expect(io.stderr).toMatch(msg);
    expect(io.stderr).not.toMatch(/\n\s+at /);
  });
});
