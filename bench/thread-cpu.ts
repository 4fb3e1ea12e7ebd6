/**
 * CPU seconds per thread of this process, from Linux's /proc (null elsewhere): what a thread really ran,
 * whatever else shares the cores. On a machine loaded by other jobs (or whose scheduler shares CPU
 * between sessions, as autogroup does) a thread's wall time says little; its CPU time does.
 */
import { readdirSync, readFileSync } from 'node:fs';

const TICKS_PER_S = 100; // USER_HZ

/** utime + stime of one /proc stat file, in seconds. */
function statSeconds(path: string): number {
  const fields = readFileSync(path, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_S;
}

/** This thread's CPU seconds, or null without /proc. */
export function ownCpuSeconds(): number | null {
  try {
    return statSeconds('/proc/thread-self/stat');
  } catch {
    return null;
  }
}

/** CPU seconds of every thread of this process by thread id (empty without /proc). */
export function threadCpuSeconds(): Map<string, number> {
  const out = new Map<string, number>();
  let tids: string[];
  try {
    tids = readdirSync('/proc/self/task');
  } catch {
    return out;
  }
  for (const tid of tids) {
    try {
      out.set(tid, statSeconds(`/proc/self/task/${tid}/stat`));
    } catch {
      // the thread ended between the listing and the read
    }
  }
  return out;
}

/**
 * Runs `work` and samples the CPU time of the threads it starts every `everyMs`; resolves to their
 * last readings (a thread's CPU after its last sample, ≤ everyMs, is not counted).
 */
export async function newThreadsCpu(work: () => Promise<void>, everyMs = 20): Promise<number[]> {
  const before = new Set(threadCpuSeconds().keys());
  const seen = new Map<string, number>();
  const sample = () => {
    for (const [tid, s] of threadCpuSeconds()) if (!before.has(tid)) seen.set(tid, s);
  };
  const timer = setInterval(sample, everyMs);
  try {
    await work();
  } finally {
    clearInterval(timer);
  }
  sample();
  return [...seen.values()];
}
