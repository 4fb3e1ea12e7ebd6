/**
 * The fixed point of the cells the chip's MVM reads (contracts.md §2): int16, G+ − G− in units of
 * g_max/4096. The WASM holds its own copy (assembly/crossbar.ts); test/host/chip/fixed-point.test.ts pins
 * the two equal.
 */
export const CONDUCTANCE_LSB_PER_GMAX = 4096;
