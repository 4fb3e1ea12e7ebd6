/**
 * The machine's ceiling for eval's 2-worker ratio: pure one-thread inference (KWS full-8, paper preset,
 * 8 bit, a day's snapshot, one input over and over) in one worker, then in two workers at once, then in
 * one again. ratio = (sum of the two workers' inf/s) ÷ (2 × the mean of the single runs); "with start"
 * divides by the wall time from spawning to the last result instead (worker start-up, WASM compile and
 * programming counted). A ratio near 1 says the cores share nothing that inference needs, so a sweep
 * under 0.85 is losing to its own per-sweep costs.
 *
 * Run: npm run tsbuild && node dist/bench/worker-ceiling.js [inferences per worker, default 6000] [rounds, default 3]
 */
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import { UserError } from '../host/errors.js';
import { deploy, resolveImage } from '../host/runtime/deploy.js';
import { getGraph } from '../models/graphs/index.js';
import { runIfMain } from './run-if-main.js';

/** inf/s of `n` inferences after a warm-up, in this thread. */
async function inferRate(n: number): Promise<number> {
  const { image } = resolveImage('kws', undefined, 0);
  const { chip } = await deploy('kws', image, { preset: 'paper', bits: 8, seed: 0, gdc: true });
  chip.drift(86_400);
  const { h, w, c } = getGraph('kws').input;
  const x = Float32Array.from({ length: h * w * c }, (_, i) => 50 * Math.sin(i));
  const out = new Float32Array(chip.outputLength);
  for (let i = 0; i < 300; i++) chip.inferInto(x, out);
  const t0 = performance.now();
  for (let i = 0; i < n; i++) chip.inferInto(x, out);
  return n / ((performance.now() - t0) / 1000);
}

function spawn(n: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const w = new Worker(new URL(import.meta.url), { workerData: n });
    w.once('message', (v: number) => resolve(v));
    w.once('error', reject);
  });
}

async function main(args: string[]): Promise<void> {
  const [n, rounds] = [Number(args[0] ?? 6000), Number(args[1] ?? 3)];
  if (!Number.isInteger(n) || n < 1 || !Number.isInteger(rounds) || rounds < 1) {
    throw new UserError('usage: worker-ceiling.js [inferences per worker ≥ 1] [rounds ≥ 1]');
  }
  for (let r = 0; r < rounds; r++) {
    const a = await spawn(n);
    const t0 = performance.now();
    const two = await Promise.all([spawn(n), spawn(n)]);
    const wall = (performance.now() - t0) / 1000;
    const b = await spawn(n);
    const one = (a + b) / 2;
    const ratio = (two[0]! + two[1]!) / (2 * one);
    console.log(`one thread ${one.toFixed(0)} inf/s; two at once ${two.map((v) => v.toFixed(0)).join(' + ')} inf/s: ratio ${ratio.toFixed(3)}, with start ${((2 * n) / wall / (2 * one)).toFixed(3)}`);
  }
}

if (!isMainThread) parentPort!.postMessage(await inferRate(workerData as number));
else await runIfMain(import.meta.url, 'worker-ceiling', main);
