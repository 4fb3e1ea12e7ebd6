/**
 * The one check of a crossbar tile size, for every subcommand that takes `--array RxC` (map, energy):
 * what the emulated chip can run, with the reason for each limit in the message.
 */
import { InvalidArgumentError } from 'commander';

export interface ArrayTile {
  rows: number;
  cols: number;
}

/** The paper's chip: one 1024×512 array. */
export const PAPER_TILE: ArrayTile = { rows: 1024, cols: 512 };

/** Rows summed in one MVM: 1024 rows × 255 (8-bit DAC code) × 8192 (clamped conductance LSBs) < 2^31 (assembly/mvm.ts). */
export const MAX_ROWS = 1024;
/** Columns share ADCs four at a time (Mux4), so a tile has a multiple of 4. */
export const COLUMN_STEP = 4;
/** A sanity bound on one tile's width (8 × the paper's 512). */
export const MAX_COLS = 4096;

/** The reason `tile` cannot be emulated, or null when it can. */
export function arrayProblem({ rows, cols }: ArrayTile): string | null {
  const name = `${rows}x${cols}`;
  if (!Number.isInteger(rows) || !Number.isInteger(cols) || rows < 1 || cols < 1) return `array ${name}: rows and columns must be positive integers`;
  if (rows > MAX_ROWS) return `array ${name}: at most ${MAX_ROWS} rows (the chip sums up to ${MAX_ROWS} rows in a 32-bit accumulator)`;
  if (cols % COLUMN_STEP !== 0) return `array ${name}: columns must be a multiple of ${COLUMN_STEP} (four columns share one ADC through the Mux4)`;
  if (cols > MAX_COLS) return `array ${name}: at most ${MAX_COLS} columns`;
  return null;
}

/** "RxC", e.g. 1024x512 or 128×128, checked by arrayProblem. */
export function parseArray(v: string): ArrayTile {
  const m = /^(\d+)\s*[x×]\s*(\d+)$/i.exec(v.trim());
  if (!m) throw new InvalidArgumentError(`array must be ROWSxCOLS, e.g. 1024x512 (got "${v}")`);
  const tile = { rows: Number(m[1]), cols: Number(m[2]) };
  const problem = arrayProblem(tile);
  if (problem) throw new InvalidArgumentError(problem);
  return tile;
}
