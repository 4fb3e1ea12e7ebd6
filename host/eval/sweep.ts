/**
 * A drift sweep: `runs` fresh chips × times × bit widths over a prepared input set, on worker threads
 * (one per core), plus the float baseline of the same image. Results are mean ± std over runs.
 * `runSweepCells` evaluates any subset of the cells (a shard: host/eval/shard.ts) and a range of the
 * float baseline and returns raw counts; `sweepResult` turns complete counts into the result, the same
 * way for one process and for merged shards.
 */
import { createHash } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { UserError } from '../errors.js';
import type { Bits, LayerProgram } from '../chip/program.js';
import { getGraph } from '../../models/graphs/index.js';
import { FloatForwarder } from '../../models/image/float-forward-fast.js';
import { readWeightImage } from '../../models/image/format.js';
import { compileRunProgram, evaluateRun, floatCorrectWith, type RunCell, type SweepConfig } from './run.js';
import type { InputSet } from './inputs.js';
import type { WorkerInit, WorkerJob, WorkerMessage, WorkerPrograms } from './worker.js';
import { meanStd } from './stats.js';
import { allCells, type Cell } from './shard.js';

export interface SweepPoint {
  bits: Bits;
  timeS: number;
  mean: number;
  std: number;
  /** Accuracy of each run, in run order. */
  runs: number[];
}

export interface SweepResult {
  baseline: number;
  results: SweepPoint[];
}

/** What (part of) a sweep counted: examples right per cell, and float-right over examples [floatFrom, floatTo). */
export interface SweepCounts {
  cells: Array<Cell & { correct: number }>;
  floatFrom: number;
  floatTo: number;
  floatCorrect: number;
}

export interface SweepOptions {
  runs: number;
  /** Worker threads; 0 runs everything in this thread (tests, or when workers cannot load). */
  threads?: number;
  /** Called after every (run, time, bits) step and baseline slice: done and total step counts. */
  onProgress?: (done: number, total: number) => void;
}

export interface PartialSweepOptions extends SweepOptions {
  /** The cells to evaluate (default: all runs × times × bits). */
  cells?: readonly Cell[];
  /** The examples to score in float, [from, to) (default: all). */
  floatRange?: readonly [number, number];
}

/** Workers run the compiled JavaScript; from TypeScript sources (tests) the sweep runs in-thread. */
const workerUrl = new URL('./worker.js', import.meta.url);
const canUseWorkers = import.meta.url.endsWith('.js');

/**
 * Examples per float-baseline job: small, so the slices fill the last run's tail on the other workers
 * (16 KWS clips ≈ 50 ms of the float kernel: what one worker can still be busy with after the other is done).
 */
export const FLOAT_SLICE = 16;

/** The whole sweep: every cell and the float baseline. */
export async function runSweep(cfg: SweepConfig, data: InputSet, opts: SweepOptions): Promise<SweepResult> {
  return sweepResult(cfg, opts.runs, data.count, await runSweepCells(cfg, data, opts));
}

/** Evaluate some cells of the sweep and a range of the float baseline; raw counts. */
export async function runSweepCells(cfg: SweepConfig, data: InputSet, opts: PartialSweepOptions): Promise<SweepCounts> {
  return (await runSweepJobs([{ cfg, cells: opts.cells, floatRange: opts.floatRange }], data, opts))[0]!;
}

/** One image's part of a multi-image run: its config, the cells to evaluate and the float range. */
export interface SweepJob {
  cfg: SweepConfig;
  /** Default: all runs × times × bits. */
  cells?: readonly Cell[];
  /** Default: all examples. */
  floatRange?: readonly [number, number];
}

/** The same image (network and bytes): its float baseline is computed once, whichever sweeps use it. */
function imageKey(cfg: SweepConfig): string {
  return `${cfg.network}:${createHash('sha256').update(cfg.imageBytes).digest('hex')}`;
}

/**
 * Several images' sweeps on one pool of workers (started once; no barrier between images), raw counts
 * per image. Work units: one run (a freshly programmed chip over its cells) and slices of FLOAT_SLICE
 * examples of a float baseline; runs go first, largest first, and the short float slices last, so
 * they fill the tail while the last runs finish. A float baseline shared by images with the same
 * bytes over the same range is computed once. Counts do not depend on the schedule or the thread count.
 */
export async function runSweepJobs(sweeps: readonly SweepJob[], data: InputSet, opts: Omit<SweepOptions, 'runs'> & { runs: number }): Promise<SweepCounts[]> {
  const plans = sweeps.map((s) => {
    const cells = s.cells ?? allCells({ runs: opts.runs, times: s.cfg.timesS.length, bits: s.cfg.bits.length });
    const [floatFrom, floatTo] = s.floatRange ?? [0, data.count];
    const byRun = new Map<number, RunCell[]>();
    for (const c of cells) byRun.set(c.run, [...(byRun.get(c.run) ?? []), { time: c.time, bits: c.bits }]);
    return { cfg: s.cfg, cells, floatFrom, floatTo, runJobs: [...byRun.entries()].sort((a, b) => a[0] - b[0]) };
  });
  // The float baselines to compute: one per distinct (image, range); `owner` is the sweep that computes it.
  const floatOwner = plans.map((p, j) => {
    if (p.floatTo <= p.floatFrom) return -1;
    const key = imageKey(p.cfg);
    return plans.findIndex((q, i) => i <= j && q.floatFrom === p.floatFrom && q.floatTo === p.floatTo && imageKey(q.cfg) === key);
  });
  const runJobs: Array<WorkerJob & { kind: 'run'; cells: RunCell[] }> = [];
  plans.forEach((p, j) => p.runJobs.forEach(([run, cells]) => runJobs.push({ kind: 'run', job: j, run, cells })));
  // Largest runs first (a shard's runs can differ in size); ties keep image and run order.
  const order = runJobs.map((r, i) => [r, i] as const).sort((a, b) => b[0].cells.length - a[0].cells.length || a[1] - b[1]);
  const floatJobs: WorkerJob[] = [];
  plans.forEach((p, j) => {
    if (floatOwner[j] !== j) return;
    for (let from = p.floatFrom; from < p.floatTo; from += FLOAT_SLICE) floatJobs.push({ kind: 'float', job: j, from, to: Math.min(p.floatTo, from + FLOAT_SLICE) });
  });
  const jobs: WorkerJob[] = [...order.map(([r]) => r), ...floatJobs];
  const threads = canUseWorkers ? Math.max(0, Math.min(opts.threads ?? availableParallelism(), jobs.length)) : 0;

  const total = plans.reduce((n, p) => n + p.cells.length, 0) + floatJobs.length;
  let done = 0;
  const step = () => opts.onProgress?.(++done, total);
  const counted = plans.map((): SweepCounts['cells'] => []);
  const collect = (j: number, run: number, correct: number[][]) => {
    correct.forEach((row, time) => row.forEach((c, bits) => c >= 0 && counted[j]!.push({ run, time, bits, correct: c })));
  };
  const floatRight = plans.map(() => 0);

  // Each image's chip program, compiled once for all its runs (only images with runs here).
  const programsNow = () => plans.map((p) => (p.runJobs.length > 0 ? compileRunProgram(p.cfg) : undefined));
  if (threads === 0) {
    const nets = new Map<number, FloatForwarder>();
    const programs = programsNow();
    for (const job of jobs) {
      if (job.kind === 'run') collect(job.job, job.run, (await evaluateRun(plans[job.job]!.cfg, job.run, data.x, data.y, step, job.cells, programs[job.job])).correct);
      else {
        const cfg = plans[job.job]!.cfg;
        if (!nets.has(job.job)) nets.set(job.job, new FloatForwarder(getGraph(cfg.network), readWeightImage(cfg.imageBytes, cfg.network)));
        floatRight[job.job]! += floatCorrectWith(nets.get(job.job)!, data.x, data.y, job.from, job.to);
        step();
      }
    }
  } else {
    const init: WorkerInit = { cfgs: plans.map((p) => p.cfg), x: data.x, y: data.y };
    await new Promise<void>((resolve, reject) => {
      const workers: Worker[] = [];
      let failed = false;
      let outstanding = jobs.length;
      const finish = (err?: Error) => {
        if (failed) return;
        if (err) failed = true;
        if (err || outstanding === 0) {
          for (const w of workers) void w.terminate();
          if (err) reject(err);
          else resolve();
        }
      };
      for (let i = 0; i < threads; i++) workers.push(new Worker(workerUrl, { workerData: init }));
      // Compiled while the workers start; messages keep their order, so they have it before any job.
      let programs: Array<LayerProgram | undefined>;
      try {
        programs = programsNow();
      } catch (e) {
        return finish(e as Error);
      }
      for (const w of workers) {
        w.postMessage({ kind: 'programs', programs } satisfies WorkerPrograms);
        const next = () => {
          const job = jobs.shift();
          if (job) w.postMessage(job);
        };
        w.on('message', (m: WorkerMessage) => {
          if (m.kind === 'step') return step();
          if (m.kind === 'error') return finish(m.user ? new UserError(m.message) : new Error(m.message));
          if (m.kind === 'run') collect(m.job, m.run, m.correct);
          else {
            floatRight[m.job]! += m.correct;
            step();
          }
          outstanding--;
          next();
          finish();
        });
        w.on('error', (e) => finish(e));
        next();
      }
    });
  }
  return plans.map((p, j) => {
    const cells = counted[j]!.sort((a, b) => a.run - b.run || a.time - b.time || a.bits - b.bits);
    const owner = floatOwner[j]!;
    return { cells, floatFrom: p.floatFrom, floatTo: p.floatTo, floatCorrect: owner < 0 ? 0 : floatRight[owner]! };
  });
}

/**
 * Mean ± std per (bits, time) from the counts of every cell (accuracy = correct / items, as one
 * process computes it) and the float baseline over all `items` examples. Throws when a cell or
 * example is missing or counted twice.
 */
export function sweepResult(cfg: Pick<SweepConfig, 'timesS' | 'bits'>, runs: number, items: number, counts: SweepCounts): SweepResult {
  if (counts.floatFrom !== 0 || counts.floatTo !== items) throw new Error(`float baseline covers examples [${counts.floatFrom}, ${counts.floatTo}) of ${items}`);
  const acc = cfg.timesS.map(() => cfg.bits.map(() => new Array<number>(runs).fill(NaN)));
  for (const c of counts.cells) {
    const row = acc[c.time]?.[c.bits];
    if (!row || !(c.run >= 0 && c.run < runs) || !Number.isNaN(row[c.run]!)) throw new Error(`cell run ${c.run}, time ${c.time}, bits ${c.bits} is outside the sweep or counted twice`);
    row[c.run] = c.correct / items;
  }
  const points: SweepPoint[] = [];
  cfg.bits.forEach((bits, bi) => {
    cfg.timesS.forEach((timeS, ti) => {
      const accs = acc[ti]![bi]!;
      const missing = accs.findIndex((a) => Number.isNaN(a));
      if (missing >= 0) throw new Error(`cell run ${missing}, time ${ti}, bits ${bi} was not evaluated`);
      points.push({ bits, timeS, ...meanStd(accs), runs: accs });
    });
  });
  return { baseline: counts.floatCorrect / items, results: points };
}
