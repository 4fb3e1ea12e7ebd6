/**
 * Loads the chip's WebAssembly. We use AssemblyScript's generated *raw* bindings (`--bindings raw`,
 * the current recommendation; @assemblyscript/loader is deprecated since 0.20): they export
 * `instantiate(module, imports)`, so the .wasm is compiled once per thread (each sweep worker compiles
 * its own) and each Chip gets its own instance (own memory) from that one compiled module.
 */
import { readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { packageRoot } from '../paths.js';
import { UserError } from '../errors.js';

/** The chip's exports, as the generated bindings type them. */
export type ChipExports = Awaited<ReturnType<typeof import('../../build/release.js').instantiate>>;

type Target = 'release' | 'debug';
const compiled = new Map<Target, Promise<{ module: WebAssembly.Module; instantiate: (m: WebAssembly.Module, i?: object) => Promise<ChipExports> }>>();

function target(): Target {
  return process.env['AONCIM_WASM'] === 'debug' ? 'debug' : 'release';
}

async function load(t: Target) {
  const wasmPath = join(packageRoot, 'build', `${t}.wasm`);
  const jsPath = join(packageRoot, 'build', `${t}.js`);
  if (!existsSync(wasmPath) || !existsSync(jsPath)) {
    throw new UserError(`the chip is not built (${wasmPath} missing): run "npm run build"`);
  }
  const module = await WebAssembly.compile(readFileSync(wasmPath));
  const bindings = (await import(pathToFileURL(jsPath).href)) as {
    instantiate: (m: WebAssembly.Module, i?: object) => Promise<ChipExports>;
  };
  return { module, instantiate: bindings.instantiate };
}

/** A fresh chip instance (its own linear memory). */
export async function instantiateChip(): Promise<ChipExports> {
  const t = target();
  let c = compiled.get(t);
  if (!c) {
    c = load(t);
    compiled.set(t, c);
  }
  const { module, instantiate } = await c;
  return instantiate(module, {});
}
