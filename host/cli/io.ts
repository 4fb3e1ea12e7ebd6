/** Where a subcommand writes. The process streams by default; tests pass a recorder. */
export interface Io {
  out(text: string): void;
  err(text: string): void;
  /** True when stderr is a terminal (progress bars only then). */
  readonly errIsTty: boolean;
}

export const processIo: Io = {
  out: (t) => void process.stdout.write(t),
  err: (t) => void process.stderr.write(t),
  errIsTty: Boolean(process.stderr.isTTY),
};

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

/** Writes one-line `note: …` messages to stderr (what a command tells the user without failing). */
export function noteWriter(io: Io): (message: string) => void {
  return (message) => io.err(`note: ${message}\n`);
}
