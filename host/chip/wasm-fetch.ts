/**
 * The chip's WebAssembly in a web page or Web Worker: the same generated raw bindings (build/release.js)
 * and the same release.wasm that host/chip/wasm.ts reads from disk in Node, fetched over HTTP instead.
 * The page's bundle (web/build.mjs) puts this module in place of wasm.ts, so host/chip/chip.ts runs
 * unchanged; both export instantiateChip and the ChipExports type. The .wasm is
 * compiled once per worker; each Chip gets its own instance (own memory) from it.
 */
import { instantiate } from '../../build/release.js';
import { UserError } from '../errors.js';
import type { ChipExports } from './wasm.js';

export type { ChipExports } from './wasm.js';

/** Where release.wasm is fetched from: beside the bundle that contains this module. */
let wasmUrl: URL = new URL('release.wasm', import.meta.url);
let compiled: Promise<WebAssembly.Module> | null = null;

/** Fetch the chip from elsewhere (before the first chip is made). */
export function setChipWasmUrl(url: URL | string): void {
  wasmUrl = new URL(url, import.meta.url);
  compiled = null;
}

async function compile(): Promise<WebAssembly.Module> {
  let response: Response;
  try {
    response = await fetch(wasmUrl);
  } catch (e) {
    throw new UserError(`cannot fetch the chip (${wasmUrl.href}): ${(e as Error).message}`);
  }
  if (!response.ok) throw new UserError(`cannot fetch the chip (${wasmUrl.href}): HTTP ${response.status}`);
  return WebAssembly.compile(await response.arrayBuffer());
}

/** The compiled module (fetched and compiled on first use). */
function compiledChipModule(): Promise<WebAssembly.Module> {
  compiled ??= compile();
  return compiled;
}

/** A fresh chip instance (its own linear memory). */
export async function instantiateChip(): Promise<ChipExports> {
  return (await instantiate(await compiledChipModule(), { env: {} })) as ChipExports;
}
