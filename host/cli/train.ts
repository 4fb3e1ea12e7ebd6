/**
 * `aon-cim train --task kws|vww --mode baseline|noise|full --bits 8|6|4 [--eta η] [--epochs N]
 * [--steps N] [--batch 64] [--lr 1e-3] [--init IMAGE] [--out IMAGE] [--seed N] [--data DIR] [--resume]
 * [--range-init one|calibrated|fitted] [--checkpoints DIR] [--limit N] [--force] [--teacher FILE.tflite]
 * [--kd-weight w] [--kd-temp T] [--teacher-prior none|fit|fit-init] [--mix none|mixup|cutmix|mixcut|mosaic] [--drift-gain g [--drift-gain-shared]] [--bn-stats batch|frozen]
 * [--speed s] [--time-mask ms] [--crop light|inception] [--color-jitter] [--ema d] [--feature-kd w] [--eta-input η] [--sam ρ] [--view-seed n]`:
 * the hardware-aware trainer (models/train). It is loaded by dynamic import only, so the runtime never
 * loads tfjs (contracts.md §7). Progress on stderr (a bar on a terminal, a line per epoch otherwise);
 * the image, its .log.json and a checkpoint per epoch (checkpoints/<run>/state.json) on disk.
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { InvalidArgumentError, type Command } from 'commander';
import type { Bits } from '../chip/program.js';
import { sharedDataDir } from '../paths.js';
import type { EpochLog, TrainProgress } from '../../models/train/train.js';
import { MAX_TIME_MASK_MS, RANGE_INITS, TEACHER_PRIORS, type RangeInit, type TeacherPrior } from '../../models/train/options.js';
import { MIX_MODES, type MixMode } from '../../models/train/mix.js';
import { CROP_MODES, type CropMode } from '../../models/train/crop-modes.js';
import { COLOR_JITTER_RANGES } from '../../models/train/color-jitter.js';
import { TARGET_MODES, type TargetMode } from '../../models/image/programming-targets.js';
import type { Io } from './io.js';
import type { RegisterCommand } from './command.js';
import { parseBits, parseFiniteNumber, parseNonNegInt, parsePositiveInt } from './options.js';

type TrainTask = 'kws' | 'vww';
type TrainMode = 'baseline' | 'noise' | 'full';

interface TrainFlags {
  task: TrainTask;
  mode: TrainMode;
  bits: Bits;
  eta?: number;
  etaInput?: number;
  epochs?: number;
  steps?: number;
  batch: number;
  lr: number;
  init?: string;
  out?: string;
  seed: number;
  data?: string;
  resume?: boolean;
  limit?: number;
  checkpoints?: string;
  rangeInit: RangeInit;
  teacher?: string;
  kdWeight?: number;
  kdTemp?: number;
  teacherPrior?: TeacherPrior | 'none';
  coTeacher?: string;
  mix?: MixMode;
  driftGain?: number;
  driftGainShared?: boolean;
  speed?: number;
  timeMask?: number;
  crop?: CropMode;
  colorJitter?: boolean;
  targets: TargetMode;
  bnStats: 'batch' | 'frozen';
  ema?: number;
  featureKd?: number;
  featureGrid?: number;
  dropPath?: number;
  sam?: number;
  viewSeed?: number;
  force?: boolean;
}

function parseTeacherPrior(v: string): TeacherPrior | 'none' {
  if (v !== 'none' && !(TEACHER_PRIORS as readonly string[]).includes(v)) throw new InvalidArgumentError(`expected none or ${TEACHER_PRIORS.join(' or ')} (got ${v})`);
  return v as TeacherPrior | 'none';
}

function parseTargets(v: string): TargetMode {
  if (!(TARGET_MODES as readonly string[]).includes(v)) throw new InvalidArgumentError(`expected ${TARGET_MODES.join(' or ')} (got ${v})`);
  return v as TargetMode;
}

function parseSpeed(v: string): number {
  const s = parseFiniteNumber(v);
  if (!(s >= 0 && s < 0.5)) throw new InvalidArgumentError(`speed must be in [0, 0.5) (got ${v})`);
  return s;
}

function parseTimeMask(v: string): number {
  const ms = Number(v);
  if (!(/^\d+$/.test(v) && ms <= MAX_TIME_MASK_MS)) throw new InvalidArgumentError(`time mask must be a whole number of ms in [0, ${MAX_TIME_MASK_MS}] (got ${v})`);
  return ms;
}

function parseCrop(v: string): CropMode {
  if ((CROP_MODES as readonly string[]).includes(v)) return v as CropMode;
  throw new InvalidArgumentError(`crop must be one of ${CROP_MODES.join(', ')} (got "${v}")`);
}

function parseEma(v: string): number {
  const d = parseFiniteNumber(v);
  if (!(d > 0 && d < 1)) throw new InvalidArgumentError(`ema must be a decay in (0, 1), e.g. 0.998 (got "${v}")`);
  return d;
}

function parseBnStats(v: string): 'batch' | 'frozen' {
  if (v === 'batch' || v === 'frozen') return v;
  throw new InvalidArgumentError(`bn-stats must be batch or frozen (got "${v}")`);
}

/** The paper's noise levels (section 6.1): ~10 % KWS, ~20 % VWW. */
const DEFAULT_ETA: Record<TrainTask, number> = { kws: 0.1, vww: 0.2 };
const DEFAULT_EPOCHS: Record<TrainTask, number> = { kws: 30, vww: 30 };

function parseTask(v: string): TrainTask {
  if (v === 'kws' || v === 'vww') return v;
  throw new InvalidArgumentError(`task must be kws or vww (got "${v}")`);
}

function parseMode(v: string): TrainMode {
  if (v === 'baseline' || v === 'noise' || v === 'full') return v;
  throw new InvalidArgumentError(`mode must be baseline, noise or full (got "${v}")`);
}

/** A number in [0, 1) (η, the drop-path rate). */
function parseFraction(name: string): (v: string) => number {
  return (v: string) => {
    const n = parseFiniteNumber(v);
    if (!(n >= 0 && n < 1)) throw new InvalidArgumentError(`${name} must be in [0, 1) (got "${v}")`);
    return n;
  };
}

const parseEta = parseFraction('eta');

function parseRangeInit(v: string): RangeInit {
  if ((RANGE_INITS as readonly string[]).includes(v)) return v as RangeInit;
  throw new InvalidArgumentError(`range-init must be one of ${RANGE_INITS.join(', ')} (got "${v}")`);
}

function parseMix(v: string): MixMode {
  if ((MIX_MODES as readonly string[]).includes(v)) return v as MixMode;
  throw new InvalidArgumentError(`mix must be one of ${MIX_MODES.join(', ')} (got "${v}")`);
}

function parseUnitInterval(name: string, openZero: boolean): (v: string) => number {
  return (v: string) => {
    const n = parseFiniteNumber(v);
    if (n > 1 || n < 0 || (openZero && n === 0)) throw new InvalidArgumentError(`${name} must be in ${openZero ? '(0' : '[0'}, 1] (got "${v}")`);
    return n;
  };
}

function parsePositiveNumber(v: string): number {
  const n = parseFiniteNumber(v);
  if (!(n > 0)) throw new InvalidArgumentError(`must be a positive number (got "${v}")`);
  return n;
}

function parseLr(v: string): number {
  const n = parseFiniteNumber(v);
  if (n <= 0 || n > 1) throw new InvalidArgumentError(`learning rate must be in (0, 1] (got "${v}")`);
  return n;
}

const pct = (x: number) => `${(100 * x).toFixed(1)}%`;

function formatDuration(s: number): string {
  if (!Number.isFinite(s)) return '?';
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  return h > 0 ? `${h}h${String(m).padStart(2, '0')}m` : `${m}m${String(Math.floor(s % 60)).padStart(2, '0')}s`;
}

export const register: RegisterCommand = (program: Command, io: Io) => {
  program
    .command('train')
    .description('hardware-aware training (AnalogNets section 4.2): writes a weight image, its .log.json and checkpoints')
    .requiredOption('--task <task>', 'kws|vww', parseTask)
    .requiredOption('--mode <mode>', 'baseline (stage 1) | noise (stage 2, noise only) | full (stage 2, noise + DAC/ADC)', parseMode)
    .option('--bits <bits>', 'ADC bits of `full` training (DAC = ADC + 1): 8|6|4', parseBits, 8 as Bits)
    .option('--eta <eta>', 'weight-noise coefficient η of eq. 1 (default 0.1 KWS, 0.2 VWW)', parseEta)
    .option('--eta-input <eta>', 'stage 2: η of the layers that read the network\'s input (VWW\'s 27-row stem is its most noise-sensitive layer; default --eta)', parseEta)
    .option('--epochs <n>', 'epochs (default 30)', parsePositiveInt)
    .option('--steps <n>', 'total optimisation steps (overrides --epochs)', parsePositiveInt)
    .option('--batch <n>', 'batch size', parsePositiveInt, 64)
    .option('--lr <rate>', 'stage-1 initial learning rate (stage 2 uses a tenth)', parseLr, 1e-3)
    .option('--init <image>', 'start from this image (stage 2 default: models/<task>/baseline.aonw)')
    .option('--out <image>', 'output image (default runs/<task>-<mode>[-<bits>]-seed<n>/image.aonw; never overwritten without --force)')
    .option('--force', 'overwrite an existing --out image')
    .option('--teacher <file>', 'distil from this TFLite teacher (e.g. ../shared/teachers/kws_ref_model_float32.tflite)')
    .option('--kd-weight <w>', 'share of the teacher\'s softened scores in the loss, [0, 1] (default 0.9)', parseUnitInterval('kd-weight', false))
    .option('--kd-temp <T>', 'distillation temperature (default 2)', parsePositiveNumber)
    .option('--teacher-prior <how>', 'with --teacher: none (its scores as they are, the default), fit (add per-class offsets fitted by maximum likelihood on the run\'s unaugmented training examples before softening: the teacher learnt another data set\'s class balance: the KWS teacher\'s "unknown" sits 2.8 logits too high on our clips) or fit-init (also add them to the --init image\'s class scores: to continue a student distilled without them)', parseTeacherPrior)
    .option('--co-teacher <image>', 'with --teacher: also distil from this trained weight image of the same network (an earlier student, run in float): the target averages its log-probabilities with the teacher\'s (default none)')
    .option('--mix <how>', 'vww: mix augmented images into each view: none, mixup, cutmix, mixcut (either, half each) or mosaic (a third each mixup, cutmix and a 2×2 mosaic of four images); kws: mixup only, half the keyword clips blended with another before the noise (default none)', parseMix)
    .option('--drift-gain <g>', 'full: model drift before each ADC, gains log-uniform in [g, 1] (e.g. 0.5; default off)', parseUnitInterval('drift-gain', true))
    .option('--drift-gain-shared', 'with --drift-gain: one gain per training pass for every layer (drift runs on one clock for the whole chip) instead of one per layer')
    .option('--speed <s>', 'kws: speed perturbation, each keyword clip played 1 ± s times as fast (uniform; e.g. 0.15; default off)', parseSpeed)
    .option('--time-mask <ms>', 'kws: silence a stretch of up to ms milliseconds (uniform length and place) in each keyword view before the noise, SpecAugment\'s time masking (e.g. 100; default off)', parseTimeMask)
    .option('--crop <how>', 'vww: training crops: light (80–100 % of each side, the default) or inception (25–100 % of the area, aspect 3/4–4/3, saturation ±40 %; for distillation)', parseCrop)
    .option('--color-jitter', `vww: also jitter each training view (${COLOR_JITTER_RANGES}), so the student learns the teacher's answer under them (default off)`)
    .option('--targets <how>', 'how the chip programs the image: mean-corrected (targets that cancel the PCM\'s mean programming error, so the chip\'s average weight is the trained one) or trained (the trained weights as they are)', parseTargets, 'mean-corrected' as const)
    .option('--bn-stats <how>', 'stage 2: BN in training passes normalises with the batch\'s statistics (batch, the default) or the init image\'s, frozen (frozen: the weight noise\'s per-channel shifts then reach the loss, as on the chip)', parseBnStats, 'batch' as const)
    .option('--feature-kd <w>', 'with --teacher: also match the teacher\'s pooled penultimate features through a training-only linear map, this weight in the loss (e.g. 1; default off)', parsePositiveNumber)
    .option('--feature-grid <g>', 'with --feature-kd: match the teacher\'s last feature map cell by cell on a g × g grid (both maps average-pooled to it; VWW: 3) instead of its global pool', parsePositiveInt)
    .option('--drop-path <p>', 'vww: stochastic depth, each example skips a residual block\'s branch with probability rising linearly to p at the last block, kept branches scaled by 1 / (1 − rate) (training only; e.g. 0.1; default off)', parseFraction('drop-path'))
    .option('--sam <rho>', 'sharpness-aware steps: each step descends with the gradient at the worst analog weights within radius rho, measured in W_max units as the chip\'s noise is (twice the compute per step; e.g. 0.25 for KWS, 0.1 for VWW; default off)', parsePositiveNumber)
    .option('--ema <decay>', 'export an exponential moving average of the weights, this decay per step (e.g. 0.998: about the last 500 steps; default off)', parseEma)
    .option('--seed <n>', 'random seed (data split, augmentation, init, noise)', parseNonNegInt, 0)
    .option('--view-seed <n>', 'seed of the epochs\' views (order, augmentation, mixing) and the training noise only, not the split (default --seed): a continuation with another view seed sees new views of the same training data', parseNonNegInt)
    .option('--data <dir>', 'data directory (default ../shared/data or $AONCIM_DATA)')
    .option('--resume', 'continue from the run\'s last checkpoint (same settings)')
    .option('--range-init <how>', 'full: one (S and r_ADC start at 1, the paper), calibrated (percentiles of the stage-1 model), fitted (MSE-optimal at --bits; default) or image (the --init full image\'s own ranges)', parseRangeInit, 'fitted' as const)
    .option('--checkpoints <dir>', 'checkpoint directory (default checkpoints/<task>-<mode>[-<bits>b]-seed<n>/)')
    .option('--limit <n>', 'use only n examples of the data set (smoke tests)', parsePositiveInt)
    .action(async (f: TrainFlags) => {
      // Dynamic import: nothing under host/ loads tfjs statically.
      const { train, defaultRunImagePath } = await import('../../models/train/train.js');
      const out = f.out ?? defaultRunImagePath(f.task, f.mode, f.bits, f.seed);
      // The default run folder is ours to make; a folder the user names must exist (checked in train()).
      if (f.out === undefined) mkdirSync(dirname(out), { recursive: true });
      let bar: { start(total: number, v: number, p: object): void; update(v: number, p: object): void; stop(): void } | null = null;
      if (io.errIsTty) {
        const { SingleBar, Presets } = (await import('cli-progress')).default;
        bar = new SingleBar(
          {
            format: 'epoch {ep} |{bar}| {value}/{total} steps | loss {loss} | acc {acc} | {sps} samples/s | ETA {eta_t}',
            stream: process.stderr,
            hideCursor: true,
          },
          Presets.shades_classic,
        );
      }
      let started = false;
      const onProgress = (p: TrainProgress) => {
        if (!bar) return;
        const payload = {
          ep: `${p.epoch}/${p.epochs}`,
          loss: p.loss.toFixed(3),
          acc: pct(p.accuracy),
          sps: p.samplesPerSec.toFixed(1),
          eta_t: formatDuration(p.etaSec),
        };
        if (!started) {
          bar.start(p.totalSteps, p.step, payload);
          started = true;
        } else bar.update(p.step, payload);
      };
      const onEpoch = (e: EpochLog) => {
        if (bar) return;
        io.err(
          `epoch ${e.epoch}: step ${e.step}, loss ${e.loss.toFixed(4)}, train ${pct(e.trainAccuracy)}, ` +
            `val ${pct(e.valAccuracy)}${e.valAccuracyLive !== undefined ? ` (live weights ${pct(e.valAccuracyLive)})` : ''}, ${e.samplesPerSec.toFixed(1)} samples/s, ${e.wallSec.toFixed(0)} s\n`,
        );
      };
      try {
        const r = await train({
          task: f.task,
          mode: f.mode,
          bits: f.bits,
          eta: f.eta ?? DEFAULT_ETA[f.task],
          ...(f.etaInput !== undefined ? { etaInput: f.etaInput } : {}),
          epochs: f.epochs ?? DEFAULT_EPOCHS[f.task],
          ...(f.steps !== undefined ? { steps: f.steps } : {}),
          batch: f.batch,
          lr: f.lr,
          ...(f.init !== undefined ? { init: f.init } : {}),
          out,
          seed: f.seed,
          dataDir: f.data ?? sharedDataDir(),
          resume: f.resume === true,
          ...(f.limit !== undefined ? { limit: f.limit } : {}),
          ...(f.checkpoints !== undefined ? { checkpointDir: f.checkpoints } : {}),
          rangeInit: f.rangeInit,
          ...(f.teacher !== undefined ? { teacher: f.teacher } : {}),
          kd: { ...(f.kdWeight !== undefined ? { weight: f.kdWeight } : {}), ...(f.kdTemp !== undefined ? { temp: f.kdTemp } : {}) },
          ...(f.teacherPrior !== undefined && f.teacherPrior !== 'none' ? { teacherPrior: f.teacherPrior } : {}),
          ...(f.coTeacher !== undefined ? { coTeacher: f.coTeacher } : {}),
          ...(f.mix !== undefined ? { mix: f.mix } : {}),
          ...(f.driftGain !== undefined ? { driftGainMin: f.driftGain } : {}),
          ...(f.driftGainShared === true ? { driftGainShared: true } : {}),
          ...(f.bnStats === 'frozen' ? { bnFrozen: true } : {}),
          ...(f.speed !== undefined ? { speed: f.speed } : {}),
          ...(f.timeMask !== undefined ? { timeMaskMs: f.timeMask } : {}),
          ...(f.crop !== undefined ? { crop: f.crop } : {}),
          ...(f.colorJitter === true ? { colorJitter: true } : {}),
          ...(f.ema !== undefined ? { ema: f.ema } : {}),
          ...(f.featureKd !== undefined ? { featureKd: f.featureKd } : {}),
          ...(f.featureGrid !== undefined ? { featureGrid: f.featureGrid } : {}),
          ...(f.dropPath !== undefined ? { dropPath: f.dropPath } : {}),
          ...(f.sam !== undefined ? { sam: f.sam } : {}),
          ...(f.viewSeed !== undefined ? { viewSeed: f.viewSeed } : {}),
          targets: f.targets,
          force: f.force === true,
          onProgress,
          onEpoch,
          onInfo: (m: string) => io.err(`${m}\n`),
        });
        bar?.stop();
        const q = Object.entries(r.log.final.valAccuracyQuantized).map(([b, a]) => `${b}-bit ${pct(a)}`).join(', ');
        io.out(
          `wrote ${r.imagePath} (${r.log.data})\n` +
            `validation: float ${pct(r.log.final.valAccuracyFloat)}; with converters ${q}; S = ${r.log.final.S.toPrecision(4)}\n` +
            `${r.log.final.samplesPerSec.toFixed(1)} samples/s, ${formatDuration(r.log.final.wallSec)}; log ${r.logPath}\n`,
        );
      } finally {
        bar?.stop();
      }
    });
};
