/**
 * `aon-cim vww <image|dir|-> [--raw WxH] [--model IMAGE] [--bits 8|6|4] [--drift T] [--preset P]
 * [--seed N] [--no-gdc] [--json]`: visual wake words on camera frames, one line per frame.
 * With --json each line is {frame, person, score, uJ}: score = softmax probability of "person",
 * person = score ≥ 0.5 (the argmax of the two classes).
 * A directory or raw stream ends with a summary (frames, persons, skipped): a readable line on stderr,
 * or with --json a line {"summary": {...}} on stdout. Files of a directory that are not readable frames
 * are skipped with a note each, the rest scored, and the exit status is then 1.
 */
import { statSync } from 'node:fs';
import { InvalidArgumentError, type Command } from 'commander';
import { UserError } from '../errors.js';
import { createVwwClassifier, softmaxAt, type VwwClassifierFactory } from '../vision/classifier.js';
import { MAX_RAW_SIDE, openFrames, type Frame, type RawFrameSize } from '../vision/frames.js';
import { preprocessVwwFrame } from '../vision/normalize.js';
import { addChipFlags, chipSettings, type ChipFlags } from './chip-flags.js';
import { ExitStatus, noteWriter, type Io } from './io.js';
import type { RegisterCommand } from './command.js';

/** "WxH" as ffmpeg's -s takes it, e.g. 640x480. */
export function parseRawSize(v: string): RawFrameSize {
  const m = /^(\d+)\s*[x×]\s*(\d+)$/i.exec(v.trim());
  if (!m) throw new InvalidArgumentError(`raw frame size must be WIDTHxHEIGHT, e.g. 640x480 (got "${v}")`);
  const width = Number(m[1]);
  const height = Number(m[2]);
  if (width < 1 || height < 1 || width > MAX_RAW_SIDE || height > MAX_RAW_SIDE) {
    throw new InvalidArgumentError(`raw frame sides must be 1..${MAX_RAW_SIDE} (got "${v}")`);
  }
  return { width, height };
}

interface VwwFlags extends ChipFlags {
  raw?: RawFrameSize;
  json?: boolean;
}

/** The end of a multi-frame run. */
export interface VwwSummary {
  frames: number;
  persons: number;
  skipped: number;
}

export function formatVwwSummary(s: VwwSummary): string {
  return `${s.frames} frame(s) scored, ${s.persons} with a person, ${s.skipped} skipped (not readable frames)\n`;
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

export interface VwwFrameResult {
  frame: string;
  person: boolean;
  score: number;
  uJ: number;
}

function formatLine(r: VwwFrameResult, json: boolean): string {
  if (json) return `${JSON.stringify(r)}\n`;
  return `${r.frame}: ${r.person ? 'person' : 'no person'} (score ${r.score.toFixed(3)}, ${r.uJ.toFixed(3)} µJ)\n`;
}

/** The command, with the classifier factory and stdin injectable (tests use a fake classifier). */
export function registerVww(factory: VwwClassifierFactory, stdin?: AsyncIterable<Uint8Array>): RegisterCommand {
  return (program: Command, io: Io) => {
    const cmd = program
      .command('vww')
      .description('visual wake words on camera frames: a PNG/JPEG file, a directory of them, or - (stdin)')
      .argument('<input>', 'image file, directory of images, or - for stdin')
      .option('--raw <WxH>', 'input is a raw rgb24 stream of WxH frames (ffmpeg -f rawvideo -pix_fmt rgb24)', parseRawSize);
    addChipFlags(cmd, { network: 'VWW' })
      .option('--json', 'one JSON line per frame: {frame, person, score, uJ}')
      .action(async (input: string, flags: VwwFlags) => {
        const onNote = noteWriter(io);
        const summary: VwwSummary = { frames: 0, persons: 0, skipped: 0 };
        // Read the first frame before programming the chip: a bad input fails at once.
        const frames = openFrames({ path: input, raw: flags.raw, stdin, onNote, onSkip: () => summary.skipped++ });
        const first = await frames.next();
        const classifier = await factory(chipSettings(flags, onNote));
        const person = classifier.classes.indexOf('person');
        if (person < 0) throw new UserError(`the model's classes (${classifier.classes.join(', ')}) have no "person"`);
        const classify = (f: Frame): void => {
          const out = classifier.classify(preprocessVwwFrame(f));
          const score = softmaxAt(out.scores, person);
          io.out(formatLine({ frame: f.frame, person: score >= 0.5, score, uJ: out.energyUj }, flags.json === true));
          summary.frames++;
          if (score >= 0.5) summary.persons++;
        };
        if (!first.done) classify(first.value);
        for await (const f of frames) classify(f);
        // One image needs no summary; a folder or a stream of frames ends with one.
        if (flags.raw !== undefined || isDirectory(input)) {
          if (flags.json) io.out(`${JSON.stringify({ summary })}\n`);
          else io.err(formatVwwSummary(summary));
        }
        if (summary.skipped > 0) throw new ExitStatus(1);
      });
  };
}

export const register: RegisterCommand = registerVww(createVwwClassifier);
