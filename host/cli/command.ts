/** What every subcommand module exports as `register`; its own module so subcommands need not import main.ts. */
import type { Command } from 'commander';
import type { Io } from './io.js';

/** A subcommand module: adds itself to the program; writes only through `io`. */
export type RegisterCommand = (program: Command, io: Io) => void;
