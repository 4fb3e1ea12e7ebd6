/** `aon-cim correct-targets`: writes a corrected copy, never overwrites without --force, bad input is one line and exit 2. */
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { recordingIo } from '../../../host/cli/io.js';
import { main } from '../../../host/cli/main.js';
import { saveWeightImage, loadWeightImage } from '../../../models/image/load.js';
import { randomImage } from '../../../models/image/random.js';

function setup() {
  const dir = mkdtempSync(join(tmpdir(), 'aoncim-targets-'));
  const src = join(dir, 'in.aonw');
  saveWeightImage(src, randomImage('kws', 7));
  return { dir, src, out: join(dir, 'out.aonw') };
}

describe('aon-cim correct-targets', () => {
  it('writes a mean-corrected copy whose trained network is the input and leaves the input alone', async () => {
    const { src, out } = setup();
    const before = readFileSync(src);
    const io = recordingIo();
    expect(await main(['correct-targets', '--model', src, '--out', out], io)).toBe(0);
    expect(io.stdout).toMatch(/^wrote .*out\.aonw: kws, 6 layers; targets moved by up to 0\.4\d % of W_max/);
    expect(readFileSync(src)).toEqual(before);
    const corrected = loadWeightImage(out, 'kws');
    expect(corrected.training.targets).toBe('mean-corrected');
    // The weights (the trained network) are the input's; only the mark differs.
    const orig = loadWeightImage(src, 'kws');
    corrected.layers.forEach((l, i) => expect(l.weights).toEqual(orig.layers[i]!.weights));
    expect({ ...corrected.training, targets: undefined }).toEqual({ ...orig.training, targets: undefined });
  });

  it.each([
    ['existing --out without --force', (s: ReturnType<typeof setup>) => { writeFileSync(s.out, 'keep me'); return ['--model', s.src, '--out', s.out]; }, /exists; add --force/],
    ['--out is the model', (s: ReturnType<typeof setup>) => ['--model', s.src, '--out', s.src, '--force'], /is the --model image itself/],
    ['a model that is not an image', (s: ReturnType<typeof setup>) => { writeFileSync(join(s.dir, 'x.aonw'), 'nope'); return ['--model', join(s.dir, 'x.aonw'), '--out', s.out]; }, /x\.aonw/],
    ['a missing model', (s: ReturnType<typeof setup>) => ['--model', join(s.dir, 'missing.aonw'), '--out', s.out], /missing\.aonw/],
    ['an --out folder that does not exist', (s: ReturnType<typeof setup>) => ['--model', s.src, '--out', join(s.dir, 'no', 'o.aonw')], /does not exist/],
  ])('%s: one line, exit 2, nothing overwritten', async (_name, args, message) => {
    const s = setup();
    const io = recordingIo();
    const argv = args(s);
    const before = existsSync(s.out) ? readFileSync(s.out) : null;
    expect(await main(['correct-targets', ...argv], io)).toBe(2);
    expect(io.stderr).toMatch(message);
    expect(io.stderr.trim().split('\n')).toHaveLength(1);
    expect(existsSync(s.out) ? readFileSync(s.out) : null).toEqual(before);
  });

  it('an image already corrected is refused', async () => {
    const { src, out, dir } = setup();
    expect(await main(['correct-targets', '--model', src, '--out', out], recordingIo())).toBe(0);
    const io = recordingIo();
    expect(await main(['correct-targets', '--model', out, '--out', join(dir, 'again.aonw')], io)).toBe(2);
    expect(io.stderr).toMatch(/is already marked for mean-corrected targets/);
  });
});
