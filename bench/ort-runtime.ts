/**
 * onnxruntime-node for the benchmarks. It is not a dependency of aon-cim: its postinstall downloads
 * optional GPU binaries, which fails offline, so `npm run bench:deps` installs it into bench/ort/ with
 * --ignore-scripts (the CPU binaries ship inside the package). Loaded from there; its API is
 * onnxruntime-common's, whose types we use.
 */
import { createRequire } from 'node:module';
import { repoPath } from '../host/paths.js';

export type { InferenceSession } from 'onnxruntime-common';

type Ort = typeof import('onnxruntime-common');

function load(): Ort {
  const require = createRequire(repoPath('bench', 'ort', 'package.json'));
  try {
    return require('onnxruntime-node') as Ort;
  } catch (e) {
    throw new Error(`onnxruntime-node is not installed in bench/ort/: run \`npm run bench:deps\` (${(e as Error).message.split('\n')[0]})`);
  }
}

export const ort: Ort = load();
