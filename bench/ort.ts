/**
 * The peer: AnalogNet-KWS and AnalogNet-VWW in float32 on onnxruntime-node, one intra-op thread,
 * exported from the same layer graph and weight image as the emulator runs (models/onnx/export.ts).
 * Random-weight images (seed 0): the work per inference does not depend on the weights.
 * Run: npm run tsbuild && node dist/bench/ort.js [seconds per network]
 * Others import measureOrt() to print the emulator/ORT ratio measured in the same process.
 */
import { pathToFileURL } from 'node:url';
import { ort } from './ort-runtime.js';
import { getGraph } from '../models/graphs/index.js';
import { layerShapes } from '../models/graphs/shapes.js';
import type { NetworkName } from '../models/graphs/types.js';
import { InitRng } from '../models/image/prng.js';
import { randomImage } from '../models/image/random.js';
import { exportOnnx, hwcToChw } from '../models/onnx/export.js';

export interface OrtBenchResult {
  network: NetworkName;
  /** Median over rounds of inferences per second (batch 1, one intra-op thread). */
  infPerS: number;
  msPerInf: number;
  /** MACs of one inference (models/graphs/shapes.ts). */
  macs: number;
  gmacPerS: number;
  rounds: number;
  inferences: number;
}

export interface OrtBenchOptions {
  /** Total measuring time, split into `rounds` rounds (default 5 s, 5 rounds). */
  seconds?: number;
  rounds?: number;
  intraOpNumThreads?: number;
}

/** Single-image float32 inference rate of a network on ORT's CPU execution provider. */
export async function measureOrt(network: NetworkName, options: OrtBenchOptions = {}): Promise<OrtBenchResult> {
  const { seconds = 5, rounds = 5, intraOpNumThreads = 1 } = options;
  const graph = getGraph(network);
  const session = await ort.InferenceSession.create(exportOnnx(graph, randomImage(network, 0)), {
    intraOpNumThreads,
    interOpNumThreads: 1,
    executionMode: 'sequential',
    graphOptimizationLevel: 'all',
  });
  const { h, w, c } = graph.input;
  const rng = new InitRng(0, 9);
  const x = Float32Array.from({ length: h * w * c }, () => (graph.inputSigned ? rng.normal() : rng.uniform()));
  const feeds = { input: new ort.Tensor('float32', hwcToChw(x, h, w, c), [1, c, h, w]) };
  for (let i = 0; i < 50; i++) await session.run(feeds); // warm-up: allocations, kernel selection
  const rates: number[] = [];
  let inferences = 0;
  for (let r = 0; r < rounds; r++) {
    const until = performance.now() + (1000 * seconds) / rounds;
    let n = 0;
    const t0 = performance.now();
    let t = t0;
    while (t < until) {
      await session.run(feeds);
      n++;
      t = performance.now();
    }
    rates.push((1000 * n) / (t - t0));
    inferences += n;
  }
  await session.release();
  rates.sort((a, b) => a - b);
  const infPerS = rates[Math.floor(rates.length / 2)]!;
  const macs = layerShapes(graph).totalMacs;
  return { network, infPerS, msPerInf: 1000 / infPerS, macs, gmacPerS: (macs * infPerS) / 1e9, rounds, inferences };
}

export function formatOrtResult(r: OrtBenchResult): string {
  return (
    `ORT float32 ${r.network.padEnd(4)}: ${r.infPerS.toFixed(0)} inf/s (${r.msPerInf.toFixed(3)} ms/inf), ` +
    `${(r.macs / 1e6).toFixed(2)} M MACs → ${r.gmacPerS.toFixed(1)} GMAC/s [median of ${r.rounds} rounds, ${r.inferences} inferences]`
  );
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const seconds = Number(process.argv[2] ?? 5);
  console.log(`onnxruntime-node ${ort.env.versions.node}, CPU EP, intraOpNumThreads 1, batch 1`);
  for (const network of ['kws', 'vww'] as const) console.log(formatOrtResult(await measureOrt(network, { seconds })));
}
