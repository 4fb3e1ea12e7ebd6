/**
 * Test helper: an independent plain-JS interpreter of a LayerProgram, written from the formulas (eq. 4
 * DAC, pcm-model.md §8 ADC, models/graphs/types.ts post-op order) with float32 steps where the chip's FP
 * unit works in float32 (Math.fround after every operation). It shares no code with the WASM chip; tests
 * expect both to agree exactly. By default: ideal devices, GDC off (α = 1). Given the cells of a drifted
 * snapshot and per-layer α, it applies GDC as contracts.md §4 says: digital, a = clip(round(k·I)) and
 * y = a·(Δ_ADC·α); analog, a = clip(round((k·α)·I)) and y = a·Δ_ADC.
 */
import { CONDUCTANCE_LSB_PER_GMAX } from '../../../host/chip/fixed-point.js';
import type { ArrayRect, BufferRef, LayerProgram } from '../../../host/chip/program.js';

export interface ReferenceOptions {
  /** The int16 cell values (G+ − G− in g_max/4096) of a piece's rectangle, row-major; default round(4096·target). */
  cells?: (rect: ArrayRect) => ArrayLike<number>;
  /** Per layer GDC factor α (float32 values, as the chip holds them); default 1. */
  alpha?: readonly number[];
  /** Where α acts; default digital. */
  gdcMode?: 'digital' | 'analog';
  /** Receives each layer's ADC codes (summed over row pieces), [positions][matrix columns]. */
  onCodes?: (layer: number, codes: Float64Array) => void;
}

const f = Math.fround;

/** Round half to even (the chip's `nearest`). */
export function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 ? 2 * Math.round(x / 2) : r;
}

function dacCode(x: number, r: number, bits: number, signed: boolean): number {
  const m = 2 ** bits - 1;
  const rf = f(r);
  const step = f(rf / m);
  const q = roundHalfEven(f(Math.min(Math.max(f(x), -rf), rf) / step));
  return Math.min(Math.max(q, signed ? -m : 0), m);
}

function tensorKey(b: BufferRef): string {
  return `${b.bank}:${b.offset}`;
}

export function quantizedReference(program: LayerProgram, input: Float32Array, bits: number, opts: ReferenceOptions = {}): Float32Array {
  const sram = new Map<string, Int32Array>();
  const aMax = 2 ** (bits - 1) - 1;
  const dMax = 2 ** bits - 1;
  const k = (f(Math.abs(program.S)) * aMax) / (dMax * CONDUCTANCE_LSB_PER_GMAX);
  sram.set(tensorKey(program.input), Int32Array.from(input, (x) => dacCode(x, program.input.rDac, bits, program.input.signed)));
  let logits = new Float32Array(0);
  for (const [l, L] of program.layers.entries()) {
    const x = sram.get(tensorKey(L.src))!;
    const alpha = opts.alpha?.[l] ?? 1;
    const analog = opts.gdcMode === 'analog';
    const kL = analog ? k * alpha : k; // f64, as the chip's ADC gain
    const { h: H, w: W, c: C } = L.in;
    const dense = L.kind === 'dense';
    const kh = dense ? H : L.kh;
    const kw = dense ? W : L.kw;
    const stride = dense ? 1 : L.stride;
    const padTop = dense ? 0 : L.padTop;
    const padLeft = dense ? 0 : L.padLeft;
    const gh = dense ? 1 : Math.ceil(H / stride);
    const gw = dense ? 1 : Math.ceil(W / stride);
    const cMat = L.kind === 'depthwise' ? C : L.pieces.reduce((m, p) => Math.max(m, p.colStart + p.rect.cols), 0);
    const cOut = Math.max(cMat, L.residual ? L.residual.shape.c : 0);
    const positions = gh * gw;
    const adc = new Float64Array(positions * cMat);
    for (const p of L.pieces) {
      const G = opts.cells ? Int32Array.from(opts.cells(p.rect)) : Int32Array.from(p.targets, (t) => roundHalfEven(t * CONDUCTANCE_LSB_PER_GMAX));
      for (let q = 0; q < positions; q++) {
        const oy = Math.floor(q / gw), ox = q % gw;
        // The row vector of this piece at position q.
        const v = new Int32Array(p.rect.rows);
        for (let r = 0; r < p.rect.rows; r++) {
          let tap: number, ch: number;
          if (L.kind === 'depthwise') {
            tap = Math.floor(r / p.rect.cols);
            ch = p.colStart + (r % p.rect.cols);
          } else {
            tap = Math.floor((p.rowStart + r) / C);
            ch = (p.rowStart + r) % C;
          }
          const iy = oy * stride - padTop + Math.floor(tap / kw);
          const ix = ox * stride - padLeft + (tap % kw);
          v[r] = iy < 0 || iy >= H || ix < 0 || ix >= W ? 0 : x[(iy * W + ix) * C + ch]!;
        }
        for (let c = 0; c < p.rect.cols; c++) {
          let acc = 0;
          for (let r = 0; r < p.rect.rows; r++) acc += v[r]! * G[r * p.rect.cols + c]!;
          const a = Math.min(Math.max(roundHalfEven(acc * kL), -aMax), aMax);
          adc[q * cMat + p.colStart + c]! += a;
        }
      }
    }
    opts.onCodes?.(l, adc);
    const step = f(f(L.rAdc) / aMax);
    const gain = analog ? step : f(step * alpha);
    const res = L.residual ? sram.get(tensorKey(L.residual))! : null;
    const resStep = L.residual ? f(f(L.residual.rDac) / dMax) : 0;
    const out = new Float32Array(positions * cOut);
    for (let q = 0; q < positions; q++) {
      for (let c = 0; c < cOut; c++) {
        let y = 0;
        if (c < cMat) {
          y = f(f(f(adc[q * cMat + c]!) * gain) * f(L.scale[c]!));
          y = f(y + f(L.offset[c]!));
          if (L.relu) y = Math.max(y, 0);
        }
        if (res && c < L.residual!.shape.c) y = f(y + f(res[q * L.residual!.shape.c + c]! * resStep));
        out[q * cOut + c] = y;
      }
    }
    let result = out;
    if (L.pool) {
      const sums = new Float32Array(cOut);
      for (let q = 0; q < positions; q++) for (let c = 0; c < cOut; c++) sums[c] = f(sums[c]! + out[q * cOut + c]!);
      result = sums.map((s) => f(s / positions));
    }
    if (L.dst) sram.set(tensorKey(L.dst), Int32Array.from(result, (y) => dacCode(y, L.dst!.rDac, bits, L.dst!.signed)));
    else logits = result;
  }
  return logits;
}
