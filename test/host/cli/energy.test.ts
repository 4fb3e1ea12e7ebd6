import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { recordingIo } from '../../../host/cli/io.js';
import { main } from '../../../host/cli/main.js';
import type { EnergyReport } from '../../../host/cli/energy.js';
import { kwsTestClip } from '../energy/runs.js';

async function run(args: string[]) {
  const io = recordingIo();
  const code = await main(args, io);
  return { code, ...io };
}

describe('aon-cim energy', () => {
  it('--json: totals, both energy modes, per-layer rows that add up', async () => {
    const r = await run(['energy', '--model', 'kws', '--bits', '8', '--input', kwsTestClip(), '--json']);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout) as EnergyReport;
    expect(j.model).toBe('kws');
    expect(j.bits).toBe(8);
    expect(Math.round(j.infPerSec)).toBe(7762);
    expect(j.layers.map((l) => [l.rows, l.columns, l.positions])).toEqual([
      [40, 84, 490],
      [756, 112, 125],
      [1008, 84, 125],
      [756, 84, 125],
      [756, 84, 125],
      [84, 12, 1],
    ]);
    const sum = (f: (l: EnergyReport['layers'][number]) => number) => j.layers.reduce((a, l) => a + f(l), 0);
    expect(sum((l) => l.uJ)).toBeCloseTo(j.uJPerInf, 9);
    expect(sum((l) => l.measured.uJ)).toBeCloseTo(j.measured.uJPerInf, 9);
    expect(sum((l) => l.latencyUs)).toBeCloseTo(j.latencyUs, 9);
    expect(sum((l) => l.macs)).toBe(j.macs);
    expect(j.measured.uJPerInf).toBeLessThan(j.uJPerInf);
    expect(j.topsPerWatt).toBeCloseTo((2 * j.macs) / (j.uJPerInf * 1e6), 9);
    expect(j.utilization).toBeCloseTo(300_720 / 524_288, 9);
    expect(j.paper?.topsPerWatt).toBe(8.58);
  });
  it('prints a table with the paper next to the totals and writes Figure 8', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'aoncim-energy-'));
    const svg = join(dir, 'fig8.svg');
    const r = await run(['energy', '--model', 'vww', '--bits', '4', '--svg', svg]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/layer\s+rows\s+cols\s+pos\s+cycles\s+MACs/);
    expect(r.stdout).toContain('(paper 25.69)');
    expect(r.stdout).toContain('b16_project');
    expect(readFileSync(svg, 'utf8')).toContain('<svg');
  });
  it.each([
    [['energy', '--model', 'resnet'], /unknown model "resnet"/],
    [['energy', '--model', 'kws', '--bits', '5'], /bits must be 8, 6 or 4/],
    [['energy', '--model', 'kws', '--array', '12by4'], /array must be ROWSxCOLS/],
    [['energy', '--model', 'vww', '--input', '/nonexistent/x.png'], /input file not found/],
    [['energy', '--model', 'kws', '--input', '/etc/hostname'], /must be a \.wav file/],
    [['energy', '--model', 'kws', '--image', '/nonexistent/kws.img', '--input', kwsTestClip()], /nonexistent/],
    [['energy', '--model', 'vww', '--svg', '/nonexistent-dir/f.svg'], /--svg \/nonexistent-dir\/f.svg: folder \/nonexistent-dir does not exist/],
  ])('%j → one clear error line, exit 2', async (args, msg) => {
    const r = await run(args as string[]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(msg as RegExp);
    expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
  });
  it('rejects a raw input of the wrong size with the sizes in the message', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'aoncim-energy-'));
    const f = join(dir, 'x.f32');
    writeFileSync(f, Buffer.alloc(12));
    const r = await run(['energy', '--model', 'kws', '--input', f]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/12 bytes; a 49×10×1 float32 input is 1960 bytes/);
  });
});
