#!/usr/bin/env node
// Thin launcher: the CLI is TypeScript compiled to dist/ by `npm ci` (prepare → build).
import { endQuietlyOnClosedOutput } from '../dist/host/cli/io.js';
import { main } from '../dist/host/cli/main.js';

endQuietlyOnClosedOutput();
process.exitCode = await main(process.argv.slice(2));
