/**
 * `aon-cim correct-targets --model IN.aonw --out OUT.aonw [--force]`: a copy of a weight image marked
 * for mean-corrected programming (models/image/programming-targets.ts): the chip then programs targets
 * whose expected weight is the trained one. For images trained before the trainer marked its images
 * itself (`train --targets`). The weights, the trained network, are unchanged.
 */
import { existsSync, realpathSync } from 'node:fs';
import type { Command } from 'commander';
import { UserError } from '../errors.js';
import { loadWeightImage } from '../../models/image/load.js';
import { writeWeightImage } from '../../models/image/format.js';
import { correctionSummary, withCorrectedTargets } from '../../models/image/programming-targets.js';
import type { Io } from './io.js';
import type { RegisterCommand } from './command.js';
import { checkOutputPath, writeOutput } from './output-path.js';

interface CorrectFlags {
  model: string;
  out: string;
  force?: boolean;
}

export const register: RegisterCommand = (program: Command, io: Io) => {
  program
    .command('correct-targets')
    .description('copy a weight image, marked so that the chip programs targets that cancel the PCM\'s mean programming error (its average weight = the trained weight)')
    .requiredOption('--model <image>', 'weight image (.aonw) to correct')
    .requiredOption('--out <image>', 'where to write the corrected image (never overwritten without --force)')
    .option('--force', 'overwrite an existing --out image')
    .action((flags: CorrectFlags) => {
      const image = loadWeightImage(flags.model);
      if (image.training.targets === 'mean-corrected') throw new UserError(`${flags.model} is already marked for mean-corrected targets`);
      checkOutputPath(flags.out, '--out');
      if (existsSync(flags.out)) {
        if (realpathSync(flags.out) === realpathSync(flags.model)) throw new UserError('--out is the --model image itself; write the copy elsewhere');
        if (!flags.force) throw new UserError(`--out ${flags.out} exists; add --force to overwrite it`);
      }
      const corrected = withCorrectedTargets(image);
      writeOutput(flags.out, writeWeightImage(corrected));
      const { moved, residual, atBound } = correctionSummary(image);
      io.out(
        `wrote ${flags.out}: ${image.network}, ${image.layers.length} layers; targets moved by up to ${(100 * moved).toFixed(2)} % of W_max; ` +
          `expected programmed weights within ${(100 * residual).toExponential(1)} % of W_max of the trained ones ` +
          `(${(100 * atBound).toFixed(1)} % of the weights are at ±W_max, where the array cannot go further)\n`,
      );
    });
};
