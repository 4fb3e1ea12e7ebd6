/**
 * Row replication (an option, off by default): a layer's weight matrix is programmed onto K ∈ 1…8
 * stacked copies of its rows in one rectangle, each copy its own devices, all driven by the same DAC
 * codes; the bit line sums the K copies and the ADC takes the charge ÷ K (docs/chip.md). Programming
 * and read noise of the layer's effective weights fall by √K, at K× its rows.
 *
 * `--replicate LAYER=K[,LAYER=K…]` names layers of the graph; `input=K` means every layer that reads the
 * network's input. The tiler (tiler.ts) places K·rows × cols and refuses a layer that does not fit.
 */
import { UserError } from '../errors.js';
import type { NetworkGraph } from '../../models/graphs/types.js';
import { MAX_COPIES } from '../../assembly/program-layout.js';
import { PAPER_ARRAY, placeNetwork, type TileSpec } from './tiler.js';

/** Copies per layer name (absent layers: 1). Canonical: names sorted, K = 1 left out. */
export type Replication = Readonly<Record<string, number>>;

/** The shorthand for every layer that reads the network's input tensor. */
export const INPUT_LAYERS = 'input';

/**
 * The replication of `graph` that (name, K) pairs ask for: `input` expands to the layers reading the
 * network input, a later pair overrides an earlier one for the same layer, an unknown layer is a
 * UserError listing the names. Canonical result (sorted, K = 1 dropped); undefined when nothing is replicated.
 */
export function resolveReplication(graph: NetworkGraph, pairs: ReadonlyArray<readonly [string, number]> | undefined): Replication | undefined {
  if (!pairs || pairs.length === 0) return undefined;
  const names = graph.layers.map((l) => l.name);
  const k = new Map<string, number>();
  for (const [name, copies] of pairs) {
    if (!Number.isInteger(copies) || copies < 1 || copies > MAX_COPIES) throw new UserError(`--replicate ${name}=${copies}: K must be an integer 1–${MAX_COPIES}`);
    const layers = name === INPUT_LAYERS ? graph.layers.filter((l) => l.input === INPUT_LAYERS).map((l) => l.name) : [name];
    for (const l of layers) {
      if (!names.includes(l)) throw new UserError(`--replicate: ${graph.name} has no layer "${name}" (layers: ${names.join(', ')}; or input)`);
      k.set(l, copies);
    }
  }
  const out: Record<string, number> = {};
  for (const name of [...k.keys()].sort()) if (k.get(name)! > 1) out[name] = k.get(name)!;
  return Object.keys(out).length > 0 ? out : undefined;
}

/** "stem=4,b1_expand=2" (canonical order), or "" when nothing is replicated. */
export function replicationText(r: Replication | undefined): string {
  return r ? Object.entries(r).map(([n, k]) => `${n}=${k}`).join(',') : '';
}

/**
 * resolveReplication, then a trial placement on the paper's array so that a layer whose copies do not
 * fit one tile is a UserError now (before a sweep starts workers), not in a worker.
 */
export function checkedReplication(graph: NetworkGraph, pairs: ReadonlyArray<readonly [string, number]> | undefined, tile: TileSpec = PAPER_ARRAY): Replication | undefined {
  const r = resolveReplication(graph, pairs);
  if (r) placeNetwork(graph, tile, r);
  return r;
}
