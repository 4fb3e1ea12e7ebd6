/**
 * `npm ci` on a clean clone must work offline-safe and quietly: npm reads no project config key it does
 * not know (each npm call would warn), and no dependency's install script runs unreviewed (npm 11 warns
 * about each; onnxruntime-node's downloads binaries and fails offline, so it lives in bench/ort/).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { packageRoot } from '../../host/paths.js';

interface Lock {
  packages: Record<string, { version?: string; hasInstallScript?: boolean; dev?: boolean }>;
}
interface Pkg {
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
  allowScripts?: Record<string, boolean>;
}

const read = <T>(path: string): T => JSON.parse(readFileSync(path, 'utf8')) as T;

/** Lock entries with an install script that allowScripts does not decide (npm 11 warns about each). */
function unreviewedInstallScripts(dir: string): string[] {
  const pkg = read<Pkg>(join(dir, 'package.json'));
  const lock = read<Lock>(join(dir, 'package-lock.json'));
  return Object.entries(lock.packages)
    .filter(([, p]) => p.hasInstallScript)
    .map(([path]) => path.slice(path.lastIndexOf('node_modules/') + 'node_modules/'.length))
    .filter((name) => pkg.allowScripts?.[name] === undefined);
}

describe('a quiet, offline-safe install', () => {
  it('npm warns about no project config (no unknown .npmrc keys)', () => {
    const npmrc = join(packageRoot, '.npmrc');
    if (existsSync(npmrc)) {
      // Only npm's own settings belong there; a package's flag (e.g. onnxruntime-node-install) is "unknown".
      const keys = readFileSync(npmrc, 'utf8').split('\n').map((l) => l.replace(/[#;].*/, '').split('=')[0]!.trim()).filter(Boolean);
      expect(keys.filter((k) => k.includes('onnxruntime'))).toEqual([]);
    }
    const r = spawnSync('npm', ['config', 'get', 'registry'], { cwd: packageRoot, encoding: 'utf8' });
    expect(r.stdout.trim()).toMatch(/^https?:\/\//);
    expect(r.stderr).not.toMatch(/Unknown (project|user|env|cli) config/);
  });

  it('no install script downloads anything: the native ORT peer is not a dependency, every script is reviewed', () => {
    const pkg = read<Pkg>(join(packageRoot, 'package.json'));
    expect({ ...pkg.dependencies, ...pkg.devDependencies }).not.toHaveProperty('onnxruntime-node');
    const lock = read<Lock>(join(packageRoot, 'package-lock.json'));
    expect(lock.packages).not.toHaveProperty('node_modules/onnxruntime-node');
    expect(unreviewedInstallScripts(packageRoot)).toEqual([]);
  });

  it("the benchmark's peer installs apart, in bench/ort/, with its script off", () => {
    const dir = join(packageRoot, 'bench', 'ort');
    expect(read<Pkg>(join(dir, 'package.json')).dependencies).toHaveProperty('onnxruntime-node');
    expect(unreviewedInstallScripts(dir)).toEqual([]);
    const scripts = read<{ scripts: Record<string, string> }>(join(packageRoot, 'package.json')).scripts;
    expect(scripts['bench:deps']).toMatch(/npm ci --prefix bench\/ort --ignore-scripts/);
    expect(scripts['bench']).toMatch(/npm run bench:deps/);
  });
});
