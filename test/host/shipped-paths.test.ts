/**
 * Shipped files name other files relative to the repository (the trainer stores `init` and `teacher` that
 * way): no file under models/ or docs/ holds an absolute path of the machine it was made on.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, relative, sep } from 'node:path';
import { expect, it } from 'vitest';
import { packageRoot } from '../../host/paths.js';

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? files(p) : [p];
  });
}

// Where this checkout lives and the home folder, plus /work/, where the shipped images were trained.
const machinePaths = [...new Set([dirname(packageRoot) + sep, homedir() + sep, '/work/'])].filter((p) => p !== sep);

it('no file under models/ or docs/ holds an absolute path of this machine', () => {
  const offenders: string[] = [];
  for (const f of ['models', 'docs'].flatMap((d) => files(join(packageRoot, d)))) {
    const text = readFileSync(f, 'latin1');
    for (const p of machinePaths) if (text.includes(p)) offenders.push(`${relative(packageRoot, f)}: ${p}`);
  }
  expect(offenders).toEqual([]);
});
