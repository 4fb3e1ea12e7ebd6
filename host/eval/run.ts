/**
 * One run of a drift sweep: a freshly programmed chip (its own programming noise and ν, from the run
 * index), read at each time in order — the same chip drifting — and the whole set classified at each
 * bit width on each snapshot. Pure in (config, run): seeds come from (seed, run, purpose), never from
 * which worker runs it, so results do not depend on the number of cores. The snapshot at time index i
 * is the chip's (i+1)-th (Chip.drift(t, i + 1)), so a shard that evaluates only some (time, bits)
 * cells of the run gets exactly the numbers the whole run gets there.
 */
import type { NetworkName } from '../../models/graphs/types.js';
import { readWeightImage } from '../../models/image/format.js';
import { FloatForwarder } from '../../models/image/float-forward-fast.js';
import { getGraph } from '../../models/graphs/index.js';
import type { GdcSetting } from '../chip/chip.js';
import type { Bits, LayerProgram, Preset } from '../chip/program.js';
import { compileProgram } from '../compiler/compile.js';
import { PAPER_ARRAY } from '../compiler/tiler.js';
import { programmedChip } from '../runtime/deployment.js';
import type { Replication } from '../compiler/replicate.js';

export interface SweepConfig {
  network: NetworkName;
  /** The weight image, as file bytes (cheap to send to workers, validated again there). */
  imageBytes: Uint8Array;
  preset: Preset;
  /** GDC on (true = digital), 'analog' (before the ADC), or off. */
  gdc: GdcSetting;
  seed: number;
  /** Seconds since programming, ascending. */
  timesS: number[];
  bits: Bits[];
  /** Row copies per layer (host/compiler/replicate.ts); absent = none, the paper's chip. */
  replicate?: Replication;
}

export interface RunResult {
  run: number;
  /** accuracy[timeIndex][bitsIndex] in [0, 1] (NaN where the cell was not evaluated). */
  accuracy: number[][];
  /** Examples classified right, correct[timeIndex][bitsIndex] (−1 where the cell was not evaluated). */
  correct: number[][];
}

/** A (time index, bits index) cell of one run. */
export interface RunCell {
  time: number;
  bits: number;
}

/** The index of the largest score (the first of equal ones): the predicted class. */
export function argmax(v: Float32Array): number {
  let best = 0;
  for (let i = 1; i < v.length; i++) if (v[i]! > v[best]!) best = i;
  return best;
}

/** The chip program of a sweep's image: the same for all its runs (a sweep compiles it once and sends it to its workers). */
export function compileRunProgram(cfg: SweepConfig): LayerProgram {
  return compileProgram(getGraph(cfg.network), readWeightImage(cfg.imageBytes, cfg.network), PAPER_ARRAY, cfg.replicate);
}

/** Run `run` of the sweep on the given cells (default: every time and bits of `cfg`); `program`: compileRunProgram(cfg), if already made. */
export async function evaluateRun(
  cfg: SweepConfig,
  run: number,
  x: Float32Array,
  y: Int32Array,
  onStep: () => void = () => {},
  cells?: readonly RunCell[],
  program: LayerProgram = compileRunProgram(cfg),
): Promise<RunResult> {
  const wanted = (ti: number, bi: number) => !cells || cells.some((c) => c.time === ti && c.bits === bi);
  const chip = await programmedChip(program, { preset: cfg.preset, bits: cfg.bits[0]!, seed: cfg.seed, run, gdc: cfg.gdc });
  const n = y.length;
  const size = x.length / n;
  const logits = new Float32Array(chip.outputLength);
  const correct = cfg.timesS.map(() => cfg.bits.map(() => -1));
  cfg.timesS.forEach((t, ti) => {
    if (!cfg.bits.some((_, bi) => wanted(ti, bi))) return;
    chip.drift(t, ti + 1); // snapshot 0 is the one at programming
    cfg.bits.forEach((b, bi) => {
      if (!wanted(ti, bi)) return;
      chip.setBits(b);
      let right = 0;
      for (let k = 0; k < n; k++) {
        chip.inferInto(x.subarray(k * size, (k + 1) * size), logits);
        if (argmax(logits) === y[k]) right++;
      }
      correct[ti]![bi] = right;
      onStep();
    });
  });
  return { run, correct, accuracy: correct.map((row) => row.map((c) => (c < 0 ? NaN : c / n))) };
}

/**
 * Correct float predictions (the digital baseline) on examples [from, to): floatForward's outputs bit
 * for bit, through its WebAssembly kernel (models/image/float-forward-fast.ts).
 */
export function floatCorrect(cfg: Pick<SweepConfig, 'network' | 'imageBytes'>, x: Float32Array, y: Int32Array, from: number, to: number): number {
  const graph = getGraph(cfg.network);
  const image = readWeightImage(cfg.imageBytes, cfg.network);
  return floatCorrectWith(new FloatForwarder(graph, image), x, y, from, to);
}

/** floatCorrect with a network already built (a worker keeps one per image). */
export function floatCorrectWith(net: FloatForwarder, x: Float32Array, y: Int32Array, from: number, to: number): number {
  const size = x.length / y.length;
  let correct = 0;
  for (let k = from; k < to; k++) {
    if (argmax(net.forward(x.subarray(k * size, (k + 1) * size))) === y[k]) correct++;
  }
  return correct;
}
