/**
 * The Speech Commands subset in ../shared/data/speech_commands (index.csv: path,label,word,speaker,source).
 * Tests and benchmarks only; the runtime and the demo never need it.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseCsv } from '../csv.js';
import { UserError } from '../errors.js';
import { sharedDataDir } from '../paths.js';

export interface SpeechCommandsEntry {
  /** Absolute path of the WAV. */
  readonly path: string;
  readonly label: string;
  readonly word: string;
  readonly speaker: string;
  readonly source: string;
}

export function speechCommandsDir(): string {
  return join(sharedDataDir(), 'speech_commands');
}

export function readSpeechCommandsIndex(dir: string = speechCommandsDir()): SpeechCommandsEntry[] {
  let text: string;
  try {
    text = readFileSync(join(dir, 'index.csv'), 'utf8');
  } catch {
    throw new UserError(`${join(dir, 'index.csv')}: cannot read the Speech Commands index (set AONCIM_DATA to the shared data directory)`);
  }
  const table = parseCsv(text);
  const header = table.header.join(',');
  if (header !== 'path,label,word,speaker,source') throw new UserError(`${join(dir, 'index.csv')}: unexpected header "${header}"`);
  return table.rows.map(([path, label, word, speaker, source]) => ({
    path: join(dir, path ?? ''),
    label: label ?? '',
    word: word ?? '',
    speaker: speaker ?? '',
    source: source ?? '',
  }));
}
