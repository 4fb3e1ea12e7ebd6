import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import jpeg from 'jpeg-js';
import pngjs from 'pngjs';
import { describe, expect, it } from 'vitest';
import { UserError } from '../../../host/errors.js';
import { decodeImage, decodeImageFile, sniffImageFormat } from '../../../host/vision/decode.js';
import { testData } from '../data.js';

const realPng = join(testData(), 'vww', 'person', '000000000785.png');
const tmp = mkdtempSync(join(tmpdir(), 'aoncim-decode-'));

function expectUserError(f: () => unknown, pattern: RegExp): void {
  let caught: unknown;
  try {
    f();
  } catch (e) {
    caught = e;
  }
  expect(caught).toBeInstanceOf(UserError);
  expect((caught as Error).message).toMatch(pattern);
}

function rgbaOf(rgb: Uint8Array, alpha = 255): Uint8Array {
  const n = rgb.length / 3;
  const out = new Uint8Array(n * 4);
  for (let i = 0; i < n; i++) {
    out.set(rgb.subarray(3 * i, 3 * i + 3), 4 * i);
    out[4 * i + 3] = alpha;
  }
  return out;
}

describe('decodeImage', () => {
  it('decodes a real VWW PNG to 96×96 RGB, matching its IHDR and a lossless re-encode', () => {
    const bytes = readFileSync(realPng);
    // IHDR, read by hand: width and height big-endian at 16 and 20, colour type at 25 (2 = RGB).
    const view = new DataView(bytes.buffer, bytes.byteOffset);
    expect(sniffImageFormat(bytes)).toBe('png');
    const img = decodeImage(bytes, realPng);
    expect([img.width, img.height]).toEqual([view.getUint32(16), view.getUint32(20)]);
    expect([img.width, img.height, bytes[25]]).toEqual([96, 96, 2]);
    expect(img.rgb.length).toBe(96 * 96 * 3);
    // Not a flat image: a real photo has spread in every channel.
    for (let c = 0; c < 3; c++) {
      const ch = img.rgb.filter((_, i) => i % 3 === c);
      expect(Math.max(...ch) - Math.min(...ch)).toBeGreaterThan(100);
    }
    const again = pngjs.PNG.sync.write({ width: 96, height: 96, data: Buffer.from(rgbaOf(img.rgb)) } as pngjs.PNG);
    expect(decodeImage(again, 'again').rgb).toEqual(img.rgb);
  });

  it('round-trips the real image through a JPEG encoded with jpeg-js within JPEG tolerance', () => {
    const img = decodeImageFile(realPng);
    const jpg = jpeg.encode({ width: img.width, height: img.height, data: rgbaOf(img.rgb) }, 95).data;
    expect(sniffImageFormat(jpg)).toBe('jpeg');
    const back = decodeImage(jpg, 'test.jpg');
    expect([back.width, back.height]).toEqual([96, 96]);
    let sumAbs = 0;
    for (let i = 0; i < img.rgb.length; i++) sumAbs += Math.abs(back.rgb[i]! - img.rgb[i]!);
    // Quality 95: measured mean |error| 0.40 codes (max 9, at edges); a channel swap or a one-pixel shift is tens.
    expect(sumAbs / img.rgb.length).toBeLessThan(1.5);
  });

  it('expands greyscale PNG to R = G = B and drops alpha without compositing', () => {
    const w = 5;
    const h = 3;
    const grey = Uint8Array.from({ length: w * h }, (_, i) => i * 17);
    const rgba = new Uint8Array(w * h * 4);
    for (let i = 0; i < w * h; i++) rgba.set([grey[i]!, grey[i]!, grey[i]!, 255], 4 * i);
    const png = pngjs.PNG.sync.write({ width: w, height: h, data: Buffer.from(rgba) } as pngjs.PNG, { colorType: 0 });
    expect(png[25]).toBe(0); // written as a greyscale PNG
    const img = decodeImage(png, 'grey.png');
    for (let i = 0; i < w * h; i++) expect(Array.from(img.rgb.subarray(3 * i, 3 * i + 3))).toEqual([grey[i], grey[i], grey[i]]);

    const rgb = Uint8Array.from({ length: w * h * 3 }, (_, i) => (i * 29) % 256);
    const translucent = pngjs.PNG.sync.write({ width: w, height: h, data: Buffer.from(rgbaOf(rgb, 10)) } as pngjs.PNG, { colorType: 6 });
    expect(decodeImage(translucent, 'alpha.png').rgb).toEqual(rgb);
  });

  it('expands greyscale JPEG to three channels', () => {
    // jpeg-js only writes colour JPEGs; a grey image encodes with zero chroma and decodes R ≈ G ≈ B.
    const rgb = new Uint8Array(16 * 16 * 3).fill(128);
    const img = decodeImage(jpeg.encode({ width: 16, height: 16, data: rgbaOf(rgb) }, 90).data, 'g.jpg');
    expect(img.rgb.length).toBe(16 * 16 * 3);
    for (const v of img.rgb) expect(Math.abs(v - 128)).toBeLessThanOrEqual(1);
  });
});

describe('decode errors', () => {
  it('missing file', () => {
    expectUserError(() => decodeImageFile(join(tmp, 'nope.png')), /nope\.png: no such file/);
  });
  it('a directory where a file is expected', () => {
    expectUserError(() => decodeImageFile(tmp), /not a regular file/);
  });
  it('unknown format names the first bytes', () => {
    const p = join(tmp, 'notes.png');
    writeFileSync(p, 'hello, not an image');
    expectUserError(() => decodeImageFile(p), /notes\.png: not a PNG or JPEG image \(it starts with bytes 68 65 6c 6c\)/);
  });
  it('empty file', () => {
    const p = join(tmp, 'empty.jpg');
    writeFileSync(p, '');
    expectUserError(() => decodeImageFile(p), /empty\.jpg: not a PNG or JPEG image \(the file is empty\)/);
  });
  it('truncated PNG', () => {
    const bytes = readFileSync(realPng);
    expectUserError(() => decodeImage(bytes.subarray(0, 5000), 'cut.png'), /cut\.png: PNG image is corrupt or truncated \(pngjs: /);
    expectUserError(() => decodeImage(bytes.subarray(0, 8), 'magic-only.png'), /magic-only\.png: PNG image is corrupt or truncated/);
  });
  it('corrupt PNG (one flipped byte in the image data)', () => {
    const bytes = Buffer.from(readFileSync(realPng));
    bytes[200] ^= 0xff;
    expectUserError(() => decodeImage(bytes, 'bad.png'), /bad\.png: PNG image is corrupt or truncated \(pngjs: /);
  });
  it('truncated JPEG', () => {
    const rgb = Uint8Array.from({ length: 32 * 32 * 3 }, (_, i) => (i * 13) % 256);
    const jpg = jpeg.encode({ width: 32, height: 32, data: rgbaOf(rgb) }, 90).data;
    for (const n of [jpg.length - 2, Math.floor(jpg.length / 2), 4]) {
      expectUserError(() => decodeImage(jpg.subarray(0, n), 'cut.jpg'), /cut\.jpg: JPEG image is corrupt, truncated or unsupported \(jpeg-js: /);
    }
  });
});
