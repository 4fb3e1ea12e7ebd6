/**
 * Sweeps over several images, whole or as one shard (host/eval/shard.ts), and the partial results a
 * shard writes: raw counts per (image, run, time, bits) cell and per slice of each image's float
 * baseline, with a fingerprint of everything that decides them (command, images, inputs, device
 * model, seed, grid, chip binary). `mergePartials` checks that N partial files are the N shards of one
 * sweep — each exactly once, same fingerprint — and returns the counts the whole sweep would have,
 * from which the same code as the unsharded run (sweepResult) builds the result.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Bits } from '../chip/program.js';
import { UserError } from '../errors.js';
import { packageRoot } from '../paths.js';
import type { InputSet } from './inputs.js';
import type { SweepConfig } from './run.js';
import { shardCells, shardRange, type Shard } from './shard.js';
import { runSweepJobs, sweepResult, type SweepCounts, type SweepResult } from './sweep.js';

export const PARTIAL_FORMAT = 'aon-cim-partial';
export const PARTIAL_VERSION = 1;

export type ShardedCommand = 'eval' | 'ablation';

/** One image's sweep in a partial file: its grid and what this shard counted of it. */
export interface PartialJob {
  timesS: number[];
  bits: Bits[];
  counts: SweepCounts;
}

export interface PartialFile<H = unknown> {
  format: typeof PARTIAL_FORMAT;
  version: typeof PARTIAL_VERSION;
  command: ShardedCommand;
  shard: Shard;
  /** sha256 over the command, header, grid, images, inputs and chip binary: equal in every shard of one sweep. */
  fingerprint: string;
  runs: number;
  /** Examples scored per cell. */
  items: number;
  /** What the command needs to print the merged result (image names, task, …). */
  header: H;
  jobs: PartialJob[];
}

export interface SweepsOptions {
  runs: number;
  threads?: number;
  shard?: Shard;
  /** Steps done and (approximate) total over all images. */
  onProgress?: (done: number, total: number) => void;
}

/** Every image's sweep, or shard `shard` of them: raw counts per image. */
export async function runSweeps(cfgs: readonly SweepConfig[], data: InputSet, o: SweepsOptions): Promise<SweepCounts[]> {
  const cellsPerJob = shardCells(cfgs.map((c) => ({ runs: o.runs, times: c.timesS.length, bits: c.bits.length })), o.shard);
  const floatRange = shardRange(data.count, o.shard);
  // All images on one pool of workers (host/eval/sweep.ts runSweepJobs).
  return runSweepJobs(cfgs.map((cfg, j) => ({ cfg, cells: cellsPerJob[j]!, floatRange })), data, { runs: o.runs, threads: o.threads, onProgress: o.onProgress });
}

/** The results of complete counts, one per image (the one place both a whole run and a merge turn counts into accuracies). */
export function sweepResults(cfgs: ReadonlyArray<Pick<SweepConfig, 'timesS' | 'bits'>>, runs: number, items: number, counts: readonly SweepCounts[]): SweepResult[] {
  return cfgs.map((cfg, j) => sweepResult(cfg, runs, items, counts[j]!));
}

function chipBinaryHash(): string {
  const p = join(packageRoot, 'build', 'release.wasm');
  return existsSync(p) ? createHash('sha256').update(readFileSync(p)).digest('hex') : 'none';
}

/** sha256 of what decides a sweep's numbers: equal for every shard of one sweep, different when anything differs. */
export function sweepFingerprint(command: ShardedCommand, header: unknown, runs: number, cfgs: readonly SweepConfig[], data: InputSet): string {
  const h = createHash('sha256');
  const meta = {
    format: PARTIAL_FORMAT,
    version: PARTIAL_VERSION,
    command,
    header,
    runs,
    items: data.count,
    chip: chipBinaryHash(),
    jobs: cfgs.map((c) => ({
      network: c.network,
      preset: c.preset,
      gdc: c.gdc,
      // Absent (undefined, left out of the JSON) unless replicated: unreplicated fingerprints are unchanged.
      replicate: c.replicate,
      seed: c.seed,
      timesS: c.timesS,
      bits: c.bits,
      image: createHash('sha256').update(c.imageBytes).digest('hex'),
    })),
  };
  h.update(JSON.stringify(meta));
  h.update(new Uint8Array(data.x.buffer, data.x.byteOffset, data.x.byteLength));
  h.update(new Uint8Array(data.y.buffer, data.y.byteOffset, data.y.byteLength));
  return h.digest('hex');
}

/** Run shard `shard` of the sweep and package its counts as a partial file. */
export async function runPartial<H>(
  command: ShardedCommand,
  header: H,
  cfgs: readonly SweepConfig[],
  data: InputSet,
  o: SweepsOptions & { shard: Shard },
): Promise<PartialFile<H>> {
  const counts = await runSweeps(cfgs, data, o);
  return {
    format: PARTIAL_FORMAT,
    version: PARTIAL_VERSION,
    command,
    shard: o.shard,
    fingerprint: sweepFingerprint(command, header, o.runs, cfgs, data),
    runs: o.runs,
    items: data.count,
    header,
    jobs: cfgs.map((c, j) => ({ timesS: c.timesS, bits: c.bits, counts: counts[j]! })),
  };
}

/** A partial file's text, checked field by field (a file that is not one says so, by name). */
export function parsePartial(name: string, text: string): PartialFile {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    throw new UserError(`${name}: not JSON (expected the output of eval or ablation with --shard K/N)`);
  }
  const bad = (what: string) => new UserError(`${name}: not an aon-cim partial result (${what}); write one with eval or ablation --shard K/N`);
  const o = v as Partial<PartialFile>;
  if (typeof o !== 'object' || o === null || o.format !== PARTIAL_FORMAT) throw bad('no "format": "aon-cim-partial"');
  if (o.version !== PARTIAL_VERSION) throw new UserError(`${name}: partial format version ${String(o.version)}; this aon-cim reads version ${PARTIAL_VERSION}`);
  if (o.command !== 'eval' && o.command !== 'ablation') throw bad('command');
  const isInt = (n: unknown, min = 0): n is number => Number.isSafeInteger(n) && (n as number) >= min;
  if (!o.shard || !isInt(o.shard.count, 1) || !isInt(o.shard.index) || o.shard.index >= o.shard.count) throw bad('shard');
  if (typeof o.fingerprint !== 'string' || !isInt(o.runs, 1) || !isInt(o.items, 1) || !Array.isArray(o.jobs)) throw bad('fingerprint, runs, items or jobs');
  for (const j of o.jobs) {
    const c = j?.counts;
    if (!Array.isArray(j?.timesS) || !Array.isArray(j?.bits) || !c || !Array.isArray(c.cells) || !isInt(c.floatFrom) || !isInt(c.floatTo) || !isInt(c.floatCorrect)) throw bad('jobs');
    for (const cell of c.cells) if (![cell?.run, cell?.time, cell?.bits, cell?.correct].every((n) => isInt(n))) throw bad('cells');
  }
  return o as PartialFile;
}

export interface Merged {
  command: ShardedCommand;
  header: unknown;
  runs: number;
  items: number;
  jobs: Array<{ timesS: number[]; bits: Bits[] }>;
  results: SweepResult[];
}

/**
 * The whole sweep from its N shards, given as (file name, parsed file) in any order: one clear error
 * when a shard is missing or given twice, or the files come from different sweeps.
 */
export function mergePartials(parts: ReadonlyArray<{ name: string; file: PartialFile }>): Merged {
  if (parts.length === 0) throw new UserError('merge: no partial files given');
  const first = parts[0]!;
  const n = first.file.shard.count;
  const byIndex = new Map<number, string>();
  for (const { name, file } of parts) {
    if (file.shard.count !== n) throw new UserError(`${name} is shard ${file.shard.index}/${file.shard.count}, ${first.name} is one of ${n}: all parts must come from one --shard K/N split`);
    if (file.fingerprint !== first.file.fingerprint || file.command !== first.file.command) {
      throw new UserError(`${name} and ${first.name} are shards of different sweeps (command, images, data, flags or chip differ)`);
    }
    const seen = byIndex.get(file.shard.index);
    if (seen !== undefined) throw new UserError(`shard ${file.shard.index}/${n} is given twice: ${seen} and ${name}`);
    byIndex.set(file.shard.index, name);
  }
  const missing = [...Array(n).keys()].filter((k) => !byIndex.has(k));
  if (missing.length > 0) {
    throw new UserError(`${missing.length === 1 ? 'shard' : 'shards'} ${missing.join(', ')} of ${n} missing (got ${[...byIndex.keys()].sort((a, b) => a - b).join(', ')})`);
  }
  const ordered = [...parts].sort((a, b) => a.file.shard.index - b.file.shard.index);
  const f0 = first.file;
  const jobs = f0.jobs.map((j) => ({ timesS: j.timesS, bits: j.bits }));
  const counts: SweepCounts[] = jobs.map((_, ji) => {
    const merged: SweepCounts = { cells: [], floatFrom: 0, floatTo: 0, floatCorrect: 0 };
    for (const { name, file } of ordered) {
      const c = file.jobs[ji]?.counts;
      if (!c || file.jobs.length !== jobs.length) throw new UserError(`${name}: has ${file.jobs.length} images, ${first.name} ${jobs.length}`);
      if (c.floatFrom !== c.floatTo) {
        if (c.floatFrom !== merged.floatTo) throw new UserError(`${name}: its float examples [${c.floatFrom}, ${c.floatTo}) do not follow [0, ${merged.floatTo}) of the shards before it`);
        merged.floatTo = c.floatTo;
        merged.floatCorrect += c.floatCorrect;
      }
      merged.cells.push(...c.cells);
    }
    merged.cells.sort((a, b) => a.run - b.run || a.time - b.time || a.bits - b.bits);
    return merged;
  });
  let results: SweepResult[];
  try {
    results = sweepResults(jobs, f0.runs, f0.items, counts);
  } catch (e) {
    throw new UserError(`the ${n} shards do not add up to one sweep: ${(e as Error).message}`);
  }
  return { command: f0.command, header: f0.header, runs: f0.runs, items: f0.items, jobs, results };
}

/** Read and merge partial files by path (a missing or unreadable file is named). */
export function mergePartialFiles(paths: readonly string[]): Merged {
  if (paths.length === 0) throw new UserError('merge: give the partial files to merge (the outputs of eval or ablation --shard K/N)');
  return mergePartials(
    paths.map((name) => {
      let text: string;
      try {
        text = readFileSync(name, 'utf8');
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        throw new UserError(`${name}: ${code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : (e as Error).message}`);
      }
      return { name, file: parsePartial(name, text) };
    }),
  );
}
