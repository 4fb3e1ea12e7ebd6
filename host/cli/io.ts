/** Where a subcommand writes. The process streams by default; tests pass a recorder. */
export interface Io {
  out(text: string): void;
  err(text: string): void;
  /** True when stderr is a terminal (progress bars only then). */
  readonly errIsTty: boolean;
  /** The stream behind err() when there is one (progress bars draw on it). */
  readonly errStream?: NodeJS.WritableStream;
}

/** Exit quietly once stdout's reader has gone (see endQuietlyOnClosedOutput). */
function exitIfStdoutClosed(): void {
  if ((process.stdout.errored as NodeJS.ErrnoException | null)?.code === 'EPIPE') process.exit(0);
}

export const processIo: Io = {
  out: (t) => {
    process.stdout.write(t);
    // A pipe write fails at once, but Node emits the 'error' only on a later turn of the event loop,
    // which a busy scoring loop (awaiting only promises) may never give it: look now.
    exitIfStdoutClosed();
  },
  err: (t) => void process.stderr.write(t),
  errIsTty: Boolean(process.stderr.isTTY),
  errStream: process.stderr,
};

/**
 * A reader that closes stdout early (`aon-cim vww DIR | head -2`) ends the command quietly with exit 0,
 * as SIGPIPE ends a Unix tool; a closed stderr only drops the notes. Without these listeners Node throws
 * an unhandled 'error' event (a stack trace, exit 1). Called once by bin/aon-cim.js.
 */
export function endQuietlyOnClosedOutput(): void {
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(0);
    process.stderr.write(`aon-cim: error: cannot write to stdout: ${e.message}\n`);
    process.exit(1);
  });
  process.stderr.on('error', () => {});
}

/** Ends a command with this exit code once it has said why (vww: some frames were skipped → 1). */
export class ExitStatus extends Error {
  constructor(readonly code: number) {
    super(`exit status ${code}`);
  }
}

/** An Io that records, for tests. */
export function recordingIo(): Io & { stdout: string; stderr: string } {
  const io = {
    stdout: '',
    stderr: '',
    errIsTty: false,
    out(t: string) {
      io.stdout += t;
    },
    err(t: string) {
      io.stderr += t;
    },
  };
  return io;
}

/** Writes one-line `aon-cim: note: …` messages to stderr (what a command tells the user without failing). */
export function noteWriter(io: Io): (message: string) => void {
  return (message) => io.err(`aon-cim: note: ${message}\n`);
}
