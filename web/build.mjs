#!/usr/bin/env node
// Builds the page that `aon-cim serve` serves into dist/web/ (run by `npm run build`, so by `npm ci`):
// esbuild bundles web/main.ts, web/chip-worker.ts and web/capture-worklet.ts — which import the host
// modules themselves — for the browser; the chip's release.wasm, the shipped full-<bits> weight images,
// the demo frames and Figure 7's data are copied beside them. Nothing is fetched from elsewhere at run time.
import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const out = join(root, 'dist', 'web');
const at = (...p) => join(root, ...p);

/**
 * host/chip/chip.ts loads its WebAssembly through ./wasm.js, which reads build/release.wasm from disk;
 * in the page host/chip/wasm-fetch.ts (same exports, same generated bindings) fetches it instead.
 */
const chipWasmOverHttp = {
  name: 'chip-wasm-over-http',
  setup(b) {
    b.onResolve({ filter: /^\.\/wasm\.js$/ }, (args) => {
      if (dirname(args.importer) !== at('host', 'chip') || args.importer.endsWith('wasm-fetch.ts')) return undefined;
      return { path: at('host', 'chip', 'wasm-fetch.ts') };
    });
  },
};

/** Nothing of Node in the page: a host module that needs a builtin must be split (see docs/web.md). */
const builtins = new Set(builtinModules.flatMap((m) => [m, `node:${m}`]));
const noNodeBuiltins = {
  name: 'no-node-builtins',
  setup(b) {
    b.onResolve({ filter: /.*/ }, (args) => {
      if (!builtins.has(args.path) && !args.path.startsWith('node:')) return undefined;
      return { errors: [{ text: `"${args.path}" (a Node builtin) is imported by ${relative(root, args.importer)}: the browser bundle must not contain Node code; split the pure part of that module out` }] };
    });
  },
};

/** Figure 7 as the CLI printed it (docs/results/figure7-<task>.txt: the command, then `eval`'s table). */
function figure7(task) {
  const path = at('docs', 'results', `figure7-${task}.txt`);
  if (!existsSync(path)) return null;
  const lines = readFileSync(path, 'utf8').split('\n');
  const command = lines[0].replace(/^\$\s*/, '');
  const headIndex = lines.findIndex((l) => /^\s*bits\s/.test(l));
  if (headIndex < 0) throw new Error(`${path}: no "bits" header line`);
  const unit = { s: 1, min: 60, h: 3600, d: 86_400, mo: 30 * 86_400, y: 365 * 86_400 };
  const times = lines[headIndex]
    .trim()
    .split(/\s+/)
    .slice(1)
    .filter((c) => /^\d/.test(c))
    .map((c) => {
      const m = /^(\d+(?:\.\d+)?)(s|min|h|d|mo|y)$/.exec(c);
      if (!m) throw new Error(`${path}: cannot read the time "${c}"`);
      return Number(m[1]) * unit[m[2]];
    });
  const points = [];
  for (const line of lines.slice(headIndex + 1)) {
    const m = /^\s*(\d+)\s+(.*)$/.exec(line);
    if (!m) continue;
    const cells = [...m[2].matchAll(/(\d+(?:\.\d+)?)\s*±\s*(\d+(?:\.\d+)?)/g)];
    if (cells.length !== times.length) throw new Error(`${path}: ${cells.length} cells for ${times.length} times in "${line}"`);
    const rest = m[2].replace(/(\d+(?:\.\d+)?)\s*±\s*(\d+(?:\.\d+)?)/g, '').trim().split(/\s+/);
    const baseline = rest[0] && /^\d/.test(rest[0]) ? Number(rest[0]) / 100 : undefined;
    cells.forEach((c, i) => points.push({ bits: Number(m[1]), timeS: times[i], mean: Number(c[1]) / 100, std: Number(c[2]) / 100, ...(baseline !== undefined ? { baseline } : {}) }));
  }
  if (points.length === 0) throw new Error(`${path}: no rows`);
  const title = `${task === 'kws' ? 'AnalogNet-KWS' : 'AnalogNet-VWW'} on the emulated chip (paper, GDC)`;
  return { title, command, points };
}

function copy(from, to) {
  mkdirSync(dirname(join(out, to)), { recursive: true });
  copyFileSync(at(from), join(out, to));
}

rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });
const result = await esbuild.build({
  entryPoints: { app: at('web', 'main.ts'), 'chip-worker': at('web', 'chip-worker.ts'), 'capture-worklet': at('web', 'capture-worklet.ts') },
  outdir: out,
  bundle: true,
  format: 'esm',
  platform: 'browser',
  target: ['es2022'],
  minify: true,
  sourcemap: 'linked',
  metafile: true,
  logLevel: 'warning',
  plugins: [noNodeBuiltins, chipWasmOverHttp],
});
copy('web/index.html', 'index.html');
copy('web/style.css', 'style.css');
copy('build/release.wasm', 'release.wasm');
for (const task of ['kws', 'vww']) for (const bits of [8, 6, 4]) copy(`models/${task}/full-${bits}.aonw`, `models/${task}/full-${bits}.aonw`);
copy('demo/person.png', 'demo/person.png');
copy('demo/no-person.png', 'demo/no-person.png');
writeFileSync(join(out, 'figure7.json'), JSON.stringify({ kws: figure7('kws'), vww: figure7('vww') }));

const kb = (f) => (statSync(join(out, f)).size / 1024).toFixed(0);
const js = Object.keys(result.metafile.outputs).filter((f) => f.endsWith('.js')).map((f) => relative(out, f).split(sep).join('/'));
console.log(`web page built in ${relative(process.cwd(), out) || '.'}: ${js.map((f) => `${f} ${kb(f)} KB`).join(', ')}, release.wasm ${kb('release.wasm')} KB`);
