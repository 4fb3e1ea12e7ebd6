/**
 * Shared by the energy tests: the chip's counters of KWS and VWW at 8/6/4 bit, each width with its
 * shipped image (models/<task>/full-<b>.aonw) on the demo input (demo/yes.wav, demo/person.png) — the
 * runs `aon-cim energy --model <task> --bits <b> --image models/<task>/full-<b>.aonw` makes, so the
 * measured-mode numbers the tests print are the ones docs/energy-model.md quotes. Full-scale counters
 * depend on shapes only, not on the image or input.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { InferenceCounters } from '../../../host/chip/counters.js';
import type { Bits } from '../../../host/chip/program.js';
import { measure, type MeasureOptions } from '../../../host/energy/measure.js';
import { repoPath, sharedDataDir } from '../../../host/paths.js';

/** A fixed real clip for KWS (tests may read ../shared/data; the CLI demo does not). */
export function kwsTestClip(): string {
  const dir = join(sharedDataDir(), 'speech_commands', 'yes');
  return join(dir, readdirSync(dir).filter((f) => f.endsWith('.wav')).sort()[0]!);
}

export async function countersOf(o: Omit<MeasureOptions, 'input'>): Promise<InferenceCounters> {
  return (await measure({ ...o, ...(o.model === 'vww' ? {} : { input: kwsTestClip() }) })).counters;
}

/** The shipped image trained for `bits`. */
export function shippedImage(model: 'kws' | 'vww', bits: Bits): string {
  return repoPath('models', model, `full-${bits}.aonw`);
}

/** One run: its counters, and each layer's matrix shape from the placement (for Figure 8). */
export interface PaperRun {
  model: 'kws' | 'vww';
  counters: InferenceCounters;
  shapes: Array<{ rows: number; cols: number; positions: number; pieces: number; weights: number }>;
}
export type PaperRuns = PaperRun[];

export async function paperRuns(): Promise<PaperRuns> {
  const runs: PaperRuns = [];
  for (const bits of [8, 6, 4] as Bits[]) {
    for (const model of ['kws', 'vww'] as const) {
      const m = await measure({ model, bits, image: shippedImage(model, bits) });
      const shapes = m.placement.layers.map((l) => ({
        rows: l.matrixRows,
        cols: l.matrixCols,
        positions: l.pieces[0]?.positions ?? 0,
        pieces: l.pieces.length,
        weights: l.weights,
      }));
      runs.push({ model, counters: m.counters, shapes });
    }
  }
  return runs;
}
