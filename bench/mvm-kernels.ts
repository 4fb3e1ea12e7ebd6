/**
 * The chip's per-shape kernels against the path they replaced, in one process: every layer alone
 * (chipRunLayers on what the last inference left in SRAM) and the whole inference, once with the
 * "before" kernels (default KERNELS_SIMD: IM2COL + mvmSimd everywhere, the chip before issue 14 §1;
 * 2 = KERNELS_SHAPED, the chip before im2col-rgb.ts; 3 = KERNELS_RGB, the chip before winograd.ts;
 * 4 = KERNELS_WINOGRAD, the chip before mvm-lanes.ts; 5 = KERNELS_LANES, the chip before F(2,3) in
 * parts; 6 = KERNELS_PARTS, the chip before winograd-s2.ts; 7 = KERNELS_S2, the chip before im2colQuad)
 * and once with the default KERNELS_QUAD (implicit GEMM for 1×1 convs, assembly/mvm-implicit.ts; packed
 * IM2COL for the RGB stem, assembly/im2col-rgb.ts; F(2,3) for 3×3 stride-1 layers of any row count,
 * along rows or columns, assembly/winograd.ts; lanes = columns for those pieces' GEMMs,
 * assembly/mvm-lanes.ts; F(2,2) on the outer taps of 3×3 stride-2 layers over 512 rows,
 * assembly/winograd-s2.ts; IM2COL from a zero-bordered copy for kernel rows of 4 codes, im2col.ts),
 * interleaved in short slices, best slice of each — a before/after that the machine's load moves
 * together. Then the whole inference alone in alternating rounds of 10 inferences: the median of the
 * per-round ratios. Results are the same bits either way (test/host/chip/kernels.test.ts); this only times them.
 *
 *   node dist/bench/mvm-kernels.js [kws|vww] [rounds] [before]     (default: both, 60 rounds of 3 ms slices, before 1)
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
import { KERNELS_DEFAULT, KERNELS_SIMD } from '../assembly/kernel-modes.js';
import { alternatingRatio, interleaved } from './timing.js';


export interface KernelTimes {
  layers: Array<{ name: string; macs: number; simdUs: number; shapedUs: number }>;
  whole: { simdUs: number; shapedUs: number };
  /** Median over alternating rounds of (before time / after time), whole inference. */
  wholeRatio: number;
}

/** `simd*` fields: the `before` kernels (KERNELS_SIMD unless given); `shaped*`: the default kernels. */
export async function measureKernels(network: NetworkName, rounds: number, before = KERNELS_SIMD): Promise<KernelTimes> {
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
  for (const [tag, mode] of [['simd', before], ['shaped', KERNELS_DEFAULT]] as const) {
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
  const wholeRatio = alternatingRatio(fns['whole simd']!, fns['whole shaped']!, 3 * rounds, 10);
  w.chipSetKernels(KERNELS_DEFAULT);
  return {
    layers: counters.map((c, l) => ({ name: c.name, macs: c.macs, simdUs: 1000 * ms[`${l} simd`]!, shapedUs: 1000 * ms[`${l} shaped`]! })),
    whole: { simdUs: 1000 * ms['whole simd']!, shapedUs: 1000 * ms['whole shaped']! },
    wholeRatio,
  };
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const nets: NetworkName[] = args[0] === 'kws' || args[0] === 'vww' ? [args[0]] : ['kws', 'vww'];
  const rounds = Number(args[1] ?? 60);
  const before = Number(args[2] ?? KERNELS_SIMD);
  if (!(Number.isInteger(before) && before >= 0 && before < KERNELS_DEFAULT)) {
    console.error(`error: before must be 0 … ${KERNELS_DEFAULT - 1} (got ${args[2]})`);
    process.exit(2);
  }
  for (const net of nets) {
    const load0 = loadavg()[0]!;
    const t = await measureKernels(net, rounds, before);
    console.log(`${net}: kernels ${before} (before) vs ${KERNELS_DEFAULT} (after, the default), best of ${rounds} interleaved 3 ms slices; load average ${load0.toFixed(1)} → ${loadavg()[0]!.toFixed(1)}`);
    for (const r of t.layers) {
      if (Math.abs(r.simdUs - r.shapedUs) < 0.02 * r.simdUs && r.simdUs < 20) continue; // same path, small layer
      console.log(`  ${r.name.padEnd(14)} ${(r.macs / 1e6).toFixed(2).padStart(5)} M MACs  before ${r.simdUs.toFixed(1).padStart(7)} µs  after ${r.shapedUs.toFixed(1).padStart(7)} µs  ${(r.simdUs / r.shapedUs).toFixed(2)}×`);
    }
    const sum = (k: 'simdUs' | 'shapedUs'): number => t.layers.reduce((s, r) => s + r[k], 0);
    console.log(`  layers summed            before ${sum('simdUs').toFixed(1).padStart(7)} µs  after ${sum('shapedUs').toFixed(1).padStart(7)} µs  ${(sum('simdUs') / sum('shapedUs')).toFixed(3)}×`);
    console.log(`  whole inference          before ${t.whole.simdUs.toFixed(1).padStart(7)} µs  after ${t.whole.shapedUs.toFixed(1).padStart(7)} µs  ${(t.whole.simdUs / t.whole.shapedUs).toFixed(3)}×`);
    console.log(`  whole inference, median of ${3 * rounds} alternating rounds' ratios: ${t.wholeRatio.toFixed(3)}×`);
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await main();
