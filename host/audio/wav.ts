/**
 * WAV decoding: node-wav converts the samples; this file checks the header first, because node-wav is
 * silent or wrong on bad input (measured on node-wav 0.0.2):
 * - truncated data (declared size > bytes present): reads on past the end of the file into whatever
 *   memory follows (zeros, NaN or unrelated bytes), or throws a bare RangeError when the remaining byte
 *   count is not a multiple of the sample size;
 * - garbage: "TypeError: Invalid WAV file"; no data chunk: returns undefined;
 * - a Buffer that is a view at a non-zero offset (Node's pooled small buffers): mixes up offset and
 *   length and returns undefined;
 * - odd-sized chunks: ignores the RIFF pad byte and misparses what follows;
 * - WAVE_FORMAT_EXTENSIBLE (0xFFFE, common for 24-bit and multichannel files): rejected;
 * - scaling is asymmetric (negative codes / 2^(b−1), positive codes / (2^(b−1)−1)), and the 24-bit code
 *   0x800000 decodes as +1.0000001 instead of −1.
 * So: this file walks the chunks itself, rejects each bad case with a specific UserError, hands node-wav a
 * canonical, aligned copy (format tag 1 or 3), and rescales integer PCM to code / 2^(b−1)
 * (MLPerf Tiny scales 16-bit PCM by 1/32768: contracts.md §6). Stereo and multichannel are averaged to mono.
 */
import { closeSync, openSync, readFileSync, readSync } from 'node:fs';
import nodeWav from 'node-wav';
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

/**
 * A canonical WAV holding `data` in a fresh buffer (byteOffset 0): "fmt " (16 bytes, tag 1 or 3), a 4-byte
 * "JUNK" chunk, then "data" at byte 56 — a multiple of 8, because node-wav views the samples as typed arrays
 * (Float64Array needs 8-byte alignment; the usual 44-byte header would break 64-bit float).
 */
function canonical(format: WavFormat, data: Uint8Array): Buffer {
  const out = Buffer.alloc(56 + data.length);
  out.write('RIFF', 0, 'latin1');
  out.writeUInt32LE(48 + data.length, 4);
  out.write('WAVE', 8, 'latin1');
  out.write('fmt ', 12, 'latin1');
  out.writeUInt32LE(16, 16);
  out.writeUInt16LE(format.encoding === 'float' ? 3 : 1, 20);
  out.writeUInt16LE(format.channels, 22);
  out.writeUInt32LE(format.sampleRate, 24);
  out.writeUInt32LE((format.sampleRate * format.channels * format.bitDepth) / 8, 28);
  out.writeUInt16LE((format.channels * format.bitDepth) / 8, 32);
  out.writeUInt16LE(format.bitDepth, 34);
  out.write('JUNK', 36, 'latin1');
  out.writeUInt32LE(4, 40);
  out.write('data', 48, 'latin1');
  out.writeUInt32LE(data.length, 52);
  out.set(data, 56);
  return out;
}

/**
 * Undo node-wav's asymmetric integer scaling: positive codes come back as code/(2^(b−1)−1); return
 * code/2^(b−1) for every code. 8- and 16-bit codes are recovered exactly; at 24 and 32 bits the ratio is
 * applied (the difference is at float32 resolution). The 24-bit code 0x800000 (node-wav: > 1) is −1.
 */
function symmetricScale(x: Float32Array, bitDepth: number): void {
  const full = 2 ** (bitDepth - 1);
  const pos = full - 1;
  for (let i = 0; i < x.length; i++) {
    const v = x[i]!;
    if (v > 1) x[i] = -1;
    else if (v > 0) x[i] = bitDepth <= 16 ? Math.round(v * pos) / full : (v * pos) / full;
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

  let decoded: ReturnType<typeof nodeWav.decode>;
  try {
    decoded = nodeWav.decode(canonical(format, buf.subarray(data.offset, data.offset + data.size)));
  } catch (e) {
    throw new UserError(`${name}: could not decode WAV: ${(e as Error).message}`);
  }
  const channelData = decoded.channelData;
  const n = channelData[0]!.length;
  for (const ch of channelData) {
    if (format.encoding === 'pcm') symmetricScale(ch, format.bitDepth);
    else {
      for (let i = 0; i < n; i++) {
        if (!Number.isFinite(ch[i]!)) throw new UserError(`${name}: invalid audio: float sample ${i} is ${ch[i]}`);
      }
    }
  }
  const samples = new Float32Array(n);
  if (channelData.length === 1) samples.set(channelData[0]!);
  else {
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (const ch of channelData) s += ch[i]!;
      samples[i] = s / channelData.length;
    }
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
