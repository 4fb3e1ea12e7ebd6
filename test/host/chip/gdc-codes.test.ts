// Opt-in measurement for docs/drift-compensation.md (skipped unless AONCIM_GDC_CODES=1; needs ../shared/data):
// how the ADC codes of a shipped image are used after drift with digital and analog GDC. The codes come
// from the independent interpreter fed the chip's drifted cells and α (gdc-mode.test.ts proves it equals
// the chip bit for bit); a few logits are checked against the chip here too.
//   AONCIM_GDC_CODES=1 npx vitest run test/host/chip/gdc-codes.test.ts
// Optional: AONCIM_GDC_TASK=kws|vww, AONCIM_GDC_BITS=4|6|8 (image models/<task>/full-<bits>.aonw), AONCIM_GDC_N=40.
import { readFileSync } from 'node:fs';
import { it, expect } from 'vitest';
import { readWeightImage } from '../../../models/image/format.js';
import type { Chip } from '../../../host/chip/chip.js';
import type { ArrayRect, Bits } from '../../../host/chip/program.js';
import { deploy } from '../../../host/runtime/deploy.js';
import { evalInputs, loadEvalSet } from '../../../host/eval/evaluate.js';
import { repoPath } from '../../../host/paths.js';
import { quantizedReference } from './quantized-reference.js';
import { cellsOf } from './cells.js';

const on = process.env['AONCIM_GDC_CODES'] === '1';
const task = (process.env['AONCIM_GDC_TASK'] ?? 'kws') as 'kws' | 'vww';
const bits = Number(process.env['AONCIM_GDC_BITS'] ?? 4) as Bits;
const count = Number(process.env['AONCIM_GDC_N'] ?? 40);
const TIMES: Array<[string, number]> = [['25s', 25], ['1d', 86_400], ['1y', 365 * 86_400]];


it.skipIf(!on)(`ADC code use of ${task} full-${bits}, digital vs analog GDC (paper preset, seed 0, run 0)`, async () => {
  const image = readWeightImage(new Uint8Array(readFileSync(repoPath('models', task, `full-${bits}.aonw`))), task);
  const ds = loadEvalSet(task, repoPath('..', 'shared', 'data'));
  const { inputs } = evalInputs({ task, examples: 'held-out', limit: count }, ds, [image.training]);
  const aMax = 2 ** (bits - 1) - 1;
  const lines = [`${task} full-${bits}, ${inputs.count} held-out examples; per layer: mean |code|, % of codes at ±${aMax} (a layer split into row pieces sums several codes: its clip share is left out)`];
  for (const mode of ['digital', 'analog'] as const) {
    const { chip, program } = await deploy(task, image, { preset: 'paper', bits, seed: 0, run: 0, gdc: mode });
    const split = program.layers.map((L) => new Set(L.pieces.map((p) => p.rowStart)).size > 1);
    for (const [name, t] of TIMES) {
      chip.drift(t);
      const alpha = chip.gdcFactors();
      const n = program.layers.map(() => 0);
      const sumAbs = program.layers.map(() => 0);
      const atClip = program.layers.map(() => 0);
      let zeros = 0, all = 0;
      for (let k = 0; k < inputs.count; k++) {
        const x = inputs.x.subarray(k * inputs.inputSize, (k + 1) * inputs.inputSize);
        const logits = quantizedReference(program, x, bits, {
          cells: (r) => cellsOf(chip, r),
          alpha,
          gdcMode: mode,
          onCodes: (l, codes) => {
            for (const a of codes) {
              n[l]!++;
              sumAbs[l]! += Math.abs(a);
              if (Math.abs(a) === aMax) atClip[l]!++;
              if (a === 0) zeros++;
              all++;
            }
          },
        });
        if (k < 2) expect(Array.from(chip.infer(x))).toEqual(Array.from(logits));
      }
      const cells = program.layers.map((L, l) => `${L.name} ${(sumAbs[l]! / n[l]!).toFixed(2)}${split[l] ? '' : ` ${((100 * atClip[l]!) / n[l]!).toFixed(1)}%`}`);
      lines.push(`${mode.padEnd(7)} ${name.padStart(3)}  α ${Math.min(...alpha).toFixed(3)}–${Math.max(...alpha).toFixed(3)}  zero codes ${((100 * zeros) / all).toFixed(1)}%  ${cells.join(' · ')}`);
    }
  }
  console.log(lines.join('\n'));
}, 1_800_000);
