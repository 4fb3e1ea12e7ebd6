import { request } from 'node:http';
import { createServer } from 'node:net';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordingIo } from '../../host/cli/io.js';
import { createProgram, runProgram } from '../../host/cli/main.js';
import { registerServe } from '../../host/cli/serve.js';
import { repoPath } from '../../host/paths.js';
import { startServer, type RunningServer } from '../../host/web/server.js';

/** A raw GET: the path goes on the wire exactly as given (fetch would normalize "/../"). */
function get(port: number, path: string, method = 'GET'): Promise<{ status: number; type: string; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method }, (res) => {
      const parts: Buffer[] = [];
      res.on('data', (c: Buffer) => parts.push(c));
      res.on('end', () => resolve({ status: res.statusCode!, type: String(res.headers['content-type']), body: Buffer.concat(parts) }));
    });
    req.on('error', reject);
    req.end();
  });
}

/** A fake page folder next to a secret, with a symlink pointing out. */
function fakeRoot(): { root: string; secret: string } {
  const dir = mkdtempSync(join(tmpdir(), 'aoncim-serve-'));
  const root = join(dir, 'web');
  mkdirSync(join(root, 'models'), { recursive: true });
  writeFileSync(join(root, 'index.html'), '<!doctype html><title>page</title>');
  writeFileSync(join(root, 'app.js'), 'console.log(1)');
  writeFileSync(join(root, 'models', 'm.aonw'), 'w');
  const secret = join(dir, 'secret.txt');
  writeFileSync(secret, 'do not serve');
  symlinkSync(secret, join(root, 'link.txt'));
  return { root, secret };
}

describe('aon-cim serve: the server', () => {
  let server: RunningServer;
  beforeAll(async () => {
    server = await startServer({ port: 0, host: '127.0.0.1', root: fakeRoot().root });
  });
  afterAll(() => server.close());

  it('serves its own files with their types, / as index.html', async () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    const index = await get(server.port, '/');
    expect(index.status).toBe(200);
    expect(index.type).toContain('text/html');
    expect((await get(server.port, '/app.js?v=1')).type).toContain('text/javascript');
    expect((await get(server.port, '/models/m.aonw')).status).toBe(200);
    const head = await get(server.port, '/app.js', 'HEAD');
    expect([head.status, head.body.length]).toEqual([200, 0]);
    expect((await get(server.port, '/app.js', 'POST')).status).toBe(405);
  });

  it('answers 404 to path traversal, encoded or not, absolute paths and links out of its folder', async () => {
    const attempts = [
      '/../package.json',
      '/../../package.json',
      '/%2e%2e/package.json',
      '/%2e%2e%2fpackage.json',
      '/models/..%2f..%2fsecret.txt',
      '/..%5c..%5csecret.txt',
      '//etc/passwd',
      '/etc/passwd',
      `/${repoPath('package.json')}`,
      repoPath('package.json'),
      'http://127.0.0.1/../package.json',
      '/link.txt',
      '/models',
      '/models/',
      '/%ff%fe',
      '/index.html%00',
    ];
    for (const path of attempts) {
      const r = await get(server.port, path);
      expect({ path, status: r.status }).toEqual({ path, status: 404 });
      expect(r.body.toString()).not.toContain('do not serve');
    }
  });
});

async function serveCli(args: string[]): Promise<{ code: number; stdout: string; stderr: string; url?: string }> {
  const io = recordingIo();
  const program = createProgram(io);
  let url: string | undefined;
  registerServe(async (s) => {
    url = s.url;
    const page = await fetch(s.url);
    expect(page.status).toBe(200);
    await s.close();
  })(program, io);
  const code = await runProgram(program, ['serve', ...args], io);
  return { code, stdout: io.stdout, stderr: io.stderr, ...(url ? { url } : {}) };
}

describe('aon-cim serve: the command', () => {
  it('serves the built page (dist/web, made by npm ci) and prints its URL', async () => {
    expect(readdirSync(repoPath('dist', 'web'))).toEqual(expect.arrayContaining(['index.html', 'app.js', 'chip-worker.js', 'release.wasm']));
    const r = await serveCli(['--port', '0']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^serving the emulated chip's page at http:\/\/127\.0\.0\.1:\d+\/ \(Ctrl-C stops\)\n$/);
  });

  it('a port in use is one error line and exit 2', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as { port: number }).port;
    try {
      const r = await serveCli(['--port', String(port)]);
      expect(r.code).toBe(2);
      expect(r.stderr).toBe(`aon-cim: error: port ${port} is in use on 127.0.0.1: stop the other server or choose another port with --port\n`);
    } finally {
      blocker.close();
    }
  });

  it('a bad --port or --host is one error line and exit 2', async () => {
    for (const port of ['abc', '70000', '-1', '80.5']) {
      const r = await serveCli(['--port', port]);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/^aon-cim: error: .*port must be an integer from 0 to 65535.*\n$/);
    }
    const r = await serveCli(['--port', '0', '--host', '203.0.113.7']);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('aon-cim: error: cannot listen on host 203.0.113.7: not an address of this machine (the default is 127.0.0.1)\n');
  });
});

describe('the page bundle', () => {
  it('contains nothing of Node', () => {
    for (const f of ['app.js', 'chip-worker.js', 'capture-worklet.js']) {
      const js = readFileSync(repoPath('dist', 'web', f), 'utf8');
      expect(js).not.toMatch(/["']node:|require\(["'](fs|path|url|child_process|stream)["']\)|process\.env|process\.stdin/);
    }
  });
});
