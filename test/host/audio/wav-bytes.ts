/** Test helper: WAV files written byte by byte, shared by the decoder's and the CLI's tests. */

export interface WavSpec {
  tag?: number; // 1 PCM, 3 float, 0xfffe extensible
  subTag?: number;
  channels?: number;
  rate?: number;
  bits: number;
  data: Uint8Array;
  declaredDataSize?: number;
  extraChunkBefore?: Uint8Array; // an odd-sized "LIST" chunk body, to test RIFF padding
}

/** Write a WAV byte by byte (independent of the decoder under test). */
export function wav(s: WavSpec): Buffer {
  const channels = s.channels ?? 1;
  const rate = s.rate ?? 16000;
  const ext = s.tag === 0xfffe;
  const fmtSize = ext ? 40 : 16;
  const parts: Buffer[] = [];
  const fmt = Buffer.alloc(8 + fmtSize);
  fmt.write('fmt ', 0, 'latin1');
  fmt.writeUInt32LE(fmtSize, 4);
  fmt.writeUInt16LE(s.tag ?? 1, 8);
  fmt.writeUInt16LE(channels, 10);
  fmt.writeUInt32LE(rate, 12);
  fmt.writeUInt32LE((rate * channels * s.bits) / 8, 16);
  fmt.writeUInt16LE((channels * s.bits) / 8, 20);
  fmt.writeUInt16LE(s.bits, 22);
  if (ext) {
    fmt.writeUInt16LE(22, 24);
    fmt.writeUInt16LE(s.bits, 26);
    fmt.writeUInt32LE(0, 28);
    fmt.writeUInt16LE(s.subTag ?? 1, 32); // GUID xxxx0000-0000-0010-8000-00aa00389b71
    Buffer.from([0, 0, 0, 0, 0x10, 0, 0x80, 0, 0, 0xaa, 0, 0x38, 0x9b, 0x71]).copy(fmt, 34);
  }
  parts.push(fmt);
  if (s.extraChunkBefore) {
    const h = Buffer.alloc(8);
    h.write('LIST', 0, 'latin1');
    h.writeUInt32LE(s.extraChunkBefore.length, 4);
    parts.push(h, Buffer.from(s.extraChunkBefore));
    if (s.extraChunkBefore.length & 1) parts.push(Buffer.alloc(1));
  }
  const dh = Buffer.alloc(8);
  dh.write('data', 0, 'latin1');
  dh.writeUInt32LE(s.declaredDataSize ?? s.data.length, 4);
  parts.push(dh, Buffer.from(s.data));
  const body = Buffer.concat(parts);
  const head = Buffer.alloc(12);
  head.write('RIFF', 0, 'latin1');
  head.writeUInt32LE(4 + body.length, 4);
  head.write('WAVE', 8, 'latin1');
  return Buffer.concat([head, body]);
}

/** Integer PCM of float channels in [−1, 1]: code = round(x·2^(b−1)), clamped to the code range; interleaved. */
export function pcmWav(channels: Float32Array[], rate: number, bits: 16 | 24): Buffer {
  const full = 2 ** (bits - 1);
  const n = channels[0]!.length;
  const data = Buffer.alloc((n * channels.length * bits) / 8);
  let at = 0;
  for (let i = 0; i < n; i++) {
    for (const ch of channels) {
      data.writeIntLE(Math.max(-full, Math.min(full - 1, Math.round(ch[i]! * full))), at, bits / 8);
      at += bits / 8;
    }
  }
  return wav({ channels: channels.length, rate, bits, data });
}
