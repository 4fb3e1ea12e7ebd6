/**
 * Which examples and which images `eval` and `ablation` score by default: the held-out part
 * when --data is the set the image was trained on (--all for everything), --data as the data root or
 * the task folder, one shipped full-<bits> image per bit width, and output paths checked up front.
 */
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { recordingIo } from '../../../host/cli/io.js';
import { main } from '../../../host/cli/main.js';
import { loadDataset } from '../../../host/eval/dataset.js';
import { isTrainingSet, parseTrainingData, selectExamples } from '../../../host/eval/training-split.js';
import { packageRoot } from '../../../host/paths.js';
import { testData } from '../data.js';
import { loadWeightImage, saveWeightImage } from '../../../models/image/load.js';
import { randomImage } from '../../../models/image/random.js';

const root = testData();
const kwsData = join(root, 'speech_commands');
const full = (b: number) => join(packageRoot, 'models', 'kws', `full-${b}.aonw`);

async function run(argv: string[]) {
  const io = recordingIo();
  const code = await main(argv, io);
  expect(io.stderr).not.toMatch(/internal error/);
  return { code, stdout: io.stdout, stderr: io.stderr };
}

const quick = ['--runs', '1', '--times', '25s', '--preset', 'ideal', '--limit', '6', '--threads', '0', '--json'];

describe('held-out by default when --data is the training set', () => {
  it("reads the image's logged split and finds it again in the data (949 of 4,193 KWS clips)", () => {
    const training = loadWeightImage(full(8), 'kws').training;
    expect(parseTrainingData(training.data)).toEqual({ dataset: 'speech_commands', train: 3244, validation: 949 });
    const ds = loadDataset(kwsData);
    expect(isTrainingSet('kws', ds, training)).toBe(true);
    expect(isTrainingSet('kws', ds, { ...training, seed: training.seed + 1 })).toBe(false); // another split
    const auto = selectExamples('kws', ds, [training], 'auto');
    expect(auto.heldOutSeed).toBe(training.seed);
    expect(auto.note).toMatch(/evaluating the 949 of 4,193 examples the image never saw in training/);
    const all = selectExamples('kws', ds, [training], 'all');
    expect(all.heldOutSeed).toBeNull();
    expect(all.note).toMatch(/all 4,193 examples .* including the 3,244 the image was trained on/);
    // A random image was trained on nothing: every example, nothing to say.
    expect(selectExamples('kws', ds, [randomImage('kws', 0).training], 'auto')).toEqual({ heldOutSeed: null, note: null });
  });

  it('eval: the default scores the held-out part and says so in one note; --all scores all, saying it includes training data', async () => {
    const d = await run(['eval', '--task', 'kws', '--data', kwsData, ...quick]);
    expect(d.code).toBe(0);
    expect(JSON.parse(d.stdout)).toMatchObject({ heldOut: true, items: 6 });
    expect(d.stderr.match(/aon-cim: note: .*held out/g)).toHaveLength(1);
    const a = await run(['eval', '--task', 'kws', '--data', kwsData, '--all', ...quick]);
    expect(a.code).toBe(0);
    expect(JSON.parse(a.stdout)).toMatchObject({ heldOut: false, items: 6 });
    expect(a.stderr).toMatch(/aon-cim: note: evaluating all 4,193 examples .*including the 3,244 the image was trained on/);
    // --held-out is still accepted (now the default), and cannot be combined with --all.
    const h = await run(['eval', '--task', 'kws', '--data', kwsData, '--held-out', ...quick]);
    expect(h.code).toBe(0);
    expect(JSON.parse(h.stdout)).toEqual(JSON.parse(d.stdout));
    const both = await run(['eval', '--task', 'kws', '--data', kwsData, '--held-out', '--all', ...quick]);
    expect(both.code).toBe(2);
    expect(both.stderr).toMatch(/^aon-cim: error: option '--all' cannot be used with option '--held-out'/);
  });

  it('another data set than the training set: every example, no note', async () => {
    // The first 20 rows of speech_commands: not the logged 3,244 / 949 split.
    const dir = mkdtempSync(join(tmpdir(), 'aoncim-subset-'));
    const lines = readFileSync(join(kwsData, 'index.csv'), 'utf8').split('\n');
    const header = lines[0]!.split(',');
    const pathCol = header.indexOf('path');
    const rows = lines.slice(1, 21).map((l) => {
      const cells = l.split(',');
      cells[pathCol] = relative(dir, join(kwsData, cells[pathCol]!));
      return cells.join(',');
    });
    writeFileSync(join(dir, 'index.csv'), [lines[0], ...rows].join('\n') + '\n');
    const r = await run(['eval', '--task', 'kws', '--data', dir, ...quick]);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ heldOut: false, items: 6 });
    expect(r.stderr).toBe('');
  });
});

describe('--data: the data root or the task folder', () => {
  it('eval gives the same result either way', async () => {
    const a = await run(['eval', '--task', 'kws', '--data', root, ...quick]);
    const b = await run(['eval', '--task', 'kws', '--data', kwsData, ...quick]);
    expect(a.code).toBe(0);
    expect(JSON.parse(a.stdout)).toEqual(JSON.parse(b.stdout));
  });

  it('ablation takes the root too', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'aoncim-abl-'));
    saveWeightImage(join(dir, 'baseline.aonw'), randomImage('vww', 1));
    const r = await run(['ablation', '--task', 'vww', '--data', root, '--models-dir', dir, '--runs', '1', '--limit', '4', '--threads', '0', '--json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).rows[0].cells.map((c: { bits: number } | null) => c?.bits)).toEqual([8, 6, 4]);
  });

  it('a folder with neither index.csv: one line naming both places', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'aoncim-empty-'));
    const r = await run(['eval', '--task', 'vww', '--data', empty, ...quick]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^aon-cim: error: .* has no index\.csv, nor .*vww\/index\.csv/);
  });
});

describe('--bits without --model: each bit width on its own shipped full-<bits> image', () => {
  it('eval --bits 8,4', async () => {
    const r = await run(['eval', '--task', 'kws', '--data', kwsData, '--bits', '8,4', ...quick]);
    expect(r.code).toBe(0);
    const rep = JSON.parse(r.stdout) as { results: Array<{ bits: number; model: string }> };
    expect(rep.results.map((p) => [p.bits, p.model])).toEqual([
      [8, full(8)],
      [4, full(4)],
    ]);
    expect(r.stderr).toMatch(/aon-cim: note: no --model: each bit width on its own shipped image: 8 bit → \S*full-8\.aonw, 4 bit → \S*full-4\.aonw/);
    expect(r.stderr).not.toMatch(/trained for 8-bit converters; evaluating it at/);
  });

  it('eval --bits 6 alone runs full-6', async () => {
    const r = await run(['eval', '--task', 'kws', '--data', kwsData, '--bits', '6', ...quick]);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).model).toBe(full(6));
  });
});

describe('output paths are checked before the work starts', () => {
  const dir = mkdtempSync(join(tmpdir(), 'aoncim-out-'));
  mkdirSync(join(dir, 'a-folder'));
  it.each([
    [['eval', '--task', 'kws', '--data', kwsData, '--svg', '/nonexistent/x.svg'], /--svg \/nonexistent\/x\.svg: folder \/nonexistent does not exist/],
    [['eval', '--task', 'kws', '--data', kwsData, '--svg', join(dir, 'a-folder')], /is a directory; give a file name/],
    [['energy', '--model', 'kws', '--svg', '/nonexistent/f8.svg'], /folder \/nonexistent does not exist/],
    [['energy', '--model', 'kws', '--svg', join(dir, 'a-folder')], /is a directory/],
    [['map', '--model', 'kws', '--svg', '/nonexistent/m.svg'], /folder \/nonexistent does not exist/],
    [['map', '--model', 'kws', '--svg', join(dir, 'a-folder')], /is a directory/],
    [['export-onnx', '--model', 'kws', '--random', '0', '--out', join(dir, 'a-folder')], /is a directory/],
  ])('%j', async (argv, message) => {
    const t0 = performance.now();
    // Without the check eval would run the whole sweep (25 runs × 5 times over 949 clips) first.
    const r = await run([...argv, ...(argv[0] === 'eval' ? ['--runs', '25'] : [])]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(message);
    expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(performance.now() - t0).toBeLessThan(5000);
  });
});

describe('energy --bits without --image: the shipped image for those bits', () => {
  it('energy --model kws --bits 4 runs full-4 and says so; Figure 8 adds VWW on its full-4', async () => {
    const svg = join(mkdtempSync(join(tmpdir(), 'aoncim-f8-')), 'f8.svg');
    const r = await run(['energy', '--model', 'kws', '--bits', '4', '--json', '--svg', svg]);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).image).toBe(full(4));
    expect(r.stderr).toMatch(/aon-cim: note: no --image: kws at 4 bit runs its shipped 4-bit image, \S*models\/kws\/full-4\.aonw/);
    expect(r.stderr).toMatch(/aon-cim: note: no --image: vww at 4 bit runs its shipped 4-bit image, \S*models\/vww\/full-4\.aonw/);
  });

  it('an explicit --image wins', async () => {
    const r = await run(['energy', '--model', 'kws', '--bits', '4', '--image', full(8), '--json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).image).toBe(full(8));
  });
});
