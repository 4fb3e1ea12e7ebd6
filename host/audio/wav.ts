/**
 * WAV decoding without a library: walk the RIFF chunks, reject each bad case with a specific UserError,
 * convert the samples (integer PCM: code / 2^(b−1), as MLPerf Tiny scales 16-bit PCM by 1/32768,
 * contracts.md §6; IEEE float as stored), average the channels to mono. The checks are most of the work:
 * node-wav, used before, read past truncated data, misread odd-sized chunks and views at an offset,
 * rejected WAVE_FORMAT_EXTENSIBLE and scaled positive and negative codes differently.
 */
import { closeSync, openSync, readFileSync, readSync } from 'node:fs';
import { UserError } from '../errors.js';

export type SampleEncoding = 'pcm' | 'float';

export interface WavFormat {
  readonly sampleRate: number;
  readonly channels: number;
  readonly bitDepth: number;
  readonly encoding: SampleEncoding;
}

export interface DecodedWav extends WavFormat {
  /** Mono samples in [−1, 1) (integer PCM: code / 2^(bitDepth−1)); the mean over channels. */
  readonly samples: Float32Array;
}

const FORMAT_NAMES: Record<number, string> = {
  0x0002: 'Microsoft ADPCM',
  0x0006: 'A-law',
  0x0007: 'µ-law',
  0x0011: 'IMA ADPCM',
  0x0031: 'GSM 6.10',
  0x0050: 'MPEG',
  0x0055: 'MP3',
};

interface Chunk {
  readonly id: string;
  readonly offset: number; // of the chunk body
  readonly size: number; // declared
}

function ascii(buf: Uint8Array, at: number, n: number): string {
  return String.fromCharCode(...buf.subarray(at, at + n));
}

/** The chunk list after "RIFF....WAVE"; stops at the end of the buffer. */
function chunks(buf: Uint8Array, view: DataView): Chunk[] {
  const out: Chunk[] = [];
  let at = 12;
  while (at + 8 <= buf.length) {
    const id = ascii(buf, at, 4);
    const size = view.getUint32(at + 4, true);
    out.push({ id, offset: at + 8, size });
    at += 8 + size + (size & 1); // RIFF pads odd-sized chunks with one byte
  }
  return out;
}

function parseFormat(buf: Uint8Array, view: DataView, fmt: Chunk, name: string): WavFormat {
  if (fmt.size < 16 || fmt.offset + 16 > buf.length) throw new UserError(`${name}: truncated: the "fmt " chunk is incomplete`);
  let tag = view.getUint16(fmt.offset, true);
  const channels = view.getUint16(fmt.offset + 2, true);
  const sampleRate = view.getUint32(fmt.offset + 4, true);
  const blockAlign = view.getUint16(fmt.offset + 12, true);
  const bitDepth = view.getUint16(fmt.offset + 14, true);
  if (tag === 0xfffe) {
    // WAVE_FORMAT_EXTENSIBLE: the real format tag is the first two bytes of the sub-format GUID.
    if (fmt.size < 40 || fmt.offset + 40 > buf.length) throw new UserError(`${name}: truncated: the extensible "fmt " chunk is incomplete`);
    tag = view.getUint16(fmt.offset + 24, true);
  }
  if (tag !== 1 && tag !== 3) {
    const what = FORMAT_NAMES[tag] ?? `format tag 0x${tag.toString(16).padStart(4, '0')}`;
    throw new UserError(`${name}: unsupported encoding: ${what} (only integer PCM and IEEE float WAV are supported)`);
  }
  const encoding: SampleEncoding = tag === 3 ? 'float' : 'pcm';
  const okBits = encoding === 'pcm' ? [8, 16, 24, 32] : [32, 64];
  if (!okBits.includes(bitDepth)) {
    throw new UserError(`${name}: unsupported encoding: ${bitDepth}-bit ${encoding === 'pcm' ? 'integer PCM (8, 16, 24 or 32 bits are supported)' : 'float (32 or 64 bits are supported)'}`);
  }
  if (channels === 0) throw new UserError(`${name}: invalid WAV header: 0 channels`);
  if (sampleRate === 0) throw new UserError(`${name}: invalid WAV header: sample rate 0 Hz`);
  if (blockAlign !== (channels * bitDepth) / 8) {
    throw new UserError(`${name}: invalid WAV header: block size ${blockAlign} bytes does not match ${channels} channel(s) of ${bitDepth} bits`);
  }
  return { sampleRate, channels, bitDepth, encoding };
}

/** Reads one sample as a number: integer PCM as code / 2^(b−1) (8-bit is unsigned, offset 128), float as stored. */
function sampleReader(view: DataView, f: WavFormat): (at: number) => number {
  if (f.encoding === 'float') return f.bitDepth === 32 ? (at) => view.getFloat32(at, true) : (at) => view.getFloat64(at, true);
  switch (f.bitDepth) {
    case 8:
      return (at) => (view.getUint8(at) - 128) / 128;
    case 16:
      return (at) => view.getInt16(at, true) / 32768;
    case 24:
      return (at) => (view.getUint8(at) | (view.getUint8(at + 1) << 8) | (view.getInt8(at + 2) << 16)) / 8388608;
    default:
      return (at) => view.getInt32(at, true) / 2147483648;
  }
}

/** Decode a WAV file held in memory; `name` labels error messages. */
export function decodeWav(bytes: Uint8Array, name = 'input'): DecodedWav {
  const buf = bytes;
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  if (buf.length >= 12 && ascii(buf, 0, 4) === 'RIFX' && ascii(buf, 8, 4) === 'WAVE') {
    throw new UserError(`${name}: unsupported encoding: big-endian WAV (RIFX)`);
  }
  if (buf.length < 12 || ascii(buf, 0, 4) !== 'RIFF' || ascii(buf, 8, 4) !== 'WAVE') {
    if (buf.length === 0) throw new UserError(`${name}: not a WAV file: the file is empty`);
    throw new UserError(`${name}: not a WAV file (no RIFF/WAVE header)`);
  }
  const list = chunks(buf, view);
  const fmt = list.find((c) => c.id === 'fmt ');
  const data = list.find((c) => c.id === 'data');
  if (!fmt) throw new UserError(`${name}: ${data ? 'invalid WAV: no "fmt " chunk' : 'truncated: no "fmt " chunk and no audio data'}`);
  const format = parseFormat(buf, view, fmt, name);
  if (!data) throw new UserError(`${name}: truncated: no "data" chunk (the file ends after ${buf.length} bytes)`);
  const present = Math.max(0, buf.length - data.offset);
  if (data.size > present) {
    throw new UserError(`${name}: truncated: the header declares ${data.size} bytes of audio but only ${present} are present`);
  }
  const blockBytes = (format.channels * format.bitDepth) / 8;
  if (data.size % blockBytes !== 0) {
    throw new UserError(`${name}: truncated: ${data.size} audio bytes is not a whole number of ${blockBytes}-byte sample frames`);
  }
  if (data.size === 0) throw new UserError(`${name}: empty audio: the WAV holds no samples`);

  const read = sampleReader(view, format);
  const sampleBytes = format.bitDepth / 8;
  const frames = data.size / blockBytes;
  const samples = new Float32Array(frames);
  for (let i = 0, at = data.offset; i < frames; i++) {
    let sum = 0;
    for (let c = 0; c < format.channels; c++, at += sampleBytes) {
      const v = read(at);
      if (!Number.isFinite(v)) throw new UserError(`${name}: invalid audio: float sample ${i} is ${v}`);
      sum += Math.fround(v); // each channel at float32, then the mean
    }
    samples[i] = sum / format.channels;
  }
  return { ...format, samples };
}

/** Read and decode a WAV file. */
export function readWav(path: string): DecodedWav {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new UserError(`${path}: no such file`);
    if (code === 'EISDIR') throw new UserError(`${path}: is a directory, not a WAV file`);
    if (code === 'EACCES') throw new UserError(`${path}: permission denied`);
    throw new UserError(`${path}: cannot read: ${(e as Error).message}`);
  }
  return decodeWav(bytes, path);
}

/**
 * A WAV file's duration from its header (fmt and data chunk sizes), without reading the samples; null
 * when the first 64 KB cannot tell (decoding reports real problems itself).
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
  if (head.length < 12 || ascii(head, 0, 4) !== 'RIFF' || ascii(head, 8, 4) !== 'WAVE') return null;
  const view = new DataView(head.buffer, head.byteOffset, head.byteLength);
  const list = chunks(head, view);
  const fmt = list.find((c) => c.id === 'fmt ');
  const data = list.find((c) => c.id === 'data');
  if (!fmt || !data || fmt.offset + 16 > head.length) return null;
  const rate = view.getUint32(fmt.offset + 4, true);
  const blockAlign = view.getUint16(fmt.offset + 12, true);
  return rate > 0 && blockAlign > 0 ? data.size / blockAlign / rate : null;
}
