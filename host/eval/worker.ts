/**
 * Worker thread of drift sweeps: receives the configs (one per image) and the shared input tensors
 * once, then jobs (a run of one image, or a slice of an image's float baseline), and posts results and
 * progress back.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { getGraph } from '../../models/graphs/index.js';
import { FloatForwarder } from '../../models/image/float-forward-fast.js';
import { readWeightImage } from '../../models/image/format.js';
import type { LayerProgram } from '../chip/program.js';
import { evaluateRun, floatCorrectWith, type RunCell, type SweepConfig } from './run.js';

export type WorkerJob = { kind: 'run'; job: number; run: number; cells?: RunCell[] } | { kind: 'float'; job: number; from: number; to: number };
/** Sent before the first job: the chip program of each sweep that has runs (by sweep index), compiled once by the parent. */
export type WorkerPrograms = { kind: 'programs'; programs: Array<LayerProgram | undefined> };
export type WorkerMessage =
  | { kind: 'step' }
  | { kind: 'run'; job: number; run: number; correct: number[][] }
  | { kind: 'float'; job: number; correct: number; count: number }
  | { kind: 'error'; message: string; user: boolean };

export interface WorkerInit {
  /** The sweeps' configs; a job names one by index. */
  cfgs: SweepConfig[];
  x: Float32Array;
  y: Int32Array;
}

if (parentPort) {
  const port = parentPort;
  const { cfgs, x, y } = workerData as WorkerInit;
  // One float network per image, built on its first slice (weights laid out once per worker).
  const nets = new Map<number, FloatForwarder>();
  const netOf = (j: number): FloatForwarder => {
    let net = nets.get(j);
    if (!net) {
      const cfg = cfgs[j]!;
      net = new FloatForwarder(getGraph(cfg.network), readWeightImage(cfg.imageBytes, cfg.network));
      nets.set(j, net);
    }
    return net;
  };
  let programs: Array<LayerProgram | undefined> = [];
  port.on('message', (job: WorkerJob | WorkerPrograms) => {
    if (job.kind === 'programs') {
      programs = job.programs;
      return;
    }
    void (async () => {
      try {
        if (job.kind === 'run') {
          const step = () => port.postMessage({ kind: 'step' } satisfies WorkerMessage);
          const r = await evaluateRun(cfgs[job.job]!, job.run, x, y, step, job.cells, programs[job.job]);
          port.postMessage({ kind: 'run', job: job.job, run: r.run, correct: r.correct } satisfies WorkerMessage);
        } else {
          const correct = floatCorrectWith(netOf(job.job), x, y, job.from, job.to);
          port.postMessage({ kind: 'float', job: job.job, correct, count: job.to - job.from } satisfies WorkerMessage);
        }
      } catch (e) {
        const err = e as Error;
        port.postMessage({ kind: 'error', message: err?.message ?? String(e), user: err?.name === 'UserError' } satisfies WorkerMessage);
      }
    })();
  });
}
