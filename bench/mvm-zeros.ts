/**
 * How many DAC codes are 0, per layer, on real inputs (issue 14 §2: a row driven with code 0 adds
 * nothing to the bit lines, so a kernel may skip it). For each layer, the share of zero codes in its
 * source tensor in SRAM (what the IM2COL unit fetches; 'same' padding adds more zeros on top), and the
 * share of aligned channel pairs and 8-channel groups that are all zero (what a kernel that skips row
 * pairs, or row blocks of 8, could skip).
 *
 *   node dist/bench/mvm-zeros.js [kws|vww] [inputs]     (default: both, 50 inputs each)
 *
 * Paper preset, 8 bit, 1-day snapshot, the shipped image. The network input is quantized here in JS the
 * way chipInfer does (nearest(x / Δ), clipped), then the layers run one at a time (chipRunLayers) and
 * each layer's source is read from SRAM just before it runs.
 */
import { pathToFileURL } from 'node:url';
import { join } from 'node:path';
import { loadDataset, type LabelledItem } from '../host/eval/dataset.js';
import { prepareInputs } from '../host/eval/inputs.js';
import { sharedDataDir } from '../host/paths.js';
import { deploy, resolveImage } from '../host/runtime/deploy.js';
import { getGraph } from '../models/graphs/index.js';
import type { NetworkName } from '../models/graphs/types.js';
import type { BufferRef } from '../host/chip/program.js';

export interface LayerZeros {
  name: string;
  kind: string;
  rows: number;
  cols: number;
  positions: number;
  /** Share of the source tensor's codes that are 0. */
  zeroCodes: number;
  /** Share of aligned channel pairs (2i, 2i+1) with both codes 0. */
  zeroPairs: number;
  /** Share of aligned 8-channel groups with all codes 0. */
  zeroOctets: number;
  /** Share of source pixels with at least 75 % / 90 % of their channels 0. */
  sparsePixels75: number;
  sparsePixels90: number;
}

function codesOf(mem: ArrayBuffer, bankPtr: number, b: BufferRef): Int32Array {
  const n = b.shape.h * b.shape.w * b.shape.c;
  const src = b.signed ? new Int16Array(mem, bankPtr + b.offset, n) : new Uint8Array(mem, bankPtr + b.offset, n);
  return Int32Array.from(src);
}

export async function measureZeros(network: NetworkName, count: number): Promise<LayerZeros[]> {
  const graph = getGraph(network);
  const { image } = resolveImage(network, undefined, 0);
  const { chip, program } = await deploy(network, image, { preset: 'paper', bits: 8, seed: 0, gdc: true });
  chip.drift(86_400);
  const dir = join(sharedDataDir(), network === 'kws' ? 'speech_commands' : 'vww');
  const items = loadDataset(dir).items;
  const n = Math.min(count, items.length);
  const picked: LabelledItem[] = Array.from({ length: n }, (_, i) => items[Math.floor((i * items.length) / n)]!);
  const set = prepareInputs(graph, picked);
  const w = chip.exports;
  const maxCode = 255; // 8 bit
  const sums = program.layers.map(() => ({ z: 0, n: 0, zp: 0, np: 0, z8: 0, n8: 0, px: 0, px75: 0, px90: 0 }));
  const logits = new Float32Array(chip.outputLength);
  for (let i = 0; i < set.count; i++) {
    const x = set.x.subarray(i * set.inputSize, (i + 1) * set.inputSize);
    chip.inferInto(x, logits); // views and checks; then redo the layers one at a time
    const inp = program.input;
    const step = Math.fround(inp.rDac / maxCode);
    const mem = () => w.memory.buffer;
    const base = (bank: number) => w.sramBankPtr(bank);
    const q = new Int32Array(x.length);
    for (let k = 0; k < x.length; k++) {
      const c = Math.round(Math.fround(x[k]! / step)); // ties differ from nearest() only on exact halves
      q[k] = Math.min(Math.max(c, inp.signed ? -maxCode : 0), maxCode);
    }
    const dst = inp.signed ? new Int16Array(mem(), base(inp.bank) + inp.offset, q.length) : new Uint8Array(mem(), base(inp.bank) + inp.offset, q.length);
    dst.set(q);
    program.layers.forEach((layer, l) => {
      const codes = codesOf(mem(), base(layer.src.bank), layer.src);
      const s = sums[l]!;
      const c = layer.src.shape.c;
      for (let p = 0; p < codes.length; p += c) {
        let zc = 0;
        for (let ch = 0; ch < c; ch++) if (codes[p + ch] === 0) zc++;
        s.z += zc;
        s.n += c;
        s.px++;
        if (zc >= 0.75 * c) s.px75++;
        if (zc >= 0.9 * c) s.px90++;
        for (let ch = 0; ch + 1 < c; ch += 2) {
          if (codes[p + ch] === 0 && codes[p + ch + 1] === 0) s.zp++;
          s.np++;
        }
        for (let ch = 0; ch + 8 <= c; ch += 8) {
          let all = true;
          for (let j = 0; j < 8; j++) if (codes[p + ch + j] !== 0) all = false;
          if (all) s.z8++;
          s.n8++;
        }
      }
      w.chipRunLayers(l, l + 1);
    });
  }
  return program.layers.map((layer, l) => {
    const s = sums[l]!;
    const rows = layer.kind === 'depthwise' ? layer.kh * layer.kw : layer.kh * layer.kw * layer.in.c;
    return {
      name: layer.name, kind: layer.kind, rows, cols: layer.out.c, positions: layer.out.h * layer.out.w,
      zeroCodes: s.z / s.n, zeroPairs: s.np ? s.zp / s.np : 0, zeroOctets: s.n8 ? s.z8 / s.n8 : 0,
      sparsePixels75: s.px75 / s.px, sparsePixels90: s.px90 / s.px,
    };
  });
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const nets: NetworkName[] = args[0] === 'kws' || args[0] === 'vww' ? [args[0]] : ['kws', 'vww'];
  const count = Number(args[1] ?? 50);
  for (const net of nets) {
    const rows = await measureZeros(net, count);
    console.log(`${net}: zero DAC codes per layer source, ${count} real inputs (paper, 8 bit, 1 day)`);
    for (const r of rows) {
      console.log(`  ${r.name.padEnd(14)} ${r.kind.padEnd(9)} ${String(r.positions).padStart(5)} pos × ${String(r.rows).padStart(4)} rows × ${String(r.cols).padStart(3)} cols: zero codes ${(100 * r.zeroCodes).toFixed(1).padStart(5)} %, zero pairs ${(100 * r.zeroPairs).toFixed(1).padStart(5)} %, zero octets ${(100 * r.zeroOctets).toFixed(1).padStart(5)} %; pixels ≥ 75 % / ≥ 90 % zero: ${(100 * r.sparsePixels75).toFixed(1)} / ${(100 * r.sparsePixels90).toFixed(1)} %`);
    }
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await main();
