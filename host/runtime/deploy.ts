/**
 * Deploying a weight image on an emulated chip — the one path every inference subcommand (kws, vww,
 * energy, eval) takes: resolve the image (a file, the shipped default, or a seeded random image),
 * compile it for the array, program a chip, read it at t.
 */
import { existsSync } from 'node:fs';
import type { NetworkName } from '../../models/graphs/types.js';
import { loadWeightImage } from '../../models/image/load.js';
import { randomImage } from '../../models/image/random.js';
import type { WeightImage } from '../../models/image/types.js';
import { repoPath } from '../paths.js';

// Deploying an image that is already in memory needs no file system (a web page does it too).
export { chooseBits, deploy, type DeployOptions, type Deployment, type InferenceSettings } from './deployment.js';

/** Shipped images, best first: the paper's method at 8 bit, then the float baseline. */
const SHIPPED: Record<'kws' | 'vww', string[]> = {
  kws: ['models/kws/full-8.aonw', 'models/kws/noise.aonw', 'models/kws/baseline.aonw'],
  vww: ['models/vww/full-8.aonw', 'models/vww/noise.aonw', 'models/vww/baseline.aonw'],
};

export interface ResolvedImage {
  image: WeightImage;
  /** Where it came from: a path, or "random(seed)". */
  source: string;
}

/** The image to run: `path` if given; else the shipped default for the network; else a seeded random image (with a note). */
export function resolveImage(network: NetworkName, path: string | undefined, seed: number, note: (m: string) => void = () => {}): ResolvedImage {
  if (path !== undefined) return { image: loadWeightImage(path, network), source: path };
  const shipped = network === 'kws' || network === 'vww' ? SHIPPED[network].map((p) => repoPath(p)).find((p) => existsSync(p)) : undefined;
  if (shipped) return { image: loadWeightImage(shipped, network), source: shipped };
  note(`no trained ${network} image ships yet: using the seeded random-weight image (seed ${seed}); its outputs carry no meaning`);
  return { image: randomImage(network, seed), source: `random(${seed})` };
}
