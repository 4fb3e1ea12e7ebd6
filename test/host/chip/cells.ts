/** Test helper: a rectangle's current int16 cells read straight from the chip's memory. */
import type { Chip } from '../../../host/chip/chip.js';
import type { ArrayRect } from '../../../host/chip/program.js';

/** The chip's current int16 cells of a rectangle, row-major. */
export function cellsOf(chip: Chip, rect: ArrayRect): Int16Array {
  const w = chip.exports;
  const cols = chip.geometry.cols;
  const tile = new Int16Array(w.memory.buffer, w.conductancePtr(rect.tile), chip.geometry.rows * cols);
  const out = new Int16Array(rect.rows * rect.cols);
  for (let r = 0; r < rect.rows; r++) out.set(tile.subarray((rect.row + r) * cols + rect.col, (rect.row + r) * cols + rect.col + rect.cols), r * rect.cols);
  return out;
}
