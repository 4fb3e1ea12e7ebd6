/**
 * The entry of a bench script run as `node dist/bench/NAME.js ARGS…`: runs `main` on the arguments when
 * this module is the one node was started with (not when a test or perf.ts imports it); a UserError is
 * one line `NAME: message` and exit 2, anything else a crash with its stack (a bug, not the user's).
 */
import { pathToFileURL } from 'node:url';
import { UserError } from '../host/errors.js';

export async function runIfMain(moduleUrl: string, name: string, main: (args: string[]) => Promise<void>): Promise<void> {
  if (moduleUrl !== pathToFileURL(process.argv[1] ?? '').href) return;
  try {
    await main(process.argv.slice(2));
  } catch (e) {
    if (!(e instanceof UserError)) throw e;
    console.error(`${name}: ${e.message}`);
    process.exitCode = 2;
  }
}
