import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ort } from '../../models/onnx/ort.js';
import { describe, expect, it } from 'vitest';
import { recordingIo } from '../../../host/cli/io.js';
import { main } from '../../../host/cli/main.js';
import { getGraph } from '../../../models/graphs/index.js';
import { floatForward } from '../../../models/image/float-forward.js';
import { saveWeightImage } from '../../../models/image/load.js';
import { randomImage } from '../../../models/image/random.js';
import { hwcToChw } from '../../../models/onnx/export.js';

const dir = mkdtempSync(join(tmpdir(), 'aoncim-onnx-cli-'));

describe('aon-cim export-onnx', () => {
  it('writes an ONNX file from a weight image that ORT runs to the float reference', async () => {
    const image = randomImage('kws', 4);
    const imagePath = join(dir, 'kws.img');
    saveWeightImage(imagePath, image);
    const out = join(dir, 'kws.onnx');
    const io = recordingIo();
    expect(await main(['export-onnx', '--model', 'kws', '--image', imagePath, '--out', out], io)).toBe(0);
    expect(io.stdout).toMatch(/^wrote .*kws\.onnx: AnalogNet-KWS, opset 13, \d+ nodes, \d+ float parameters/);
    expect(io.stdout).toMatch(/input {2}"input" \[1, 1, 49, 10\] NCHW/);
    const session = await ort.InferenceSession.create(readFileSync(out));
    const x = Float32Array.from({ length: 490 }, (_, i) => Math.sin(i));
    const got = (await session.run({ input: new ort.Tensor('float32', hwcToChw(x, 49, 10, 1), [1, 1, 49, 10]) }))['logits']!.data as Float32Array;
    const ref = floatForward(getGraph('kws'), image, x);
    for (let i = 0; i < 12; i++) expect(Math.abs(got[i]! - ref[i]!)).toBeLessThan(1e-4);
    await session.release();
  });

  it.each([
    [['--model', 'resnet', '--random', '0', '--out', 'x.onnx'], /unknown model "resnet" \(known: kws, vww, micronet-kws-s\)/],
    [['--model', 'kws', '--out', 'x.onnx'], /needs exactly one of --image FILE or --random SEED/],
    [['--model', 'kws', '--random', '0'], /required option '--out <file.onnx>' not specified/],
    [['--model', 'kws', '--image', '/nonexistent/k.img', '--out', 'x.onnx'], /cannot read weight image \/nonexistent\/k\.img: no such file/],
    [['--model', 'vww', '--random', '1', '--out', '/nonexistent/dir/v.onnx'], /--out \/nonexistent\/dir\/v\.onnx: folder \/nonexistent\/dir does not exist/],
  ])('rejects %j with a specific message', async (argv, message) => {
    const io = recordingIo();
    expect(await main(['export-onnx', ...argv], io)).toBe(2);
    expect(io.stderr).toMatch(message);
    expect(io.stderr).not.toMatch(/\n\s+at /);
  });

  it('refuses an image of the wrong network', async () => {
    const imagePath = join(dir, 'vww.img');
    saveWeightImage(imagePath, randomImage('vww', 0));
    const io = recordingIo();
    expect(await main(['export-onnx', '--model', 'kws', '--image', imagePath, '--out', join(dir, 'k.onnx')], io)).toBe(2);
    expect(io.stderr).toMatch(/aon-cim: error: .*vww.*kws|kws.*vww/);
  });
});
