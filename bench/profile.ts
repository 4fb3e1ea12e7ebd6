/**
 * Where an emulated inference spends its time, by WASM function (profile, don't guess).
 *
 *   node --cpu-prof --cpu-prof-dir=build/prof dist/bench/profile.js vww 8   # 8 s of VWW inferences
 *   node dist/bench/profile.js --report build/prof/<file>.cpuprofile
 *   node --cpu-prof --cpu-prof-dir=build/prof dist/bench/profile.js vww 8 0:3  # layers 0–2 only (chipRunLayers)
 *
 * The first form deploys the network (shipped image, else the seeded random one; paper preset, 8 bit,
 * 1-day snapshot) and runs inferences for the given seconds. The second prints self time per function of
 * the inference loop only (samples under chipInfer's caller, inferInto), naming V8's
 * "wasm-function[i]" entries: it recompiles the release target with asc into a temporary directory with a
 * text file, checks the binary is identical to build/release.wasm (so the indices match) and reads the
 * function order from the text. Functions that asc inlined show up under their caller (runLayer holds
 * the ADC conversion, BN/ReLU, residual add and pooling passes).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UserError } from '../host/errors.js';
import { packageRoot } from '../host/paths.js';
import { deploy, resolveImage } from '../host/runtime/deploy.js';
import type { NetworkName } from '../models/graphs/types.js';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string };
  children?: number[];
}
interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** Names of the release module's functions by index (imports first), from a fresh identical build. */
function wasmFunctionNames(): string[] {
  const dir = mkdtempSync(join(tmpdir(), 'aoncim-prof-'));
  try {
    const asc = join(packageRoot, 'node_modules', 'assemblyscript', 'bin', 'asc.js');
    const wasm = join(dir, 'r.wasm');
    const wat = join(dir, 'r.wat');
    execFileSync(process.execPath, [asc, 'assembly/index.ts', '--target', 'release', '--outFile', wasm, '--textFile', wat], { cwd: packageRoot, stdio: 'inherit' });
    if (!readFileSync(wasm).equals(readFileSync(join(packageRoot, 'build', 'release.wasm')))) {
      throw new UserError('build/release.wasm differs from a fresh build of assembly/: run npm run asbuild first');
    }
    const names: string[] = [];
    for (const line of readFileSync(wat, 'utf8').split('\n')) {
      const imp = /^ \(import "[^"]*" "[^"]*" \(func (\$\S+)/.exec(line);
      const fn = /^ \(func (\$\S+)/.exec(line);
      if (imp) names.push(imp[1]!);
      else if (fn) names.push(fn[1]!);
    }
    return names;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function report(path: string): void {
  const p = JSON.parse(readFileSync(path, 'utf8')) as CpuProfile;
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  // Only samples inside inferInto (or runLayersLoop): the inference loop, not deploy/compile.
  const inInfer = (id: number): boolean => {
    for (let k: number | undefined = id; k !== undefined; k = parent.get(k)) {
      const f = byId.get(k)!.callFrame.functionName;
      if (f === 'inferInto' || f === 'runLayersLoop') return true;
    }
    return false;
  };
  const names = wasmFunctionNames();
  const self = new Map<string, number>();
  let total = 0;
  p.samples.forEach((id, i) => {
    if (!inInfer(id)) return;
    const dt = p.timeDeltas[i] ?? 0;
    const f = byId.get(id)!.callFrame;
    const m = /^wasm-function\[(\d+)\]$/.exec(f.functionName);
    const name = m ? (names[Number(m[1])] ?? f.functionName) : `${f.functionName || '(anonymous)'} (JS)`;
    self.set(name, (self.get(name) ?? 0) + dt);
    total += dt;
  });
  console.log(`self time inside inferInto: ${(total / 1000).toFixed(0)} ms sampled`);
  for (const [name, t] of [...self].sort((a, b) => b[1] - a[1]).slice(0, 12)) console.log(`  ${((100 * t) / total).toFixed(1).padStart(5)} %  ${name}`);
}

/** Layers [first, last) over and over on what one inference left in SRAM (a named frame for the report). */
function runLayersLoop(run: (first: number, last: number) => void, first: number, last: number, seconds: number): number {
  const t0 = performance.now();
  let n = 0;
  while (performance.now() - t0 < 1000 * seconds) {
    run(first, last);
    n++;
  }
  return n;
}

async function run(network: NetworkName, seconds: number, layers: [number, number] | null): Promise<void> {
  const { image, source } = resolveImage(network, undefined, 0);
  const { chip, graph } = await deploy(network, image, { preset: 'paper', bits: 8, seed: 0, gdc: true });
  chip.drift(86_400);
  const { h, w, c } = graph.input;
  const x = Float32Array.from({ length: h * w * c }, (_, i) => ((i * 7919) % 256) / 255);
  const out = new Float32Array(chip.outputLength);
  if (layers) {
    chip.inferInto(x, out);
    const w = chip.exports;
    const t1 = performance.now();
    const n = runLayersLoop((a, b) => w.chipRunLayers(a, b), layers[0], layers[1], seconds);
    console.log(`${network} (${source}): layers ${layers[0]}–${layers[1] - 1} ${n} times, ${((performance.now() - t1) / n).toFixed(3)} ms each (profiler on)`);
    return;
  }
  const t0 = performance.now();
  let n = 0;
  while (performance.now() - t0 < 1000 * seconds) {
    chip.inferInto(x, out);
    n++;
  }
  console.log(`${network} (${source}): ${n} inferences, ${((performance.now() - t0) / n).toFixed(3)} ms each (profiler on)`);
}

const args = process.argv.slice(2);
try {
  if (args[0] === '--report') {
    if (args[1] === undefined) throw new UserError('--report needs a .cpuprofile path');
    report(args[1]);
  } else {
    const network = args[0] ?? 'vww';
    if (network !== 'kws' && network !== 'vww') throw new UserError(`network must be kws or vww (got ${network})`);
    const seconds = Number(args[1] ?? 8);
    if (!(seconds > 0)) throw new UserError(`seconds must be > 0 (got ${args[1]})`);
    const range = args[2] ? args[2].split(':').map(Number) : null;
    if (range && !(range.length === 2 && range.every(Number.isInteger) && range[0]! < range[1]!)) throw new UserError(`layers must be first:last (got ${args[2]})`);
    await run(network, seconds, range ? [range[0]!, range[1]!] : null);
  }
} catch (e) {
  if (!(e instanceof UserError)) throw e;
  console.error(`error: ${e.message}`);
  process.exit(2);
}
