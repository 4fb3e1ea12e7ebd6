// Experiment for bench/mvm-sparse.ts (not chip code): an MVM that skips zero DAC codes (issue 14 §2).
// A row driven with code 0 adds nothing to the bit lines, and after a ReLU 40–55 % of the codes are 0
// (bench/mvm-zeros.ts). For each position this kernel gathers the
// non-zero rows, pairs them up in row order, and for each pair (k1, k2) adds x[k1]·W[k1][c] +
// x[k2]·W[k2][c] to all columns c with one i32x4.dot_i16x8_s per 4 columns: the two weight rows are
// interleaved on the fly (i16x8 unpack) and dotted with the splatted code pair. An odd count pairs the
// last row with itself at code 0.
//
// Same contract as mvm.ts (x [positions][rowsPad] int16, acc [positions][colsPad] int32) but the
// weights are row-major: wr [rowsPad][colsPad] int16 (wrIndex). The result equals mvmGolden's exactly:
// every product and partial sum is an exact integer below 2^31 in magnitude (mvm.ts's overflow bound
// holds for any subset and order of the rows), so skipping zero products and reordering changes nothing.

/** Index (in int16) of cell (row k, column c) in the row-major layout. */
@inline export function wrIndex(k: i32, c: i32, colsPad: i32): i32 {
  return k * colsPad + c;
}

// Per pair, 3 × i32: byte offset of row k1 in wr, of row k2, and the codes (k1's low half, k2's high).
const PAIR_BYTES: usize = 12;
let pairBuf: usize = 0;
let pairCap: i32 = 0;

function reservePairs(n: i32): void {
  if (n > pairCap) {
    pairBuf = (heap.alloc(<usize>n * PAIR_BYTES + 16) + 15) & ~<usize>15;
    pairCap = n;
  }
}

/** Pairs of non-zero rows of one row vector into pairBuf; returns the end of the list. */
@inline function gatherPairs(xRow: usize, rowsPad: i32, wRowBytes: i32): usize {
  const zero = i16x8.splat(0);
  let out = pairBuf;
  let pending: i32 = -1;
  let pendingCode: i32 = 0;
  for (let k = 0; k < rowsPad; k += 8) {
    let m = i16x8.bitmask(i16x8.ne(v128.load(xRow + (<usize>k << 1)), zero));
    while (m != 0) {
      const kk = k + ctz<i32>(m);
      m &= m - 1;
      const code = <i32>load<i16>(xRow + (<usize>kk << 1));
      if (pending < 0) {
        pending = kk;
        pendingCode = code;
      } else {
        store<i32>(out, pending * wRowBytes);
        store<i32>(out, kk * wRowBytes, 4);
        store<i32>(out, (pendingCode & 0xffff) | (code << 16), 8);
        out += PAIR_BYTES;
        pending = -1;
      }
    }
  }
  if (pending >= 0) {
    store<i32>(out, pending * wRowBytes);
    store<i32>(out, pending * wRowBytes, 4);
    store<i32>(out, pendingCode & 0xffff, 8);
    out += PAIR_BYTES;
  }
  return out;
}

/** Lanes (u0, v0, u1, v1, u2, v2, u3, v3): columns 0–3 of two rows, ready for dot with (x1, x2) pairs. */
@inline function lo(u: v128, v: v128): v128 {
  return i16x8.shuffle(u, v, 0, 8, 1, 9, 2, 10, 3, 11);
}
@inline function hi(u: v128, v: v128): v128 {
  return i16x8.shuffle(u, v, 4, 12, 5, 13, 6, 14, 7, 15);
}

/**
 * acc[p][c] = Σ_k x[p][k]·wr[k][c] over the non-zero x[p][k] only. Columns in blocks of 16 (4; 8
 * accumulators would spill), then 8, then 4; each block walks the position's pair list.
 */
export function mvmSparse(x: usize, wr: usize, acc: usize, positions: i32, rowsPad: i32, colsPad: i32): void {
  reservePairs((rowsPad >> 1) + 1);
  const rowBytes = <usize>rowsPad << 1;
  const wRowBytes = colsPad << 1;
  for (let p = 0; p < positions; p++) {
    const end = gatherPairs(x + <usize>p * rowBytes, rowsPad, wRowBytes);
    const out = acc + ((<usize>p * colsPad) << 2);
    let c = 0;
    for (; c + 16 <= colsPad; c += 16) {
      // 16 columns, 4 accumulators: 8 (32 columns) spill registers in V8 and ran at half the rate.
      const wc = wr + (<usize>c << 1);
      let a0 = i32x4.splat(0), a1 = i32x4.splat(0), a2 = i32x4.splat(0), a3 = i32x4.splat(0);
      for (let q = pairBuf; q < end; q += PAIR_BYTES) {
        const r1 = wc + <usize>load<i32>(q);
        const r2 = wc + <usize>load<i32>(q, 4);
        const s = i32x4.splat(load<i32>(q, 8));
        let u = v128.load(r1), v = v128.load(r2);
        a0 = i32x4.add(a0, i32x4.dot_i16x8_s(lo(u, v), s));
        a1 = i32x4.add(a1, i32x4.dot_i16x8_s(hi(u, v), s));
        u = v128.load(r1, 16);
        v = v128.load(r2, 16);
        a2 = i32x4.add(a2, i32x4.dot_i16x8_s(lo(u, v), s));
        a3 = i32x4.add(a3, i32x4.dot_i16x8_s(hi(u, v), s));
      }
      const o = out + (<usize>c << 2);
      v128.store(o, a0);
      v128.store(o, a1, 16);
      v128.store(o, a2, 32);
      v128.store(o, a3, 48);
    }
    for (; c + 8 <= colsPad; c += 8) {
      const wc = wr + (<usize>c << 1);
      let a0 = i32x4.splat(0), a1 = i32x4.splat(0);
      for (let q = pairBuf; q < end; q += PAIR_BYTES) {
        const u = v128.load(wc + <usize>load<i32>(q));
        const v = v128.load(wc + <usize>load<i32>(q, 4));
        const s = i32x4.splat(load<i32>(q, 8));
        a0 = i32x4.add(a0, i32x4.dot_i16x8_s(lo(u, v), s));
        a1 = i32x4.add(a1, i32x4.dot_i16x8_s(hi(u, v), s));
      }
      const o = out + (<usize>c << 2);
      v128.store(o, a0);
      v128.store(o, a1, 16);
    }
    if (c < colsPad) {
      // colsPad is a multiple of 4: one block of 4 columns is left (8-byte loads stay inside the row).
      const wc = wr + (<usize>c << 1);
      let a0 = i32x4.splat(0);
      for (let q = pairBuf; q < end; q += PAIR_BYTES) {
        const u = v128.load64_zero(wc + <usize>load<i32>(q));
        const v = v128.load64_zero(wc + <usize>load<i32>(q, 4));
        a0 = i32x4.add(a0, i32x4.dot_i16x8_s(lo(u, v), i32x4.splat(load<i32>(q, 8))));
      }
      v128.store(out + (<usize>c << 2), a0);
    }
  }
}

export { mvmSimd, mvmGolden } from '../../assembly/mvm';

/** Operand space: x, both weight layouts and two accumulator arrays, 16-byte aligned. */
let base: usize = 0;
let baseBytes: i32 = 0;
export function scratch(bytes: i32): usize {
  if (bytes > baseBytes) {
    base = (heap.alloc(<usize>bytes + 16) + 15) & ~<usize>15;
    baseBytes = bytes;
  }
  return base;
}
