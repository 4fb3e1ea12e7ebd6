// Which kernels the chip runs (chipSetKernels). Every choice gives the same bits; the first two exist to
// check that. ONE source for both sides: valid AssemblyScript (assembly/controller.ts) and valid
// TypeScript (tests and bench/mvm-kernels.ts). Plain number constants only (AssemblyScript infers i32).

/** IM2COL + the scalar golden MVM everywhere. */
export const KERNELS_GOLDEN = 0;
/** IM2COL + the SIMD MVM everywhere. */
export const KERNELS_SIMD = 1;
/** Per piece shape: implicit GEMM for 1×1 pieces (mvm-implicit.ts), else IM2COL + SIMD. */
export const KERNELS_SHAPED = 2;
/** KERNELS_SHAPED + a packing IM2COL for 3×3 kernels over 3 channels, unsigned or signed codes (im2col-rgb.ts). */
export const KERNELS_RGB = 3;
/** KERNELS_RGB + Winograd's F(2,3) for 3×3 stride-1 pieces (winograd.ts). */
export const KERNELS_WINOGRAD = 4;
/** KERNELS_WINOGRAD with lanes = columns (mvm-lanes.ts) for the 1×1, F(2,3) and RGB-stem pieces. */
export const KERNELS_LANES = 5;
/**
 * KERNELS_LANES with F(2,3) on 3×3 stride-1 pieces of any row count (M1 and M2 in parts of ≤ 168
 * transformed rows: KWS's conv3–conv5), along kernel columns where that makes fewer pairs.
 */
export const KERNELS_PARTS = 6;
/** KERNELS_PARTS with F(2,2) on the outer taps of 3×3 stride-2 pieces (winograd-s2.ts: KWS's conv2). */
export const KERNELS_S2 = 7;
/** KERNELS_S2 with IM2COL from a zero-bordered copy for kernel rows of 4 codes (im2col.ts im2colQuad: KWS's conv1); the default. */
export const KERNELS_QUAD = 8;
/** The kernels the chip runs unless told otherwise. */
export const KERNELS_DEFAULT = KERNELS_QUAD;
