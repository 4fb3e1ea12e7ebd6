import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../../host/cli/main.js';
import { recordingIo } from '../../../host/cli/io.js';
import { testData } from '../data.js';
import { randomImage } from '../../../models/image/random.js';
import { saveWeightImage } from '../../../models/image/load.js';

const data = join(testData(), 'speech_commands');

describe('aon-cim ablation', () => {
  it('evaluates baseline at 8/6/4 and full-b at b only, leaves missing images empty, and quotes Table 1', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'aoncim-abl-'));
    saveWeightImage(join(dir, 'baseline.aonw'), randomImage('kws', 1));
    const full = randomImage('kws', 2);
    full.training = { ...full.training, method: 'full', bits: 6 };
    saveWeightImage(join(dir, 'full-6.aonw'), full);
    const io = recordingIo();
    const code = await main(['ablation', '--task', 'kws', '--data', data, '--models-dir', dir, '--runs', '1', '--limit', '8', '--json'], io);
    expect(io.stderr).not.toMatch(/internal error/);
    expect(code).toBe(0);
    const r = JSON.parse(io.stdout) as { timeS: number; rows: Array<{ method: string; cells: Array<null | { bits: number; paper: { mean: number } }> }> };
    expect(r.timeS).toBe(86_400);
    const [baseline, noise, fullRow] = r.rows;
    expect(baseline!.cells.map((c) => c?.bits)).toEqual([8, 6, 4]);
    expect(noise!.cells).toEqual([null, null, null]);
    expect(fullRow!.cells.map((c) => c?.bits ?? null)).toEqual([null, 6, null]);
    expect(baseline!.cells.map((c) => c!.paper.mean)).toEqual([9.4, 9.4, 8.6]); // the paper's Table 1, KWS
    expect(fullRow!.cells[1]!.paper.mean).toBe(95.2);
    expect(io.stderr).toMatch(/noise\.aonw is missing/);
  });

  it('says so when no trained image exists', async () => {
    const io = recordingIo();
    const dir = mkdtempSync(join(tmpdir(), 'aoncim-abl-'));
    expect(await main(['ablation', '--task', 'kws', '--data', data, '--models-dir', dir], io)).toBe(2);
    expect(io.stderr).toMatch(/no trained images in/);
  });
});
