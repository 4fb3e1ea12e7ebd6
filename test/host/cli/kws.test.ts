import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { mfcc } from '../../../host/audio/mfcc.js';
import { readWav } from '../../../host/audio/wav.js';
import { recordingIo } from '../../../host/cli/io.js';
import { registerKws, type KwsCommandFactory } from '../../../host/cli/kws.js';
import { createProgram, main, runProgram } from '../../../host/cli/main.js';
import { energyOf } from '../../../host/energy/model.js';
import { measure } from '../../../host/energy/measure.js';
import type { KwsChipOptions, LabelledKwsClassifier } from '../../../host/kws/chip-classifier.js';
import { buildLongStream, scoreDetections, type PlacedClip } from '../../../host/kws/long-stream.js';
import { readSpeechCommandsIndex } from '../../../host/kws/speech-commands.js';
import { repoPath } from '../../../host/paths.js';
import { testData } from '../data.js';
import { KWS_CLASSES } from '../../../models/graphs/kws.js';
import { saveWeightImage } from '../../../models/image/load.js';
import { randomImage } from '../../../models/image/random.js';

const labels: readonly string[] = KWS_CLASSES;
const dir = mkdtempSync(join(tmpdir(), 'aoncim-kws-cli-'));
const yesWav = repoPath('demo', 'yes.wav');
const streamWav = repoPath('demo', 'stream.wav');

/** A mono IEEE-float WAV written byte by byte: the decoder gives these exact samples back. */
function writeFloatWav(path: string, samples: Float32Array, rate = 16000): string {
  const data = Buffer.from(samples.buffer, samples.byteOffset, samples.byteLength);
  const h = Buffer.alloc(44);
  h.write('RIFF', 0, 'latin1');
  h.writeUInt32LE(36 + data.length, 4);
  h.write('WAVEfmt ', 8, 'latin1');
  h.writeUInt32LE(16, 16);
  h.writeUInt16LE(3, 20);
  h.writeUInt16LE(1, 22);
  h.writeUInt32LE(rate, 24);
  h.writeUInt32LE(rate * 4, 28);
  h.writeUInt16LE(4, 32);
  h.writeUInt16LE(32, 34);
  h.write('data', 36, 'latin1');
  h.writeUInt32LE(data.length, 40);
  writeFileSync(path, Buffer.concat([h, data]));
  return path;
}

/** 16-bit samples (code / 32768) back to raw s16le bytes, as arecord writes them. */
function s16le(samples: Float32Array): Buffer {
  const b = Buffer.alloc(2 * samples.length);
  for (let i = 0; i < samples.length; i++) {
    const code = samples[i]! * 32768;
    if (!Number.isInteger(code)) throw new Error('not a 16-bit sample');
    b.writeInt16LE(code, 2 * i);
  }
  return b;
}

interface Seen {
  options?: KwsChipOptions;
  inputs: Float32Array[];
}

/** Fixed scores ("yes" 3/14, every other class 1/14), 1.25 µJ and 128 µs per inference. */
function mfccFake(seen: Seen): KwsCommandFactory {
  return async (options) => {
    seen.options = options;
    return {
      labels,
      classify(x: Float32Array) {
        seen.inputs.push(x);
        const s = new Float32Array(labels.length).fill(1);
        s[2] = 3; // "yes" always wins: p = 3 / (11 + 3)
        for (let i = 0; i < s.length; i++) s[i]! /= 14;
        return { scores: s, energyUj: 1.25, latencyUs: 128 };
      },
    };
  };
}

/**
 * A fake that knows the truth of a stream: the i-th call sees the window ending at 1 s + i·hop; it
 * answers the placed clip's label with 0.9 while that window overlaps the clip by ≥ 0.7 s.
 */
function oracleFactory(placed: readonly PlacedClip[], hopS: number, seen: Seen): KwsCommandFactory {
  return async (options) => {
    seen.options = options;
    let i = 0;
    const c: LabelledKwsClassifier = {
      labels,
      classify(x) {
        seen.inputs.push(x);
        const end = 1 + i++ * hopS;
        const inside = placed.find((p) => Math.min(end, p.endS) - Math.max(end - 1, p.startS) >= 0.7);
        const s = new Float32Array(12).fill(0.1 / 11);
        s[labels.indexOf(inside?.label ?? '_silence_')] = 0.9;
        return { scores: s, energyUj: 0.5, latencyUs: 100 };
      },
    };
    return c;
  };
}

/** Runs `kws` as main() does: commander errors and UserErrors become one stderr line and exit 2. */
async function run(argv: string[], factory: KwsCommandFactory, stdin?: Buffer, pathVar?: string) {
  const io = recordingIo();
  const program = createProgram(io);
  registerKws({ factory, ...(stdin ? { stdin: Readable.from([stdin]) } : {}), ...(pathVar !== undefined ? { pathVar } : {}) })(program, io);
  const code = await runProgram(program, ['kws', ...argv], io);
  return { code, stdout: io.stdout, stderr: io.stderr };
}

describe('aon-cim kws, one clip', () => {
  it('classifies the MFCC of the first second and prints {label, scores, uJ, latencyUs}', async () => {
    const seen: Seen = { inputs: [] };
    const r = await run([yesWav, '--json'], mfccFake(seen));
    expect(r.code).toBe(0);
    expect(seen.inputs).toHaveLength(1);
    expect(seen.inputs[0]).toEqual(mfcc(readWav(yesWav).samples)); // the shared front end reached the classifier
    const doc = JSON.parse(r.stdout);
    expect(Object.keys(doc)).toEqual(['label', 'scores', 'uJ', 'latencyUs']);
    expect(doc.label).toBe('yes');
    expect(Object.keys(doc.scores)).toEqual(labels);
    expect(doc.scores.yes).toBeCloseTo(3 / 14, 6);
    expect(doc.scores.no).toBeCloseTo(1 / 14, 6);
    expect(doc).toMatchObject({ uJ: 1.25, latencyUs: 128 });
    // contracts.md §5 defaults.
    expect(seen.options).toEqual({ model: undefined, bits: undefined, driftS: 25, preset: 'paper', seed: 0, gdc: true, onNote: expect.any(Function) });
    expect(r.stderr).toBe('');
  });

  it('passes the chip flags through', async () => {
    const seen: Seen = { inputs: [] };
    const r = await run([yesWav, '--model', 'm.aonw', '--bits', '4', '--drift', '1d', '--preset', 'aihwkit', '--seed', '9', '--no-gdc'], mfccFake(seen));
    expect(r.code).toBe(0);
    expect(seen.options).toEqual({ model: 'm.aonw', bits: 4, driftS: 86_400, preset: 'aihwkit', seed: 9, gdc: false, onNote: expect.any(Function) });
    expect(r.stdout).toMatch(/yes\.wav: yes \(p 0\.214; top 3: yes 0\.214, .*\); emulated 1\.250 µJ, 128\.0 µs\n$/);
  });

  it('pads a short clip and truncates a long one, and says so on stderr', async () => {
    const x = readWav(yesWav).samples;
    const short = writeFloatWav(join(dir, 'short.wav'), x.slice(0, 8000));
    const long = new Float32Array(40_000);
    long.set(x);
    long.set(x.subarray(0, 24_000), 16_000);
    const longPath = writeFloatWav(join(dir, 'long.wav'), long);
    const seen: Seen = { inputs: [] };
    const a = await run([short], mfccFake(seen));
    expect(a.stderr).toBe('aon-cim: note: audio is 0.500 s, shorter than the 1 s window: padded with 8000 zero samples\n');
    const padded = new Float32Array(16_000);
    padded.set(x.subarray(0, 8000));
    expect(seen.inputs[0]).toEqual(mfcc(padded));
    const b = await run([longPath], mfccFake(seen));
    expect(b.stderr).toMatch(/audio is 2\.500 s: only the first second is classified \(24000 samples dropped; --stream scans all of it\)/);
    expect(seen.inputs[1]).toEqual(mfcc(x));
  });

  it('reads raw s16le 16 kHz from stdin with -', async () => {
    const seen: Seen = { inputs: [] };
    const r = await run(['-', '--json'], mfccFake(seen), s16le(readWav(yesWav).samples));
    expect(r.code).toBe(0);
    expect(seen.inputs[0]).toEqual(mfcc(readWav(yesWav).samples));
  });
});

describe('aon-cim kws --stream', () => {
  const index = readSpeechCommandsIndex(join(testData(), 'speech_commands'));
  const entries = ['yes', '_unknown_', 'left', 'stop', 'go'].map((l, k) => index.filter((e) => e.label === l)[k]!);
  const clips = entries.map((e) => ({ label: e.label, samples: readWav(e.path).samples, source: e.path }));
  const noise = readWav(join(testData(), 'background_noise', 'running_tap.wav')).samples;
  const stream = buildLongStream(clips, { noise, seed: 5, gapS: [1.2, 2.0] });
  const wav = writeFloatWav(join(dir, 'stream.wav'), stream.samples);

  it('prints each detection as a JSON line, then the summary; every keyword once, _unknown_ never', async () => {
    const seen: Seen = { inputs: [] };
    const r = await run([wav, '--stream', '--json'], oracleFactory(stream.placed, 0.1, seen));
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split('\n').map((l) => JSON.parse(l));
    const summary = lines.pop().summary;
    for (const l of lines) expect(Object.keys(l)).toEqual(['timeS', 'keyword', 'score']);
    const score = scoreDetections(stream.keywords, lines, stream.durationS);
    expect(score).toMatchObject({ keywords: 4, hits: 4, misses: 0, falseAccepts: 0 });
    const n = Math.floor((stream.samples.length - 16000) / 1600) + 1;
    expect(summary).toMatchObject({ inferences: n, detections: 4, uJPerInference: 0.5, meanLatencyUs: 100 });
    expect(summary.audioSeconds).toBeCloseTo(stream.durationS, 9);
    expect(summary.uJTotal).toBeCloseTo(0.5 * n, 9);
    expect(summary.realTimeFactor).toBeGreaterThan(0);
    // The windows are the last second at each hop: window k ends at sample 16000 + 1600·k.
    expect(seen.inputs[7]).toEqual(mfcc(stream.samples.subarray(1600 * 7, 16000 + 1600 * 7)));
  });

  it('--hop, --threshold, --smoothing and --refractory reach the detector', async () => {
    const seen: Seen = { inputs: [] };
    const r = await run([wav, '--stream', '--json', '--hop', '20ms', '--smoothing', '100ms'], oracleFactory(stream.placed, 0.02, seen));
    const lines = r.stdout.trim().split('\n').map((l) => JSON.parse(l));
    const summary = lines.pop().summary;
    expect(summary.inferences).toBe(Math.floor((stream.samples.length - 16000) / 320) + 1);
    expect(scoreDetections(stream.keywords, lines, stream.durationS)).toMatchObject({ hits: 4, falseAccepts: 0 });
    // Scores above the threshold 0.95 never occur (the oracle says 0.9): nothing fires.
    const high = await run([wav, '--stream', '--json', '--threshold', '0.95'], oracleFactory(stream.placed, 0.1, { inputs: [] }));
    expect(high.stdout.trim().split('\n')).toHaveLength(1);
    // Refractory 0: the same word fires on every hop while the smoothed score stays above 0.7.
    const rep = await run([wav, '--stream', '--json', '--refractory', '0s'], oracleFactory(stream.placed, 0.1, { inputs: [] }));
    expect(rep.stdout.trim().split('\n').length - 1).toBeGreaterThan(4);
  });

  it('without --json: detections stay JSON lines on stdout, the summary is a sentence on stderr', async () => {
    const r = await run([wav, '--stream'], oracleFactory(stream.placed, 0.1, { inputs: [] }));
    const lines = r.stdout.trim().split('\n');
    expect(lines).toHaveLength(4);
    for (const l of lines) expect(Object.keys(JSON.parse(l))).toEqual(['timeS', 'keyword', 'score']);
    expect(r.stderr).toMatch(/^\d+\.\d\d s of audio, \d+ inferences, 4 detection\(s\), real-time factor \d+\.\d+; emulated 0\.500 µJ and 100\.0 µs per inference, \d+\.\d µJ in total\n$/);
  });

  it('streams raw s16le from stdin exactly as the same audio from a WAV', async () => {
    const demo = readWav(streamWav).samples;
    const fake = (): KwsCommandFactory => async () => ({
      labels,
      classify: (x) => {
        // Deterministic in the input: "go" when c0 of the middle frame is high, else silence.
        const s = new Float32Array(12).fill(0);
        s[x[24 * 10]! > 0 ? 11 : 0] = 1;
        return { scores: s, energyUj: 1, latencyUs: 1 };
      },
    });
    const a = await run([streamWav, '--stream', '--json', '--hop', '200ms'], fake());
    const b = await run(['-', '--stream', '--json', '--hop', '200ms'], fake(), s16le(demo));
    expect(a.code).toBe(0);
    expect(a.stdout.split('\n').filter((l) => l.includes('"keyword"')).length).toBeGreaterThan(0);
    const strip = (s: string) => s.replace(/"realTimeFactor":[^,]+,/, '');
    expect(strip(b.stdout)).toBe(strip(a.stdout));
  });
});

describe('aon-cim kws --stream: progress on a terminal', () => {
  const long = writeFloatWav(join(dir, 'minute.wav'), Float32Array.from({ length: 61 * 16000 }, (_, i) => 0.1 * Math.sin(i / 7)));

  async function runOnTerminal(argv: string[], errIsTty: boolean) {
    const io = recordingIo();
    (io as { errIsTty: boolean }).errIsTty = errIsTty;
    const program = createProgram(io);
    registerKws({ factory: mfccFake({ inputs: [] }) })(program, io);
    const code = await runProgram(program, ['kws', ...argv], io);
    return { code, stdout: io.stdout, stderr: io.stderr };
  }

  it('a file of a minute or more shows a bar in seconds of audio when stderr is a terminal', async () => {
    const r = await runOnTerminal([long, '--stream'], true);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/stream \(s of audio\) \[.*\] 100% \| 61\/61/);
    expect(r.stderr).toMatch(/61\.00 s of audio, \d+ inferences/); // the summary after it
  });

  it('no bar when stderr is not a terminal, nor for short files', async () => {
    const pipe = await runOnTerminal([long, '--stream'], false);
    expect(pipe.stderr).not.toMatch(/\[.*\] \d+%/);
    const short = await runOnTerminal([streamWav, '--stream'], true);
    expect(short.stderr).not.toMatch(/\[.*\] \d+%/);
  });
});

describe('aon-cim kws --mic', () => {
  it('spawns the recorder found on PATH and streams what it writes, as from stdin', async () => {
    // A stand-in "arecord" that plays the demo stream as raw s16le and exits, as a recorder would.
    const bin = mkdtempSync(join(tmpdir(), 'aoncim-kws-mic-'));
    const raw = join(bin, 'stream.raw');
    writeFileSync(raw, s16le(readWav(streamWav).samples));
    writeFileSync(join(bin, 'arecord'), `#!/bin/sh\nexec cat '${raw}'\n`, { mode: 0o755 });
    const fake = (): KwsCommandFactory => async () => ({
      labels,
      classify: (x) => {
        const s = new Float32Array(12).fill(0);
        s[x[24 * 10]! > 0 ? 11 : 0] = 1;
        return { scores: s, energyUj: 1, latencyUs: 1 };
      },
    });
    const mic = await run(['--mic', '--json'], fake(), undefined, bin);
    expect(mic.code).toBe(0);
    expect(mic.stderr).toBe('aon-cim: note: listening on the microphone (arecord); Ctrl-C ends the stream\n');
    const piped = await run(['-', '--stream', '--json'], fake(), readFileSync(raw));
    const strip = (t: string) => t.replace(/"realTimeFactor":[^,]+,/, '');
    expect(strip(mic.stdout)).toBe(strip(piped.stdout));
    expect(JSON.parse(mic.stdout.trim().split('\n').pop()!).summary.inferences).toBe(96);
  });
});

describe('aon-cim kws: bad input', () => {
  const notWav = join(dir, 'text.wav');
  writeFileSync(notWav, 'hello, not audio');
  const truncated = join(dir, 'truncated.wav');
  writeFileSync(truncated, readFileSync(yesWav).subarray(0, 1000));
  const empty = join(dir, 'empty.wav');
  writeFileSync(empty, '');
  const noSamples = join(dir, 'nosamples.wav');
  writeFloatWav(noSamples, new Float32Array(0));

  it.each<[string[], RegExp, Buffer?, string?]>([
    [[join(dir, 'missing.wav')], /missing\.wav: no such file/],
    [[notWav], /text\.wav: not a WAV file \(no RIFF\/WAVE header\)/],
    [[truncated], /truncated\.wav: truncated: the header declares 32000 bytes of audio but only 956 are present/],
    [[empty], /empty\.wav: not a WAV file: the file is empty/],
    [[noSamples], /nosamples\.wav: empty audio: the WAV holds no samples/],
    [['-'], /stdin \(raw s16le 16 kHz mono\): empty audio: no samples/, Buffer.alloc(0)],
    [['-', '--stream'], /stdin \(raw s16le 16 kHz mono\): empty audio: no samples arrived/, Buffer.alloc(0)],
    [['--mic'], /--mic: no audio recorder found: install alsa-utils \(arecord\) or sox \(rec\)/, undefined, ''],
    [[yesWav, '--mic'], /give either an input \(.*yes\.wav\) or --mic, not both/],
    [[], /missing input: a WAV file, - for raw s16le 16 kHz mono on stdin, or --mic/],
    [[yesWav, '--frobnicate'], /unknown option '--frobnicate'/],
    [[yesWav, '--stream', '--hop', '30ms'], /hop must be a multiple of the 20 ms frame step, from 20ms to 1s \(got "30ms"\)/],
    [[yesWav, '--stream', '--hop', '1020ms'], /hop must be a multiple of the 20 ms frame step, from 20ms to 1s \(got "1020ms"\)/],
    [[yesWav, '--stream', '--hop', '100'], /\(got "100"\) \(a bare number is seconds: write e\.g\. 100ms\)/],
    [[yesWav, '--stream', '--hop', 'fast'], /hop must be a time such as 100ms or 0\.5s \(got "fast"\)/],
    [[yesWav, '--threshold', '0'], /threshold must be a probability in \(0, 1\] \(got "0"\)/],
    [[yesWav, '--bits', '5'], /bits must be 8, 6 or 4 \(got "5"\)/],
    [[yesWav, '--preset', 'fast'], /preset must be paper, aihwkit or ideal/],
  ])('%j → exit 2 with a specific message', async (argv, message, stdin, pathVar) => {
    const seen: Seen = { inputs: [] };
    const r = await run(argv, mfccFake(seen), stdin, pathVar);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
    expect(r.stdout).toBe('');
    if (!(argv[0] === '-' && argv.includes('--stream'))) expect(seen.options).toBeUndefined(); // failed before programming the chip
  });

  it('a 20 ms hop and a 1 s hop are accepted', async () => {
    for (const hop of ['20ms', '1s', '0.5s']) expect((await run([yesWav, '--stream', '--hop', hop], mfccFake({ inputs: [] }))).code).toBe(0);
  });
});

describe('aon-cim kws on the emulated chip', () => {
  it('one clip: softmax of the chip logits and the energy model on that inference (same as `energy`)', async () => {
    const model = join(dir, 'kws.aonw');
    saveWeightImage(model, randomImage('kws', 3));
    const argv = ['kws', yesWav, '--json', '--model', model, '--drift', '1d', '--seed', '3', '--bits', '6'];
    const a = recordingIo();
    expect(await main(argv, a)).toBe(0);
    const doc = JSON.parse(a.stdout);
    // The energy command's path: same image, chip settings and input → the same inference.
    const m = await measure({ model: 'kws', bits: 6, input: yesWav, image: model, preset: 'paper', driftS: 86_400, seed: 3, gdc: true });
    const max = Math.max(...m.logits);
    const z = Array.from(m.logits).reduce((s, v) => s + Math.exp(v - max), 0);
    labels.forEach((l, i) => expect(doc.scores[l]).toBeCloseTo(Math.exp(m.logits[i]! - max) / z, 6));
    const e = energyOf(m.counters, { mode: 'measured' });
    expect(doc.uJ).toBe(e.total.energyUj);
    expect(doc.latencyUs).toBe(e.total.latencyUs);
    expect(doc.scores[doc.label]).toBe(Math.max(...Object.values(doc.scores as Record<string, number>)));
    // Same seed, same output, bit for bit.
    const b = recordingIo();
    expect(await main(argv, b)).toBe(0);
    expect(b.stdout).toBe(a.stdout);
  });
});
