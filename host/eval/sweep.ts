/**
 * A drift sweep: `runs` fresh chips × times × bit widths over a prepared input set, on worker threads
 * (one per core), plus the float baseline of the same image. Results are mean ± std over runs.
 * `runSweepCells` evaluates any subset of the cells (a shard: host/eval/shard.ts) and a range of the
 * float baseline and returns raw counts; `sweepResult` turns complete counts into the result, the same
 * way for one process and for merged shards.
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { UserError } from '../errors.js';
import type { Bits } from '../chip/program.js';
import { evaluateRun, floatCorrect, type RunCell, type SweepConfig } from './run.js';
import type { InputSet } from './inputs.js';
import type { WorkerInit, WorkerJob, WorkerMessage } from './worker.js';
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

/** The whole sweep: every cell and the float baseline. */
export async function runSweep(cfg: SweepConfig, data: InputSet, opts: SweepOptions): Promise<SweepResult> {
  return sweepResult(cfg, opts.runs, data.count, await runSweepCells(cfg, data, opts));
}

/** Evaluate some cells of the sweep and a range of the float baseline; raw counts. */
export async function runSweepCells(cfg: SweepConfig, data: InputSet, opts: PartialSweepOptions): Promise<SweepCounts> {
  const cells = opts.cells ?? allCells({ runs: opts.runs, times: cfg.timesS.length, bits: cfg.bits.length });
  const [floatFrom, floatTo] = opts.floatRange ?? [0, data.count];
  const byRun = new Map<number, RunCell[]>();
  for (const c of cells) byRun.set(c.run, [...(byRun.get(c.run) ?? []), { time: c.time, bits: c.bits }]);
  const runJobs = [...byRun.entries()].sort((a, b) => a[0] - b[0]);
  const threads = canUseWorkers ? Math.max(0, Math.min(opts.threads ?? availableParallelism(), runJobs.length)) : 0;
  const floatSlices = floatTo > floatFrom ? Math.max(1, threads) : 0;
  const total = cells.length + floatSlices;
  let done = 0;
  const step = () => opts.onProgress?.(++done, total);
  const counted: SweepCounts['cells'] = [];
  const collect = (run: number, correct: number[][]) => {
    correct.forEach((row, time) => row.forEach((c, bits) => c >= 0 && counted.push({ run, time, bits, correct: c })));
  };
  let floatRight = 0;

  const sliceBounds = (i: number) =>
    [floatFrom + Math.floor((i * (floatTo - floatFrom)) / floatSlices), floatFrom + Math.floor(((i + 1) * (floatTo - floatFrom)) / floatSlices)] as const;
  if (threads === 0) {
    for (const [run, runCells] of runJobs) collect(run, (await evaluateRun(cfg, run, data.x, data.y, step, runCells)).correct);
    if (floatSlices > 0) {
      floatRight = floatCorrect(cfg, data.x, data.y, floatFrom, floatTo);
      step();
    }
  } else {
    const jobs: WorkerJob[] = [];
    for (let i = 0; i < floatSlices; i++) {
      const [from, to] = sliceBounds(i);
      jobs.push({ kind: 'float', from, to });
    }
    for (const [run, runCells] of runJobs) jobs.push({ kind: 'run', run, cells: runCells });
    const init: WorkerInit = { cfg, x: data.x, y: data.y };
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
      for (let i = 0; i < threads; i++) {
        const w = new Worker(workerUrl, { workerData: init });
        workers.push(w);
        const next = () => {
          const job = jobs.shift();
          if (job) w.postMessage(job);
        };
        w.on('message', (m: WorkerMessage) => {
          if (m.kind === 'step') return step();
          if (m.kind === 'error') return finish(m.user ? new UserError(m.message) : new Error(m.message));
          if (m.kind === 'run') collect(m.run, m.correct);
          else {
            floatRight += m.correct;
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
  counted.sort((a, b) => a.run - b.run || a.time - b.time || a.bits - b.bits);
  return { cells: counted, floatFrom, floatTo, floatCorrect: floatRight };
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
