/**
 * Output files (`--svg`, `--out`) are checked before any work starts, so a typo in a path fails in a
 * second with one line, not after a 5-minute sweep (or as an "internal error").
 */
import { accessSync, constants, statSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { UserError } from '../errors.js';

function stat(path: string) {
  try {
    return statSync(path);
  } catch {
    return null;
  }
}

/** Throws a UserError unless `path` can be written: its folder exists, and it is not itself a folder. */
export function checkOutputPath(path: string, flag: string): void {
  if (path.trim() === '') throw new UserError(`${flag}: empty file name`);
  const self = stat(path);
  if (self?.isDirectory()) throw new UserError(`${flag} ${path}: is a directory; give a file name`);
  const dir = dirname(resolve(path));
  const parent = stat(dir);
  if (!parent) throw new UserError(`${flag} ${path}: folder ${dirname(path)} does not exist`);
  if (!parent.isDirectory()) throw new UserError(`${flag} ${path}: ${dirname(path)} is not a folder`);
  try {
    accessSync(self ? path : dir, constants.W_OK);
  } catch {
    throw new UserError(`${flag} ${path}: permission denied`);
  }
}

/** Write an output file; a failure (disk full, removed folder) is the user's to fix, not a bug. */
export function writeOutput(path: string, data: string | Uint8Array): void {
  try {
    writeFileSync(path, data);
  } catch (e) {
    throw new UserError(`cannot write ${path}: ${(e as Error).message}`);
  }
}
