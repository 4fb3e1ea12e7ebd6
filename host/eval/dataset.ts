/**
 * A labelled evaluation set: DIR/index.csv with a header naming at least `path` and `label`
 * (other columns ignored), paths relative to DIR — the layout of ../shared/data/speech_commands and vww.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parseCsv } from '../csv.js';
import { UserError } from '../errors.js';
import type { SplitRow } from './split.js';

export interface LabelledItem {
  /** Absolute path of the clip or image. */
  path: string;
  label: string;
}

export interface Dataset {
  dir: string;
  items: LabelledItem[];
  /** The index rows behind `items` (same order): relative path and speaker, for the held-out split. */
  rows: SplitRow[];
}

export function loadDataset(dir: string): Dataset {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new UserError(`data directory not found: ${dir}`);
  const indexPath = join(dir, 'index.csv');
  if (!existsSync(indexPath)) throw new UserError(`${dir} has no index.csv (expected a header "path,label,…" and one row per file)`);
  const table = parseCsv(readFileSync(indexPath, 'utf8'));
  if (table.header.length === 0) throw new UserError(`${indexPath} is empty`);
  const header = table.header.map((h) => h.trim());
  const pathCol = header.indexOf('path');
  const labelCol = header.indexOf('label');
  if (pathCol < 0 || labelCol < 0) throw new UserError(`${indexPath}: header must name "path" and "label" columns (got "${table.header.join(',')}")`);
  const items: LabelledItem[] = [];
  const rows: SplitRow[] = [];
  const speakerCol = header.indexOf('speaker');
  table.rows.forEach((cols, i) => {
    const rel = cols[pathCol]?.trim();
    const label = cols[labelCol]?.trim();
    if (!rel || !label) throw new UserError(`${indexPath}:${table.lineNumbers[i]}: missing path or label`);
    items.push({ path: join(dir, rel), label });
    rows.push({ path: rel, speaker: speakerCol >= 0 ? (cols[speakerCol]?.trim() ?? '') : '' });
  });
  if (items.length === 0) throw new UserError(`${indexPath} lists no files`);
  return { dir, items, rows };
}
