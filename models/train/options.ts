/**
 * The trainer's plain option types and defaults, free of tfjs: the CLI imports them statically, and
 * the runtime must never load tfjs (only `aon-cim train` and `teacher` do, by dynamic import).
 */

/**
 * Where a `full` run's S and r_ADC,l start: 1 (section 4.2), percentiles (contracts §1), MSE-fitted at its
 * bits, or as the --init image holds them ('image': continuing a `full` image at its own bits).
 */
export type RangeInit = 'one' | 'calibrated' | 'fitted' | 'image';
export const RANGE_INITS: readonly RangeInit[] = ['one', 'calibrated', 'fitted', 'image'];

/** Knowledge distillation's two knobs (distill.ts). */
export interface KdConfig {
  /** w: the soft term's share of the loss, in [0, 1]. */
  weight: number;
  /** T > 0: the softening temperature. */
  temp: number;
}

/** Defaults: mostly the teacher (it saw 20–150× more data than the labels here), a mild temperature. */
export const DEFAULT_KD: KdConfig = { weight: 0.9, temp: 2 };

/** KWS `--time-mask`: the longest silenced stretch allowed, in ms (half a 1 s clip). */
export const MAX_TIME_MASK_MS = 500;

/**
 * `--sam`: the largest radius accepted, in W_max units (sam.ts). A weight clipped at ±W_max is 1 in these
 * units, so a radius this large could move a whole layer of a few hundred weights by its full range.
 */
export const MAX_SAM_RHO = 20;

/**
 * `--teacher-prior`: 'fit' distils from the teacher's logits plus offsets fitted on our training split
 * (teacher-prior.ts); 'fit-init' also adds them to the --init image's class scores first.
 */
export type TeacherPrior = 'fit' | 'fit-init';
export const TEACHER_PRIORS: readonly TeacherPrior[] = ['fit', 'fit-init'];
