import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { recordingIo } from '../../../host/cli/io.js';
import { createProgram, main, runProgram } from '../../../host/cli/main.js';
import { registerVww } from '../../../host/cli/vww.js';
import { repoPath } from '../../../host/paths.js';
import { testData } from '../data.js';
import type { VwwClassifier, VwwClassifierFactory, VwwClassifierOptions } from '../../../host/vision/classifier.js';
import { decodeImageFile } from '../../../host/vision/decode.js';
import { preprocessVwwFrame } from '../../../host/vision/normalize.js';
import { saveWeightImage } from '../../../models/image/load.js';
import { randomImage } from '../../../models/image/random.js';

interface Seen {
  options?: VwwClassifierOptions;
  inputs: Float32Array[];
}

/** A stand-in for the chip: logit(person) = 10·(mean input) (centred: mid-grey is 0), 2.5 µJ per inference. */
function fakeFactory(seen: Seen, classes = ['no_person', 'person']): VwwClassifierFactory {
  return async (options) => {
    seen.options = options;
    const c: VwwClassifier = {
      classes,
      classify(input) {
        seen.inputs.push(input);
        const mean = input.reduce((a, b) => a + b, 0) / input.length;
        return { scores: Float32Array.from([0, 10 * mean]), energyUj: 2.5, latencyUs: 100 };
      },
    };
    return c;
  };
}

/** Runs `vww` as main() does: commander errors and UserErrors become one stderr line and exit 2. */
async function run(argv: string[], factory: VwwClassifierFactory, stdin?: AsyncIterable<Uint8Array>) {
  const io = recordingIo();
  const program = createProgram(io);
  registerVww(factory, stdin)(program, io);
  const code = await runProgram(program, ['vww', ...argv], io);
  return { code, stdout: io.stdout, stderr: io.stderr };
}

async function* bytesOf(b: Uint8Array): AsyncGenerator<Uint8Array> {
  yield b;
}

const personPng = join(testData(), 'vww', 'person', '000000000785.png');

describe('aon-cim vww', () => {
  it('prints one JSON line per frame with the softmax person score and energy', async () => {
    const seen: Seen = { inputs: [] };
    const r = await run([personPng, '--json'], fakeFactory(seen));
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(lines).toHaveLength(1);
    const x = preprocessVwwFrame(decodeImageFile(personPng));
    expect(seen.inputs[0]).toEqual(x); // the shared preprocessing reached the classifier
    const mean = x.reduce((a, b) => a + b, 0) / x.length;
    const logit = Math.fround(10 * mean);
    expect(lines[0]).toEqual({ frame: personPng, person: logit >= 0, score: expect.any(Number), uJ: 2.5 });
    expect(lines[0].score).toBeCloseTo(1 / (1 + Math.exp(-logit)), 12);
    // Defaults of contracts.md §5.
    expect(seen.options).toEqual({ model: undefined, bits: undefined, driftS: 25, preset: 'paper', seed: 0, gdc: true, onNote: expect.any(Function) });
  });

  it('passes chip flags through and classifies a raw stdin stream frame by frame', async () => {
    const seen: Seen = { inputs: [] };
    const dark = new Uint8Array(4 * 2 * 3).fill(0);
    const bright = new Uint8Array(4 * 2 * 3).fill(255);
    const stream = new Uint8Array([...dark, ...bright]);
    const r = await run(
      ['-', '--raw', '4x2', '--bits', '6', '--drift', '1d', '--preset', 'ideal', '--seed', '7', '--no-gdc', '--model', 'm.img', '--json'],
      fakeFactory(seen),
      bytesOf(stream),
    );
    expect(r.code).toBe(0);
    expect(seen.options).toEqual({ model: 'm.img', bits: 6, driftS: 86_400, preset: 'ideal', seed: 7, gdc: false, onNote: expect.any(Function) });
    const lines = r.stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(lines.pop()).toEqual({ summary: { frames: 2, persons: 1, skipped: 0 } }); // a stream of frames ends with a summary
    expect(lines.map((l) => [l.frame, l.person])).toEqual([['stdin#0', false], ['stdin#1', true]]);
    expect(lines[0].score).toBeCloseTo(1 / (1 + Math.exp(5)), 6); // black: mean −0.5 → logit −5
    expect(seen.inputs[1]!.every((v) => v === 0.5)).toBe(true);
  });

  it('prints a readable line without --json', async () => {
    const r = await run([personPng], fakeFactory({ inputs: [] }));
    expect(r.stdout).toMatch(/^.*000000000785\.png: (person|no person) \(score \d\.\d{3}, 2\.500 µJ\)\n$/);
  });

  it.each([
    [['--raw', '640by480'], /raw frame size must be WIDTHxHEIGHT, e\.g\. 640x480 \(got "640by480"\)/],
    [['--raw', '0x10'], /raw frame sides must be 1\.\.8192/],
    [['--bits', '5'], /bits must be 8, 6 or 4 \(got "5"\)/],
    [['--drift', 'soon'], /time must look like 25s/],
    [['--preset', 'fast'], /preset must be paper, aihwkit or ideal/],
    [['--seed', '-1'], /expected a non-negative integer|unknown option '-1'/],
    [['--frobnicate'], /unknown option '--frobnicate'/],
  ])('rejects bad flags %j', async (flags, message) => {
    const r = await run([personPng, ...flags], fakeFactory({ inputs: [] }));
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stdout).toBe('');
  });

  it('bad inputs end with one specific error line and exit 2', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'aoncim-vww-cli-'));
    writeFileSync(join(dir, 'text.png'), 'no image here');
    const cases: Array<[string[], RegExp, AsyncIterable<Uint8Array>?]> = [
      [[join(dir, 'missing.png')], /missing\.png: no such file/],
      [[join(dir, 'text.png')], /text\.png: not a PNG or JPEG image/],
      [['-', '--raw', '4x2'], /stdin: raw stream ends with 7 bytes left over after 1 whole frame\(s\)/, bytesOf(new Uint8Array(24 + 7))],
    ];
    for (const [argv, message, stdin] of cases) {
      const seen: Seen = { inputs: [] };
      const r = await run(argv, fakeFactory(seen), stdin);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(new RegExp(`^aon-cim: error: .*${message.source}`));
      expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
      if (argv[0] !== '-') expect(seen.options).toBeUndefined(); // failed before programming the chip
    }
  });

  it('a folder with unreadable frames: a note naming each, the rest scored, a summary, exit 1', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'aoncim-vww-bad-'));
    const png = readFileSync(personPng);
    writeFileSync(join(dir, 'a.png'), png);
    writeFileSync(join(dir, 'b-truncated.png'), png.subarray(0, 200)); // a PNG cut short
    writeFileSync(join(dir, 'c-random.png'), Uint8Array.from({ length: 300 }, (_, i) => (i * 97 + 13) % 256));
    writeFileSync(join(dir, 'd.png'), readFileSync(join(testData(), 'vww', 'non_person', '000000000724.png')));
    const seen: Seen = { inputs: [] };
    const r = await run([dir, '--json'], fakeFactory(seen));
    expect(r.code).toBe(1);
    const lines = r.stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(lines.slice(0, -1).map((l) => l.frame)).toEqual([join(dir, 'a.png'), join(dir, 'd.png')]); // d.png after the bad ones
    const persons = lines.slice(0, -1).filter((l) => l.person).length;
    expect(lines.at(-1)).toEqual({ summary: { frames: 2, persons, skipped: 2 } });
    const notes = r.stderr.trim().split('\n');
    expect(notes).toHaveLength(2);
    expect(notes[0]).toMatch(new RegExp(`^aon-cim: note: skipping ${join(dir, 'b-truncated.png')}: PNG image is corrupt or truncated`));
    expect(notes[1]).toBe(`aon-cim: note: skipping ${join(dir, 'c-random.png')}: not a PNG or JPEG image`);
    // Readable: the summary is a line on stderr.
    const t = await run([dir], fakeFactory({ inputs: [] }));
    expect(t.code).toBe(1);
    expect(t.stderr.trim().split('\n').at(-1)).toBe(`2 frame(s) scored, ${persons} with a person, 2 skipped (not readable frames)`);
  });

  it('a clean folder: a summary with nothing skipped, exit 0', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'aoncim-vww-ok-'));
    writeFileSync(join(dir, 'a.png'), readFileSync(personPng));
    const r = await run([dir], fakeFactory({ inputs: [] }));
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/^1 frame\(s\) scored, [01] with a person, 0 skipped/);
  });

  it('refuses a model without a person class', async () => {
    const r = await run([personPng], fakeFactory({ inputs: [] }, ['cat', 'dog']));
    expect(r.stderr).toMatch(/the model's classes \(cat, dog\) have no "person"/);
  });
});

describe('aon-cim vww on the emulated chip', () => {
  it('classifies the shipped demo frames end to end, deterministically for a seed', async () => {
    // An image file, so the test does not depend on which images ship.
    const model = join(mkdtempSync(join(tmpdir(), 'aoncim-vww-model-')), 'vww.aonw');
    saveWeightImage(model, randomImage('vww', 3));
    const argv = ['vww', repoPath('demo'), '--json', '--model', model, '--preset', 'paper', '--drift', '1d', '--seed', '3'];
    const a = recordingIo();
    expect(await main(argv, a)).toBe(1); // demo/ also holds the WAV clips and README.md: skipped
    const all = a.stdout.trim().split('\n').map((l) => JSON.parse(l));
    const lines = all.slice(0, -1);
    expect(lines.map((l) => l.frame)).toEqual([repoPath('demo', 'no-person.png'), repoPath('demo', 'person.png')]);
    expect(all.at(-1).summary).toMatchObject({ frames: 2, skipped: 3 });
    for (const l of lines) {
      expect(Object.keys(l)).toEqual(['frame', 'person', 'score', 'uJ']);
      expect(l.score).toBeGreaterThanOrEqual(0);
      expect(l.score).toBeLessThanOrEqual(1);
      expect(l.person).toBe(l.score >= 0.5);
      expect(l.uJ).toBeGreaterThan(0);
    }
    // demo/ also holds the KWS clips: skipped with a note each, nothing else on stderr.
    for (const line of a.stderr.trim().split('\n').filter((l) => l !== '')) expect(line).toMatch(/^aon-cim: note: skipping .*: not a PNG or JPEG image$/);
    const b = recordingIo();
    expect(await main(argv, b)).toBe(1);
    expect(b.stdout).toBe(a.stdout);
  });
});
