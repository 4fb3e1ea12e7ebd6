/**
 * The one CSV reader (the data sets' index.csv files): RFC 4180 quoting within a line; one record per
 * non-blank line (quoted fields holding line breaks are not supported: no index has them).
 */

/** Split one CSV line (RFC 4180 quoting: "a,b" and "" escapes). */
export function splitCsvLine(line: string): string[] {
  const out: string[] = [];
  let cur = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i]!;
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') {
        cur += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cur += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      out.push(cur);
      cur = '';
    } else cur += ch;
  }
  out.push(cur);
  return out;
}

export interface CsvTable {
  /** The first line's cells, as written. */
  header: string[];
  /** One per following line: its cells, index for index with the header (missing cells are absent). */
  rows: string[][];
  /** Line number in the file (1-based) of each row, for messages. */
  lineNumbers: number[];
}

/** The non-blank lines of a CSV text split into cells; empty header when the text has none. */
export function parseCsv(text: string): CsvTable {
  const table: CsvTable = { header: [], rows: [], lineNumbers: [] };
  let first = true;
  text.split(/\r?\n/).forEach((line, i) => {
    if (line.trim() === '') return;
    if (first) {
      table.header = splitCsvLine(line);
      first = false;
      return;
    }
    table.rows.push(splitCsvLine(line));
    table.lineNumbers.push(i + 1);
  });
  return table;
}

/** Each row as an object keyed by the header's column names ('' for a missing cell). */
export function csvRecords(table: CsvTable): Array<Record<string, string>> {
  return table.rows.map((cells) => Object.fromEntries(table.header.map((h, i) => [h, cells[i] ?? ''])));
}
