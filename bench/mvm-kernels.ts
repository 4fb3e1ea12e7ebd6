/**
 * The chip's per-shape kernels against the single-kernel path they replaced, in one process: every layer
 * alone (chipRunLayers on what the last inference left in SRAM) and the whole inference, once with
 * KERNELS_SIMD (IM2COL + mvmSimd everywhere: the chip before issue 14 §1) and once with KERNELS_SHAPED
 * (the default: implicit GEMM for 1×1 convs, assembly/mvm-implicit.ts), interleaved in short slices,
 * best slice of each — a before/after that the machine's load moves together. Results are the same bits
 * either way (test/host/chip/kernels.test.ts); this only times them.
 *
 *   node dist/bench/mvm-kernels.js [kws|vww] [rounds]     (default: both, 60 rounds of 3 ms slices)
 *
 * Paper preset, 8 bit, 1-day snapshot, the shipped image, one real input (as bench/perf.ts).
 */
import { pathToFileURL } from 'node:url';
import { join } from 'node:path';
import { loadavg } from 'node:os';
import { loadDataset } from '../host/eval/dataset.js';
import { prepareInputs } from '../host/eval/inputs.js';
import { sharedDataDir } from '../host/paths.js';
import { deploy, resolveImage } from '../host/runtime/deploy.js';
import { getGraph } from '../models/graphs/index.js';
import type { NetworkName } from '../models/graphs/types.js';
import { interleaved } from './timing.js';

const KERNELS_SIMD = 1;
const KERNELS_SHAPED = 2;

export interface KernelTimes {
  layers: Array<{ name: string; macs: number; simdUs: number; shapedUs: number }>;
  whole: { simdUs: number; shapedUs: number };
}

export async function measureKernels(network: NetworkName, rounds: number): Promise<KernelTimes> {
  const graph = getGraph(network);
  const { image } = resolveImage(network, undefined, 0);
  const { chip } = await deploy(network, image, { preset: 'paper', bits: 8, seed: 0, gdc: true });
  chip.drift(86_400);
  const items = loadDataset(join(sharedDataDir(), network === 'kws' ? 'speech_commands' : 'vww')).items;
  const x = prepareInputs(graph, [items[0]!]).x.slice();
  const out = new Float32Array(chip.outputLength);
  chip.inferInto(x, out);
  const counters = chip.counters().layers;
  const w = chip.exports;
  const fns: Record<string, () => void> = {};
  for (const [tag, mode] of [['simd', KERNELS_SIMD], ['shaped', KERNELS_SHAPED]] as const) {
    counters.forEach((_, l) => {
      fns[`${l} ${tag}`] = () => {
        w.chipSetKernels(mode);
        w.chipRunLayers(l, l + 1);
      };
    });
    fns[`whole ${tag}`] = () => {
      w.chipSetKernels(mode);
      chip.inferInto(x, out);
    };
  }
  const ms = interleaved(fns, 3, rounds);
  w.chipSetKernels(KERNELS_SHAPED);
  return {
    layers: counters.map((c, l) => ({ name: c.name, macs: c.macs, simdUs: 1000 * ms[`${l} simd`]!, shapedUs: 1000 * ms[`${l} shaped`]! })),
    whole: { simdUs: 1000 * ms['whole simd']!, shapedUs: 1000 * ms['whole shaped']! },
  };
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const nets: NetworkName[] = args[0] === 'kws' || args[0] === 'vww' ? [args[0]] : ['kws', 'vww'];
  const rounds = Number(args[1] ?? 60);
  for (const net of nets) {
    const load0 = loadavg()[0]!;
    const t = await measureKernels(net, rounds);
    console.log(`${net}: IM2COL + mvmSimd everywhere (before) vs per-shape kernels (after), best of ${rounds} interleaved 3 ms slices; load average ${load0.toFixed(1)} → ${loadavg()[0]!.toFixed(1)}`);
    for (const r of t.layers) {
      if (Math.abs(r.simdUs - r.shapedUs) < 0.02 * r.simdUs && r.simdUs < 20) continue; // same path, small layer
      console.log(`  ${r.name.padEnd(14)} ${(r.macs / 1e6).toFixed(2).padStart(5)} M MACs  before ${r.simdUs.toFixed(1).padStart(7)} µs  after ${r.shapedUs.toFixed(1).padStart(7)} µs  ${(r.simdUs / r.shapedUs).toFixed(2)}×`);
    }
    const sum = (k: 'simdUs' | 'shapedUs'): number => t.layers.reduce((s, r) => s + r[k], 0);
    console.log(`  layers summed            before ${sum('simdUs').toFixed(1).padStart(7)} µs  after ${sum('shapedUs').toFixed(1).padStart(7)} µs  ${(sum('simdUs') / sum('shapedUs')).toFixed(3)}×`);
    console.log(`  whole inference          before ${t.whole.simdUs.toFixed(1).padStart(7)} µs  after ${t.whole.shapedUs.toFixed(1).padStart(7)} µs  ${(t.whole.simdUs / t.whole.shapedUs).toFixed(3)}×`);
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await main();
