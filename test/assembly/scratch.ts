// What the kernel tests share to lay data out in the chip's scratch memory: 16-byte alignment, mvm.ts's
// packed weight index, and consecutive aligned regions of the given byte sizes.
import type { ChipExports } from '../../host/chip/wasm.js';

export const align = (n: number): number => (n + 15) & ~15;

/** mvm.ts's packed weight index of (row k, column c) in a piece of rowsPad rows. */
export const wIndex = (k: number, c: number, rowsPad: number): number => (c >> 2) * rowsPad * 4 + (k >> 3) * 32 + (c & 3) * 8 + (k & 7);

/** Pointers to consecutive 16-byte-aligned regions of these sizes in the chip's scratch memory. */
export function scratchPointers(chip: ChipExports, sizes: readonly number[]): number[] {
  let at = chip.mvmScratch(sizes.reduce((s, n) => s + align(n), 0) + 64);
  return sizes.map((n) => {
    const p = at;
    at = align(at + n);
    return p;
  });
}
