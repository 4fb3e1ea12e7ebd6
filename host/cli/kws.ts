/**
 * `aon-cim kws <file.wav|-> [--stream] [--mic] [--model IMAGE] [--bits 8|6|4] [--drift T] [--preset P]
 * [--seed N] [--no-gdc] [--hop 100ms] [--threshold P] [--smoothing T] [--refractory T] [--json]`:
 * keyword spotting on the emulated chip.
 *
 * One clip (default): the first second of a WAV (or of raw s16le 16 kHz on stdin with `-`; shorter audio
 * is zero-padded, and a note says so) → {label, scores, uJ, latencyUs}, scores being softmax
 * probabilities keyed by label.
 * Streaming (--stream; --mic implies it): an inference every hop on the last second of audio; one JSON
 * line {timeS, keyword, score} per detection as it happens (always JSON: meant for piping), then the
 * summary — a JSON line {"summary": {...}} on stdout with --json, a readable line on stderr without.
 * Ctrl-C ends any stream early with its summary; a file of a minute or more shows a progress bar when
 * stderr is a terminal.
 */
import { closeSync, openSync, readSync } from 'node:fs';
import type { Readable } from 'node:stream';
import { InvalidArgumentError, type Command } from 'commander';
import { CLIP_SAMPLES, fitToOneSecond, FRAME_STEP, mfcc, SAMPLE_RATE } from '../audio/mfcc.js';
import { openAudioSource, type AudioSource } from '../audio/source.js';
import { DEFAULT_HOP_SAMPLES } from '../audio/stream-features.js';
import { runStream, type StreamSummary } from '../kws/classifier.js';
import { createKwsChipClassifier, type KwsChipOptions, type LabelledKwsClassifier } from '../kws/chip-classifier.js';
import { DETECTOR_DEFAULTS, type DetectionEvent } from '../kws/detector.js';
import { UserError } from '../errors.js';
import { addChipFlags, chipSettings, type ChipFlags } from './chip-flags.js';
import type { Io } from './io.js';
import type { RegisterCommand } from './main.js';
import { parseFiniteNumber } from './options.js';
import { progressBar } from './progress.js';

/** What the command needs to build its classifier; the chip by default, a fake in tests. */
export type KwsCommandFactory = (options: KwsChipOptions) => Promise<LabelledKwsClassifier>;

export interface KwsCommandDeps {
  readonly factory: KwsCommandFactory;
  /** The stream read for "-" (default process.stdin). */
  readonly stdin?: Readable;
  /** PATH searched for a recorder with --mic (tests). */
  readonly pathVar?: string;
}

/** "100ms", "0.3s", "1s"; a bare number is seconds (as --drift). */
function parseShortTime(v: string, what: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(ms|s)?\s*$/i.exec(v);
  if (!m) throw new InvalidArgumentError(`${what} must be a time such as 100ms or 0.5s (got "${v}")`);
  return Number(m[1]) * ((m[2] ?? 's').toLowerCase() === 'ms' ? 1e-3 : 1);
}

/** The hop in samples: a multiple of the 20 ms frame step from 20 ms to 1 s. */
export function parseHop(v: string): number {
  const s = parseShortTime(v, 'hop');
  const exact = s * SAMPLE_RATE;
  const n = Math.round(exact);
  if (Math.abs(exact - n) > 1e-6 || n % FRAME_STEP !== 0 || n < FRAME_STEP || n > CLIP_SAMPLES) {
    const hint = /^\s*[\d.]+\s*$/.test(v) ? ' (a bare number is seconds: write e.g. 100ms)' : '';
    throw new InvalidArgumentError(`hop must be a multiple of the 20 ms frame step, from 20ms to 1s (got "${v}")${hint}`);
  }
  return n;
}

export function parseThreshold(v: string): number {
  const x = parseFiniteNumber(v);
  if (!(x > 0 && x <= 1)) throw new InvalidArgumentError(`threshold must be a probability in (0, 1] (got "${v}")`);
  return x;
}

export function parseNonNegTime(what: string): (v: string) => number {
  return (v) => parseShortTime(v, what);
}

interface KwsFlags extends ChipFlags {
  stream?: boolean;
  mic?: boolean;
  /** Samples. */
  hop?: number;
  threshold?: number;
  /** Seconds. */
  smoothing?: number;
  refractory?: number;
  json?: boolean;
}

/** The one-clip result (the JSON document of `kws FILE --json`). */
export interface KwsClipResult {
  label: string;
  /** Softmax probability per label. */
  scores: Record<string, number>;
  uJ: number;
  latencyUs: number;
}

/** The streaming summary as printed. */
export interface KwsStreamSummary {
  audioSeconds: number;
  inferences: number;
  realTimeFactor: number;
  uJPerInference: number;
  uJTotal: number;
  meanLatencyUs: number;
  detections: number;
}

/** Notes for a clip fitted to the 1 s window (pad or truncate). */
export function fitNotes(samples: number): string[] {
  const secs = (n: number) => (n / SAMPLE_RATE).toFixed(3);
  if (samples < CLIP_SAMPLES) return [`audio is ${secs(samples)} s, shorter than the 1 s window: padded with ${CLIP_SAMPLES - samples} zero samples`];
  if (samples > CLIP_SAMPLES) return [`audio is ${secs(samples)} s: only the first second is classified (${samples - CLIP_SAMPLES} samples dropped; --stream scans all of it)`];
  return [];
}

/** Classify one second of 16 kHz audio (padded or truncated). */
export function classifyClip(classifier: LabelledKwsClassifier, samples: Float32Array): KwsClipResult {
  const out = classifier.classify(mfcc(fitToOneSecond(samples).samples));
  if (out.scores.length !== classifier.labels.length) {
    throw new Error(`the classifier returned ${out.scores.length} scores for ${classifier.labels.length} labels`);
  }
  let best = 0;
  for (let i = 1; i < out.scores.length; i++) if (out.scores[i]! > out.scores[best]!) best = i;
  const scores: Record<string, number> = {};
  classifier.labels.forEach((l, i) => (scores[l] = out.scores[i]!));
  return { label: classifier.labels[best]!, scores, uJ: out.energyUj, latencyUs: out.latencyUs };
}

export function formatClip(name: string, r: KwsClipResult): string {
  const top = Object.entries(r.scores)
    .sort((a, b) => b[1] - a[1])
    .slice(0, 3)
    .map(([l, p]) => `${l} ${p.toFixed(3)}`)
    .join(', ');
  return `${name}: ${r.label} (p ${r.scores[r.label]!.toFixed(3)}; top 3: ${top}); emulated ${r.uJ.toFixed(3)} µJ, ${r.latencyUs.toFixed(1)} µs\n`;
}

export function summaryOf(s: StreamSummary): KwsStreamSummary {
  return {
    audioSeconds: s.audioSeconds,
    inferences: s.inferences,
    realTimeFactor: s.realTimeFactor,
    uJPerInference: s.uJPerInference,
    uJTotal: s.uJTotal,
    meanLatencyUs: s.meanLatencyUs,
    detections: s.detections,
  };
}

export function formatSummary(s: KwsStreamSummary): string {
  return (
    `${s.audioSeconds.toFixed(2)} s of audio, ${s.inferences} inferences, ${s.detections} detection(s), ` +
    `real-time factor ${s.realTimeFactor.toFixed(3)}; emulated ${s.uJPerInference.toFixed(3)} µJ and ${s.meanLatencyUs.toFixed(1)} µs per inference, ` +
    `${s.uJTotal.toFixed(1)} µJ in total\n`
  );
}

/** All of a source's samples (one-clip mode on stdin). */
async function readAll(source: AudioSource): Promise<Float32Array> {
  const parts: Float32Array[] = [];
  let n = 0;
  for await (const c of source.samples) {
    parts.push(c);
    n += c.length;
  }
  const out = new Float32Array(n);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

export interface StreamRun {
  /** Times rounded to 1 µs: they are sums of hops (1.9000000000000001 → 1.9). */
  readonly events: DetectionEvent[];
  readonly summary: KwsStreamSummary;
}

export interface StreamSettings {
  hopSamples: number;
  threshold: number;
  smoothingS: number;
  refractoryS: number;
}

export const STREAM_DEFAULTS: StreamSettings = { hopSamples: DEFAULT_HOP_SAMPLES, ...DETECTOR_DEFAULTS };

/**
 * Stream a source through a classifier, handing each detection to `onDetection` as it happens. A stream
 * that ends empty is a UserError; one shorter than the window gets a note (no inference could run).
 */
export async function streamDetections(
  source: AudioSource,
  classifier: LabelledKwsClassifier,
  o: StreamSettings,
  onDetection: (e: DetectionEvent) => void,
  onNote: (m: string) => void,
): Promise<StreamRun> {
  const gen = runStream(source.samples, classifier, {
    labels: classifier.labels,
    hopSamples: o.hopSamples,
    threshold: o.threshold,
    smoothingS: o.smoothingS,
    refractoryS: o.refractoryS,
  });
  const events: DetectionEvent[] = [];
  for (;;) {
    const r = await gen.next();
    if (r.done) {
      const summary = summaryOf(r.value);
      if (summary.audioSeconds === 0) throw new UserError(`${source.description}: empty audio: no samples arrived`);
      if (summary.inferences === 0) onNote(`${source.description}: ${summary.audioSeconds.toFixed(3)} s of audio is shorter than the 1 s window: no inference ran`);
      return { events, summary };
    }
    const e = { timeS: Math.round(r.value.timeS * 1e6) / 1e6, keyword: r.value.keyword, score: r.value.score };
    events.push(e);
    onDetection(e);
  }
}

/** Files at least this long (seconds) show a progress bar when streamed on a terminal. */
export const LONG_STREAM_S = 60;

/**
 * A WAV file's duration from its header (fmt and data chunk sizes), without reading the samples; null
 * when the header cannot tell (the source reports real problems itself).
 */
export function wavDurationSeconds(path: string): number | null {
  let head: Buffer;
  try {
    const fd = openSync(path, 'r');
    try {
      head = Buffer.alloc(65_536);
      head = head.subarray(0, readSync(fd, head, 0, head.length, 0));
    } finally {
      closeSync(fd);
    }
  } catch {
    return null;
  }
  if (head.length < 12 || head.toString('latin1', 0, 4) !== 'RIFF' || head.toString('latin1', 8, 12) !== 'WAVE') return null;
  let rate = 0;
  let blockAlign = 0;
  for (let at = 12; at + 8 <= head.length; ) {
    const id = head.toString('latin1', at, at + 4);
    const size = head.readUInt32LE(at + 4);
    if (id === 'fmt ' && at + 16 <= head.length) {
      rate = head.readUInt32LE(at + 12);
      blockAlign = head.readUInt16LE(at + 20);
    }
    if (id === 'data') return rate > 0 && blockAlign > 0 ? size / blockAlign / rate : null;
    at += 8 + size + (size % 2); // chunks are padded to even sizes
  }
  return null;
}

/** The samples until `stop` resolves (Ctrl-C): then the iteration ends as if the audio had ended. */
export async function* untilStopped(samples: AsyncIterable<Float32Array>, stop: Promise<void>, onChunk: (samples: number) => void = () => {}): AsyncGenerator<Float32Array> {
  const it = samples[Symbol.asyncIterator]();
  const stopped = stop.then(() => null);
  for (;;) {
    const next = it.next();
    const r = await Promise.race([next, stopped]);
    if (r === null) {
      next.catch(() => {}); // the read in flight may fail once its input is closed: nobody waits for it
      return;
    }
    if (r.done) return;
    onChunk(r.value.length);
    yield r.value;
  }
}

export function registerKws(deps: KwsCommandDeps): RegisterCommand {
  return (program: Command, io: Io) => {
    const cmd = program
      .command('kws')
      .description('keyword spotting on the emulated chip: one 1 s clip, or --stream a file, stdin or the microphone')
      .argument('[input]', 'a WAV file (any rate, mono or stereo), or - for raw s16le 16 kHz mono on stdin')
      .option('--stream', 'scan the whole input: an inference every hop, one JSON line {timeS, keyword, score} per detection, then a summary')
      .option('--mic', 'stream from the microphone (arecord or sox; implies --stream; Ctrl-C ends it)');
    addChipFlags(cmd, { network: 'KWS' })
      .option('--hop <time>', `time between inferences when streaming: 20ms…1s, a multiple of 20ms (default: ${(1000 * DEFAULT_HOP_SAMPLES) / SAMPLE_RATE}ms)`, parseHop)
      .option('--threshold <p>', `smoothed probability a keyword must reach (default: ${DETECTOR_DEFAULTS.threshold})`, parseThreshold)
      .option('--smoothing <time>', `time over which scores are averaged (default: ${DETECTOR_DEFAULTS.smoothingS * 1000}ms)`, parseNonNegTime('smoothing'))
      .option('--refractory <time>', `time after a detection during which nothing fires (default: ${DETECTOR_DEFAULTS.refractoryS}s)`, parseNonNegTime('refractory'))
      .option('--json', 'machine output: the clip as {label, scores, uJ, latencyUs}; when streaming, the summary as a JSON line too')
      .action(async (input: string | undefined, flags: KwsFlags) => {
        const onNote = (m: string) => io.err(`aon-cim: note: ${m}\n`);
        if (flags.mic && input !== undefined) throw new UserError(`give either an input (${input}) or --mic, not both`);
        if (!flags.mic && input === undefined) throw new UserError('missing input: a WAV file, - for raw s16le 16 kHz mono on stdin, or --mic');
        const streaming = flags.stream === true || flags.mic === true;
        // Open (and for a file, decode) the input before programming the chip: a bad input fails at once.
        const source = openAudioSource(input, {
          ...(flags.mic ? { mic: true } : {}),
          ...(deps.stdin ? { stdin: deps.stdin } : {}),
          ...(deps.pathVar !== undefined ? { pathVar: deps.pathVar } : {}),
          onNote,
        });
        if (!streaming) {
          const samples = await readAll(source);
          if (samples.length === 0) throw new UserError(`${source.description}: empty audio: no samples`);
          for (const n of fitNotes(samples.length)) onNote(n);
          const classifier = await deps.factory(chipSettings(flags, onNote));
          const r = classifyClip(classifier, samples);
          io.out(flags.json ? `${JSON.stringify(r)}\n` : formatClip(input ?? 'stdin', r));
          return;
        }
        // Ctrl-C ends any stream (the mic, stdin, a long file) as its end would: the summary still prints.
        let stopped!: () => void;
        const stopRequested = new Promise<void>((resolve) => (stopped = resolve));
        const stop = () => {
          stopped();
          source.stop();
          // Nothing more is read from stdin: let go of it, or it keeps the process alive.
          if (input === '-') (deps.stdin ?? process.stdin).destroy();
        };
        process.once('SIGINT', stop);
        // A long file on a terminal gets a progress bar (seconds of audio); pipes and logs stay clean.
        const totalS = input !== undefined && input !== '-' && io.errIsTty ? wavDurationSeconds(input) : null;
        const bar = totalS !== null && totalS >= LONG_STREAM_S ? progressBar(io, 'stream (s of audio)') : null;
        let seenSamples = 0;
        try {
          const classifier = await deps.factory(chipSettings(flags, onNote));
          if (flags.mic) onNote(`listening on the ${source.description}; Ctrl-C ends the stream`);
          const samples = untilStopped(source.samples, stopRequested, (n) => {
            seenSamples += n;
            bar?.update(Math.floor(seenSamples / SAMPLE_RATE), Math.round(totalS!));
          });
          const { summary } = await streamDetections(
            { ...source, samples },
            classifier,
            {
              hopSamples: flags.hop ?? STREAM_DEFAULTS.hopSamples,
              threshold: flags.threshold ?? STREAM_DEFAULTS.threshold,
              smoothingS: flags.smoothing ?? STREAM_DEFAULTS.smoothingS,
              refractoryS: flags.refractory ?? STREAM_DEFAULTS.refractoryS,
            },
            (e) => io.out(`${JSON.stringify(e)}\n`),
            onNote,
          );
          bar?.stop();
          if (flags.json) io.out(`${JSON.stringify({ summary })}\n`);
          else io.err(formatSummary(summary));
        } finally {
          bar?.stop();
          process.off('SIGINT', stop);
          source.stop();
        }
      });
  };
}

export const register: RegisterCommand = registerKws({ factory: createKwsChipClassifier });
