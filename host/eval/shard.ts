/**
 * Sharding a drift sweep over machines: shard K of N evaluates a deterministic slice of the sweep's
 * (image, chip, time, bits) cells and a slice of each image's float baseline, and `aon-cim merge`
 * puts the N partial results together (host/eval/partial.ts).
 *
 * Cells are numbered image-major, then run (chip), then time, then bits; shard K takes the contiguous
 * cells [⌊K·C/N⌋, ⌊(K+1)·C/N⌋), so it programs few chips and reads each once per time point. A cell's
 * result depends only on (seed, run, time index, bits): the chip of run r is programmed from
 * (seed, r) and its snapshot at time index i is the (i+1)-th (Chip.drift(t, i + 1)), whichever shard
 * evaluates it — so merged shards equal the unsharded run bit for bit.
 */
import { UserError } from '../errors.js';

export interface Shard {
  /** 0 … count − 1. */
  index: number;
  count: number;
}

/** One cell of one image's sweep: run (chip), time index, bits index. */
export interface Cell {
  run: number;
  time: number;
  bits: number;
}

/** The grid of one image's sweep. */
export interface SweepGrid {
  runs: number;
  times: number;
  bits: number;
}

export const SHARD_ENV_HELP =
  'K/N: evaluate shard K of N (0-based) and print a partial JSON for `aon-cim merge`; K = "auto" reads JOB_COMPLETION_INDEX (Kubernetes indexed Job) or SLURM_ARRAY_TASK_ID (minus SLURM_ARRAY_TASK_MIN)';

const int = (s: string) => (/^\d+$/.test(s) && Number.isSafeInteger(Number(s)) ? Number(s) : null);

/**
 * `--shard K/N`, with K = "auto" taken from the environment: JOB_COMPLETION_INDEX (0-based), else
 * SLURM_ARRAY_TASK_ID − SLURM_ARRAY_TASK_MIN (an array 1-8 gives K = 0 … 7). Checks 0 ≤ K < N and, when
 * Slurm says how many tasks the array has, that it has N.
 */
export function parseShard(spec: string, env: NodeJS.ProcessEnv = process.env): Shard {
  const m = /^\s*([^/\s]+)\s*\/\s*(\S+)\s*$/.exec(spec);
  const count = m ? int(m[2]!) : null;
  if (!m || count === null || count < 1 || (m[1] !== 'auto' && int(m[1]!) === null)) {
    throw new UserError(`--shard must be K/N with 0 ≤ K < N, e.g. 0/8, or auto/N (got "${spec}")`);
  }
  let index: number;
  if (m[1] === 'auto') {
    const k8s = env['JOB_COMPLETION_INDEX'];
    const slurm = env['SLURM_ARRAY_TASK_ID'];
    if (k8s !== undefined && k8s !== '') {
      const k = int(k8s.trim());
      if (k === null) throw new UserError(`--shard auto/${count}: JOB_COMPLETION_INDEX is "${k8s}", not an integer ≥ 0`);
      index = k;
    } else if (slurm !== undefined && slurm !== '') {
      const id = int(slurm.trim());
      const minText = env['SLURM_ARRAY_TASK_MIN'] ?? '0';
      const min = int(minText.trim());
      if (id === null || min === null || id < min) {
        throw new UserError(`--shard auto/${count}: SLURM_ARRAY_TASK_ID "${slurm}" (SLURM_ARRAY_TASK_MIN "${minText}") is not a task index`);
      }
      const tasks = env['SLURM_ARRAY_TASK_COUNT'];
      if (tasks !== undefined && tasks !== '' && int(tasks.trim()) !== count) {
        throw new UserError(`--shard auto/${count}: the Slurm array has ${tasks} tasks (SLURM_ARRAY_TASK_COUNT); give --shard auto/${tasks}`);
      }
      index = id - min;
    } else {
      throw new UserError(`--shard auto/${count}: neither JOB_COMPLETION_INDEX (Kubernetes indexed Job) nor SLURM_ARRAY_TASK_ID (Slurm array) is set; give K explicitly`);
    }
  } else {
    index = int(m[1]!)!;
  }
  if (index >= count) throw new UserError(`--shard ${m[1] === 'auto' ? `auto (= ${index})` : index}/${count}: the shard index must be below ${count}`);
  return { index, count };
}

/** [from, to) of shard `s` over `n` items (the whole range without a shard). */
export function shardRange(n: number, s?: Shard): [number, number] {
  if (!s) return [0, n];
  return [Math.floor((s.index * n) / s.count), Math.floor(((s.index + 1) * n) / s.count)];
}

/** Every cell of one grid, in sweep order (run, time, bits). */
export function allCells(g: SweepGrid): Cell[] {
  const cells: Cell[] = [];
  for (let run = 0; run < g.runs; run++) for (let time = 0; time < g.times; time++) for (let bits = 0; bits < g.bits; bits++) cells.push({ run, time, bits });
  return cells;
}

/** The cells of each grid (one per image, in order) that shard `s` evaluates: a contiguous slice of them all. */
export function shardCells(grids: readonly SweepGrid[], s?: Shard): Cell[][] {
  const total = grids.reduce((n, g) => n + g.runs * g.times * g.bits, 0);
  const [from, to] = shardRange(total, s);
  let start = 0;
  return grids.map((g) => {
    const size = g.runs * g.times * g.bits;
    const lo = Math.max(from - start, 0);
    const hi = Math.min(to - start, size);
    start += size;
    return hi > lo ? allCells(g).slice(lo, hi) : [];
  });
}
