/**
 * Figure 8's reference line: for each size, the most efficient rectangle of about that many weights (any
 * rows ≤ 1024, columns ≤ 512), one position at full scale — the model's own limit of the shape benefit.
 */
import type { Bits } from '../chip/program.js';
import { fullScaleLayerCounters } from './fit.js';
import { energyOf } from './model.js';

export interface SizePoint {
  weights: number;
  topsPerWatt: number;
}

/** Best full-scale TOPS/W per size, sizes 10 … 10^5.7 weights in steps of 10^0.1. */
export function bestShapeLine(bits: Bits): SizePoint[] {
  const points: SizePoint[] = [];
  for (let e = 1; e <= 5.72; e += 0.1) {
    const w = Math.round(10 ** e);
    let best = 0;
    for (let rows = 1; rows <= Math.min(w, 1024); rows++) {
      const cols = Math.ceil(w / rows);
      if (cols > 512) continue;
      const t = energyOf({ bits, layers: [fullScaleLayerCounters(bits, rows, cols)] }, { mode: 'fullScale' }).total.topsPerWatt;
      best = Math.max(best, t);
    }
    if (best > 0) points.push({ weights: w, topsPerWatt: best });
  }
  return points;
}
