/**
 * The shipped `full` images are one per bit width (models/<task>/full-8|6|4.aonw): each was trained for
 * its converters, so a command asked for b bits without an image runs full-b, not full-8 at b bits.
 */
import { existsSync } from 'node:fs';
import { relative } from 'node:path';
import type { NetworkName } from '../../models/graphs/types.js';
import type { Bits } from '../chip/program.js';
import { repoPath } from '../paths.js';

/** models/<task>/full-<bits>.aonw when it ships (KWS and VWW only), else undefined. */
export function shippedImageForBits(network: NetworkName, bits: Bits): string | undefined {
  if (network !== 'kws' && network !== 'vww') return undefined;
  const path = repoPath('models', network, `full-${bits}.aonw`);
  return existsSync(path) ? path : undefined;
}

/** A path as the user would type it: relative to the working directory when inside it. */
export function shownPath(path: string): string {
  const rel = relative(process.cwd(), path);
  return rel.startsWith('..') ? path : rel;
}
