/**
 * Still-image decoding for camera frames: PNG (pngjs) and JPEG (jpeg-js), chosen by content (magic
 * bytes), never by file extension. Output is always packed 8-bit RGB, row-major HWC: alpha is dropped
 * (not composited), grey and palette images are expanded to three channels, 16-bit PNG is rescaled
 * to 8 bits by pngjs.
 */
import { readFileSync, statSync } from 'node:fs';
import jpeg from 'jpeg-js';
import pngjs from 'pngjs';
import { UserError } from '../errors.js';
import { describeImageStart, MAX_IMAGE_PIXELS, sniffImageFormat } from './image-format.js';
import { rgbFromRgba } from './rgba.js';

export { MAX_IMAGE_PIXELS, sniffImageFormat, type ImageFormat } from './image-format.js';

/** An 8-bit RGB image, row-major, 3 bytes a pixel. */
export interface RgbImage {
  width: number;
  height: number;
  /** length = width · height · 3 */
  rgb: Uint8Array;
}

function libraryMessage(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

function decodePng(bytes: Uint8Array, name: string): RgbImage {
  let png: pngjs.PNG;
  try {
    png = pngjs.PNG.sync.read(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
  } catch (e) {
    throw new UserError(`${name}: PNG image is corrupt or truncated (pngjs: ${libraryMessage(e)})`);
  }
  const { width, height, data } = png;
  if (width < 1 || height < 1) throw new UserError(`${name}: PNG image has no pixels (${width}×${height})`);
  // pngjs always hands back RGBA8 (grey, palette and 16-bit are converted); keep R, G, B.
  return rgbFromRgba(width, height, data);
}

function decodeJpeg(bytes: Uint8Array, name: string): RgbImage {
  let img: { width: number; height: number; data: Uint8Array };
  try {
    img = jpeg.decode(bytes, {
      useTArray: true,
      formatAsRGBA: false, // grey JPEGs are expanded to R = G = B by jpeg-js
      tolerantDecoding: false,
      maxResolutionInMP: MAX_IMAGE_PIXELS / 1e6,
    });
  } catch (e) {
    throw new UserError(`${name}: JPEG image is corrupt, truncated or unsupported (jpeg-js: ${libraryMessage(e)})`);
  }
  const { width, height, data } = img;
  if (width < 1 || height < 1) throw new UserError(`${name}: JPEG image has no pixels (${width}×${height})`);
  if (data.length !== width * height * 3) {
    throw new UserError(`${name}: JPEG decoded to ${data.length} bytes, expected ${width}×${height}×3`);
  }
  return { width, height, rgb: data };
}

/** Decode PNG or JPEG bytes; `name` is used in error messages (a path, or "stdin"). */
export function decodeImage(bytes: Uint8Array, name: string): RgbImage {
  const format = sniffImageFormat(bytes);
  if (format === 'png') return decodePng(bytes, name);
  if (format === 'jpeg') return decodeJpeg(bytes, name);
  throw new UserError(`${name}: not a PNG or JPEG image (${describeImageStart(bytes)}); for raw RGB frames use --raw WxH`);
}

/** Fail with a user-facing message unless `path` is an existing regular file. */
export function assertRegularFile(path: string): void {
  let isFile: boolean;
  try {
    isFile = statSync(path).isFile();
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new UserError(`${path}: no such file`);
    if (code === 'EACCES') throw new UserError(`${path}: permission denied`);
    throw new UserError(`${path}: cannot read (${libraryMessage(e)})`);
  }
  if (!isFile) throw new UserError(`${path}: not a regular file`);
}

/** Read bytes of a file with user-facing errors for the usual ways it can be missing. */
export function readInputFile(path: string): Uint8Array {
  assertRegularFile(path);
  try {
    return readFileSync(path);
  } catch (e) {
    throw new UserError(`${path}: cannot read (${libraryMessage(e)})`);
  }
}

/** Read and decode an image file (PNG or JPEG by content). */
export function decodeImageFile(path: string): RgbImage {
  return decodeImage(readInputFile(path), path);
}
