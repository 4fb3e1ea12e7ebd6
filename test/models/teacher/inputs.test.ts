/**
 * The teachers' inputs by the project's front ends (models/teacher/inputs.ts): the KWS MFCC already
 * carries MLPerf Tiny's per-clip peak normalisation (a quieter copy of a clip gives the same features),
 * VWW pixels are /255 with a bilinear resize only for other sizes, and --data finds the task folder.
 */
import { existsSync, mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadWav16k } from '../../../host/audio/load-clip.js';
import { mfcc } from '../../../host/audio/mfcc.js';
import { isUserError } from '../../../host/errors.js';
import { sharedDataDir } from '../../../host/paths.js';
import { kwsTeacherInput, loadTeacherDataset, teacherDataDir, vwwTeacherPixels } from '../../../models/teacher/inputs.js';

const DATA = sharedDataDir();
const haveKws = existsSync(join(DATA, 'speech_commands', 'index.csv'));

describe.skipIf(!haveKws)(haveKws ? 'KWS input' : `KWS input — data not found at ${DATA}`, () => {
  it('peak-normalised: the clip at a quarter of the volume gives the same MFCC (within float rounding)', () => {
    const d = loadTeacherDataset(DATA, 'kws');
    expect(d.examples).toHaveLength(4193);
    const path = d.examples.find((e) => d.classes[e.label] === 'stop')!.path;
    const x = kwsTeacherInput(path);
    expect(x).toHaveLength(490);
    const quiet = loadWav16k(path).samples.map((s) => s / 4);
    const y = mfcc(quiet);
    let worst = 0;
    for (let i = 0; i < x.length; i++) worst = Math.max(worst, Math.abs(x[i]! - y[i]!));
    expect(worst).toBeLessThan(1e-4);
  });
});

describe('VWW input', () => {
  it('a 96×96 image is pixel / 255, HWC', () => {
    const rgb = Uint8Array.from({ length: 96 * 96 * 3 }, (_, i) => (i * 7) % 256);
    const x = vwwTeacherPixels({ width: 96, height: 96, rgb });
    expect(x).toHaveLength(27_648);
    expect(x[0]).toBe(0);
    expect(x[1]).toBeCloseTo(7 / 255, 7);
    expect(x[100]).toBeCloseTo(((100 * 7) % 256) / 255, 7);
  });

  it('another size is resized bilinearly to 96×96 first (a flat image stays flat)', () => {
    const x = vwwTeacherPixels({ width: 160, height: 120, rgb: new Uint8Array(160 * 120 * 3).fill(51) });
    expect(x).toHaveLength(27_648);
    for (const v of x) expect(v).toBeCloseTo(0.2, 6);
  });
});

describe('teacherDataDir', () => {
  const root = mkdtempSync(join(tmpdir(), 'aoncim-teacher-data-'));
  mkdirSync(join(root, 'vww'));
  writeFileSync(join(root, 'vww', 'index.csv'), 'path,label,coco_image_id\n');

  it('takes the data root or the task folder', () => {
    expect(teacherDataDir(root, 'vww')).toBe(join(root, 'vww'));
    expect(teacherDataDir(join(root, 'vww'), 'vww')).toBe(join(root, 'vww'));
  });

  it('neither → a UserError naming both places looked at', () => {
    let err: unknown;
    try {
      teacherDataDir(root, 'kws');
    } catch (e) {
      err = e;
    }
    expect(isUserError(err)).toBe(true);
    expect((err as Error).message).toContain(join(root, 'speech_commands', 'index.csv'));
  });
});
