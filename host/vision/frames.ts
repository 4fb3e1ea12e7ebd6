/**
 * Camera frame sources for VWW, each an async iterable of decoded RGB frames:
 * - one image file (PNG or JPEG, by content);
 * - a directory: its images in sorted name order; a file that does not decode (not an image, truncated,
 *   corrupt, unreadable) is skipped with a note naming it, and the rest are still read;
 * - one encoded image on stdin (`-`);
 * - a raw RGB stream (`--raw WxH`): packed 8-bit R,G,B, row-major, frame after frame, exactly what
 *   `ffmpeg -i in.mp4 -f rawvideo -pix_fmt rgb24 -` writes; from stdin (`-`) or a file.
 */
import { createReadStream, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { isUserError, UserError } from '../errors.js';
import { assertRegularFile, decodeImage, readInputFile, sniffImageFormat } from './decode.js';

export interface Frame {
  /** Where the frame came from: a path, "stdin", or "<source>#<index>" for raw streams. */
  frame: string;
  /** Packed RGB, width · height · 3 bytes. */
  rgb: Uint8Array;
  width: number;
  height: number;
}

export interface RawFrameSize {
  width: number;
  height: number;
}

export interface FrameSourceOptions {
  /** A file, a directory, or "-" for stdin. */
  path: string;
  /** Read a raw rgb24 stream of frames of this size instead of encoded images. */
  raw?: RawFrameSize;
  /** Receives one-line notes (skipped directory entries). */
  onNote?: (message: string) => void;
  /** Called for each file of a directory skipped because it is not a readable frame. */
  onSkip?: (path: string) => void;
  /** stdin's bytes; process.stdin by default (tests pass their own). */
  stdin?: AsyncIterable<Uint8Array>;
}

/** Largest raw frame side accepted (a typo like 6400x480 should fail fast, not allocate gigabytes). */
export const MAX_RAW_SIDE = 8192;

/** Split a byte stream into raw RGB frames; fails on a trailing partial frame, naming the bytes left. */
export async function* readRawFrames(
  chunks: AsyncIterable<Uint8Array>,
  size: RawFrameSize,
  source: string,
): AsyncGenerator<Frame> {
  const { width, height } = size;
  if (!(Number.isInteger(width) && Number.isInteger(height) && width >= 1 && height >= 1 && width <= MAX_RAW_SIDE && height <= MAX_RAW_SIDE)) {
    throw new UserError(`raw frame size must be WxH with sides 1..${MAX_RAW_SIDE} (got ${width}x${height})`);
  }
  const frameBytes = width * height * 3;
  let buf = new Uint8Array(frameBytes);
  let fill = 0;
  let index = 0;
  for await (const chunk of chunks) {
    let pos = 0;
    while (pos < chunk.length) {
      const n = Math.min(frameBytes - fill, chunk.length - pos);
      buf.set(chunk.subarray(pos, pos + n), fill);
      fill += n;
      pos += n;
      if (fill === frameBytes) {
        yield { frame: `${source}#${index}`, rgb: buf, width, height };
        index++;
        buf = new Uint8Array(frameBytes); // the consumer may keep the previous frame
        fill = 0;
      }
    }
  }
  if (fill !== 0) {
    throw new UserError(
      `${source}: raw stream ends with ${fill} bytes left over after ${index} whole frame(s): ` +
        `its size is not a multiple of the ${width}x${height} rgb24 frame (${frameBytes} bytes)`,
    );
  }
  if (index === 0) throw new UserError(`${source}: raw stream is empty (no frames)`);
}

async function readAll(chunks: AsyncIterable<Uint8Array>): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  for await (const c of chunks) parts.push(c);
  return Buffer.concat(parts);
}

/** A file's bytes as a stream, with read failures as user errors. */
async function* fileChunks(path: string): AsyncGenerator<Uint8Array> {
  try {
    for await (const chunk of createReadStream(path)) yield chunk as Buffer;
  } catch (e) {
    throw new UserError(`${path}: cannot read (${(e as Error).message})`);
  }
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false; // missing paths get readInputFile's message
  }
}

function* directoryFrames(dir: string, onNote: (m: string) => void, onSkip: (path: string) => void): Generator<Frame> {
  let names: string[];
  try {
    names = readdirSync(dir).sort(); // code-unit order: frame_0009 before frame_0010
  } catch (e) {
    throw new UserError(`${dir}: cannot list directory (${(e as Error).message})`);
  }
  let count = 0;
  for (const name of names) {
    const path = join(dir, name);
    if (isDirectory(path)) {
      onNote(`skipping ${path}: a directory (not searched recursively)`);
      continue;
    }
    // One bad file must not stop a folder of frames: every unreadable one is skipped the same way.
    let image: ReturnType<typeof decodeImage>;
    try {
      const bytes = readInputFile(path);
      if (sniffImageFormat(bytes) === null) throw new UserError(`${path}: not a PNG or JPEG image`);
      image = decodeImage(bytes, path);
    } catch (e) {
      if (!isUserError(e)) throw e;
      onNote(`skipping ${e.message}`);
      onSkip(path);
      continue;
    }
    count++;
    yield { frame: path, ...image };
  }
  if (count === 0) throw new UserError(`${dir}: no PNG or JPEG images in this directory`);
}

/** The frames named by a CLI argument (see the module comment). */
export async function* openFrames(options: FrameSourceOptions): AsyncGenerator<Frame> {
  const { path, raw } = options;
  const onNote = options.onNote ?? (() => {});
  const stdin = (): AsyncIterable<Uint8Array> => options.stdin ?? process.stdin;
  if (path === '-') {
    if (options.stdin === undefined && process.stdin.isTTY) {
      throw new UserError('- reads frames from stdin, which is a terminal: pipe a PNG/JPEG, or raw rgb24 frames with --raw WxH');
    }
    if (raw) {
      yield* readRawFrames(stdin(), raw, 'stdin');
    } else {
      yield { frame: 'stdin', ...decodeImage(await readAll(stdin()), 'stdin') };
    }
    return;
  }
  if (isDirectory(path)) {
    if (raw) throw new UserError(`${path}: --raw reads one raw stream (a file or -), not a directory`);
    yield* directoryFrames(path, onNote, options.onSkip ?? (() => {}));
    return;
  }
  if (raw) {
    assertRegularFile(path);
    yield* readRawFrames(fileChunks(path), raw, path);
    return;
  }
  yield { frame: path, ...decodeImage(readInputFile(path), path) };
}
