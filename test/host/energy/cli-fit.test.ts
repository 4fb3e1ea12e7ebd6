/**
 * What `aon-cim energy` says about the fit: which paper figures the constants were fitted on, and
 * whether the figure it compares with was one of them (a held-out figure is a prediction).
 */
import { describe, expect, it } from 'vitest';
import type { EnergyReport } from '../../../host/cli/energy.js';
import { recordingIo } from '../../../host/cli/io.js';
import { main } from '../../../host/cli/main.js';

async function energyJson(args: string[]): Promise<EnergyReport> {
  const io = recordingIo();
  const code = await main(['energy', ...args, '--json'], io);
  expect(code, io.stderr).toBe(0);
  return JSON.parse(io.stdout) as EnergyReport;
}

describe('aon-cim energy: the fit in the output', () => {
  it('--json lists the five fitted figures and the four held out; KWS 8 b is in the fit', async () => {
    const r = await energyJson(['--model', 'kws', '--bits', '8']);
    expect(r.fit.figures).toEqual(['peak 8b', 'peak 6b', 'peak 4b', 'kws 8b', 'vww 8b']);
    expect(r.fit.heldOut).toEqual(['kws 6b', 'kws 4b', 'vww 6b', 'vww 4b']);
    expect(r.paper?.inFit).toBe(true);
  });
  it('VWW 4 b is held out, and the text says so next to the paper\'s figure', async () => {
    expect((await energyJson(['--model', 'vww', '--bits', '4'])).paper?.inFit).toBe(false);
    const io = recordingIo();
    expect(await main(['energy', '--model', 'vww', '--bits', '4'], io)).toBe(0);
    expect(io.stdout).toMatch(/TOPS\/W .* full scale\s+\(paper 25\.69\) held out of the fit/);
    expect(io.stdout).toContain('held out (predicted): kws 6b, kws 4b, vww 6b, vww 4b');
  });
  it('MicroNet-KWS-S has no paper TOPS/W, so no inFit', async () => {
    const r = await energyJson(['--model', 'micronet-kws-s', '--bits', '8']);
    expect(r.paper).toEqual({ infPerSec: 4122 });
  });
});
