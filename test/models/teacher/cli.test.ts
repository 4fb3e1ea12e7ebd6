/**
 * `aon-cim teacher` through the CLI: --json prints the accuracy; --data takes the data root or the
 * task folder; bad input (missing or corrupt model, the other task's file, missing data) is one
 * `aon-cim: error:` line and exit 2; the CLI module reaches tfjs only by dynamic import.
 */
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { recordingIo } from '../../../host/cli/io.js';
import { main } from '../../../host/cli/main.js';
import { repoPath, sharedDataDir } from '../../../host/paths.js';
import { defaultTeacherPath } from '../../../models/teacher/spec.js';
import { useWasmTrainingBackend } from '../../../models/train/kernels.js';

const DATA = sharedDataDir();
const have = existsSync(join(DATA, 'vww', 'index.csv')) && existsSync(defaultTeacherPath('vww')) && existsSync(defaultTeacherPath('kws'));

async function run(args: string[]) {
  const io = recordingIo();
  const code = await main(['teacher', ...args], io);
  return { code, ...io };
}

/** One `aon-cim: error: …` line, no stack trace. */
function expectOneErrorLine(r: { code: number; stdout: string; stderr: string }, message: RegExp): void {
  expect(r.code).toBe(2);
  expect(r.stdout).toBe('');
  expect(r.stderr).toMatch(/^aon-cim: error: [^\n]+\n$/);
  expect(r.stderr).toMatch(message);
}

beforeAll(async () => {
  await useWasmTrainingBackend();
});

describe('aon-cim teacher: bad input', () => {
  it('a missing --model file exits 2 with one line', async () => {
    expectOneErrorLine(await run(['--task', 'vww', '--model', '/nonexistent/vww.tflite', '--data', DATA]), /\/nonexistent\/vww\.tflite: no such file/);
  });

  it('a --model that is not a TFLite file exits 2 with one line', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'aoncim-teacher-'));
    const bad = join(dir, 'bad.tflite');
    writeFileSync(bad, 'definitely not a flatbuffer');
    expectOneErrorLine(await run(['--task', 'kws', '--model', bad, '--data', DATA]), /not a TFLite model/);
  });

  it('an unknown task is rejected by the parser', async () => {
    expectOneErrorLine(await run(['--task', 'asr']), /task must be kws or vww/);
  });

  it.skipIf(!have)(have ? 'missing data exits 2 with one line' : `skipped: teachers not found at ${defaultTeacherPath('vww')}`, async () => {
    const empty = mkdtempSync(join(tmpdir(), 'aoncim-teacher-nodata-'));
    expectOneErrorLine(await run(['--task', 'vww', '--data', empty]), /no vww data in/);
  });

  it.skipIf(!have)(have ? "the other task's file exits 2 with one line" : `skipped: data not found at ${DATA}`, async () => {
    expectOneErrorLine(await run(['--task', 'vww', '--model', defaultTeacherPath('kws'), '--data', DATA]), /wrong --task or file/);
  });
});

describe.skipIf(!have)(have ? 'aon-cim teacher: results' : `aon-cim teacher: results — data not found at ${DATA}`, () => {
  it('--task vww --json prints the accuracy (85.5 % ± 0.5 on ../shared/data)', async () => {
    const r = await run(['--task', 'vww', '--json', '--data', DATA]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines).toHaveLength(1);
    const j = JSON.parse(lines[0]!);
    expect(j).toMatchObject({ task: 'vww', total: 827, model: defaultTeacherPath('vww') });
    expect(j.accuracy).toBeCloseTo(j.correct / j.total, 12);
    expect(Math.abs(j.accuracy - 0.855)).toBeLessThanOrEqual(0.005);
    expect(j.perClass.map((c: { class: string }) => c.class)).toEqual(['non_person', 'person']);
  }, 600_000);

  it('--held-out 0 --prior fit: offsets fitted on the other 3,244 clips; the KWS teacher calls fewer keywords unknown and scores higher held out', async () => {
    const r = await run(['--task', 'kws', '--held-out', '0', '--prior', 'fit', '--json', '--data', DATA]);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j.total).toBe(949);
    expect(j.prior.fittedOn).toBe(4193 - 949);
    expect(j.prior.offsets).toHaveLength(12);
    // Measured (docs/training.md, "The teacher's prior"): unknown −2.77, every other class within ±1.
    expect(j.prior.offsets[1]).toBeLessThan(-2);
    j.prior.offsets.filter((_: number, k: number) => k !== 1).forEach((b: number) => expect(Math.abs(b)).toBeLessThan(1));
    expect(j.prior.accuracyWithout).toBeCloseTo(0.885, 2);
    expect(j.accuracy).toBeGreaterThan(j.prior.accuracyWithout + 0.01);
    expectOneErrorLine(await run(['--task', 'kws', '--prior', 'fit', '--data', DATA]), /needs --held-out/);
  }, 600_000);

  it('--data as the task folder; the text report names accuracy, recall per class and the count', async () => {
    // A 12-image set in a temporary folder, paths relative to it (the index.csv layout).
    const dir = mkdtempSync(join(tmpdir(), 'aoncim-teacher-vww-'));
    const rows = readFileSync(join(DATA, 'vww', 'index.csv'), 'utf8').trim().split('\n');
    const pick = [...rows.slice(1, 7), ...rows.slice(-6)].map((l) => {
      const [path, label, id] = l.split(',');
      return `${relative(dir, join(DATA, 'vww', path!))},${label},${id}`;
    });
    writeFileSync(join(dir, 'index.csv'), `path,label,coco_image_id\n${pick.join('\n')}\n`);
    const r = await run(['--task', 'vww', '--data', dir]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^accuracy: \d+\/12 = \d+\.\d%$/m);
    expect(r.stdout).toMatch(/\(12 examples\)/);
    expect(r.stdout).toMatch(/^ {2}non_person {2}\d+\/6 {2}\d+\.\d%$/m);
    expect(r.stdout).toMatch(/^ {2}person {6}\d+\/6 {2}\d+\.\d%$/m);
  }, 600_000);
});

it('host/cli/teacher.ts reaches models/teacher (and tfjs) only by dynamic import', () => {
  const src = readFileSync(repoPath('host', 'cli', 'teacher.ts'), 'utf8');
  expect(src).not.toMatch(/^import (?!type ).*(@tensorflow|models\/)/m);
  expect(src).toMatch(/await import\('..\/..\/models\/teacher\/evaluate.js'\)/);
});
