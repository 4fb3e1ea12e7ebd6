import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadDataset } from '../../../host/eval/dataset.js';
import { UserError } from '../../../host/errors.js';

describe('loadDataset', () => {
  const dir = mkdtempSync(join(tmpdir(), 'aoncim-ds-'));
  it('reads path and label by header name, ignores other columns, keeps speakers for the split', () => {
    writeFileSync(join(dir, 'index.csv'), 'speaker,label,path,extra\nspk1,yes,yes/a.wav,1\n,_silence_,s/b.wav,2\n');
    const ds = loadDataset(dir);
    expect(ds.items).toEqual([
      { path: join(dir, 'yes/a.wav'), label: 'yes' },
      { path: join(dir, 's/b.wav'), label: '_silence_' },
    ]);
    expect(ds.rows).toEqual([{ path: 'yes/a.wav', speaker: 'spk1' }, { path: 's/b.wav', speaker: '' }]);
  });
  it('rejects a missing folder, a missing index, a header without path/label, and a row without a label', () => {
    expect(() => loadDataset(join(dir, 'nope'))).toThrow(/data directory not found/);
    const empty = mkdtempSync(join(tmpdir(), 'aoncim-ds-'));
    expect(() => loadDataset(empty)).toThrow(/no index.csv/);
    writeFileSync(join(empty, 'index.csv'), 'file,class\na.wav,yes\n');
    expect(() => loadDataset(empty)).toThrow(/must name "path" and "label"/);
    writeFileSync(join(empty, 'index.csv'), 'path,label\na.wav,\n');
    expect(() => loadDataset(empty)).toThrow(UserError);
  });
});
