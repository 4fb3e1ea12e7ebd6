/**
 * The chip and model flags every inference subcommand takes (contracts.md §5): --model, --bits, --drift,
 * --preset, --seed, --no-gdc, with the contract's defaults (image's bits, 25 s, paper, seed 0, GDC on),
 * and --gdc digital|analog (where GDC acts; digital, the paper's chip, unless asked).
 * One definition, so `kws`, `vww` and `demo` parse and describe them alike.
 */
import { InvalidArgumentError, type Command } from 'commander';
import type { GdcMode, GdcSetting } from '../chip/chip.js';
import type { Bits, Preset } from '../chip/program.js';
import type { InferenceSettings } from '../runtime/deploy.js';
import { optionWithDefault, parseBits, parseDuration, parseNonNegInt, parsePreset } from './options.js';
import { MAX_COPIES } from '../../assembly/program-layout.js';

/** What commander hands the action for these flags. */
export interface ChipFlags {
  model?: string;
  bits?: Bits;
  /** Seconds since programming. */
  drift: number;
  preset: Preset;
  seed: number;
  gdc: boolean;
  /** Where GDC acts when on (set from --gdc; absent = digital). */
  gdcMode?: GdcMode;
  /** --replicate's (layer, K) pairs (host/compiler/replicate.ts); absent = none. */
  replicate?: Array<[string, number]>;
}

export function parseGdcMode(v: string): GdcMode {
  if (v === 'digital' || v === 'analog') return v;
  throw new InvalidArgumentError(`GDC mode must be digital or analog (got "${v}")`);
}

/** --gdc's help: analog is a hardware change (a per-layer analog gain), so say so where it is offered. */
export const GDC_MODE_HELP =
  'where drift compensation acts: digital (on the ADC codes, the paper\'s chip; default) or analog (on the ADC input: a per-layer analog gain, a hardware change)';

/** `--replicate`'s help. */
export const REPLICATE_HELP =
  `program LAYER's weights onto K copies of its rows (K 1–${MAX_COPIES}; the ADC takes the sum ÷ K: noise ÷ √K, K× rows), e.g. stem=4; input=K: every layer that reads the network input (a hardware option, off by default)`;

/** `--replicate`'s text as (name, K) pairs, in order; bad syntax or K outside 1…8 is an argument error. */
export function parseReplicate(v: string): Array<[string, number]> {
  const pairs = v.split(',').map((s) => s.trim());
  return pairs.map((pair): [string, number] => {
    const m = /^([A-Za-z0-9_.-]+)=(\S+)$/.exec(pair);
    if (!m) throw new InvalidArgumentError(`--replicate takes LAYER=K[,LAYER=K…] (got "${pair}")`);
    const k = Number(m[2]);
    if (!Number.isInteger(k) || k < 1 || k > MAX_COPIES) throw new InvalidArgumentError(`--replicate ${m[1]}=${m[2]}: K must be an integer 1–${MAX_COPIES}`);
    return [m[1]!, k];
  });
}

/** The settings a classifier factory takes (host/kws/chip-classifier.ts, host/vision/classifier.ts). */
export type ChipSettings = InferenceSettings & { onNote: (message: string) => void };

export interface ChipFlagChoices {
  /** Network named in the --model help ("KWS", "VWW"); omit to leave out --model and --bits (demo). */
  network?: string;
}

/** Add the flags, in the order the help lists them. */
export function addChipFlags(cmd: Command, o: ChipFlagChoices = {}): Command {
  if (o.network !== undefined) {
    cmd
      .option('--model <image>', `weight image file (default: the shipped ${o.network} image)`)
      .option('--bits <bits>', 'converter bits 8|6|4 (default: the image\'s)', parseBits)
      .option('--replicate <LAYER=K,…>', REPLICATE_HELP, parseReplicate);
  }
  return cmd
    .addOption(optionWithDefault('--drift <time>', 'time since programming: 25s, 1h, 1d, 1mo, 1y', parseDuration, '25s'))
    .addOption(optionWithDefault('--preset <preset>', 'device model: paper|aihwkit|ideal', parsePreset, 'paper'))
    .option('--seed <n>', 'random seed', parseNonNegInt, 0)
    .option('--no-gdc', 'turn global drift compensation off')
    .option('--gdc <mode>', GDC_MODE_HELP, parseGdcMode)
    .hook('preAction', (c) => {
      // --no-gdc and --gdc share commander's key "gdc" (false | mode, last one wins): split it into on/off and the mode.
      const g = c.getOptionValue('gdc') as GdcSetting;
      c.setOptionValue('gdcMode', typeof g === 'string' ? g : 'digital');
      c.setOptionValue('gdc', g !== false);
    });
}

export function chipSettings(flags: ChipFlags, onNote: (message: string) => void): ChipSettings {
  // Digital stays `true`, as before the modes existed; only analog is named.
  const gdc: GdcSetting = flags.gdc && flags.gdcMode === 'analog' ? 'analog' : flags.gdc;
  return { model: flags.model, bits: flags.bits, driftS: flags.drift, preset: flags.preset, seed: flags.seed, gdc, onNote, ...(flags.replicate ? { replicate: flags.replicate } : {}) };
}
