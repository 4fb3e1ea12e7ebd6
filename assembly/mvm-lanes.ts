// The array's MVM with lanes = columns (issue 14, VWW's short rows): each row pair's two codes of a
// position are splatted (v128.load32_splat) and dotted with 4 columns × those 2 rows of weights, so a
// block's accumulators are its outputs — no horizontal sums per block, and rows pad to 2, not 8. Per row
// pair a block of 2 positions × 16 columns loads 2 + 4 vectors for 8 dot products, as mvmSimd does per
// 8 rows; without the 2 × 4-way horizontal sums it wins where rows are few (28 rows: ~1.3×; 88: ~1.1×;
// 256: even), so the controller uses it on pieces of ≤ 512 rows (u8 codes read from SRAM: ≤ 64 rows,
// their splats cost a widening each).
//
// Layout (per piece, packed by the controller after every snapshot): the first `cols` columns
// (lanesColumns) in groups of 4, groups in blocks of 4 (16 columns), the last block of 3 or 2 groups (12
// or 8 columns) if any; block b starting at group g0 holds, per row pair j, its nv groups' vectors
// [w(2j, c), w(2j+1, c)] for its 4 columns c: int16 index g0·rowPairs·8 + (j·nv + v)·8 + (c & 3)·2 +
// (k & 1), lanesIndex(). Rows ≥ the piece's are zero. A single last group of 4 columns would load 1
// weight vector per 2 splats: mvmSimdFrom / mvmImplicitFrom (2 × 4 blocks, horizontal sums) take it.
// Integer products and sums, so the accumulators are mvmGolden's (mvm.ts's argument: no overflow).

/** Columns of a piece (colsPad, a multiple of 4) mvmLanes takes: all but a last single group of 4. */
export function lanesColumns(colsPad: i32): i32 {
  return (colsPad & 15) == 4 ? colsPad - 4 : colsPad;
}

/** Int16 index of cell (row k, column c < cols) of the lanes part of a piece: cols (lanesColumns) columns, rowPairs row pairs. */
export function lanesIndex(k: i32, c: i32, rowPairs: i32, cols: i32): i32 {
  const groups = cols >> 2;
  const g = c >> 2;
  const full = groups & ~3;
  const g0 = g < full ? g & ~3 : full;
  const nv = g0 < full ? 4 : groups - full;
  return g0 * rowPairs * 8 + ((k >> 1) * nv + (g - g0)) * 8 + (c & 3) * 2 + (k & 1);
}

/** A position's row pair j as 8 int16 lanes [x(2j), x(2j+1)] × 4: int16 codes, or bytes widened. */
@inline function pairAt(p: usize, bytes: bool): v128 {
  return bytes ? i16x8.extend_low_i8x16_u(v128.load16_splat(p)) : v128.load32_splat(p);
}

/**
 * acc[p][c] = Σ_k x[p][k]·w[k][c] for positions (even) × the first `cols` columns (lanesColumns),
 * x[p] at x + p·xStride bytes (int16 codes, or u8 codes when `bytes`: the 1×1 path reading SRAM),
 * rowPairs pairs of rows, w in the lanes layout, acc rows accStride int32 apart. Reads of x past a
 * position's rows meet zero weights.
 */
export function mvmLanes(x: usize, xStride: i32, bytes: bool, w: usize, acc: usize, accStride: i32, positions: i32, rowPairs: i32, cols: i32): void {
  if (bytes) lanesLoop(x, <usize>xStride, true, w, acc, accStride, positions, rowPairs, cols);
  else lanesLoop(x, <usize>xStride, false, w, acc, accStride, positions, rowPairs, cols);
}

@inline function lanesLoop(x: usize, xStride: usize, bytes: bool, w: usize, acc: usize, accStride: i32, positions: i32, rowPairs: i32, cols: i32): void {
  const pairBytes: usize = bytes ? 2 : 4;
  const xEndOff = <usize>rowPairs * pairBytes;
  const accRow = <usize>accStride << 2;
  const groups = cols >> 2;
  const full = groups & ~3;
  for (let g0 = 0; g0 < full; g0 += 4) {
    const wBlock = w + (<usize>(g0 * rowPairs) << 4);
    let out = acc + (<usize>g0 << 4);
    let x0 = x;
    for (let p = 0; p < positions; p += 2) {
      let a00 = i32x4.splat(0), a01 = i32x4.splat(0), a02 = i32x4.splat(0), a03 = i32x4.splat(0);
      let a10 = i32x4.splat(0), a11 = i32x4.splat(0), a12 = i32x4.splat(0), a13 = i32x4.splat(0);
      let xp = x0;
      const xEnd = x0 + xEndOff;
      let wp = wBlock;
      for (; xp < xEnd; xp += pairBytes, wp += 64) {
        const s0 = pairAt(xp, bytes);
        const s1 = pairAt(xp + xStride, bytes);
        const g0v = v128.load(wp, 0);
        const g1v = v128.load(wp, 16);
        const g2v = v128.load(wp, 32);
        const g3v = v128.load(wp, 48);
        a00 = i32x4.add(a00, i32x4.dot_i16x8_s(s0, g0v));
        a01 = i32x4.add(a01, i32x4.dot_i16x8_s(s0, g1v));
        a02 = i32x4.add(a02, i32x4.dot_i16x8_s(s0, g2v));
        a03 = i32x4.add(a03, i32x4.dot_i16x8_s(s0, g3v));
        a10 = i32x4.add(a10, i32x4.dot_i16x8_s(s1, g0v));
        a11 = i32x4.add(a11, i32x4.dot_i16x8_s(s1, g1v));
        a12 = i32x4.add(a12, i32x4.dot_i16x8_s(s1, g2v));
        a13 = i32x4.add(a13, i32x4.dot_i16x8_s(s1, g3v));
      }
      v128.store(out, a00, 0);
      v128.store(out, a01, 16);
      v128.store(out, a02, 32);
      v128.store(out, a03, 48);
      v128.store(out + accRow, a10, 0);
      v128.store(out + accRow, a11, 16);
      v128.store(out + accRow, a12, 32);
      v128.store(out + accRow, a13, 48);
      out += accRow << 1;
      x0 += xStride << 1;
    }
  }
  const rest = groups - full;
  if (rest == 3) {
    // 12 columns: 3 vectors per row pair.
    const wBlock = w + (<usize>(full * rowPairs) << 4);
    let out = acc + (<usize>full << 4);
    let x0 = x;
    for (let p = 0; p < positions; p += 2) {
      let a00 = i32x4.splat(0), a01 = i32x4.splat(0), a02 = i32x4.splat(0);
      let a10 = i32x4.splat(0), a11 = i32x4.splat(0), a12 = i32x4.splat(0);
      let xp = x0;
      const xEnd = x0 + xEndOff;
      let wp = wBlock;
      for (; xp < xEnd; xp += pairBytes, wp += 48) {
        const s0 = pairAt(xp, bytes);
        const s1 = pairAt(xp + xStride, bytes);
        const g0v = v128.load(wp, 0);
        const g1v = v128.load(wp, 16);
        const g2v = v128.load(wp, 32);
        a00 = i32x4.add(a00, i32x4.dot_i16x8_s(s0, g0v));
        a01 = i32x4.add(a01, i32x4.dot_i16x8_s(s0, g1v));
        a02 = i32x4.add(a02, i32x4.dot_i16x8_s(s0, g2v));
        a10 = i32x4.add(a10, i32x4.dot_i16x8_s(s1, g0v));
        a11 = i32x4.add(a11, i32x4.dot_i16x8_s(s1, g1v));
        a12 = i32x4.add(a12, i32x4.dot_i16x8_s(s1, g2v));
      }
      v128.store(out, a00, 0);
      v128.store(out, a01, 16);
      v128.store(out, a02, 32);
      v128.store(out + accRow, a10, 0);
      v128.store(out + accRow, a11, 16);
      v128.store(out + accRow, a12, 32);
      out += accRow << 1;
      x0 += xStride << 1;
    }
  } else if (rest == 2) {
    // 8 columns: 2 vectors per row pair.
    const wBlock = w + (<usize>(full * rowPairs) << 4);
    let out = acc + (<usize>full << 4);
    let x0 = x;
    for (let p = 0; p < positions; p += 2) {
      let a00 = i32x4.splat(0), a01 = i32x4.splat(0), a10 = i32x4.splat(0), a11 = i32x4.splat(0);
      let xp = x0;
      const xEnd = x0 + xEndOff;
      let wp = wBlock;
      for (; xp < xEnd; xp += pairBytes, wp += 32) {
        const s0 = pairAt(xp, bytes);
        const s1 = pairAt(xp + xStride, bytes);
        const g0v = v128.load(wp, 0);
        const g1v = v128.load(wp, 16);
        a00 = i32x4.add(a00, i32x4.dot_i16x8_s(s0, g0v));
        a01 = i32x4.add(a01, i32x4.dot_i16x8_s(s0, g1v));
        a10 = i32x4.add(a10, i32x4.dot_i16x8_s(s1, g0v));
        a11 = i32x4.add(a11, i32x4.dot_i16x8_s(s1, g1v));
      }
      v128.store(out, a00, 0);
      v128.store(out, a01, 16);
      v128.store(out + accRow, a10, 0);
      v128.store(out + accRow, a11, 16);
      out += accRow << 1;
      x0 += xStride << 1;
    }
  }
}
