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
import type { Readable } from 'node:stream';
import { InvalidArgumentError, type Command } from 'commander';
import { CLIP_SAMPLES, FRAME_STEP, SAMPLE_RATE } from '../audio/mfcc.js';
import { readAllSamples, untilStopped } from '../audio/sample-stream.js';
import { openAudioSource } from '../audio/source.js';
import { DEFAULT_HOP_SAMPLES } from '../audio/stream-features.js';
import { wavDurationSeconds } from '../audio/wav.js';
import { createKwsChipClassifier, type KwsChipOptions, type LabelledKwsClassifier } from '../kws/chip-classifier.js';
import { classifyClip, fitNotes, type KwsClipResult } from '../kws/clip.js';
import { DETECTOR_DEFAULTS } from '../kws/detector.js';
import { STREAM_DEFAULTS, streamDetections, type KwsStreamSummary } from '../kws/stream-detections.js';
import { UserError } from '../errors.js';
import { addChipFlags, chipSettings, type ChipFlags } from './chip-flags.js';
import type { Io } from './io.js';
import type { RegisterCommand } from './command.js';
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

export function formatClip(name: string, r: KwsClipResult): string {
  const top = Object.entries(r.scores)
    .sort((a, b) => b[1] - a[1])
    .slice(0, 3)
    .map(([l, p]) => `${l} ${p.toFixed(3)}`)
    .join(', ');
  return `${name}: ${r.label} (p ${r.scores[r.label]!.toFixed(3)}; top 3: ${top}); emulated ${r.uJ.toFixed(3)} µJ, ${r.latencyUs.toFixed(1)} µs\n`;
}

export function formatSummary(s: KwsStreamSummary): string {
  return (
    `${s.audioSeconds.toFixed(2)} s of audio, ${s.inferences} inferences, ${s.detections} detection(s), ` +
    `real-time factor ${s.realTimeFactor.toFixed(3)}; emulated ${s.uJPerInference.toFixed(3)} µJ and ${s.meanLatencyUs.toFixed(1)} µs per inference, ` +
    `${s.uJTotal.toFixed(1)} µJ in total\n`
  );
}

/** Files at least this long (seconds) show a progress bar when streamed on a terminal. */
export const LONG_STREAM_S = 60;

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
          const samples = await readAllSamples(source.samples);
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
