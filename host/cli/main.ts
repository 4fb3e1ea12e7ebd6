/**
 * `aon-cim` — one CLI, one file per subcommand (host/cli/<name>.ts exports `register`).
 * User errors (bad flags, bad files) end as one line on stderr and exit code 2; never a stack trace.
 */
import { Command, CommanderError } from 'commander';
import { isUserError } from '../errors.js';
import type { RegisterCommand } from './command.js';
import { ExitStatus, processIo, type Io } from './io.js';

// Each subcommand adds one line here.
const commands: Array<() => Promise<{ register: RegisterCommand }>> = [
  () => import('./eval.js'),
  () => import('./ablation.js'),
  () => import('./merge.js'),
  () => import('./train.js'),
  () => import('./device.js'),
  () => import('./export-onnx.js'),
  () => import('./correct-targets.js'),
  () => import('./vww.js'),
  () => import('./energy.js'),
  () => import('./map.js'),
  () => import('./mfcc.js'),
  () => import('./kws.js'),
  () => import('./demo.js'),
  () => import('./teacher.js'),
  () => import('./serve.js'),
];

/**
 * Commander's own messages ("error: unknown option '--x'", sometimes with a second "(Did you mean …?)"
 * line) as one line in the CLI's format, with the pointer to --help that every parse error gets.
 */
export function commanderErrorLine(message: string): string {
  const text = message.replace(/^error:\s*/i, '').trim().replace(/\s*\n\s*/g, ' ');
  return `aon-cim: error: ${text} (run with --help for usage)\n`;
}

/** The root command, writing through `io`, with commander's exits turned into exceptions. */
export function createProgram(io: Io): Command {
  return new Command('aon-cim')
    .description('Emulated AON-CiM analog PCM accelerator for always-on TinyML (AnalogNets, arXiv 2111.06503)')
    .version('0.1.0')
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.out(s), writeErr: (s) => io.err(s), outputError: (s, write) => write(commanderErrorLine(s)) });
}

/** Parse and run `argv`; returns the exit code (0 ok, 2 user error, 1 a bug in aon-cim). */
export async function runProgram(program: Command, argv: string[], io: Io): Promise<number> {
  try {
    await program.parseAsync(argv, { from: 'user' });
    return 0;
  } catch (e) {
    if (e instanceof CommanderError) {
      // help and version "errors" are normal exits; commander already printed the message.
      return e.exitCode === 0 ? 0 : 2;
    }
    if (e instanceof ExitStatus) return e.code;
    if (isUserError(e)) {
      io.err(`aon-cim: error: ${e.message}\n`);
      return 2;
    }
    const err = e as Error;
    io.err(`aon-cim: internal error (please report): ${err?.stack ?? String(e)}\n`);
    return 1;
  }
}

export async function main(argv: string[], io: Io = processIo): Promise<number> {
  const program = createProgram(io);
  for (const load of commands) (await load()).register(program, io);
  if (argv.length === 0) {
    program.outputHelp();
    return 0;
  }
  return runProgram(program, argv, io);
}
