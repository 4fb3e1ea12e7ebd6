/**
 * `aon-cim correct-targets --model IN.aonw --out OUT.aonw [--force]`: a copy of a weight image whose
 * programming targets cancel the PCM's mean programming error (models/image/programming-targets.ts).
 * For images trained before the trainer did this itself (`train --targets`). The trained network is
 * unchanged: float baselines and ONNX export read it back from the targets.
 */
import { existsSync, realpathSync } from 'node:fs';
import type { Command } from 'commander';
import { UserError } from '../errors.js';
import { loadWeightImage } from '../../models/image/load.js';
import { writeWeightImage } from '../../models/image/format.js';
import { expectedWeightNorm, withCorrectedTargets } from '../../models/image/programming-targets.js';
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
    .description('copy a weight image with programming targets that cancel the PCM\'s mean programming error (the chip\'s average weight = the trained weight)')
    .requiredOption('--model <image>', 'weight image (.aonw) to correct')
    .requiredOption('--out <image>', 'where to write the corrected image (never overwritten without --force)')
    .option('--force', 'overwrite an existing --out image')
    .action((flags: CorrectFlags) => {
      const image = loadWeightImage(flags.model);
      if (image.training.targets === 'mean-corrected') throw new UserError(`${flags.model} already holds mean-corrected targets`);
      checkOutputPath(flags.out, '--out');
      if (existsSync(flags.out)) {
        if (realpathSync(flags.out) === realpathSync(flags.model)) throw new UserError('--out is the --model image itself; write the copy elsewhere');
        if (!flags.force) throw new UserError(`--out ${flags.out} exists; add --force to overwrite it`);
      }
      const corrected = withCorrectedTargets(image);
      writeOutput(flags.out, writeWeightImage(corrected));
      // What moved: the largest change of a target and how far the corrected image's expected weights are from the trained ones.
      // Targets at ±W_max cannot move further: those weights keep a shrinkage of m(1) − m(0) − 1 ≈ −0.42 % of W_max.
      let moved = 0;
      let residual = 0;
      let atBound = 0;
      let total = 0;
      corrected.layers.forEach((l, i) => {
        const w = image.layers[i]!.weights;
        total += w.length;
        for (let k = 0; k < w.length; k++) {
          const y = l.weights[k]! / l.wMax;
          moved = Math.max(moved, Math.abs(l.weights[k]! - w[k]!) / l.wMax);
          if (Math.abs(y) >= 1 - 1e-6) atBound++;
          else residual = Math.max(residual, Math.abs(expectedWeightNorm(y) - w[k]! / l.wMax));
        }
      });
      io.out(
        `wrote ${flags.out}: ${image.network}, ${image.layers.length} layers; targets moved by up to ${(100 * moved).toFixed(2)} % of W_max; ` +
          `expected programmed weights within ${(100 * residual).toExponential(1)} % of W_max of the trained ones ` +
          `(${(100 * atBound / total).toFixed(1)} % of the weights are at ±W_max, where the array cannot go further)\n`,
      );
    });
};
