import { describe, expect, it } from 'vitest';
import { readWav } from '../../../host/audio/wav.js';
import { recordingIo } from '../../../host/cli/io.js';
import { main } from '../../../host/cli/main.js';
import { repoPath } from '../../../host/paths.js';
import { KWS_CLASSES } from '../../../models/graphs/kws.js';

// Structure, not accuracy: the figures move whenever the shipped images are retrained.
describe('aon-cim demo', () => {
  it('--json: the clip, the stream, both frames and an energy line per model, consistent across paths', async () => {
    const io = recordingIo();
    expect(await main(['demo', '--json'], io)).toBe(0);
    for (const line of io.stderr.trim().split('\n').filter((l) => l !== '')) expect(line).toMatch(/^aon-cim: note: /);
    const r = JSON.parse(io.stdout);
    expect(Object.keys(r)).toEqual(['settings', 'kws', 'vww', 'energy']);
    expect(r.settings).toEqual({ bits: 8, preset: 'paper', driftS: 25, seed: 0, gdc: true });

    const clip = r.kws.clip;
    expect(clip.file).toMatch(/demo\/yes\.wav$/);
    expect(Object.keys(clip.scores)).toEqual([...KWS_CLASSES]);
    const probs = Object.values(clip.scores as Record<string, number>);
    expect(probs.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
    expect(clip.scores[clip.label]).toBe(Math.max(...probs));

    const s = r.kws.stream;
    const n = readWav(repoPath('demo', 'stream.wav')).samples.length;
    expect(s.hopMs).toBe(100);
    expect(s.summary.inferences).toBe(Math.floor((n - 16000) / 1600) + 1);
    expect(s.summary.audioSeconds).toBeCloseTo(n / 16000, 9);
    expect(s.summary.detections).toBe(s.detections.length);
    let last = -Infinity;
    for (const d of s.detections) {
      expect(Object.keys(d)).toEqual(['timeS', 'keyword', 'score']);
      expect(['_silence_', '_unknown_']).not.toContain(d.keyword);
      expect(KWS_CLASSES).toContain(d.keyword);
      expect(d.score).toBeGreaterThanOrEqual(0.7); // the default threshold
      expect(d.timeS - last).toBeGreaterThanOrEqual(1 - 1e-9); // the default refractory time
      expect(Math.abs(d.timeS * 10 - Math.round(d.timeS * 10))).toBeLessThan(1e-6); // on a 100 ms hop
      last = d.timeS;
    }

    expect(r.vww.frames.map((f: { frame: string }) => f.frame.replace(/^.*demo\//, ''))).toEqual(['person.png', 'no-person.png']);
    for (const f of r.vww.frames) {
      expect(f.person).toBe(f.score >= 0.5);
      expect(f.uJ).toBeGreaterThan(0);
    }

    const [kws, vww] = r.energy;
    expect(kws.model).toBe('kws');
    expect(vww.model).toBe('vww');
    // The energy lines read the same inferences the demo printed: identical chips, inputs and counters.
    expect(kws.uJ).toBe(clip.uJ);
    expect(kws.latencyUs).toBe(clip.latencyUs);
    expect(vww.uJ).toBe(r.vww.frames[0].uJ);
    for (const e of r.energy) {
      expect(e.bits).toBe(8);
      expect(e.uJFullScale).toBeGreaterThan(e.uJ); // full-scale pulses ≥ the pulses applied
      expect(e.infPerSec).toBeCloseTo(1e6 / e.latencyUs, 6);
      // Same ops, less energy → more TOPS/W with measured pulses, in proportion.
      expect(e.topsPerWatt / e.topsPerWattFullScale).toBeCloseTo(e.uJFullScale / e.uJ, 6);
    }
  }, 60_000);

  it('prints the same run as readable sections without --json', async () => {
    const io = recordingIo();
    expect(await main(['demo', '--preset', 'ideal', '--seed', '2'], io)).toBe(0);
    const out = io.stdout;
    expect(out).toMatch(/^AnalogNet-KWS and AnalogNet-VWW on the emulated AON-CiM chip: .*preset ideal, 25s after programming, seed 2, GDC on\n/);
    expect(out).toMatch(/\n {2}one clip: demo\/yes\.wav: [_a-z]+ \(p \d\.\d{3}; top 3: .*\); emulated \d+\.\d{3} µJ, \d+\.\d µs\n/);
    expect(out).toMatch(/\n {4}10\.59 s of audio, 96 inferences, \d+ detection\(s\), real-time factor \d+\.\d{3}; /);
    expect(out).toMatch(/\n {2}demo\/person\.png: (person|no person) \(score \d\.\d{3}, \d+\.\d{3} µJ\)\n {2}demo\/no-person\.png: /);
    expect(out).toMatch(/\n {2}kws at 8 bit: \d+\.\d{3} µJ\/inference \(\d+\.\d{3} at full-scale pulses\), \d+\.\d µs, \d+ inf\/s, \d+\.\d TOPS\/W \(\d+\.\d at full scale\)\n {2}vww at 8 bit: .*\n$/);
  }, 60_000);

  it('rejects arguments and unknown flags', async () => {
    const a = recordingIo();
    expect(await main(['demo', 'extra'], a)).toBe(2);
    expect(a.stderr).toMatch(/too many arguments/);
    const b = recordingIo();
    expect(await main(['demo', '--model', 'x.aonw'], b)).toBe(2);
    expect(b.stderr).toMatch(/unknown option '--model'/);
    const c = recordingIo();
    expect(await main(['demo', '--bits', '5'], c)).toBe(2);
    expect(c.stderr).toMatch(/bits must be 8, 6 or 4/);
  });

  it('--bits 4 --drift 1y: both networks on their shipped 4-bit images, the time as written', async () => {
    const io = recordingIo();
    expect(await main(['demo', '--bits', '4', '--drift', '1y', '--preset', 'ideal'], io)).toBe(0);
    expect(io.stdout).toMatch(/^AnalogNet-KWS .*4-bit converters, preset ideal, 1y after programming,/);
    expect(io.stdout).toMatch(/Keyword spotting \(weights: \S*models\/kws\/full-4\.aonw\)/);
    expect(io.stdout).toMatch(/Visual wake words \(weights: \S*models\/vww\/full-4\.aonw\)/);
    expect(io.stdout).toMatch(/\n {2}kws at 4 bit: .*\n {2}vww at 4 bit: /);
    expect(io.stderr).not.toMatch(/trained for 8-bit/);
  }, 60_000);

  it('marks stream detections that hear no keyword and keyword clips never heard (demo/README.md\'s times)', async () => {
    const json = recordingIo();
    expect(await main(['demo', '--json'], json)).toBe(0);
    const s = JSON.parse(json.stdout).kws.stream as {
      detections: Array<{ timeS: number; keyword: string }>;
      truth: Array<{ startS: number; endS: number; label: string }>;
      falseDetections: number[];
      missed: Array<{ label: string }>;
    };
    expect(s.truth.map((c) => c.label)).toEqual(['yes', '_unknown_', 'stop', 'go']);
    // Recount by hand from the README's rule: correct = the clip's label, after its start, ≤ 1 s after its end.
    const heard = new Set<string>();
    const wrong: number[] = [];
    s.detections.forEach((d, i) => {
      const c = s.truth.find((t) => t.label === d.keyword && !heard.has(t.label) && d.timeS > t.startS && d.timeS <= t.endS + 1);
      if (c) heard.add(c.label);
      else wrong.push(i);
    });
    expect(s.falseDetections).toEqual(wrong);
    expect(s.missed.map((c) => c.label)).toEqual(['yes', 'stop', 'go'].filter((k) => !heard.has(k)));
    const text = recordingIo();
    expect(await main(['demo'], text)).toBe(0);
    expect(text.stdout.match(/← wrong: no such keyword here/g)?.length ?? 0).toBe(wrong.length);
    for (const m of s.missed) expect(text.stdout).toContain(`← missed: "${m.label}"`);
    expect(text.stdout.match(/← missed:/g)?.length ?? 0).toBe(s.missed.length);
  }, 60_000);

  it('marks a frame the image gets wrong where it is printed (the frames\' labels are known)', async () => {
    const json = recordingIo();
    expect(await main(['demo', '--json', '--preset', 'ideal'], json)).toBe(0);
    const frames = JSON.parse(json.stdout).vww.frames as Array<{ frame: string; person: boolean; truth: boolean }>;
    expect(frames.map((f) => f.truth)).toEqual([true, false]); // person.png, no-person.png
    const text = recordingIo();
    expect(await main(['demo', '--preset', 'ideal'], text)).toBe(0);
    const wrong = frames.filter((f) => f.person !== f.truth);
    for (const f of frames) {
      const line = text.stdout.split('\n').find((l) => l.startsWith(`  ${f.frame}: `))!;
      expect(line.includes('← wrong')).toBe(f.person !== f.truth);
    }
    if (wrong.length > 0) expect(text.stdout).toMatch(new RegExp(`\\(${wrong.length} of 2 frames wrong\\. The VWW image is weak: \\d+\\.\\d % on the images held out`));
    else expect(text.stdout).not.toMatch(/frames wrong/);
  }, 60_000);
});
