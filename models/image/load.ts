import { readFileSync, writeFileSync } from 'node:fs';
import { UserError } from '../../host/errors.js';
import type { NetworkName } from '../graphs/types.js';
import { readWeightImage, writeWeightImage, type ReadOptions } from './format.js';
import type { WeightImage } from './types.js';

/** Reads and validates an image file; file-system errors become UserErrors naming the path. */
export function loadWeightImage(path: string, expectedNetwork?: NetworkName, opts: ReadOptions = {}): WeightImage {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : code === 'EACCES' ? 'permission denied' : (e as Error).message;
    throw new UserError(`cannot read weight image ${path}: ${why}`);
  }
  try {
    return readWeightImage(bytes, expectedNetwork, opts);
  } catch (e) {
    if (e instanceof UserError) throw new UserError(`${path}: ${e.message}`);
    throw e;
  }
}

export function saveWeightImage(path: string, image: WeightImage): void {
  const bytes = writeWeightImage(image);
  try {
    writeFileSync(path, bytes);
  } catch (e) {
    throw new UserError(`cannot write weight image ${path}: ${(e as Error).message}`);
  }
}
