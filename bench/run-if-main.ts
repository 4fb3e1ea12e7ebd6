/**
 * The entry of a bench script run as `node dist/bench/NAME.js ARGS…`: runs `main` on the arguments when
 * this module is the one node was started with (not when a test or perf.ts imports it); a UserError is
 * one line `NAME: message` and exit 2, anything else a crash with its stack (a bug, not the user's); a
 * reader that closes stdout early ends it quietly.
 */
import { pathToFileURL } from 'node:url';
import { endQuietlyOnClosedOutput } from '../host/cli/io.js';
import { UserError } from '../host/errors.js';

export async function runIfMain(moduleUrl: string, name: string, main: (args: string[]) => Promise<void>): Promise<void> {
  if (moduleUrl !== pathToFileURL(process.argv[1] ?? '').href) return;
  endQuietlyOnClosedOutput(); // `… | head -1` ends the script quietly, as it does the CLI
  try {
    await main(process.argv.slice(2));
  } catch (e) {
    if (!(e instanceof UserError)) throw e;
    console.error(`${name}: ${e.message}`);
    process.exitCode = 2;
  }
}
