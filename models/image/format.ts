/**
 * The weight-image format (docs/weight-image.md), version 1. One reader and one writer; both check an
 * image against its network's graph with the same rules, so a written image always reads back.
 *
 *   0   8  magic  41 4F 4E 57 0D 0A 1A 0A  ("AONW" + CR LF ^Z LF, catches text-mode damage)
 *   8   4  u32 format version (1)
 *  12   4  u32 total file length in bytes
 *  16   4  u32 H = length of the JSON header
 *  20   H  JSON header (UTF-8): network, S, training metadata, per layer name/shape/channels/wMax/rDac/rAdc
 *   …      zero padding to a multiple of 4
 *   …      per layer, in order: f32 weights[∏shape], f32 scale[channels], f32 offset[channels] (LE)
 * L−4  4  u32 CRC-32 of bytes [0, L−4)
 */
import { UserError } from '../../host/errors.js';
import { VWW_INPUT_CENTRE, VWW_INPUT_DIVISOR } from '../../host/vision/normalize.js';
import { getGraph, isNetworkName, NETWORK_NAMES } from '../graphs/index.js';
import { layerShapes } from '../graphs/shapes.js';
import type { NetworkName } from '../graphs/types.js';
import { crc32 } from './crc32.js';
import type { ImageLayer, TrainingMeta, WeightImage } from './types.js';

export const IMAGE_MAGIC = Uint8Array.of(0x41, 0x4f, 0x4e, 0x57, 0x0d, 0x0a, 0x1a, 0x0a);
export const IMAGE_VERSION = 1;
const FIXED_HEADER = 20;
const CRC_BYTES = 4;
/** |w| ≤ wMax is checked with one float32 rounding step of slack (weights are float32, wMax float64). */
const WMAX_SLACK = 1 + 2 ** -23;

interface HeaderLayer {
  name: string;
  shape: number[];
  channels: number;
  wMax: number;
  rDac: number;
  rAdc: number;
}

interface Header {
  network: NetworkName;
  S: number;
  training: TrainingMeta;
  layers: HeaderLayer[];
}

const fail = (msg: string): never => {
  throw new UserError(`weight image: ${msg}`);
};

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const finite = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

function checkPositive(what: string, v: unknown): number {
  if (!finite(v) || v <= 0) fail(`${what} must be a positive finite number (got ${v === null ? 'NaN/Inf' : String(v)})`);
  return v as number;
}

function checkTraining(t: unknown): TrainingMeta {
  if (!isObject(t)) return fail('training metadata missing or not an object');
  const methods = ['random', 'baseline', 'noise', 'full'];
  if (typeof t.method !== 'string' || !methods.includes(t.method)) fail(`training.method must be one of ${methods.join(', ')} (got ${JSON.stringify(t.method)})`);
  if (!finite(t.eta) || t.eta < 0) fail(`training.eta must be a finite number ≥ 0 (got ${JSON.stringify(t.eta)})`);
  if (!(t.bits === null || t.bits === 8 || t.bits === 6 || t.bits === 4)) fail(`training.bits must be 8, 6, 4 or null (got ${JSON.stringify(t.bits)})`);
  if (typeof t.data !== 'string') fail('training.data must be a string');
  if (!Number.isSafeInteger(t.seed)) fail(`training.seed must be an integer (got ${JSON.stringify(t.seed)})`);
  if (!Number.isSafeInteger(t.epochs) || (t.epochs as number) < 0) fail(`training.epochs must be an integer ≥ 0 (got ${JSON.stringify(t.epochs)})`);
  if (!(t.valAccuracy === null || finite(t.valAccuracy))) fail(`training.valAccuracy must be a number or null (got ${JSON.stringify(t.valAccuracy)})`);
  if (typeof t.createdAt !== 'string') fail('training.createdAt must be a string');
  if (!(t.targets === undefined || t.targets === 'mean-corrected')) fail(`training.targets must be "mean-corrected" or absent (got ${JSON.stringify(t.targets)})`);
  return {
    method: t.method as TrainingMeta['method'],
    eta: t.eta as number,
    bits: t.bits as TrainingMeta['bits'],
    data: t.data as string,
    seed: t.seed as number,
    epochs: t.epochs as number,
    valAccuracy: t.valAccuracy as number | null,
    createdAt: t.createdAt as string,
    ...(t.targets === 'mean-corrected' ? { targets: 'mean-corrected' as const } : {}),
    ...(t.input === 'centred' ? { input: 'centred' as const } : {}),
  };
}

/** How a reader treats what it checks. */
export interface ReadOptions {
  /**
   * Accept a trained VWW image without `training.input` (trained on x/255): only for the trainer's
   * `--init`, which continues such an image on the centred input (docs/training.md).
   */
  uncentredVww?: boolean;
}

/** The one rule of `training.input` (types.ts): a trained VWW image is marked 'centred'; nothing else is. */
export function expectsCentredInput(network: NetworkName, method: TrainingMeta['method']): boolean {
  return network === 'vww' && method !== 'random';
}

/** A trained VWW image must have been trained on the centred input the runtime feeds it (types.ts). */
function checkInputConvention(network: NetworkName, t: TrainingMeta, raw: unknown, opts: ReadOptions): void {
  if (!(raw === undefined || raw === 'centred')) fail(`training.input must be "centred" or absent (got ${JSON.stringify(raw)})`);
  if (expectsCentredInput(network, t.method) && !opts.uncentredVww && t.input !== 'centred') {
    fail(
      `this VWW image was trained on inputs x/${VWW_INPUT_DIVISOR} in [0, 1], before the centred input (x − ${VWW_INPUT_CENTRE})/${VWW_INPUT_DIVISOR} ` +
        'of host/vision/normalize.ts; retrain it from a current image (docs/training.md)',
    );
  }
  if (network !== 'vww' && t.input !== undefined) fail(`training.input "centred" is for VWW images only (this one is for ${network})`);
}

/** The graph's view of each layer: name, weight shape, output channels. */
function expectedLayers(network: NetworkName): Array<{ name: string; shape: number[]; channels: number }> {
  return layerShapes(getGraph(network)).layers.map((l) => ({ name: l.name, shape: l.weightShape, channels: l.cout }));
}

/** Checks the header against the graph of its network (and the expected network, if given). */
function checkHeader(raw: unknown, expectedNetwork: NetworkName | undefined, opts: ReadOptions = {}): Header {
  if (!isObject(raw)) return fail('header is not a JSON object');
  const network = raw.network;
  if (typeof network !== 'string' || !isNetworkName(network)) {
    return fail(`unknown network ${JSON.stringify(network)} (known: ${NETWORK_NAMES.join(', ')})`);
  }
  if (expectedNetwork !== undefined && network !== expectedNetwork) fail(`image is for network "${network}", expected "${expectedNetwork}"`);
  if (!finite(raw.S) || raw.S === 0) fail(`S (global ADC gain) must be a finite non-zero number (got ${JSON.stringify(raw.S)})`);
  const training = checkTraining(raw.training);
  checkInputConvention(network, training, (raw.training as Record<string, unknown>).input, opts);
  if (!Array.isArray(raw.layers)) return fail('header has no layer list');
  const want = expectedLayers(network);
  if (raw.layers.length !== want.length) fail(`${network} has ${want.length} layers, the image has ${raw.layers.length}`);
  const layers = raw.layers.map((l: unknown, i: number): HeaderLayer => {
    const w = want[i]!;
    if (!isObject(l)) return fail(`layer ${i} is not an object`);
    if (l.name !== w.name) fail(`layer ${i} is named ${JSON.stringify(l.name)}, ${network} expects "${w.name}"`);
    const shape = l.shape;
    if (!Array.isArray(shape) || shape.length !== w.shape.length || shape.some((d, k) => d !== w.shape[k])) {
      fail(`layer ${w.name} has weight shape ${JSON.stringify(shape)}, ${network} expects [${w.shape.join(',')}]`);
    }
    if (l.channels !== w.channels) fail(`layer ${w.name} has ${JSON.stringify(l.channels)} output channels, ${network} expects ${w.channels}`);
    return {
      name: w.name,
      shape: w.shape,
      channels: w.channels,
      wMax: checkPositive(`layer ${w.name}: wMax`, l.wMax),
      rDac: checkPositive(`layer ${w.name}: rDac`, l.rDac),
      rAdc: checkPositive(`layer ${w.name}: rAdc`, l.rAdc),
    };
  });
  return { network, S: raw.S as number, training, layers };
}

function checkValues(layer: ImageLayer): void {
  const { name, wMax } = layer;
  const limit = wMax * WMAX_SLACK;
  for (let i = 0; i < layer.weights.length; i++) {
    const w = layer.weights[i]!;
    if (!Number.isFinite(w)) fail(`layer ${name}: weight ${i} is ${w}`);
    if (Math.abs(w) > limit) fail(`layer ${name}: weight ${i} = ${w} exceeds the clip bound wMax = ${wMax}`);
  }
  for (const [what, arr] of [['scale', layer.scale], ['offset', layer.offset]] as const) {
    for (let i = 0; i < arr.length; i++) if (!Number.isFinite(arr[i]!)) fail(`layer ${name}: ${what}[${i}] is ${arr[i]}`);
  }
}

const product = (s: number[]) => s.reduce((a, b) => a * b, 1);

/** Parses and validates an image; every defect is a UserError with a specific message. */
export function readWeightImage(bytes: Uint8Array, expectedNetwork?: NetworkName, opts: ReadOptions = {}): WeightImage {
  const n = bytes.length;
  const magicBytes = Math.min(n, IMAGE_MAGIC.length);
  for (let i = 0; i < magicBytes; i++) if (bytes[i] !== IMAGE_MAGIC[i]) fail('not a weight image (bad magic number)');
  if (n < FIXED_HEADER + CRC_BYTES) fail(`truncated: ${n} bytes, shorter than the ${FIXED_HEADER + CRC_BYTES}-byte minimum`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, n);
  const version = view.getUint32(8, true);
  if (version !== IMAGE_VERSION) fail(`unsupported format version ${version} (this aon-cim reads version ${IMAGE_VERSION})`);
  const declared = view.getUint32(12, true);
  if (n < declared) fail(`truncated: file has ${n} bytes, its header declares ${declared}`);
  if (n > declared) fail(`${n - declared} unexpected bytes after the image's declared ${declared} bytes`);
  const stored = view.getUint32(n - CRC_BYTES, true);
  const computed = crc32(bytes.subarray(0, n - CRC_BYTES));
  if (stored !== computed) fail(`checksum mismatch (stored 0x${stored.toString(16)}, computed 0x${computed.toString(16)}): the file is corrupted`);
  const h = view.getUint32(16, true);
  if (FIXED_HEADER + h > n - CRC_BYTES) fail(`corrupt: JSON header length ${h} runs past the end of the file`);
  let raw: unknown;
  try {
    raw = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(FIXED_HEADER, FIXED_HEADER + h)));
  } catch (e) {
    return fail(`corrupt JSON header (${(e as Error).message})`);
  }
  const header = checkHeader(raw, expectedNetwork, opts);
  let pos = (FIXED_HEADER + h + 3) & ~3;
  const need = header.layers.reduce((a, l) => a + 4 * (product(l.shape) + 2 * l.channels), 0);
  const have = n - CRC_BYTES - pos;
  if (have !== need) fail(`corrupt: data section is ${have} bytes, the layers need ${need}`);
  const f32 = (count: number): Float32Array => {
    const out = new Float32Array(count);
    for (let i = 0; i < count; i++, pos += 4) out[i] = view.getFloat32(pos, true);
    return out;
  };
  const layers = header.layers.map((l): ImageLayer => {
    const layer = { name: l.name, wMax: l.wMax, rDac: l.rDac, rAdc: l.rAdc, weights: f32(product(l.shape)), scale: f32(l.channels), offset: f32(l.channels) };
    checkValues(layer);
    return layer;
  });
  return { network: header.network, S: header.S, training: header.training, layers };
}

/** Checks an in-memory image with the reader's rules (UserError on the first defect). */
export function validateWeightImage(image: WeightImage, expectedNetwork?: NetworkName): void {
  const want = isNetworkName(image.network) ? expectedLayers(image.network) : [];
  checkHeader(headerOf(image, want), expectedNetwork);
  image.layers.forEach((l, i) => {
    const w = want[i]!;
    if (l.weights.length !== product(w.shape)) fail(`layer ${l.name} has ${l.weights.length} weights, ${image.network} expects ${product(w.shape)}`);
    if (l.scale.length !== w.channels || l.offset.length !== w.channels) fail(`layer ${l.name} needs ${w.channels} scales and offsets`);
    checkValues(l);
  });
}

function headerOf(image: WeightImage, want: Array<{ shape: number[] }>): Record<string, unknown> {
  return {
    network: image.network,
    S: image.S,
    training: image.training,
    layers: image.layers.map((l, i) => ({
      name: l.name, shape: want[i]?.shape ?? [], channels: l.scale.length, wMax: l.wMax, rDac: l.rDac, rAdc: l.rAdc,
    })),
  };
}

/** Serializes a valid image (validated first: an image that would not read back is a UserError). */
export function writeWeightImage(image: WeightImage): Uint8Array {
  validateWeightImage(image);
  const json = new TextEncoder().encode(JSON.stringify(headerOf(image, expectedLayers(image.network))));
  const dataStart = (FIXED_HEADER + json.length + 3) & ~3;
  const floats = image.layers.reduce((a, l) => a + l.weights.length + l.scale.length + l.offset.length, 0);
  const total = dataStart + 4 * floats + CRC_BYTES;
  const bytes = new Uint8Array(total);
  const view = new DataView(bytes.buffer);
  bytes.set(IMAGE_MAGIC, 0);
  view.setUint32(8, IMAGE_VERSION, true);
  view.setUint32(12, total, true);
  view.setUint32(16, json.length, true);
  bytes.set(json, FIXED_HEADER);
  let pos = dataStart;
  for (const l of image.layers) {
    for (const arr of [l.weights, l.scale, l.offset]) for (let i = 0; i < arr.length; i++, pos += 4) view.setFloat32(pos, arr[i]!, true);
  }
  view.setUint32(total - CRC_BYTES, crc32(bytes.subarray(0, total - CRC_BYTES)), true);
  return bytes;
}
