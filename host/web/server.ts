/**
 * The HTTP server of `aon-cim serve`: the web page built into dist/web/ (web/build.mjs), and nothing else.
 * The files it may serve are listed once at start (a walk of that folder, regular files only); a request
 * is answered only when its decoded path is one of them, so `..`, encoded `%2e%2e/`, absolute paths and
 * symbolic links out of the folder all get 404. GET and HEAD only; localhost by default.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { extname, join } from 'node:path';
import { UserError } from '../errors.js';
import { repoPath } from '../paths.js';

export const DEFAULT_PORT = 8080;
export const DEFAULT_HOST = '127.0.0.1';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.map': 'application/json',
  '.wasm': 'application/wasm',
  '.png': 'image/png',
  '.aonw': 'application/octet-stream',
};

/** Blob and MediaStream URLs for the video and picked images; 'wasm-unsafe-eval' to compile the chip. */
const CSP = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; worker-src 'self'; img-src 'self' blob: data:; media-src 'self' blob: mediastream:; style-src 'self' 'unsafe-inline'; connect-src 'self'";

/** The page's folder: dist/web of the package. */
export function webRoot(): string {
  return repoPath('dist', 'web');
}

/** URL path ("/app.js") → file, for every regular file under `root`. */
export function servedFiles(root: string): Map<string, string> {
  const files = new Map<string, string>();
  const walk = (dir: string, url: string) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, e.name);
      if (e.isDirectory()) walk(path, `${url}${e.name}/`);
      else if (e.isFile()) files.set(`${url}${e.name}`, path);
    }
  };
  walk(root, '/');
  return files;
}

export interface RunningServer {
  /** http://host:port/ as a browser would open it. */
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
}

export interface ServeOptions {
  port: number;
  host: string;
  /** Default: webRoot(). */
  root?: string;
}

function listenError(e: NodeJS.ErrnoException, o: ServeOptions): UserError {
  if (e.code === 'EADDRINUSE') return new UserError(`port ${o.port} is in use on ${o.host}: stop the other server or choose another port with --port`);
  if (e.code === 'EACCES') return new UserError(`port ${o.port} on ${o.host} needs privileges: choose a port above 1023 with --port`);
  if (e.code === 'EADDRNOTAVAIL' || e.code === 'ENOTFOUND' || e.code === 'EAI_AGAIN') {
    return new UserError(`cannot listen on host ${o.host}: not an address of this machine (the default is ${DEFAULT_HOST})`);
  }
  return new UserError(`cannot listen on ${o.host}:${o.port}: ${e.message}`);
}

/** Start serving; resolves once listening. */
export async function startServer(o: ServeOptions): Promise<RunningServer> {
  const root = o.root ?? webRoot();
  let files: Map<string, string>;
  try {
    if (!statSync(join(root, 'index.html')).isFile()) throw new Error('not a file');
    files = servedFiles(root);
  } catch {
    throw new UserError(`the web page is not built (${join(root, 'index.html')} missing): run "npm run build"`);
  }
  const server: Server = createServer((req, res) => {
    const send = (status: number, body: string | Buffer, type = 'text/plain; charset=utf-8') => {
      res.writeHead(status, {
        'Content-Type': type,
        'Content-Length': Buffer.byteLength(body),
        'Cache-Control': 'no-cache',
        'X-Content-Type-Options': 'nosniff',
        'Content-Security-Policy': CSP,
        'Referrer-Policy': 'no-referrer',
      });
      res.end(req.method === 'HEAD' ? undefined : body);
    };
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.setHeader('Allow', 'GET, HEAD');
      return send(405, 'method not allowed\n');
    }
    // Only the path of a request like "GET /app.js?x" counts; it must name one of the listed files.
    const raw = (req.url ?? '/').split('?')[0]!.split('#')[0]!;
    let path: string;
    try {
      path = decodeURIComponent(raw);
    } catch {
      return send(404, 'not found\n');
    }
    if (path === '/') path = '/index.html';
    const file = raw.startsWith('/') ? files.get(path) : undefined;
    if (file === undefined) return send(404, 'not found\n');
    let body: Buffer;
    try {
      body = readFileSync(file);
    } catch {
      return send(404, 'not found\n');
    }
    send(200, body, TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream');
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (e: NodeJS.ErrnoException) => reject(listenError(e, o)));
    server.listen(o.port, o.host, () => resolve());
  });
  const addr = server.address();
  const port = typeof addr === 'object' && addr ? addr.port : o.port;
  const shownHost = o.host.includes(':') ? `[${o.host}]` : o.host;
  return {
    url: `http://${shownHost}:${port}/`,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Loopback addresses, where browsers allow the microphone and camera over plain http. */
export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\./.test(host);
}
