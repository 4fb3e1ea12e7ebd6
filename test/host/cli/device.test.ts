// `aon-cim device`: JSON and table output, the echo of the inputs, duration units, bad flags → exit 2.
import { describe, expect, test } from 'vitest';
import { main } from '../../../host/cli/main.js';
import { recordingIo } from '../../../host/cli/io.js';
import { deviceStats } from '../../../host/chip/device-stats.js';

async function run(...args: string[]) {
  const io = recordingIo();
  const code = await main(['device', ...args], io);
  return { code, out: io.stdout, err: io.stderr };
}

describe('aon-cim device', () => {
  test('--json: echo {preset, g, t, n, seed} and {mean, std} of programmed, nu, read', async () => {
    const r = await run('--preset', 'aihwkit', '--g', '25', '--t', '1h', '--n', '100000', '--seed', '4', '--json');
    expect(r.code).toBe(0);
    expect(r.err).toBe('');
    const j = JSON.parse(r.out) as Record<string, unknown>;
    expect(Object.keys(j).sort()).toEqual(['g', 'n', 'nu', 'preset', 'programmed', 'read', 'seed', 't']);
    expect(j).toMatchObject({ preset: 'aihwkit', g: 25, t: 3600, n: 100000, seed: 4 });
    for (const k of ['programmed', 'nu', 'read']) expect(Object.keys(j[k] as object).sort()).toEqual(['mean', 'std']);
    const read = j['read'] as { mean: number; std: number };
    // pcm-model.md §6: after 1 h at 25 µS, 19.39 / 1.41 (Monte Carlo; sampling SE here ≈ 0.005)
    expect(Math.abs(read.mean - 19.39)).toBeLessThan(0.03);
    expect(Math.abs(read.std - 1.41)).toBeLessThan(0.02);
    // the same numbers as the library call with the same inputs (the CLI adds nothing)
    const lib = await deviceStats({ preset: 'aihwkit', gUs: 25, tSeconds: 3600, n: 100000, seed: 4 });
    expect(j['read']).toEqual(lib.read);
    expect(j['nu']).toEqual(lib.nu);
  });

  test('table output names the three quantities and the inputs', async () => {
    const r = await run('--preset', 'paper', '--g', '2.5', '--t', '1d', '--n', '5000');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/preset paper, G_T = 2.5 µS, t = 86400 s, n = 5000, seed 0/);
    expect(r.out).toMatch(/^programmed\s+\d+\.\d{4}\s+\d+\.\d{4}\s+µS$/m);
    expect(r.out).toMatch(/^nu\s+0\.\d{5}\s+0\.\d{5}/m);
    expect(r.out).toMatch(/^read at t\s+\d+\.\d{4}\s+\d+\.\d{4}\s+µS$/m);
  });

  test('defaults: preset paper, t 25 s, seed 0; same flags → identical output', async () => {
    const a = await run('--g', '10', '--n', '2000', '--json');
    expect(JSON.parse(a.out)).toMatchObject({ preset: 'paper', g: 10, t: 25, n: 2000, seed: 0 });
    expect((await run('--g', '10', '--n', '2000', '--json')).out).toBe(a.out);
    expect((await run('--g', '10', '--n', '2000', '--seed', '1', '--json')).out).not.toBe(a.out);
  });

  test.each([
    [['--g', '30'], /target conductance must be between 0 and 25/],
    [['--g', '-1'], /target conductance must be between 0 and 25/],
    [['--g', 'abc'], /expected a number/],
    [[], /required option '--g <µS>' not specified/],
    [['--g', '5', '--preset', 'pcm'], /preset must be paper, aihwkit or ideal/],
    [['--g', '5', '--t', '1week'], /time must look like/],
    [['--g', '5', '--n', '0'], /positive integer/],
    [['--g', '5', '--n', '1e3'], /expected a positive integer \(got "1e3"\)/],
    [['--g', '5', '--n', '200000000'], /at most 100000000 devices/],
    [['--g', '5', '--seed', '-3'], /non-negative integer/],
    [['--g', '5', '--bogus'], /unknown option '--bogus'/],
  ])('bad flags %j → a clear error, exit 2', async (args, message) => {
    const r = await run(...(args as string[]));
    expect(r.code).toBe(2);
    expect(r.out).toBe('');
    expect(r.err).toMatch(message);
    expect(r.err).not.toMatch(/at .*\.ts:\d+/); // no stack trace
  });

  test('--help describes every flag', async () => {
    const r = await run('--help');
    expect(r.code).toBe(0);
    for (const f of ['--preset', '--g', '--t', '--n', '--seed', '--json']) expect(r.out).toContain(f);
  });
});
