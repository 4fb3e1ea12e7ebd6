/**
 * `aon-cim serve [--port 8080] [--host 127.0.0.1]`: serves the web page (web/, built into dist/web by
 * `npm ci`) — live microphone KWS and camera VWW on the emulated chip in the browser, with the energy
 * meter and the drift slider (docs/web.md). Runs until Ctrl-C. The server is host/web/server.ts.
 */
import { InvalidArgumentError, type Command } from 'commander';
import { DEFAULT_HOST, DEFAULT_PORT, isLoopback, startServer, type RunningServer } from '../web/server.js';
import type { RegisterCommand } from './command.js';
import { noteWriter, type Io } from './io.js';

export function parsePort(v: string): number {
  const n = Number(v);
  if (!/^\s*\d+\s*$/.test(v) || !Number.isSafeInteger(n) || n > 65_535) {
    throw new InvalidArgumentError(`port must be an integer from 0 to 65535 (0: any free port) (got "${v}")`);
  }
  return n;
}

interface ServeFlags {
  port: number;
  host: string;
}

/** The command; `started` lets tests stop the server (the CLI waits for Ctrl-C). */
export function registerServe(started?: (s: RunningServer) => Promise<void>): RegisterCommand {
  return (program: Command, io: Io) => {
    program
      .command('serve')
      .description('serve the web page: live microphone KWS and camera VWW on the emulated chip, in the browser')
      .option('--port <n>', `TCP port (0: any free port)`, parsePort, DEFAULT_PORT)
      .option('--host <address>', 'address to listen on; browsers allow the microphone and camera over http only on localhost', DEFAULT_HOST)
      .action(async (flags: ServeFlags) => {
        const server = await startServer({ port: flags.port, host: flags.host });
        if (!isLoopback(flags.host)) {
          noteWriter(io)(`listening on ${flags.host}: other machines can reach the page; their browsers allow the microphone and camera only over https`);
        }
        io.out(`serving the emulated chip's page at ${server.url} (Ctrl-C stops)\n`);
        if (started) return started(server);
        await new Promise<void>((resolve) => {
          const stop = () => {
            process.off('SIGINT', stop);
            process.off('SIGTERM', stop);
            void server.close().then(resolve);
          };
          process.once('SIGINT', stop);
          process.once('SIGTERM', stop);
        });
      });
  };
}

export const register: RegisterCommand = registerServe();
