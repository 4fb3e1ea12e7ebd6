/**
 * `aon-cim mfcc <file.wav> [--json]`: the 49×10 MFCC the KWS network sees for a clip (MLPerf Tiny's front
 * end; docs/mfcc.md). Any WAV rate and channel count (resampled to 16 kHz mono); clips shorter than 1 s are
 * zero-padded and longer ones truncated, and a note on stderr says so.
 */
import type { Command } from 'commander';
import { loadWav16k } from '../audio/load-clip.js';
import { CLIP_SAMPLES, fitToOneSecond, mfcc, NUM_FRAMES, NUM_MFCC, SAMPLE_RATE } from '../audio/mfcc.js';
import type { Io } from './io.js';
import type { RegisterCommand } from './command.js';

/** The JSON document. */
export interface MfccReport {
  file: string;
  /** The file's own format. */
  sampleRate: number;
  channels: number;
  bitDepth: number;
  encoding: 'pcm' | 'float';
  /** Seconds of audio in the file. */
  durationS: number;
  resampled: boolean;
  paddedSamples: number;
  truncatedSamples: number;
  frames: number;
  coefficients: number;
  /** mfcc[frame][coefficient]. */
  mfcc: number[][];
}

export function mfccReport(file: string): { report: MfccReport; notes: string[] } {
  const clip = loadWav16k(file);
  const fitted = fitToOneSecond(clip.samples);
  const features = mfcc(clip.samples);
  const rows: number[][] = [];
  for (let f = 0; f < NUM_FRAMES; f++) rows.push(Array.from(features.subarray(f * NUM_MFCC, (f + 1) * NUM_MFCC)));
  const notes: string[] = [];
  const secs = (n: number) => (n / SAMPLE_RATE).toFixed(3);
  if (clip.resampled) notes.push(`resampled from ${clip.source.sampleRate} Hz to 16000 Hz`);
  if (clip.source.channels > 1) notes.push(`mixed ${clip.source.channels} channels to mono`);
  if (fitted.paddedSamples > 0) notes.push(`clip is ${secs(clip.samples.length)} s, shorter than the 1 s window: padded with ${fitted.paddedSamples} zero samples`);
  if (fitted.truncatedSamples > 0) notes.push(`clip is ${secs(clip.samples.length)} s: only the first second is used (${fitted.truncatedSamples} samples dropped)`);
  return {
    report: {
      file,
      ...clip.source,
      durationS: clip.samples.length / SAMPLE_RATE,
      resampled: clip.resampled,
      paddedSamples: fitted.paddedSamples,
      truncatedSamples: fitted.truncatedSamples,
      frames: NUM_FRAMES,
      coefficients: NUM_MFCC,
      mfcc: rows,
    },
    notes,
  };
}

export function formatTable(r: MfccReport): string {
  const head =
    `# ${r.file}: ${r.sampleRate} Hz, ${r.bitDepth}-bit ${r.encoding}, ${r.channels} channel(s), ${r.durationS.toFixed(3)} s` +
    ` → ${r.frames}×${r.coefficients} MFCC (${CLIP_SAMPLES / SAMPLE_RATE} s window, 30 ms frames every 20 ms)\n` +
    `# frame${Array.from({ length: r.coefficients }, (_, k) => `c${k}`.padStart(10)).join('')}\n`;
  return head + r.mfcc.map((row, f) => `${String(f).padStart(7)}${row.map((v) => v.toFixed(4).padStart(10)).join('')}\n`).join('');
}

export const register: RegisterCommand = (program: Command, io: Io) => {
  program
    .command('mfcc')
    .description('print the 49×10 MFCC of a WAV clip (MLPerf Tiny KWS front end; pads/truncates to 1 s)')
    .argument('<file.wav>', 'a WAV file (any rate, 8/16/24/32-bit or float, mono or stereo)')
    .option('--json', 'print one JSON document instead of a table')
    .action((file: string, flags: { json?: boolean }) => {
      const { report, notes } = mfccReport(file);
      for (const n of notes) io.err(`aon-cim: note: ${n}\n`);
      io.out(flags.json ? `${JSON.stringify(report)}\n` : formatTable(report));
    });
};
