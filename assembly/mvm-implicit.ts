// Implicit-GEMM MVM for 1×1 convs (issue 14 §1; VWW's project layers): when a piece holds all input
// channels and the conv is 1×1, stride 1, unpadded, position p's row vector is pixel p's channels,
// already contiguous in SRAM — the kernel reads the codes there (u8 or int16) instead of an IM2COL copy.
//
// Same accumulators as im2colConv + mvmSimd, bit for bit: the 8-code loads of a pixel's last chunk run
// past its `rows` channels into the next pixel (and the odd last position's partner past the tensor),
// but those lanes meet rows ≥ rows of the packed weights, which packPiece zero-fills: each such product
// is exactly 0 (|code| ≤ 32767 against 0 cannot overflow), and the real products are mvmSimd's, summed
// in the same order. Measured against the general implicit kernel (kh segments per position, edge
// segments materialised): that one lost to IM2COL + mvmSimd on VWW's 3×3 layers (0.90–0.97×, stem
// 0.95×), so only the 1×1 case is kept.

import { hsum4 } from './mvm';

/** True when a conv piece can be computed straight from SRAM (see the file comment). */
export function implicitEligible(
  kh: i32, kw: i32, stride: i32, padTop: i32, padLeft: i32, inH: i32, inW: i32, inC: i32, gridH: i32, gridW: i32, rowStart: i32, rows: i32,
): bool {
  return kh == 1 && kw == 1 && stride == 1 && padTop == 0 && padLeft == 0 && gridH == inH && gridW == inW && rowStart == 0 && rows == inC;
}

@inline function loadCodes(p: usize, signed: bool): v128 {
  return signed ? v128.load(p) : v128.load8x8_u(p);
}

/**
 * acc[p][c] = Σ_k code[p][k]·w[k][c], code[p][k] at src + (p·rows + k)·bytes, for positions (even, as
 * mvmSimd's) × colsPad; w packed as mvm.ts packs it. 2 positions × 4 columns per register block.
 */
export function mvmImplicit(src: usize, signed: bool, rows: i32, w: usize, acc: usize, positions: i32, rowsPad: i32, colsPad: i32): void {
  mvmImplicitFrom(src, signed, rows, w, acc, positions, rowsPad, colsPad, 0);
}

/** mvmImplicit on columns [c0, colsPad) only (c0 a multiple of 4): the rest of a piece mvm-lanes.ts computes. */
export function mvmImplicitFrom(src: usize, signed: bool, rows: i32, w: usize, acc: usize, positions: i32, rowsPad: i32, colsPad: i32, c0: i32): void {
  const chunk: usize = signed ? 16 : 8;
  const stride = <usize>rows * (signed ? 2 : 1);
  const xBytes = (<usize>rowsPad >> 3) * chunk;
  const blockBytes = <usize>rowsPad << 3;
  const accRowBytes = <usize>colsPad << 2;
  for (let c = c0; c < colsPad; c += 4) {
    const wBlock = w + (<usize>(c >> 2)) * blockBytes;
    let out = acc + (<usize>c << 2);
    let x0 = src;
    for (let p = 0; p < positions; p += 2) {
      let a00 = i32x4.splat(0), a01 = i32x4.splat(0), a02 = i32x4.splat(0), a03 = i32x4.splat(0);
      let a10 = i32x4.splat(0), a11 = i32x4.splat(0), a12 = i32x4.splat(0), a13 = i32x4.splat(0);
      let xp = x0;
      const xEnd = x0 + xBytes;
      let wp = wBlock;
      for (; xp < xEnd; xp += chunk, wp += 64) {
        const v0 = loadCodes(xp, signed);
        const v1 = loadCodes(xp + stride, signed);
        const g0 = v128.load(wp, 0);
        const g1 = v128.load(wp, 16);
        const g2 = v128.load(wp, 32);
        const g3 = v128.load(wp, 48);
        a00 = i32x4.add(a00, i32x4.dot_i16x8_s(v0, g0));
        a01 = i32x4.add(a01, i32x4.dot_i16x8_s(v0, g1));
        a02 = i32x4.add(a02, i32x4.dot_i16x8_s(v0, g2));
        a03 = i32x4.add(a03, i32x4.dot_i16x8_s(v0, g3));
        a10 = i32x4.add(a10, i32x4.dot_i16x8_s(v1, g0));
        a11 = i32x4.add(a11, i32x4.dot_i16x8_s(v1, g1));
        a12 = i32x4.add(a12, i32x4.dot_i16x8_s(v1, g2));
        a13 = i32x4.add(a13, i32x4.dot_i16x8_s(v1, g3));
      }
      v128.store(out, hsum4(a00, a01, a02, a03));
      v128.store(out + accRowBytes, hsum4(a10, a11, a12, a13));
      out += accRowBytes << 1;
      x0 += stride << 1;
    }
  }
}

/** Σ|code| over n contiguous codes: the PWM pulses IM2COL counts for the same row vectors. */
export function codeAbsSum(src: usize, signed: bool, n: i32): i64 {
  let lanes = i32x4.splat(0); // per lane ≤ 4 · 32767 per chunk of 8 or 16 codes: < 2^31 for any SRAM tensor
  let i = 0;
  let tail: i64 = 0;
  if (signed) {
    for (; i + 8 <= n; i += 8) lanes = i32x4.add(lanes, i32x4.extadd_pairwise_i16x8_s(i16x8.abs(v128.load(src + (<usize>i << 1)))));
    for (; i < n; i++) tail += abs<i32>(<i32>load<i16>(src + (<usize>i << 1)));
  } else {
    for (; i + 16 <= n; i += 16) lanes = i32x4.add(lanes, i32x4.extadd_pairwise_i16x8_u(i16x8.extadd_pairwise_i8x16_u(v128.load(src + <usize>i))));
    for (; i < n; i++) tail += <i64>load<u8>(src + <usize>i);
  }
  return tail + <i64>i32x4.extract_lane(lanes, 0) + <i64>i32x4.extract_lane(lanes, 1) + <i64>i32x4.extract_lane(lanes, 2) + <i64>i32x4.extract_lane(lanes, 3);
}
