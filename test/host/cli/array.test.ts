/** `map` and `energy` accept the same tile sizes, through one validator with one message per limit. */
import { describe, expect, it } from 'vitest';
import { recordingIo } from '../../../host/cli/io.js';
import { main } from '../../../host/cli/main.js';

async function run(argv: string[]) {
  const io = recordingIo();
  const code = await main(argv, io);
  return { code, stdout: io.stdout, stderr: io.stderr };
}

describe('--array: one validator for map and energy', () => {
  it.each([
    ['2048x2048', /array 2048x2048: at most 1024 rows/],
    ['10x10', /array 10x10: columns must be a multiple of 4/],
    ['0x64', /array 0x64: rows and columns must be positive integers/],
    ['64x8192', /array 64x8192: at most 4096 columns/],
  ])('%s: both refuse with the same line', async (array, message) => {
    const map = await run(['map', '--model', 'kws', '--array', array]);
    const energy = await run(['energy', '--model', 'kws', '--array', array]);
    expect(map.code).toBe(2);
    expect(energy.code).toBe(2);
    expect(map.stderr).toMatch(message);
    expect(map.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(energy.stderr).toBe(map.stderr);
  });

  it('128x128 tiles: both run', async () => {
    const map = await run(['map', '--model', 'kws', '--array', '128x128', '--json']);
    const energy = await run(['energy', '--model', 'kws', '--array', '128x128', '--json']);
    expect([map.code, energy.code]).toEqual([0, 0]);
    expect(JSON.parse(map.stdout).array.tiles).toBe(JSON.parse(energy.stdout).tiles);
  });
});
