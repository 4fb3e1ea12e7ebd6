import { describe, expect, it } from 'vitest';
import { csvRecords, parseCsv, splitCsvLine } from '../../host/csv.js';

describe('splitCsvLine', () => {
  it('splits plain and RFC 4180 quoted fields', () => {
    expect(splitCsvLine('a,b,,c')).toEqual(['a', 'b', '', 'c']);
    expect(splitCsvLine('"x,y",z,"he said ""hi"""')).toEqual(['x,y', 'z', 'he said "hi"']);
  });
});

describe('parseCsv / csvRecords (every index.csv reader: eval, Speech Commands, the trainer)', () => {
  it('skips blank lines, keeps file line numbers, quotes as splitCsvLine, CRLF too', () => {
    const t = parseCsv('path,label\r\n\r\n"a,1.wav",yes\r\nb.wav,no\r\n\r\n');
    expect(t.header).toEqual(['path', 'label']);
    expect(t.rows).toEqual([['a,1.wav', 'yes'], ['b.wav', 'no']]);
    expect(t.lineNumbers).toEqual([3, 4]);
  });

  it('keys records by column name, missing cells empty', () => {
    expect(csvRecords(parseCsv('path,label,speaker\nx.wav,yes\n'))).toEqual([{ path: 'x.wav', label: 'yes', speaker: '' }]);
  });

  it('an empty text has no header and no rows', () => {
    expect(parseCsv('\n \n')).toEqual({ header: [], rows: [], lineNumbers: [] });
  });
});
