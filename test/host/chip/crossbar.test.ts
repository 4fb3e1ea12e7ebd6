// The crossbar of the emulated chip (assembly/crossbar.ts): programming, drift and read snapshots,
// fixed point, persistence of G_P and ν, determinism, GDC sums, aihwkit's re-mapping.
import { describe, expect, test } from 'vitest';
import { instantiateChip, type ChipExports } from '../../../host/chip/wasm.js';
import { PRESET_CODE } from '../../../host/chip/preset-code.js';
import type { Preset } from '../../../host/chip/program.js';
import { qOf, readRoot } from './pcm-reference.js';
import { roundHalfEven } from './quantized-reference.js';

const HOUR = 3600;
const DAY = 86_400;
const YEAR = 365 * DAY;

interface Rect {
  tile: number;
  row: number;
  col: number;
  rows: number;
  cols: number;
}

async function chipWith(preset: Preset, rows = 256, cols = 128, tiles = 1): Promise<ChipExports> {
  const chip = await instantiateChip();
  chip.crossbarInit(tiles, rows, cols);
  chip.crossbarSetPreset(PRESET_CODE[preset]);
  return chip;
}

function program(chip: ChipExports, r: Rect, targets: Float32Array, seed: bigint): void {
  new Float32Array(chip.memory.buffer, chip.targetsBuffer(targets.length), targets.length).set(targets);
  chip.crossbarProgram(r.tile, r.row, r.col, r.rows, r.cols, seed);
}

/** Copies of a rectangle's int16 snapshot and float snapshot (row-major). */
function snapshot(chip: ChipExports, r: Rect, rows: number, cols: number): { q: Int16Array; f: Float32Array } {
  const all16 = new Int16Array(chip.memory.buffer, chip.conductancePtr(r.tile), rows * cols);
  const allF = new Float32Array(chip.memory.buffer, chip.conductanceFloatPtr(r.tile), rows * cols);
  const q = new Int16Array(r.rows * r.cols);
  const f = new Float32Array(r.rows * r.cols);
  for (let i = 0; i < r.rows; i++) {
    q.set(all16.subarray((r.row + i) * cols + r.col, (r.row + i) * cols + r.col + r.cols), i * r.cols);
    f.set(allF.subarray((r.row + i) * cols + r.col, (r.row + i) * cols + r.col + r.cols), i * r.cols);
  }
  return { q, f };
}


/** Deterministic pseudo-random targets in [−1, 1] (a plain LCG: test data, not model noise). */
function targetsOf(n: number, salt = 1): Float32Array {
  const out = new Float32Array(n);
  let x = salt >>> 0;
  for (let i = 0; i < n; i++) {
    x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
    out[i] = (x / 2 ** 32) * 2 - 1;
  }
  return out;
}

function correlation(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const n = a.length;
  let ma = 0;
  let mb = 0;
  for (let i = 0; i < n; i++) {
    ma += a[i]!;
    mb += b[i]!;
  }
  ma /= n;
  mb /= n;
  let sab = 0;
  let saa = 0;
  let sbb = 0;
  for (let i = 0; i < n; i++) {
    sab += (a[i]! - ma) * (b[i]! - mb);
    saa += (a[i]! - ma) ** 2;
    sbb += (b[i]! - mb) ** 2;
  }
  return sab / Math.sqrt(saa * sbb);
}

const FULL: Rect = { tile: 0, row: 0, col: 0, rows: 256, cols: 128 };

describe('ideal preset', () => {
  test('the snapshot is the targets exactly: float = w, int16 = roundHalfEven(w·4096), ties to even', async () => {
    const chip = await chipWith('ideal');
    const w = targetsOf(FULL.rows * FULL.cols, 7);
    // exact ties k + 0.5 in LSB, both parities, and the ends of the range
    const ties = [0.5, 1.5, 2.5, -0.5, -1.5, -2.5, 4095.5, -4095.5, 4096, -4096, 0];
    ties.forEach((v, i) => (w[i] = v / 4096));
    program(chip, FULL, w, 1n);
    for (const t of [null, 0, DAY, YEAR]) {
      if (t !== null) chip.crossbarRead(t, 5n);
      const s = snapshot(chip, FULL, 256, 128);
      expect(s.f).toEqual(w);
      for (let i = 0; i < w.length; i++) {
        if (s.q[i] !== roundHalfEven(w[i]! * 4096)) throw new Error(`cell ${i}: ${s.q[i]} ≠ round(${w[i]! * 4096})`);
      }
      expect([...s.q.subarray(0, ties.length)]).toEqual([0, 2, 2, 0, -2, -2, 4096, -4096, 4096, -4096, 0]);
    }
  });

  test('GDC sums are 25 µS · Σ|w|, before and after drift', async () => {
    const chip = await chipWith('ideal');
    const w = targetsOf(FULL.rows * FULL.cols, 3);
    program(chip, FULL, w, 1n);
    chip.crossbarRead(YEAR, 1n);
    const sub: Rect = { tile: 0, row: 10, col: 20, rows: 30, cols: 40 };
    let sum = 0;
    for (let r = 0; r < sub.rows; r++) for (let c = 0; c < sub.cols; c++) sum += Math.abs(w[(sub.row + r) * 128 + sub.col + c]!);
    expect(chip.rectAbsSumProgrammed(0, sub.row, sub.col, sub.rows, sub.cols)).toBe(sum * 25);
    expect(chip.rectAbsSumRead(0, sub.row, sub.col, sub.rows, sub.cols)).toBe(sum * 25);
  });

  test('the int16 snapshot clamps at ±2·g_max = ±8192', async () => {
    const chip = await chipWith('ideal', 1, 8);
    const w = new Float32Array([2.5, -3, 1.99, 2, -2, 100, -1, 1]);
    program(chip, { tile: 0, row: 0, col: 0, rows: 1, cols: 8 }, w, 0n);
    chip.crossbarRead(HOUR, 0n);
    const s = snapshot(chip, { tile: 0, row: 0, col: 0, rows: 1, cols: 8 }, 1, 8);
    expect([...s.q]).toEqual([8192, -8192, 8151, 8192, -8192, 8192, -4096, 4096]);
    // the full-precision GDC readout is not clamped
    expect(chip.rectAbsSumRead(0, 0, 0, 1, 2)).toBeCloseTo(25 * 5.5, 9);
  });
});

describe('persistence: a chip drifts, it is not re-drawn', () => {
  for (const preset of ['paper', 'aihwkit'] as Preset[]) {
    test(`${preset}: read at 1 h then 1 day = a fresh read at 1 day with the same seeds (bit-identical)`, async () => {
      const w = targetsOf(FULL.rows * FULL.cols, 11);
      const a = await chipWith(preset);
      program(a, FULL, w, 42n);
      const base = a.rectAbsSumProgrammed(0, 0, 0, 256, 128);
      a.crossbarRead(HOUR, 1n);
      a.crossbarRead(DAY, 2n);
      const sa = snapshot(a, FULL, 256, 128);
      expect(a.rectAbsSumProgrammed(0, 0, 0, 256, 128)).toBe(base);

      const b = await chipWith(preset);
      program(b, FULL, w, 42n);
      b.crossbarRead(DAY, 2n);
      const sb = snapshot(b, FULL, 256, 128);
      expect(Buffer.from(sa.q.buffer).equals(Buffer.from(sb.q.buffer))).toBe(true);
      expect(Buffer.from(sa.f.buffer).equals(Buffer.from(sb.f.buffer))).toBe(true);
    });
  }

  test('paper: reading again at t = 0 (no drift, ln(t_r/t_r) = 0) gives back exactly the programmed G_P', async () => {
    const chip = await chipWith('paper');
    program(chip, FULL, targetsOf(FULL.rows * FULL.cols, 2), 9n);
    const programmed = snapshot(chip, FULL, 256, 128);
    chip.crossbarRead(YEAR, 4n);
    expect(snapshot(chip, FULL, 256, 128).f).not.toEqual(programmed.f);
    chip.crossbarRead(0, 4n);
    expect(snapshot(chip, FULL, 256, 128).f).toEqual(programmed.f);
  });

  test('ν belongs to the device: drift deviations at 1 day and 1 year are correlated across cells (not when re-programmed)', async () => {
    // Cells at w = 1: log(G(t)/G_P) = −ν·ln(t/25) + read noise. With ν kept, the ν part (std 0.008·ln(t/25))
    // is shared between the two reads: expected correlation ≈ 0.75 (paper, 25 µS); a re-drawn ν gives 0.
    const n = FULL.rows * FULL.cols;
    const ones = new Float32Array(n).fill(1);
    const logRatio = (chip: ChipExports, t: number, seed: bigint, p: Float32Array) => {
      chip.crossbarRead(t, seed);
      const f = snapshot(chip, FULL, 256, 128).f;
      return Float64Array.from(f, (v, i) => Math.log(v / p[i]!));
    };
    const chip = await chipWith('paper');
    program(chip, FULL, ones, 5n);
    const p = snapshot(chip, FULL, 256, 128).f;
    const d1 = logRatio(chip, DAY, 100n, p);
    const d2 = logRatio(chip, YEAR, 200n, p);
    expect(correlation(d1, d2)).toBeGreaterThan(0.6);
    const other = await chipWith('paper');
    program(other, FULL, ones, 6n);
    const d3 = logRatio(other, YEAR, 200n, snapshot(other, FULL, 256, 128).f);
    expect(Math.abs(correlation(d1, d3))).toBeLessThan(5 / Math.sqrt(n));
  });
});

describe('seeds', () => {
  test('same seeds → bit-identical snapshots on two chips; another program or read seed → different', async () => {
    const w = targetsOf(FULL.rows * FULL.cols, 4);
    const run = async (ps: bigint, rs: bigint) => {
      const c = await chipWith('aihwkit');
      program(c, FULL, w, ps);
      c.crossbarRead(DAY, rs);
      return snapshot(c, FULL, 256, 128).f;
    };
    const a = await run(1n, 1n);
    expect(Buffer.from((await run(1n, 1n)).buffer).equals(Buffer.from(a.buffer))).toBe(true);
    expect(await run(2n, 1n)).not.toEqual(a);
    expect(await run(1n, 2n)).not.toEqual(a);
  });

  test('two rectangles programmed with the same seed get independent noise', async () => {
    const chip = await chipWith('paper');
    const half = FULL.rows / 2;
    const w = new Float32Array(half * FULL.cols).fill(0.5);
    const top: Rect = { tile: 0, row: 0, col: 0, rows: half, cols: FULL.cols };
    const bottom: Rect = { ...top, row: half };
    program(chip, top, w, 7n);
    program(chip, bottom, w, 7n);
    const a = snapshot(chip, top, 256, 128).f;
    const b = snapshot(chip, bottom, 256, 128).f;
    expect(Math.abs(correlation(a, b))).toBeLessThan(5 / Math.sqrt(a.length));
  });
});

describe('GDC sums and aihwkit re-mapping', () => {
  test('paper: baseline of w = 1 cells ≈ 25 − σ_P(0)/√(2π) per cell (G− programmed at 0 still gets noise)', async () => {
    const chip = await chipWith('paper');
    const n = FULL.rows * FULL.cols;
    program(chip, FULL, new Float32Array(n).fill(1), 3n);
    // G+ ~ N(25, 1.05538²), G− = max(N(0, 0.26348²), 0): E = 25 − 0.26348/√(2π) = 24.894889
    const perCell = chip.rectAbsSumProgrammed(0, 0, 0, 256, 128) / n;
    const sd = Math.sqrt(1.05538 ** 2 + 0.26348 ** 2 * (0.5 - 1 / (2 * Math.PI)));
    expect(Math.abs(perCell - 24.894889)).toBeLessThan((5 * sd) / Math.sqrt(n));
    // right after programming the snapshot is G_P: readout = baseline
    expect(chip.rectAbsSumRead(0, 0, 0, 256, 128)).toBeCloseTo(perCell * n, 1);
  });

  test('aihwkit: re-mapping is undone at the output — programmed snapshot and baseline equal paper\'s (same seed)', async () => {
    const w = targetsOf(FULL.rows * FULL.cols, 8);
    const p = await chipWith('paper');
    const a = await chipWith('aihwkit');
    program(p, FULL, w, 12n);
    program(a, FULL, w, 12n);
    const bp = p.rectAbsSumProgrammed(0, 0, 0, 256, 128);
    expect(Math.abs(a.rectAbsSumProgrammed(0, 0, 0, 256, 128) / bp - 1)).toBeLessThan(1e-6);
    const sp = snapshot(p, FULL, 256, 128).f;
    const sa = snapshot(a, FULL, 256, 128).f;
    for (let i = 0; i < sp.length; i++) expect(Math.abs(sa[i]! - sp[i]!)).toBeLessThan(1e-6);
  });

  test('aihwkit: net difference on one device — a read never flips the sign of W_P (paper\'s two devices do)', async () => {
    const n = FULL.rows * FULL.cols;
    const zeros = new Float32Array(n); // both devices at G_T = 0: W_P = G+_P − G−_P of either sign
    const flips = async (preset: Preset) => {
      const chip = await chipWith(preset);
      program(chip, FULL, zeros, 21n);
      const p = snapshot(chip, FULL, 256, 128).f;
      chip.crossbarRead(DAY, 22n);
      const r = snapshot(chip, FULL, 256, 128).f;
      let k = 0;
      for (let i = 0; i < n; i++) if (p[i]! * r[i]! < 0) k++;
      return k;
    };
    expect(await flips('aihwkit')).toBe(0);
    expect(await flips('paper')).toBeGreaterThan(n / 20);
  });

  test('aihwkit: 1/f amplitude Q comes from the re-mapped conductance (max|W_P| → g_max)', async () => {
    // All w = 0.5 (G_T = 12.5 µS). At t = 0 aihwkit has no drift (t_abs = t_0) but read noise with root
    // 4.184; G' = |W_P|·g_max/max|W_P|, so (G/W_P − 1)/(Q(G')·root) must be N(0,1). Q from G_T would
    // make its std ≈ 1.3, Q from G_P ≈ 1.3 as well.
    const chip = await chipWith('aihwkit');
    const n = FULL.rows * FULL.cols;
    program(chip, FULL, new Float32Array(n).fill(0.5), 31n);
    const wp = Float64Array.from(snapshot(chip, FULL, 256, 128).f, (v) => v * 25);
    const m = wp.reduce((a, v) => Math.max(a, Math.abs(v)), 0);
    chip.crossbarRead(0, 32n);
    const g = snapshot(chip, FULL, 256, 128).f;
    const root = readRoot('aihwkit', 0);
    let s = 0;
    let s2 = 0;
    for (let i = 0; i < n; i++) {
      const z = ((g[i]! * 25) / wp[i]! - 1) / (qOf((Math.abs(wp[i]!) * 25) / m) * root);
      s += z;
      s2 += z * z;
    }
    const mean = s / n;
    const std = Math.sqrt(s2 / n - mean * mean);
    expect(Math.abs(mean)).toBeLessThan(5 / Math.sqrt(n));
    expect(Math.abs(std - 1)).toBeLessThan(5 / Math.sqrt(2 * n));
  });

  test('aihwkit: GDC ratio readout/baseline of w = 1 cells after 1 day ≈ the drift table (0.665 at 25 µS)', async () => {
    const chip = await chipWith('aihwkit');
    const n = FULL.rows * FULL.cols;
    program(chip, FULL, new Float32Array(n).fill(1), 41n);
    const base = chip.rectAbsSumProgrammed(0, 0, 0, 256, 128);
    chip.crossbarRead(DAY, 42n);
    expect(Math.abs(chip.rectAbsSumRead(0, 0, 0, 256, 128) / base - 0.665)).toBeLessThan(0.005);
  });
});

describe('interface', () => {
  test('rectangles outside the array and unknown presets are rejected', async () => {
    const chip = await chipWith('paper', 16, 16);
    expect(() => chip.crossbarProgram(0, 8, 0, 9, 4, 0n)).toThrow(/outside the array/);
    expect(() => chip.crossbarProgram(1, 0, 0, 1, 1, 0n)).toThrow(/outside the array/);
    expect(() => chip.rectAbsSumRead(0, 0, 15, 1, 2)).toThrow(/outside the array/);
    expect(() => chip.targetsBuffer(16 * 16 + 1)).toThrow(/more targets/);
    expect(() => chip.crossbarSetPreset(4)).toThrow(/unknown device preset/); // 3 is the drift-only test model
  });

  test('tiles are separate arrays: programming tile 1 leaves tile 0 alone', async () => {
    const chip = await chipWith('ideal', 4, 4, 2);
    program(chip, { tile: 1, row: 0, col: 0, rows: 4, cols: 4 }, new Float32Array(16).fill(0.25), 0n);
    chip.crossbarRead(DAY, 0n);
    expect([...new Int16Array(chip.memory.buffer, chip.conductancePtr(0), 16)].every((v) => v === 0)).toBe(true);
    expect([...new Int16Array(chip.memory.buffer, chip.conductancePtr(1), 16)].every((v) => v === 1024)).toBe(true);
  });
});
