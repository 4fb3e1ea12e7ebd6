import { describe, expect, it } from 'vitest';
import { StreamJudge, type StreamClip } from '../../../host/kws/stream-truth.js';

const clips: StreamClip[] = [
  { startS: 1.2, endS: 2.2, label: 'yes' },
  { startS: 3.7, endS: 4.7, label: '_unknown_' },
  { startS: 6.0, endS: 7.0, label: 'stop' },
];
const keywords = new Set(['yes', 'stop', 'go']);
const d = (timeS: number, keyword: string) => ({ timeS, keyword, score: 0.9 });

describe('StreamJudge (demo/README.md: after the clip starts, at most 1 s after it ends, each clip once)', () => {
  it('hears a keyword inside its window, up to 1 s late, and not before the clip starts', () => {
    const j = new StreamJudge(clips, keywords);
    expect(j.judge(d(1.2, 'yes')).clip).toBeNull(); // at the start: the window cannot hold the word yet
    expect(j.judge(d(3.2, 'yes')).clip).toBe(clips[0]); // 1.0 s after the end: still counts
    expect(j.judge(d(7.0000001 + 1, 'stop')).clip).toBeNull(); // just past end + 1 s
    expect(j.missed()).toEqual([clips[2]]);
  });

  it('a wrong label, a second detection of the same clip, and a non-keyword clip are all false accepts', () => {
    const j = new StreamJudge(clips, keywords);
    expect(j.judge(d(2.0, 'go')).clip).toBeNull();
    expect(j.judge(d(2.0, 'yes')).clip).toBe(clips[0]);
    expect(j.judge(d(2.5, 'yes')).clip).toBeNull();
    expect(j.judge(d(4.5, 'stop')).clip).toBeNull(); // "backward" lies there; stop's clip starts at 6.0
    expect(j.judge(d(6.5, 'stop')).clip).toBe(clips[2]);
    expect(j.missed()).toEqual([]); // _unknown_ is not a keyword: never "missed"
  });
});
