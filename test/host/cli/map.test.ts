import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { Command } from 'commander';
import { recordingIo } from '../../../host/cli/io.js';
import { register } from '../../../host/cli/map.js';
import { isUserError } from '../../../host/errors.js';

/** Runs `map` alone (not through main, so the test does not depend on other subcommands). */
async function run(args: string[]) {
  const io = recordingIo();
  const program = new Command('aon-cim').exitOverride().configureOutput({ writeOut: (s) => io.out(s), writeErr: (s) => io.err(s) });
  register(program, io);
  await program.parseAsync(['map', ...args], { from: 'user' });
  return io;
}

describe('aon-cim map', () => {
  test('prints the KWS placement with 57.36 % utilization', async () => {
    const io = await run(['--model', 'kws']);
    expect(io.stdout).toMatch(/conv1\s+conv\s+40×84\s+1/);
    expect(io.stdout).toMatch(/utilization: 57\.36 %/);
    expect(io.stdout).toMatch(/1 tile of 1024×512/);
    expect(io.stdout).toMatch(/991 by the paper's 128-ADC rule → 7762\.2 inf\/s/);
  });
  test('--json and --svg for MicroNet-KWS-S on 128×128 tiles', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'map-'));
    const svg = join(dir, 'm.svg');
    const io = await run(['--model', 'micronet-kws-s', '--array', '128x128', '--json', '--svg', svg]);
    const j = JSON.parse(io.stdout);
    expect(j.array).toEqual({ rows: 128, cols: 128, tiles: 9 });
    expect(j.paperCycles).toBe(5_242);
    expect(j.layers.find((l: { name: string }) => l.name === 'dw2').pieces.length).toBe(8);
    const text = readFileSync(svg, 'utf8');
    expect(text.startsWith('<svg')).toBe(true);
    // one frame per tile, one group per piece
    expect(text.match(/class="tile"/g)!.length).toBe(9);
    const pieces = j.layers.reduce((a: number, l: { pieces: unknown[] }) => a + l.pieces.length, 0);
    expect(text.match(/class="piece"/g)!.length).toBe(pieces);
    expect(text).toContain('data-layer="dw2"');
  });
  test('bad model and unwritable SVG are UserErrors', async () => {
    await expect(run(['--model', 'nope'])).rejects.toSatisfy((e) => isUserError(e) && /unknown model "nope"/.test((e as Error).message));
    await expect(run(['--model', 'kws', '--svg', '/nonexistent-dir/x.svg'])).rejects.toSatisfy((e) => isUserError(e) && /--svg \/nonexistent-dir\/x\.svg: folder \/nonexistent-dir does not exist/.test((e as Error).message));
  });
});
