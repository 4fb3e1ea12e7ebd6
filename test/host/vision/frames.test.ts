import { copyFileSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import jpeg from 'jpeg-js';
import { describe, expect, it } from 'vitest';
import { UserError } from '../../../host/errors.js';
import { testData } from '../data.js';
import { openFrames, readRawFrames, type Frame } from '../../../host/vision/frames.js';

const vww = join(testData(), 'vww');
const personPng = join(vww, 'person', '000000000785.png');

async function collect(it: AsyncIterable<Frame>): Promise<Frame[]> {
  const out: Frame[] = [];
  for await (const f of it) out.push(f);
  return out;
}

async function rejection(p: Promise<unknown>): Promise<Error> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(UserError);
    return e as Error;
  }
  throw new Error('expected a UserError');
}

async function* chunks(bytes: Uint8Array, sizes: number[]): AsyncGenerator<Uint8Array> {
  let pos = 0;
  let k = 0;
  while (pos < bytes.length) {
    const n = sizes[k++ % sizes.length]!;
    yield bytes.subarray(pos, pos + n);
    pos += n;
  }
}

describe('raw rgb24 streams', () => {
  const w = 4;
  const h = 3;
  const frame = w * h * 3;
  const bytes = Uint8Array.from({ length: 3 * frame }, (_, i) => (i * 7) % 251);

  it('splits a stream in uneven chunks into whole frames, in order', async () => {
    const frames = await collect(readRawFrames(chunks(bytes, [5, 17, 1, 40]), { width: w, height: h }, 'stdin'));
    expect(frames.map((f) => f.frame)).toEqual(['stdin#0', 'stdin#1', 'stdin#2']);
    frames.forEach((f, i) => {
      expect([f.width, f.height]).toEqual([w, h]);
      expect(f.rgb).toEqual(bytes.subarray(i * frame, (i + 1) * frame));
    });
  });

  it('names the bytes left over when the size is not a multiple of the frame', async () => {
    const cut = bytes.subarray(0, 2 * frame + 5);
    const got: string[] = [];
    const err = await rejection(
      (async () => {
        for await (const f of readRawFrames(chunks(cut, [9]), { width: w, height: h }, 'stdin')) got.push(f.frame);
      })(),
    );
    expect(got).toEqual(['stdin#0', 'stdin#1']); // whole frames before the remainder are still delivered
    expect(err.message).toBe(
      'stdin: raw stream ends with 5 bytes left over after 2 whole frame(s): its size is not a multiple of the 4x3 rgb24 frame (36 bytes)',
    );
  });

  it('rejects an empty stream', async () => {
    const err = await rejection(collect(readRawFrames(chunks(new Uint8Array(0), [1]), { width: w, height: h }, 'stdin')));
    expect(err.message).toBe('stdin: raw stream is empty (no frames)');
  });

  it('reads raw frames from a file and from stdin through openFrames', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'aoncim-raw-'));
    const p = join(dir, 'clip.rgb');
    writeFileSync(p, bytes);
    const fromFile = await collect(openFrames({ path: p, raw: { width: w, height: h } }));
    expect(fromFile.map((f) => f.frame)).toEqual([`${p}#0`, `${p}#1`, `${p}#2`]);
    const fromStdin = await collect(openFrames({ path: '-', raw: { width: w, height: h }, stdin: chunks(bytes, [100]) }));
    expect(fromStdin[2]!.rgb).toEqual(fromFile[2]!.rgb);
    const err = await rejection(collect(openFrames({ path: join(dir, 'missing.rgb'), raw: { width: w, height: h } })));
    expect(err.message).toMatch(/missing\.rgb: no such file/);
  });
});

describe('image files and directories', () => {
  it('reads one image file', async () => {
    const frames = await collect(openFrames({ path: personPng }));
    expect(frames).toHaveLength(1);
    expect([frames[0]!.frame, frames[0]!.width, frames[0]!.height]).toEqual([personPng, 96, 96]);
  });

  it('reads one encoded image from stdin', async () => {
    const { readFileSync } = await import('node:fs');
    const frames = await collect(openFrames({ path: '-', stdin: chunks(readFileSync(personPng), [1000]) }));
    expect(frames.map((f) => [f.frame, f.width])).toEqual([['stdin', 96]]);
    const err = await rejection(collect(openFrames({ path: '-', stdin: chunks(new Uint8Array(0), [1]) })));
    expect(err.message).toMatch(/^stdin: not a PNG or JPEG image \(the file is empty\)/);
  });

  it('reads a directory in sorted order, images only, noting what it skips', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'aoncim-frames-'));
    copyFileSync(personPng, join(dir, 'frame_0010.png'));
    copyFileSync(join(vww, 'non_person', '000000000724.png'), join(dir, 'frame_0002.png'));
    const rgba = new Uint8Array(8 * 8 * 4).fill(200);
    writeFileSync(join(dir, 'frame_0005.photo'), jpeg.encode({ width: 8, height: 8, data: rgba }, 90).data); // by content
    writeFileSync(join(dir, 'README.txt'), 'not a frame');
    mkdirSync(join(dir, 'sub'));
    const notes: string[] = [];
    const frames = await collect(openFrames({ path: dir, onNote: (m) => notes.push(m) }));
    expect(frames.map((f) => f.frame)).toEqual(['frame_0002.png', 'frame_0005.photo', 'frame_0010.png'].map((n) => join(dir, n)));
    expect(frames[1]!.width).toBe(8);
    expect(notes).toEqual([`skipping ${join(dir, 'README.txt')}: not a PNG or JPEG image`, `skipping ${join(dir, 'sub')}: a directory (not searched recursively)`]);
  });

  it('errors: a directory without images, --raw on a directory, a corrupt image in a directory, a missing path', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'aoncim-empty-'));
    writeFileSync(join(dir, 'a.txt'), 'x');
    expect((await rejection(collect(openFrames({ path: dir })))).message).toBe(`${dir}: no PNG or JPEG images in this directory`);
    expect((await rejection(collect(openFrames({ path: dir, raw: { width: 2, height: 2 } })))).message).toMatch(/--raw reads one raw stream \(a file or -\), not a directory/);
    // A corrupt image is skipped like any unreadable file (noted, counted); with nothing readable left, an error.
    writeFileSync(join(dir, 'b.png'), Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0]));
    const notes: string[] = [];
    const skipped: string[] = [];
    const err = await rejection(collect(openFrames({ path: dir, onNote: (m) => notes.push(m), onSkip: (p) => skipped.push(p) })));
    expect(err.message).toBe(`${dir}: no PNG or JPEG images in this directory`);
    expect(notes[1]).toMatch(/^skipping .*b\.png: PNG image is corrupt or truncated/);
    expect(skipped).toEqual([join(dir, 'a.txt'), join(dir, 'b.png')]);
    expect((await rejection(collect(openFrames({ path: join(dir, 'nothing.jpg') })))).message).toMatch(/nothing\.jpg: no such file/);
  });
});
