/**
 * demo/stream.wav's keyword times live in two places: demo/README.md's table (for people) and
 * host/cli/demo.ts DEMO_STREAM_CLIPS (the demo's judge). Both must be the stream's truth: the stream is
 * rebuilt from its source clips with the recipe the README states, sample for sample, and its placed
 * clips are compared with the table and the constant.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readWav } from '../../../host/audio/wav.js';
import { DEMO_STREAM_CLIPS } from '../../../host/cli/demo.js';
import { buildLongStream } from '../../../host/kws/long-stream.js';
import { roundHalfEven } from '../../../host/round.js';
import { testData } from '../data.js';

interface TableRow {
  startS: number;
  endS: number;
  label: string;
  source: string;
}

/** The rows of the stream's table in demo/README.md: | start | end | `label` … | `source` |. */
function readmeTable(): TableRow[] {
  const text = readFileSync(join('demo', 'README.md'), 'utf8');
  const rows: TableRow[] = [];
  for (const m of text.matchAll(/^\|\s*([\d.]+)\s*\|\s*([\d.]+)\s*\|\s*`([^`]+)`[^|]*\|\s*`([^`]+)`\s*\|$/gm)) {
    rows.push({ startS: Number(m[1]), endS: Number(m[2]), label: m[3]!, source: m[4]! });
  }
  return rows;
}

describe('demo/stream.wav: the README table, the demo\'s constant and the audio agree', () => {
  const table = readmeTable();

  it('the README table and DEMO_STREAM_CLIPS list the same clips at the same times', () => {
    expect(table.length).toBe(4);
    expect(table.map(({ startS, endS, label }) => ({ startS, endS, label }))).toEqual(DEMO_STREAM_CLIPS);
  });

  it('rebuilt from the table\'s source clips by the README\'s recipe, the stream is demo/stream.wav and its clips sit at the table\'s times', () => {
    const root = testData();
    const clips = table.map((r) => ({ label: r.label, samples: readWav(join(root, 'speech_commands', r.source)).samples }));
    const noise = readWav(join(root, 'background_noise', 'running_tap.wav')).samples;
    const s = buildLongStream(clips, { noise, noiseVolume: 0.3, gapS: [1.2, 1.6], leadS: 1.2, seed: 1, shuffle: false });
    s.placed.forEach((p, i) => {
      expect(p.label).toBe(table[i]!.label);
      expect(Math.abs(p.startS - table[i]!.startS)).toBeLessThan(5e-4); // the table rounds to ms
      expect(Math.abs(p.endS - table[i]!.endS)).toBeLessThan(5e-4);
    });
    const shipped = readWav(join('demo', 'stream.wav')).samples;
    expect(shipped.length).toBe(s.samples.length);
    let differ = 0;
    for (let n = 0; n < shipped.length; n++) {
      const code = Math.max(-32768, Math.min(32767, roundHalfEven(s.samples[n]! * 32768)));
      if (Math.round(shipped[n]! * 32768) !== code) differ++;
    }
    expect(differ).toBe(0);
  });
});
