// eval / ablation --shard K/N and merge: N shards merged print exactly what the unsharded command
// prints (its --json and its table), in any order; a missing or duplicated shard is one clear error.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../../host/cli/main.js';
import { recordingIo } from '../../../host/cli/io.js';
import { saveWeightImage } from '../../../models/image/load.js';
import { randomImage } from '../../../models/image/random.js';
import { testData } from '../data.js';

const data = join(testData(), 'speech_commands');
const dir = mkdtempSync(join(tmpdir(), 'aoncim-shard-'));

async function run(argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const io = recordingIo();
  const code = await main(argv, io);
  return { code, out: io.stdout, err: io.stderr };
}

async function ok(argv: string[]): Promise<string> {
  const r = await run(argv);
  expect(r.err).not.toMatch(/internal error/);
  expect(r.code).toBe(0);
  return r.out;
}

/** Run each shard of `argv`, write its partial to a file; the file names in shard order. */
async function shards(argv: string[], n: number, name: string): Promise<string[]> {
  const files: string[] = [];
  for (let k = 0; k < n; k++) {
    const file = join(dir, `${name}-${k}.json`);
    writeFileSync(file, await ok([...argv, '--shard', `${k}/${n}`]));
    files.push(file);
  }
  return files;
}

describe('eval --shard K/N and merge', () => {
  // 2 runs × 2 times × 2 bits = 8 cells in 3 shards: [0, 2), [2, 5), [5, 8) — the middle shard starts
  // run 0 at its second time point (snapshot 2 without snapshot 1) and ends run 1 after one cell.
  const sweep = ['eval', '--task', 'kws', '--data', data, '--runs', '2', '--times', '25s,1d', '--bits', '8,4', '--limit', '12', '--seed', '4'];

  it('three shards merged (in any order) equal the unsharded run bit for bit: --json, table and SVG', async () => {
    const whole = await ok([...sweep, '--json']);
    const files = await shards(sweep, 3, 'eval');
    const partial = JSON.parse(readFileSync(files[1]!, 'utf8')) as { shard: unknown; jobs: Array<{ counts: { cells: unknown[] } }> };
    expect(partial.shard).toEqual({ index: 1, count: 3 });
    // Without --model each bit width is its own job (full-8, full-4): the slice's 3 cells span both.
    expect(partial.jobs.reduce((n, j) => n + j.counts.cells.length, 0)).toBe(3);
    const merged = await ok(['merge', files[2]!, files[0]!, files[1]!, '--json']);
    expect(merged).toBe(whole);
    const svgWhole = join(dir, 'whole.svg');
    const svgMerged = join(dir, 'merged.svg');
    expect(await ok([...sweep, '--svg', svgWhole])).toBe(await ok(['merge', ...files, '--svg', svgMerged]));
    expect(readFileSync(svgMerged, 'utf8')).toBe(readFileSync(svgWhole, 'utf8'));
  });

  it('more shards than cells: the empty shards still count, and merge refuses without them', async () => {
    const small = ['eval', '--task', 'kws', '--data', data, '--runs', '1', '--times', '1h', '--bits', '8', '--limit', '3'];
    const whole = await ok([...small, '--json']);
    const files = await shards(small, 4, 'tiny');
    expect(await ok(['merge', ...files, '--json'])).toBe(whole);
    const missing = await run(['merge', files[0]!, files[1]!, files[3]!]);
    expect(missing.code).toBe(2);
    expect(missing.err).toBe('aon-cim: error: shard 2 of 4 missing (got 0, 1, 3)\n');
    const twice = await run(['merge', ...files, files[2]!]);
    expect(twice.code).toBe(2);
    expect(twice.err).toBe(`aon-cim: error: shard 2/4 is given twice: ${files[2]} and ${files[2]}\n`);
    // A shard of another sweep (another seed) is not silently mixed in.
    const other = join(dir, 'other-2.json');
    writeFileSync(other, await ok([...small, '--seed', '1', '--shard', '2/4']));
    const mixed = await run(['merge', files[0]!, files[1]!, other, files[3]!]);
    expect(mixed.code).toBe(2);
    expect(mixed.err).toMatch(/^aon-cim: error: .*other-2\.json and .*tiny-0\.json are shards of different sweeps/);
  });
});

describe('ablation --shard K/N and merge', () => {
  it('two shards merged equal the unsharded table and --json', async () => {
    const models = mkdtempSync(join(tmpdir(), 'aoncim-shard-abl-'));
    saveWeightImage(join(models, 'baseline.aonw'), randomImage('kws', 1));
    const full = randomImage('kws', 2);
    full.training = { ...full.training, method: 'full', bits: 6 };
    saveWeightImage(join(models, 'full-6.aonw'), full);
    const abl = ['ablation', '--task', 'kws', '--data', data, '--models-dir', models, '--runs', '1', '--limit', '6'];
    const files = await shards(abl, 2, 'abl');
    expect(await ok(['merge', ...files, '--json'])).toBe(await ok([...abl, '--json']));
    expect(await ok(['merge', ...files])).toBe(await ok(abl));
  });
});

describe('clear errors', () => {
  it.each([
    [['eval', '--task', 'kws', '--data', data, '--shard', '3/3'], /^aon-cim: error: --shard 3\/3: the shard index must be below 3\n$/],
    [['eval', '--task', 'kws', '--data', data, '--shard', '1'], /^aon-cim: error: --shard must be K\/N/],
    [['eval', '--task', 'kws', '--data', data, '--shard', '0/2', '--svg', 'x.svg'], /--svg draws the whole sweep: give it to aon-cim merge/],
    [['merge'], /missing required argument 'parts'/],
    [['merge', '/nonexistent/part-0.json'], /^aon-cim: error: \/nonexistent\/part-0\.json: no such file\n$/],
  ])('%j', async (argv, msg) => {
    const r = await run(argv);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(msg);
    expect(r.err).not.toMatch(/\n\s+at /);
  });

  it('a file that is not a partial result says so', async () => {
    const f = join(dir, 'not-partial.json');
    writeFileSync(f, '{"task":"kws"}');
    const r = await run(['merge', f]);
    expect(r.code).toBe(2);
    expect(r.err).toBe(`aon-cim: error: ${f}: not an aon-cim partial result (no "format": "aon-cim-partial"); write one with eval or ablation --shard K/N\n`);
  });
});
