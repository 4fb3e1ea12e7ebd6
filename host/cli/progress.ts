/** A progress bar on stderr, only when stderr is a terminal (machine output stays clean). */
import cliProgress from 'cli-progress';
import type { Io } from './io.js';

export interface Progress {
  update(done: number, total: number): void;
  stop(): void;
}

/** An Io's stderr as the terminal cli-progress draws on (tests record what a terminal would show). */
function terminalOf(io: Io): NodeJS.WritableStream {
  return { isTTY: true, columns: 100, write: (s: string) => (io.err(s), true) } as unknown as NodeJS.WritableStream;
}

export function progressBar(io: Io, label: string): Progress {
  if (!io.errIsTty) return { update: () => {}, stop: () => {} };
  const bar = new cliProgress.SingleBar(
    { format: `${label} [{bar}] {percentage}% | {value}/{total} | ETA {eta_formatted}`, stream: io.errStream ?? terminalOf(io), hideCursor: true },
    cliProgress.Presets.shades_classic,
  );
  let started = false;
  return {
    update(done, total) {
      if (!started) {
        bar.start(total, 0);
        started = true;
      }
      bar.setTotal(total);
      bar.update(done);
    },
    stop() {
      if (started) bar.stop();
    },
  };
}
