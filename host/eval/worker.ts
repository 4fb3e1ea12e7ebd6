/**
 * Worker thread of a drift sweep: receives the config and the shared input tensors once, then jobs
 * (a run, or a slice of the float baseline), and posts results and progress back.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { evaluateRun, floatCorrect, type RunCell, type SweepConfig } from './run.js';

export type WorkerJob = { kind: 'run'; run: number; cells?: RunCell[] } | { kind: 'float'; from: number; to: number };
export type WorkerMessage =
  | { kind: 'step' }
  | { kind: 'run'; run: number; correct: number[][] }
  | { kind: 'float'; correct: number; count: number }
  | { kind: 'error'; message: string; user: boolean };

export interface WorkerInit {
  cfg: SweepConfig;
  x: Float32Array;
  y: Int32Array;
}

if (parentPort) {
  const port = parentPort;
  const { cfg, x, y } = workerData as WorkerInit;
  port.on('message', (job: WorkerJob) => {
    void (async () => {
      try {
        if (job.kind === 'run') {
          const r = await evaluateRun(cfg, job.run, x, y, () => port.postMessage({ kind: 'step' } satisfies WorkerMessage), job.cells);
          port.postMessage({ kind: 'run', run: r.run, correct: r.correct } satisfies WorkerMessage);
        } else {
          port.postMessage({ kind: 'float', correct: floatCorrect(cfg, x, y, job.from, job.to), count: job.to - job.from } satisfies WorkerMessage);
        }
      } catch (e) {
        const err = e as Error;
        port.postMessage({ kind: 'error', message: err?.message ?? String(e), user: err?.name === 'UserError' } satisfies WorkerMessage);
      }
    })();
  });
}
