/**
 * One measured inference for the energy report: weight image (a file, else the task's shipped image,
 * else the seeded random image) → compiler → chip → one inference on an input → the chip's counters.
 * The energy model then reads only those counters.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { extname } from 'node:path';
import { getGraph } from '../../models/graphs/index.js';
import type { NetworkGraph, NetworkName } from '../../models/graphs/types.js';
import type { WeightImage } from '../../models/image/types.js';
import { mfcc } from '../audio/mfcc.js';
import { loadWav16k } from '../audio/load-clip.js';
import type { InferenceCounters } from '../chip/counters.js';
import type { Bits, LayerProgram, Preset } from '../chip/program.js';
import type { Placement } from '../compiler/tiler.js';
import { UserError } from '../errors.js';
import { deploy, resolveImage } from '../runtime/deploy.js';
import { checkedReplication } from '../compiler/replicate.js';
import { repoPath } from '../paths.js';
import { decodeImageFile } from '../vision/decode.js';
import { preprocessVwwFrame } from '../vision/normalize.js';

export interface MeasureOptions {
  model: NetworkName;
  bits: Bits;
  /** Tile size; default 1024×512. Tiles as many as the model needs (contracts.md §7). */
  array?: { rows: number; cols: number };
  /** Input file: WAV (KWS), PNG/JPEG (VWW) or raw little-endian float32 of the network's input size. */
  input?: string;
  /** Weight image file; default the shipped image of the task, else the seeded random image. */
  image?: string;
  /** One-line notes for the user (e.g. a random image stands in). */
  onNote?: (message: string) => void;
  preset?: Preset;
  /** Seconds since programming; default 25 s. */
  driftS?: number;
  seed?: number;
  gdc?: boolean;
  /** --replicate's (layer, K) pairs (host/compiler/replicate.ts); absent = none. */
  replicate?: ReadonlyArray<readonly [string, number]>;
}

export interface Measurement {
  graph: NetworkGraph;
  image: WeightImage;
  imageSource: string;
  inputSource: string;
  placement: Placement;
  program: LayerProgram;
  counters: InferenceCounters;
  logits: Float32Array;
}

/** The shipped demo input of a task: demo/person.png (VWW), demo/yes.wav (KWS; else the first demo/*.wav). */
export function demoInputPath(graph: NetworkGraph): string {
  if (graph.task === 'vww') return repoPath('demo', 'person.png');
  const dir = repoPath('demo');
  const wavs = existsSync(dir) ? readdirSync(dir).filter((f) => f.toLowerCase().endsWith('.wav')).sort() : [];
  if (wavs.length === 0) throw new UserError('no KWS demo clip is shipped in demo/; pass --input FILE.wav');
  return repoPath('demo', wavs.includes('yes.wav') ? 'yes.wav' : wavs[0]!);
}

/** The network input from a file, preprocessed as the task's front end does. */
export function loadNetworkInput(graph: NetworkGraph, path: string): Float32Array {
  if (!existsSync(path)) throw new UserError(`input file not found: ${path}`);
  const { h, w, c } = graph.input;
  const n = h * w * c;
  const ext = extname(path).toLowerCase();
  if (ext === '.f32' || ext === '.raw') {
    const bytes = readFileSync(path);
    if (bytes.length !== 4 * n) throw new UserError(`${path}: ${bytes.length} bytes; a ${h}×${w}×${c} float32 input is ${4 * n} bytes`);
    const x = new Float32Array(n);
    const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    for (let i = 0; i < n; i++) x[i] = dv.getFloat32(4 * i, true);
    return x;
  }
  if (graph.task === 'kws') {
    if (ext !== '.wav') throw new UserError(`${path}: KWS input must be a .wav file (or raw .f32 MFCC, ${h}×${w})`);
    return mfcc(loadWav16k(path).samples);
  }
  return preprocessVwwFrame(decodeImageFile(path));
}

/** Load, compile, program, drift, infer once; return the counters of that inference. */
export async function measure(o: MeasureOptions): Promise<Measurement> {
  const graph = getGraph(o.model);
  const { image, source: imageSource } = resolveImage(o.model, o.image, o.seed ?? 0, o.onNote);
  const inputPath = o.input ?? demoInputPath(graph);
  const input = loadNetworkInput(graph, inputPath);
  const replicate = checkedReplication(graph, o.replicate, o.array);
  const { placement, program, chip } = await deploy(o.model, image, {
    preset: o.preset ?? 'paper',
    bits: o.bits,
    seed: o.seed ?? 0,
    gdc: o.gdc ?? true,
    ...(o.array ? { array: o.array } : {}),
    ...(replicate ? { replicate } : {}),
  });
  chip.drift(o.driftS ?? 25);
  const logits = chip.infer(input);
  return { graph, image, imageSource, inputSource: inputPath, placement, program, counters: chip.counters(), logits };
}
