/**
 * What the README and the code cite must be in the repository: every relative link of the README and
 * the docs resolves, and every "contracts.md §N" / "pcm-model.md §N" names a section of docs/contracts.md
 * or docs/pcm-model.md (they were cited from outside the repository before).
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { packageRoot } from '../../host/paths.js';

function files(dir: string, ext: RegExp): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) return name === 'node_modules' ? [] : files(p, ext);
    return ext.test(name) ? [p] : [];
  });
}

const sources = [
  join(packageRoot, 'README.md'),
  join(packageRoot, 'demo', 'README.md'),
  ...files(join(packageRoot, 'docs'), /\.md$/),
  ...['host', 'models', 'bench'].flatMap((d) => files(join(packageRoot, d), /\.ts$/)),
];

/** "## 7. Scope decisions" → 7 */
function sections(doc: string): Set<number> {
  const text = readFileSync(join(packageRoot, 'docs', doc), 'utf8');
  return new Set([...text.matchAll(/^## (\d+)\. /gm)].map((m) => Number(m[1])));
}

describe('citations resolve inside the repository', () => {
  it('contracts §N and pcm-model §N name sections of docs/contracts.md and docs/pcm-model.md', () => {
    const have = { contracts: sections('contracts.md'), 'pcm-model': sections('pcm-model.md') };
    const missing: string[] = [];
    let cited = 0;
    for (const f of sources) {
      const text = readFileSync(f, 'utf8');
      for (const m of text.matchAll(/(contracts|pcm-model)(?:\.md)?\]?(?:\([^)]*\))?\s*§(\d+)(?:(?:,| and)\s*§?(\d+))?/g)) {
        for (const n of [m[2], m[3]].filter(Boolean).map(Number)) {
          cited++;
          if (!have[m[1] as 'contracts' | 'pcm-model'].has(n)) missing.push(`${relative(packageRoot, f)}: ${m[1]} §${n}`);
        }
      }
    }
    expect(cited).toBeGreaterThan(20);
    expect(missing).toEqual([]);
  });

  it("the READMEs' and docs' relative links point at files that exist", () => {
    const broken: string[] = [];
    for (const f of sources.filter((p) => p.endsWith('.md'))) {
      for (const m of readFileSync(f, 'utf8').matchAll(/\]\(([^)#\s]+)(?:#[^)]*)?\)/g)) {
        const target = m[1]!;
        if (/^[a-z]+:/.test(target)) continue; // http:, mailto:
        if (!existsSync(join(dirname(f), target))) broken.push(`${relative(packageRoot, f)} → ${target}`);
      }
    }
    expect(broken).toEqual([]);
  });

  it('the README cites the docs, not files outside the repository', () => {
    const readme = readFileSync(join(packageRoot, 'README.md'), 'utf8');
    expect(readme).toMatch(/\[docs\/contracts\.md\]\(docs\/contracts\.md\) §7/);
    expect(readme).toMatch(/\[docs\/pcm-model\.md\]\(docs\/pcm-model\.md\) §5/);
  });
});
