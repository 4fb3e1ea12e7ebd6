/**
 * What an encoded image is, by its first bytes (never by file name): PNG, JPEG or neither. No decoder
 * and no file system, so the web page's file picker checks a file the same way as `aon-cim vww`.
 */

export type ImageFormat = 'png' | 'jpeg';

const PNG_MAGIC = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
const JPEG_MAGIC = [0xff, 0xd8, 0xff];

/** Larger frames than this are refused before decoding (a camera frame, not a poster). */
export const MAX_IMAGE_PIXELS = 64_000_000;

function startsWith(bytes: Uint8Array, magic: readonly number[]): boolean {
  if (bytes.length < magic.length) return false;
  return magic.every((b, i) => bytes[i] === b);
}

/** The format of an encoded image by its first bytes, or null when it is neither PNG nor JPEG. */
export function sniffImageFormat(bytes: Uint8Array): ImageFormat | null {
  if (startsWith(bytes, PNG_MAGIC)) return 'png';
  if (startsWith(bytes, JPEG_MAGIC)) return 'jpeg';
  return null;
}

/** "the file is empty" or "it starts with bytes 47 49 46 38", for messages about a file that is no image. */
export function describeImageStart(bytes: Uint8Array): string {
  if (bytes.length === 0) return 'the file is empty';
  const hex = Array.from(bytes.subarray(0, 4), (b) => b.toString(16).padStart(2, '0')).join(' ');
  return `it starts with bytes ${hex}`;
}
