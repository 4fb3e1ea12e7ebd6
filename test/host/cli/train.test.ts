/**
 * `aon-cim train` through the CLI: a tiny configuration (what CI runs) writes a readable image and
 * its .log.json; bad flags are one clear line and exit 2; the CLI module never loads tfjs statically.
 */
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { recordingIo } from '../../../host/cli/io.js';
import { main } from '../../../host/cli/main.js';
import { repoPath, sharedDataDir } from '../../../host/paths.js';
import { loadWeightImage } from '../../../models/image/load.js';

describe('aon-cim train', () => {
  it('tiny run: image, log and checkpoint written', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'aoncim-cli-train-'));
    const out = join(dir, 'tiny.aonw');
    const io = recordingIo();
    const code = await main(
      ['train', '--task', 'kws', '--mode', 'baseline', '--steps', '2', '--batch', '16', '--limit', '60', '--seed', '3',
        '--data', sharedDataDir(), '--out', out, '--checkpoints', join(dir, 'ck')],
      io,
    );
    expect(io.stderr).not.toMatch(/internal error/);
    expect(code).toBe(0);
    expect(io.stdout).toMatch(/^wrote .*tiny\.aonw/);
    expect(io.stderr).toMatch(/^epoch 1: step \d+, loss/m);
    const image = loadWeightImage(out, 'kws');
    // By default the image holds programming targets corrected for the PCM's mean error (programming-targets.ts).
    expect(image.training).toMatchObject({ method: 'baseline', seed: 3, bits: null, eta: 0, targets: 'mean-corrected' });
    const log = JSON.parse(readFileSync(join(dir, 'tiny.log.json'), 'utf8'));
    expect(log.targets).toBe('mean-corrected');
    expect(log.config).toMatchObject({ task: 'kws', mode: 'baseline', steps: 2, batch: 16, seed: 3 });
    expect(Object.keys(log.final.valAccuracyQuantized).sort()).toEqual(['4', '6', '8']);
    expect(existsSync(join(dir, 'ck', 'state.json'))).toBe(true);
  });

  it.each([
    [['--task', 'asr', '--mode', 'baseline'], /task must be kws or vww/],
    [['--task', 'kws', '--mode', 'baseline', '--bits', '5'], /bits must be 8, 6 or 4/],
    [['--task', 'kws', '--mode', 'baseline', '--targets', 'exact'], /--targets.*expected mean-corrected or trained \(got exact\)/],
    [['--task', 'kws', '--mode', 'full', '--eta', '1.5'], /eta must be in \[0, 1\)/],
    [['--task', 'kws', '--mode', 'noise', '--init', '/nonexistent.aonw', '--limit', '20'], /stage 2 \(noise\) starts from the stage-1 image/],
    [['--task', 'kws', '--mode', 'baseline', '--feature-kd', '0'], /--feature-kd/],
    [['--task', 'kws', '--mode', 'baseline', '--feature-kd', 'abc'], /--feature-kd/],
    [['--task', 'kws', '--mode', 'baseline', '--feature-kd', '1', '--limit', '20'], /--feature-kd matches a teacher's features: it needs --teacher/],
  ])('rejects %j clearly', async (args, message) => {
    const io = recordingIo();
    const code = await main(['train', ...args], io);
    expect(code).toBe(2);
    expect(io.stderr).toMatch(message);
    expect(io.stderr).not.toMatch(/\n\s+at /); // no stack trace
  });

  it('host/cli/train.ts reaches the trainer (and tfjs) only by dynamic import', () => {
    const src = readFileSync(repoPath('host', 'cli', 'train.ts'), 'utf8');
    expect(src).not.toMatch(/^import [^t].*@tensorflow/m);
    // Static imports from the trainer only of its plain option modules, which must not reach tfjs.
    const staticTrain = [...src.matchAll(/^import (?!type )[^;]*?'(\.\.\/\.\.\/models\/train\/[^']+)'/gm)].map((m) => m[1]!);
    expect(staticTrain.sort()).toEqual(['../../models/train/color-jitter.js', '../../models/train/crop-modes.js', '../../models/train/mix.js', '../../models/train/options.js']);
    for (const f of ['color-jitter.ts', 'crop-modes.ts', 'mix.ts', 'options.ts']) {
      const dep = readFileSync(repoPath('models', 'train', f), 'utf8');
      expect(dep).not.toMatch(/@tensorflow/);
      expect(dep).not.toMatch(/^import (?!type )/m); // nothing loaded at run time at all
    }
    expect(src).toMatch(/await import\('..\/..\/models\/train\/train.js'\)/);
  });
});
