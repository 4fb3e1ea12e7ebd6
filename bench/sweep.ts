/**
 * What a drift sweep (eval / ablation) spends outside inference, and how it scales on worker threads.
 *
 * The fixed sweep: AnalogNet-KWS (the shipped full-8 image, else the seeded random one), paper preset,
 * Figure 7's grid — 5 times (25s, 1h, 1d, 1mo, 1y) × 3 bit widths — over `runs` chips and `items` real
 * clips (every k-th of ../shared/data/speech_commands). Interleaved in one process, `rounds` times:
 *   a slice of one-thread inference (chip.inferInto on the same inputs) → the sweep in this thread →
 *   a slice of one-thread inference → the sweep on 2 workers.
 * Per round, with r = the mean inf/s of the two slices around a sweep:
 *   evalOverheadShare = 1 − (inferences / r) / wall of the in-thread sweep (programming, snapshots, the
 *                       float baseline, moving inputs: everything that is not inference);
 *   evalInfPerSec     = inferences / wall of the 2-worker sweep;
 *   workerRatio       = evalInfPerSec / (2 r)  (issue 14's target ≥ 0.85);
 *   workerCpuRatio    = the same in CPU time (Linux /proc, bench/thread-cpu.ts): inferences ÷ (2 × the
 *                       slices' inferences per CPU-second of their thread × the CPU seconds of the busier
 *                       worker). What workerRatio would read with each worker on its own idle core
 *                       (start-up, programming, snapshots, float slices and load imbalance all count; time
 *                       a worker spends waiting for a core does not); null without /proc.
 * Medians over rounds. Also the components, each timed alone (best of 3): a chip's programming (create
 * + program + GDC baseline + first snapshot), one drift snapshot, the float baseline per example (the
 * sweep's WASM kernel, and plain-JS floatForward, which gives the same bits, for comparison).
 *
 * Run alone: npm run tsbuild && node dist/bench/sweep.js [--rounds N] [--runs N] [--items N]
 * (npm run bench -- --json includes it).
 */
import { availableParallelism, loadavg } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { UserError } from '../host/errors.js';
import { loadDataset, type LabelledItem } from '../host/eval/dataset.js';
import { prepareInputs, type InputSet } from '../host/eval/inputs.js';
import { floatCorrect, type SweepConfig } from '../host/eval/run.js';
import { runSweepCells } from '../host/eval/sweep.js';
import { sharedDataDir } from '../host/paths.js';
import { deploy, resolveImage } from '../host/runtime/deploy.js';
import { getGraph } from '../models/graphs/index.js';
import { floatForward } from '../models/image/float-forward.js';
import { newThreadsCpu, ownCpuSeconds } from './thread-cpu.js';
import { writeWeightImage } from '../models/image/format.js';
import type { Bits } from '../host/chip/program.js';

const TIMES_S = [25, 3600, 86_400, 30 * 86_400, 365 * 86_400];
const BITS: Bits[] = [8, 6, 4];

export interface SweepBenchOptions {
  rounds: number;
  runs: number;
  items: number;
  /** ms of one-thread inference per slice. */
  sliceMs: number;
}

export interface SweepBench {
  sweep: { task: 'kws'; image: string; runs: number; times: number; bits: number; items: number; inferences: number };
  /** One-thread emulator inf/s in the slices around the sweeps (median). */
  oneThreadInfPerSec: number;
  /** The sweep on 2 worker threads: inferences / wall (median over rounds). */
  evalInfPerSec: number;
  /** evalInfPerSec ÷ (2 × the one-thread rate of the adjacent slices), median of per-round ratios. */
  workerRatio: number;
  /** workerRatio in CPU time: inferences ÷ (2 × one-thread inferences per CPU-second × the busier worker's CPU seconds), median; null without /proc. */
  workerCpuRatio: number | null;
  /** Share of the in-thread sweep's wall time that is not inference (median of per-round shares). */
  evalOverheadShare: number;
  /** floatMsPerExample: the sweep's float baseline (floatCorrect, WASM kernel); floatReferenceMsPerExample: floatForward in plain JS, the same bits. */
  components: { programMs: number; snapshotMs: number; floatMsPerExample: number; floatReferenceMsPerExample: number; inferenceMs: number };
  cores: number;
  loadAverage1m: number;
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

function kwsInputs(count: number): InputSet {
  const items = loadDataset(join(sharedDataDir(), 'speech_commands')).items;
  const n = Math.min(count, items.length);
  const picked: LabelledItem[] = Array.from({ length: n }, (_, i) => items[Math.floor((i * items.length) / n)]!);
  return prepareInputs(getGraph('kws'), picked);
}

export async function measureSweep(o: SweepBenchOptions): Promise<SweepBench> {
  const { image, source } = resolveImage('kws', undefined, 0);
  const cfg: SweepConfig = { network: 'kws', imageBytes: writeWeightImage(image), preset: 'paper', gdc: true, seed: 0, timesS: TIMES_S, bits: BITS };
  const data = kwsInputs(o.items);
  const inferences = o.runs * TIMES_S.length * BITS.length * data.count;

  const { chip } = await deploy('kws', image, { preset: 'paper', bits: 8, seed: 0, gdc: true });
  chip.drift(86_400);
  const logits = new Float32Array(chip.outputLength);
  const size = data.inputSize;
  let k = 0;
  /** One-thread inferences per wall second, and per CPU-second of this thread (NaN without /proc). */
  const slice = (): { rate: number; cpuRate: number } => {
    let n = 0;
    const t0 = performance.now();
    const c0 = ownCpuSeconds();
    let dt = 0;
    do {
      chip.inferInto(data.x.subarray(k * size, (k + 1) * size), logits);
      k = (k + 1) % data.count;
      n++;
      dt = performance.now() - t0;
    } while (dt < o.sliceMs);
    const c1 = ownCpuSeconds();
    return { rate: (1000 * n) / dt, cpuRate: c0 === null || c1 === null ? NaN : n / (c1 - c0) };
  };
  const sweep = async (threads: number): Promise<{ wall: number; workerCpu: number[] }> => {
    const t0 = performance.now();
    const workerCpu = await newThreadsCpu(async () => {
      await runSweepCells(cfg, data, { runs: o.runs, threads });
    });
    return { wall: (performance.now() - t0) / 1000, workerCpu };
  };

  slice(); // warm-up
  const rates: number[] = [], overhead: number[] = [], evalRates: number[] = [], ratios: number[] = [], cpuRatios: number[] = [];
  for (let r = 0; r < o.rounds; r++) {
    const a = slice().rate;
    const wallIn = (await sweep(0)).wall;
    const sb = slice();
    const b = sb.rate;
    const w = await sweep(2);
    const sc = slice();
    const c = sc.rate;
    rates.push(a, b, c);
    overhead.push(1 - inferences / ((a + b) / 2) / wallIn);
    const ev = inferences / w.wall;
    evalRates.push(ev);
    ratios.push(ev / (2 * ((b + c) / 2)));
    const busiest = Math.max(...w.workerCpu);
    const cpuRatio = inferences / (2 * ((sb.cpuRate + sc.cpuRate) / 2) * busiest);
    if (w.workerCpu.length === 2 && Number.isFinite(cpuRatio)) cpuRatios.push(cpuRatio);
  }

  // Components, each alone: best of 3.
  let programMs = Infinity, snapshotMs = Infinity, floatMs = Infinity, floatRefMs = Infinity;
  const graph = getGraph('kws');
  const refN = Math.min(5, data.count);
  for (let i = 0; i < 3; i++) {
    const t0 = performance.now();
    const d = await deploy('kws', image, { preset: 'paper', bits: 8, seed: 0, run: i, gdc: true });
    const t1 = performance.now();
    d.chip.drift(86_400, 1);
    const t2 = performance.now();
    floatCorrect(cfg, data.x, data.y, 0, Math.min(20, data.count));
    const t3 = performance.now();
    for (let e = 0; e < refN; e++) floatForward(graph, image, data.x.subarray(e * size, (e + 1) * size));
    const t4 = performance.now();
    floatRefMs = Math.min(floatRefMs, (t4 - t3) / refN);
    programMs = Math.min(programMs, t1 - t0);
    snapshotMs = Math.min(snapshotMs, t2 - t1);
    floatMs = Math.min(floatMs, (t3 - t2) / Math.min(20, data.count));
  }
  const oneThread = median(rates);
  return {
    sweep: { task: 'kws', image: source, runs: o.runs, times: TIMES_S.length, bits: BITS.length, items: data.count, inferences },
    oneThreadInfPerSec: oneThread,
    evalInfPerSec: median(evalRates),
    workerRatio: median(ratios),
    workerCpuRatio: cpuRatios.length > 0 ? median(cpuRatios) : null,
    evalOverheadShare: median(overhead),
    components: { programMs, snapshotMs, floatMsPerExample: floatMs, floatReferenceMsPerExample: floatRefMs, inferenceMs: 1000 / oneThread },
    cores: availableParallelism(),
    loadAverage1m: loadavg()[0]!,
  };
}

export function formatSweepBench(s: SweepBench): string {
  const c = s.components;
  const perChip = c.programMs + s.sweep.times * c.snapshotMs;
  const perChipInfer = s.sweep.times * s.sweep.bits * s.sweep.items * c.inferenceMs;
  return [
    `sweep: KWS ${s.sweep.image}, ${s.sweep.runs} chips × ${s.sweep.times} times × ${s.sweep.bits} bits × ${s.sweep.items} clips = ${s.sweep.inferences} inferences (${s.cores} cores, load ${s.loadAverage1m.toFixed(1)})`,
    `  one thread: ${s.oneThreadInfPerSec.toFixed(0)} inf/s; overhead share of the in-thread sweep ${(100 * s.evalOverheadShare).toFixed(1)} %`,
    `  2 workers: ${s.evalInfPerSec.toFixed(0)} inf/s = ${s.workerRatio.toFixed(2)} × (2 × one thread) (target ≥ 0.85); in CPU time ${s.workerCpuRatio === null ? 'n/a' : s.workerCpuRatio.toFixed(2)}`,
    `  components: programming ${c.programMs.toFixed(0)} ms per chip, snapshot ${c.snapshotMs.toFixed(1)} ms per time, float baseline ${c.floatMsPerExample.toFixed(2)} ms per example (plain-JS floatForward ${c.floatReferenceMsPerExample.toFixed(2)}), inference ${c.inferenceMs.toFixed(2)} ms`,
    `  per chip: ${perChip.toFixed(0)} ms programming + snapshots against ${(perChipInfer / 1000).toFixed(1)} s of inference here; at Figure 7's 949 clips ${((100 * perChip) / (perChip + (perChipInfer * 949) / s.sweep.items)).toFixed(1)} %`,
  ].join('\n');
}

function parseArgs(argv: string[]): SweepBenchOptions {
  const o: SweepBenchOptions = { rounds: 3, runs: 2, items: 100, sliceMs: 1000 };
  const keys: Record<string, keyof SweepBenchOptions> = { '--rounds': 'rounds', '--runs': 'runs', '--items': 'items', '--slice-ms': 'sliceMs' };
  for (let i = 0; i < argv.length; i += 2) {
    const key = keys[argv[i]!];
    const v = Number(argv[i + 1]);
    if (key === undefined) throw new UserError(`unknown option ${argv[i]} (--rounds N, --runs N, --items N, --slice-ms MS)`);
    if (!Number.isInteger(v) || v < 1) throw new UserError(`${argv[i]} needs a positive integer (got ${argv[i + 1]})`);
    o[key] = v;
  }
  return o;
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  try {
    console.log(formatSweepBench(await measureSweep(parseArgs(process.argv.slice(2)))));
  } catch (e) {
    if (!(e instanceof UserError)) throw e;
    console.error(`error: ${e.message}`);
    process.exit(2);
  }
}
