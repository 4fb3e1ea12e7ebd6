/**
 * Does skipping zero DAC codes pay (issue 14 §2)? The chip's dense MVM (assembly/mvm.ts mvmSimd) against
 * a zero-skipping MVM (bench/assembly/mvm-sparse.ts: per position, the non-zero rows gathered and paired,
 * row-major weights) on KWS and VWW layer shapes, at the zero share measured on real inputs
 * (bench/mvm-zeros.ts) and at 0, 75 and 90 %. Codes are independent (real activations show no clustering:
 * all-zero 8-channel groups are 0.4–1.9 %, mostly-zero pixels ≤ 3 %). Both results are checked against
 * mvmGolden; then both are timed in interleaved 3 ms slices, best of 100 (the sparse time includes its
 * gather).
 * Run: npx tsc -p tsconfig.json && node dist/bench/mvm-sparse.js
 * (builds build/bench-mvm-sparse.wasm with asc when missing or stale).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../host/paths.js';
import { interleaved } from './timing.js';

interface Sparse {
  memory: WebAssembly.Memory;
  scratch: (bytes: number) => number;
  mvmSimd: (x: number, w: number, acc: number, positions: number, rowsPad: number, colsPad: number) => void;
  mvmGolden: (x: number, w: number, acc: number, positions: number, rowsPad: number, colsPad: number) => void;
  mvmSparse: (x: number, wr: number, acc: number, positions: number, rowsPad: number, colsPad: number) => void;
}

async function load(): Promise<Sparse> {
  const src = join(packageRoot, 'bench', 'assembly', 'mvm-sparse.ts');
  const out = join(packageRoot, 'build', 'bench-mvm-sparse.wasm');
  const chipSrc = join(packageRoot, 'assembly', 'mvm.ts');
  if (!existsSync(out) || statSync(out).mtimeMs < Math.max(statSync(src).mtimeMs, statSync(chipSrc).mtimeMs)) {
    const asc = join(packageRoot, 'node_modules', 'assemblyscript', 'bin', 'asc.js');
    execFileSync(process.execPath, [asc, src, '--outFile', out, '-O3', '--enable', 'simd', '--runtime', 'stub'], { stdio: 'inherit' });
  }
  const { instance } = await WebAssembly.instantiate(readFileSync(out), { env: { abort: () => { throw new Error('mvm-sparse.wasm aborted'); } } });
  return instance.exports as unknown as Sparse;
}

// name, positions (even), rowsPad, colsPad, zero share measured on real inputs (bench/mvm-zeros.ts)
const SHAPES: Array<[string, number, number, number, number]> = [
  ['KWS conv2', 126, 760, 112, 0.455],
  ['KWS conv3', 126, 1008, 84, 0.407],
  ['KWS conv4', 126, 760, 84, 0.5],
  ['VWW b1_project', 626, 32, 24, 0.532],
  ['VWW b4_project', 170, 152, 28, 0.534],
];

const e = await load();
let seed = 1;
const rnd = (): number => (seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0) / 4294967296;
console.log(`Zero-skipping MVM vs the chip's dense MVM, one thread, Node ${process.version} (kernel only; best of 100 interleaved 3 ms slices)`);
for (const [name, P, R, C, measured] of SHAPES) {
  for (const zeros of [measured, 0, 0.75, 0.9]) {
    const xB = P * R * 2, wB = R * C * 2, aB = P * C * 4;
    const align = (n: number): number => (n + 15) & ~15;
    const base = e.scratch(align(xB) + 2 * align(wB) + 3 * align(aB) + 64);
    const xp = base, wp = align(xp + xB), wrp = align(wp + wB), a1 = align(wrp + wB), a2 = align(a1 + aB), a3 = align(a2 + aB);
    const mem = e.memory.buffer;
    const x = new Int16Array(mem, xp, P * R);
    for (let i = 0; i < x.length; i++) x[i] = rnd() < zeros ? 0 : 1 + Math.floor(rnd() * 255);
    const w = new Int16Array(mem, wp, R * C), wr = new Int16Array(mem, wrp, R * C);
    for (let k = 0; k < R; k++) {
      for (let c = 0; c < C; c++) {
        const g = Math.floor(rnd() * 16385) - 8192;
        w[(c >> 2) * R * 4 + (k >> 3) * 32 + (c & 3) * 8 + (k & 7)] = g; // assembly/mvm.ts wIndex
        wr[k * C + c] = g;
      }
    }
    e.mvmSimd(xp, wp, a1, P, R, C);
    e.mvmSparse(xp, wrp, a2, P, R, C);
    e.mvmGolden(xp, wp, a3, P, R, C);
    const d = new Int32Array(e.memory.buffer, a1, P * C), s = new Int32Array(e.memory.buffer, a2, P * C), g = new Int32Array(e.memory.buffer, a3, P * C);
    for (let i = 0; i < P * C; i++) if (d[i] !== g[i] || s[i] !== g[i]) throw new Error(`${name}: accumulator ${i} differs from golden`);
    const ms = interleaved({ dense: () => e.mvmSimd(xp, wp, a1, P, R, C), sparse: () => e.mvmSparse(xp, wrp, a2, P, R, C) }, 3, 100);
    const macs = P * R * C;
    const rate = (t: number): string => `${(t * 1000).toFixed(1).padStart(6)} µs ${(macs / (t * 1e6)).toFixed(1).padStart(5)} GMAC/s`;
    const tag = zeros === measured ? 'measured' : '';
    console.log(`  ${name.padEnd(15)} ${`${P}×${R}×${C}`.padEnd(13)} ${(100 * zeros).toFixed(1).padStart(5)} % zeros ${tag.padEnd(8)} dense ${rate(ms['dense']!)} | sparse ${rate(ms['sparse']!)} | ${(ms['dense']! / ms['sparse']!).toFixed(2)}×`);
  }
}
