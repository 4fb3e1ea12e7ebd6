import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveTaskDataDir } from '../../../host/eval/data-dir.js';
import { UserError } from '../../../host/errors.js';

describe('resolveTaskDataDir: the data root or the task folder', () => {
  const root = mkdtempSync(join(tmpdir(), 'aoncim-data-'));
  for (const sub of ['speech_commands', 'vww']) {
    mkdirSync(join(root, sub));
    writeFileSync(join(root, sub, 'index.csv'), 'path,label\n');
  }

  it('finds the task folder under the root', () => {
    expect(resolveTaskDataDir(root, 'kws')).toBe(join(root, 'speech_commands'));
    expect(resolveTaskDataDir(root, 'vww')).toBe(join(root, 'vww'));
  });

  it('takes the task folder itself', () => {
    expect(resolveTaskDataDir(join(root, 'speech_commands'), 'kws')).toBe(join(root, 'speech_commands'));
    expect(resolveTaskDataDir(join(root, 'vww'), 'vww')).toBe(join(root, 'vww'));
  });

  it('names both places it looked when neither has index.csv', () => {
    const empty = mkdtempSync(join(tmpdir(), 'aoncim-data-'));
    expect(() => resolveTaskDataDir(empty, 'kws')).toThrow(UserError);
    expect(() => resolveTaskDataDir(empty, 'kws')).toThrow(/has no index\.csv, nor .*speech_commands\/index\.csv/);
    expect(() => resolveTaskDataDir(join(empty, 'missing'), 'vww')).toThrow(/data directory not found/);
  });
});
