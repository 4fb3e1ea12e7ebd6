import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as zlib from 'node:zlib';
import { describe, expect, test } from 'vitest';
import { isUserError } from '../../../host/errors.js';
import { layerShapes } from '../../../models/graphs/shapes.js';
import { getGraph } from '../../../models/graphs/index.js';
import { crc32 } from '../../../models/image/crc32.js';
import { IMAGE_MAGIC, readWeightImage, validateWeightImage, writeWeightImage } from '../../../models/image/format.js';
import { loadWeightImage } from '../../../models/image/load.js';
import { randomImage } from '../../../models/image/random.js';
import type { WeightImage } from '../../../models/image/types.js';

const image = randomImage('micronet-kws-s', 7);
const bytes = writeWeightImage(image);
const defaultBytes = bytes;

function errorOf(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    expect(isUserError(e), `not a UserError: ${String(e)}`).toBe(true);
    return (e as Error).message;
  }
  throw new Error('expected a UserError');
}

/** Recomputes the trailing CRC so a mutation reaches the checks behind the checksum. */
function withCrc(b: Uint8Array): Uint8Array {
  const v = new DataView(b.buffer, b.byteOffset, b.length);
  v.setUint32(b.length - 4, crc32(b.subarray(0, b.length - 4)), true);
  return b;
}

function mutateHeader(edit: (h: Record<string, any>) => void, bytes = defaultBytes): Uint8Array {
  const v = new DataView(bytes.buffer, bytes.byteOffset);
  const h = v.getUint32(16, true);
  const json = JSON.parse(new TextDecoder().decode(bytes.subarray(20, 20 + h)));
  edit(json);
  const enc = new TextEncoder().encode(JSON.stringify(json));
  const start = (20 + h + 3) & ~3;
  const data = bytes.subarray(start);
  const newStart = (20 + enc.length + 3) & ~3;
  const out = new Uint8Array(newStart + data.length);
  out.set(bytes.subarray(0, 20));
  out.set(enc, 20);
  out.set(data, newStart);
  const ov = new DataView(out.buffer);
  ov.setUint32(12, out.length, true);
  ov.setUint32(16, enc.length, true);
  return withCrc(out);
}

describe('crc32', () => {
  test('standard check value and agreement with zlib', () => {
    expect(crc32(new TextEncoder().encode('123456789'))).toBe(0xcbf43926);
    const z = (zlib as unknown as { crc32?: (b: Uint8Array) => number }).crc32;
    if (typeof z === 'function') expect(crc32(bytes)).toBe(z(bytes));
  });
});

describe('weight image round trip', () => {
  test('write → read gives back every field bit for bit', () => {
    const back = readWeightImage(bytes, 'micronet-kws-s');
    expect(back.network).toBe(image.network);
    expect(back.S).toBe(image.S);
    expect(back.training).toEqual(image.training);
    expect(back.layers.length).toBe(image.layers.length);
    back.layers.forEach((l, i) => {
      const o = image.layers[i]!;
      expect([l.name, l.wMax, l.rDac, l.rAdc]).toEqual([o.name, o.wMax, o.rDac, o.rAdc]);
      expect(l.weights).toEqual(o.weights);
      expect(l.scale).toEqual(o.scale);
      expect(l.offset).toEqual(o.offset);
    });
    expect(writeWeightImage(back)).toEqual(bytes);
    expect([...bytes.subarray(0, 8)]).toEqual([...IMAGE_MAGIC]);
  });
  test('size is the header plus 4 bytes per float', () => {
    const s = layerShapes(getGraph('micronet-kws-s'));
    const floats = s.totalWeights + 2 * s.layers.reduce((a, l) => a + l.cout, 0);
    const h = new DataView(bytes.buffer, bytes.byteOffset).getUint32(16, true);
    expect(bytes.length).toBe(((20 + h + 3) & ~3) + 4 * floats + 4);
  });
  test('loadWeightImage reads a file; file errors are UserErrors naming the path', () => {
    const dir = mkdtempSync(join(tmpdir(), 'aonw-'));
    const p = join(dir, 'm.aonw');
    writeFileSync(p, bytes);
    expect(loadWeightImage(p).network).toBe('micronet-kws-s');
    expect(errorOf(() => loadWeightImage(join(dir, 'missing.aonw')))).toMatch(/missing\.aonw: no such file/);
    expect(errorOf(() => loadWeightImage(dir))).toMatch(/is a directory/);
    expect(errorOf(() => loadWeightImage(p, 'kws'))).toMatch(/m\.aonw: .*for network "micronet-kws-s", expected "kws"/);
  });
});

describe('the reader rejects each defect with its own message', () => {
  test('wrong magic, unknown version, truncation, trailing bytes, checksum', () => {
    const b = bytes.slice();
    b[0] = 0x42;
    expect(errorOf(() => readWeightImage(b))).toMatch(/bad magic/);
    expect(errorOf(() => readWeightImage(new TextEncoder().encode('hello, world')))).toMatch(/bad magic/);
    const v2 = bytes.slice();
    new DataView(v2.buffer).setUint32(8, 2, true);
    expect(errorOf(() => readWeightImage(v2))).toMatch(/unsupported format version 2/);
    expect(errorOf(() => readWeightImage(bytes.subarray(0, 12)))).toMatch(/truncated: 12 bytes/);
    expect(errorOf(() => readWeightImage(bytes.subarray(0, 1000)))).toMatch(/truncated: file has 1000 bytes, its header declares/);
    const longer = new Uint8Array(bytes.length + 3);
    longer.set(bytes);
    expect(errorOf(() => readWeightImage(longer))).toMatch(/3 unexpected bytes after/);
    const flipped = bytes.slice();
    flipped[5000]! ^= 0x10;
    expect(errorOf(() => readWeightImage(flipped))).toMatch(/checksum mismatch/);
  });
  test('network, layer count, names and shapes are checked against the graph', () => {
    expect(errorOf(() => readWeightImage(bytes, 'vww'))).toMatch(/for network "micronet-kws-s", expected "vww"/);
    expect(errorOf(() => readWeightImage(mutateHeader((h) => (h.network = 'resnet'))))).toMatch(/unknown network "resnet"/);
    expect(errorOf(() => readWeightImage(mutateHeader((h) => h.layers.pop())))).toMatch(/micronet-kws-s has 12 layers, the image has 11/);
    expect(errorOf(() => readWeightImage(mutateHeader((h) => (h.layers[2].name = 'pwX'))))).toMatch(/layer 2 is named "pwX", micronet-kws-s expects "pw1"/);
    expect(errorOf(() => readWeightImage(mutateHeader((h) => (h.layers[0].shape = [10, 4, 1, 85]))))).toMatch(/layer conv1 has weight shape \[10,4,1,85\], micronet-kws-s expects \[10,4,1,84\]/);
    expect(errorOf(() => readWeightImage(mutateHeader((h) => (h.layers[3].channels = 3))))).toMatch(/layer dw2 has 3 output channels/);
  });
  test('non-finite and out-of-range values', () => {
    expect(errorOf(() => readWeightImage(mutateHeader((h) => (h.S = null))))).toMatch(/S \(global ADC gain\) must be a finite non-zero number/);
    expect(errorOf(() => readWeightImage(mutateHeader((h) => (h.layers[1].rDac = -1))))).toMatch(/layer dw1: rDac must be a positive finite number \(got -1\)/);
    expect(errorOf(() => readWeightImage(mutateHeader((h) => (h.layers[1].wMax = 0))))).toMatch(/layer dw1: wMax must be a positive/);
    expect(errorOf(() => readWeightImage(mutateHeader((h) => (h.training.bits = 7))))).toMatch(/training.bits must be 8, 6, 4 or null/);
    const bad = (edit: (img: WeightImage) => void) => {
      const img = readWeightImage(bytes);
      edit(img);
      return img;
    };
    expect(errorOf(() => writeWeightImage(bad((i) => (i.layers[0]!.weights[17] = NaN))))).toMatch(/layer conv1: weight 17 is NaN/);
    expect(errorOf(() => writeWeightImage(bad((i) => (i.layers[0]!.scale[2] = Infinity))))).toMatch(/layer conv1: scale\[2\] is Infinity/);
    expect(errorOf(() => writeWeightImage(bad((i) => (i.layers[4]!.weights[0] = 2 * i.layers[4]!.wMax))))).toMatch(/layer pw2: weight 0 = .* exceeds the clip bound/);
    // The same checks behind a valid checksum: a NaN written into the data section.
    const h = new DataView(bytes.buffer, bytes.byteOffset).getUint32(16, true);
    const nan = bytes.slice();
    new DataView(nan.buffer).setFloat32((20 + h + 3) & ~3, NaN, true);
    expect(errorOf(() => readWeightImage(withCrc(nan)))).toMatch(/layer conv1: weight 0 is NaN/);
  });
});

describe('the input convention of VWW images (training.input)', () => {
  const vww = randomImage('vww', 3);
  const trained = (input?: 'centred'): WeightImage => ({ ...vww, training: { ...vww.training, method: 'full', bits: 8, ...(input ? { input } : {}) } });
  test('a trained VWW image marked centred reads back with the mark; a random one needs none', () => {
    expect(readWeightImage(writeWeightImage(trained('centred')), 'vww').training.input).toBe('centred');
    expect(readWeightImage(writeWeightImage(vww), 'vww').training.input).toBeUndefined();
  });
  test('a trained VWW image without the mark (trained on x/255) is rejected, by the writer and the reader', () => {
    expect(errorOf(() => writeWeightImage(trained()))).toMatch(/VWW image was trained on inputs x\/255 in \[0, 1\], before the centred input/);
    const old = mutateHeader((h) => delete h.training.input, writeWeightImage(trained('centred')));
    expect(errorOf(() => readWeightImage(old, 'vww'))).toMatch(/VWW image was trained on inputs x\/255/);
    // The trainer's --init reads it (and continues it on the centred input); the weights are the image's.
    const read = readWeightImage(old, 'vww', { uncentredVww: true });
    expect(read.training.input).toBeUndefined();
    expect(read.layers[5]!.weights).toEqual(vww.layers[5]!.weights);
    const unmarked = writeWeightImage(trained('centred'));
    const h = new DataView(unmarked.buffer, unmarked.byteOffset).getUint32(16, true);
    const text = new TextDecoder().decode(unmarked.subarray(20, 20 + h)).replace('"input":"centred"', '"input":"xxxxxxx"');
    const bad = unmarked.slice();
    bad.set(new TextEncoder().encode(text), 20);
    expect(errorOf(() => readWeightImage(withCrc(bad)))).toMatch(/training.input must be "centred" or absent \(got "xxxxxxx"\)/);
  });
  test('KWS images carry no mark', () => {
    const kws = randomImage('kws', 3);
    expect(errorOf(() => writeWeightImage({ ...kws, training: { ...kws.training, input: 'centred' } }))).toMatch(/training.input "centred" is for VWW images only \(this one is for kws\)/);
  });
});

describe('fuzz: every corrupted image parses to a valid image or throws a UserError', () => {
  // A small deterministic generator for the corruptions themselves.
  let s = 12345;
  const rnd = (n: number) => {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    return Math.floor((s / 4294967296) * n);
  };
  const headerEnd = (() => (20 + new DataView(bytes.buffer, bytes.byteOffset).getUint32(16, true) + 3) & ~3)();

  function check(b: Uint8Array): 'ok' | 'rejected' {
    try {
      const img = readWeightImage(b);
      validateWeightImage(img);
      return 'ok';
    } catch (e) {
      if (!isUserError(e)) throw new Error(`non-UserError escaped: ${(e as Error)?.stack ?? String(e)}`);
      return 'rejected';
    }
  }

  test('2,800 truncations, bit flips, overwrites and random files', () => {
    const outcomes = { ok: 0, rejected: 0 };
    const count = (r: 'ok' | 'rejected') => outcomes[r]++;
    for (let i = 0; i < 400; i++) count(check(bytes.subarray(0, rnd(bytes.length))));
    for (let i = 0; i < 600; i++) {
      const b = bytes.slice();
      for (let k = 1 + rnd(4); k > 0; k--) b[rnd(b.length)]! ^= 1 << rnd(8);
      count(check(b));
    }
    // Flips in the header with the checksum repaired: exercises the JSON and graph checks.
    for (let i = 0; i < 1000; i++) {
      const b = bytes.slice();
      for (let k = 1 + rnd(3); k > 0; k--) b[8 + rnd(headerEnd - 8)] = rnd(256);
      count(check(withCrc(b)));
    }
    // Random floats in the data section with the checksum repaired: NaN, Inf, |w| > wMax, or still valid.
    for (let i = 0; i < 400; i++) {
      const b = bytes.slice();
      const v = new DataView(b.buffer);
      for (let k = 1 + rnd(3); k > 0; k--) v.setUint32(headerEnd + 4 * rnd((b.length - 4 - headerEnd) / 4), rnd(2 ** 32), true);
      count(check(withCrc(b)));
    }
    for (let i = 0; i < 400; i++) {
      const b = new Uint8Array(rnd(4096));
      for (let k = 0; k < b.length; k++) b[k] = rnd(256);
      if (i % 2 === 0 && b.length >= 8) b.set(IMAGE_MAGIC);
      count(check(b));
    }
    expect(outcomes.ok + outcomes.rejected).toBe(2800);
    expect(outcomes.rejected).toBeGreaterThan(2000);
  });
});
