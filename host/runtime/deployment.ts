/**
 * Deploying a weight image that is already in memory: choose the converter bits, compile it for the
 * array, program a chip. No file system: host/runtime/deploy.ts (which resolves an image from a file,
 * the shipped default or a seed) and the web page both use it.
 */
import { getGraph } from '../../models/graphs/index.js';
import type { NetworkGraph, NetworkName } from '../../models/graphs/types.js';
import type { WeightImage } from '../../models/image/types.js';
import { Chip, type GdcSetting } from '../chip/chip.js';
import type { Bits, LayerProgram, Preset } from '../chip/program.js';
import { compileProgram } from '../compiler/compile.js';
import { PAPER_ARRAY, placeNetwork, type Placement } from '../compiler/tiler.js';
import type { Replication } from '../compiler/replicate.js';

/** The bits to run an image at: the flag, else the image's own, else 8 (warning when they differ for a `full` image). */
export function chooseBits(image: WeightImage, flag: Bits | undefined, note: (m: string) => void = () => {}): Bits {
  const trained = image.training.bits;
  const bits: Bits = flag ?? trained ?? 8;
  if (image.training.method === 'full' && trained !== null && bits !== trained) {
    note(`this image was trained for ${trained}-bit converters; running it at ${bits} bits`);
  }
  return bits;
}

/** The chip and model settings every inference subcommand takes (contracts.md §5). */
export interface InferenceSettings {
  /** Weight image file; undefined = the shipped image of the task. */
  model?: string;
  /** Converter bits; undefined = the image's. */
  bits?: Bits;
  /** Seconds since programming. */
  driftS: number;
  preset: Preset;
  seed: number;
  /** Global drift compensation: on (true or 'digital'), 'analog' (before the ADC), or off. */
  gdc: GdcSetting;
  /** One-line notes for the user (a random image stands in, mismatched bits). */
  onNote?: (message: string) => void;
  /** --replicate's (layer, K) pairs (host/compiler/replicate.ts resolves them on the graph); absent = none. */
  replicate?: ReadonlyArray<readonly [string, number]>;
}

export interface DeployOptions {
  preset: Preset;
  bits: Bits;
  seed: number;
  /** Run index: a fresh chip (new programming noise and ν) per run. */
  run?: number;
  gdc: GdcSetting;
  /** Array tile size; default the paper's 1024×512. */
  array?: { rows: number; cols: number };
  /** Row copies per layer (host/compiler/replicate.ts); default none. */
  replicate?: Replication;
}

export interface Deployment {
  graph: NetworkGraph;
  placement: Placement;
  program: LayerProgram;
  chip: Chip;
}

/** Compile and program a chip (snapshot at t = 0; call chip.drift(t) to read it later). */
export async function deploy(network: NetworkName, image: WeightImage, o: DeployOptions): Promise<Deployment> {
  const graph = getGraph(network);
  const tile = o.array ?? PAPER_ARRAY;
  const placement = placeNetwork(graph, tile, o.replicate);
  const program = compileProgram(graph, image, tile, o.replicate);
  return { graph, placement, program, chip: await programmedChip(program, o) };
}

/** A fresh chip with a compiled program loaded: deploy()'s last step, for sweeps that compile an image once for many chips. */
export async function programmedChip(program: LayerProgram, o: Pick<DeployOptions, 'preset' | 'bits' | 'seed' | 'run' | 'gdc'>): Promise<Chip> {
  const chip = await Chip.create({ preset: o.preset, bits: o.bits, seed: o.seed, run: o.run ?? 0, gdc: o.gdc, geometry: program.geometry });
  chip.load(program);
  return chip;
}
