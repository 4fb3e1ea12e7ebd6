/**
 * Where a task's labelled set lives. `--data` may name the data root (../shared/data, holding
 * speech_commands/ and vww/) or the task's own folder (the one with index.csv): both are accepted
 * everywhere, so one path works for every subcommand.
 */
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Task } from '../../models/graphs/types.js';
import { UserError } from '../errors.js';

/** The folder of each task's data set under the data root. */
export const TASK_DATASET: Record<Task, string> = { kws: 'speech_commands', vww: 'vww' };

const isDir = (p: string) => existsSync(p) && statSync(p).isDirectory();

/** The folder holding the task's index.csv: `dir` itself, else `dir`/<speech_commands|vww>. */
export function resolveTaskDataDir(dir: string, task: Task): string {
  if (!isDir(dir)) throw new UserError(`data directory not found: ${dir}`);
  if (existsSync(join(dir, 'index.csv'))) return dir;
  const sub = join(dir, TASK_DATASET[task]);
  if (existsSync(join(sub, 'index.csv'))) return sub;
  throw new UserError(
    `${dir} has no index.csv, nor ${sub}/index.csv: give the data root or the ${task} folder (a header "path,label,…" and one row per file)`,
  );
}
