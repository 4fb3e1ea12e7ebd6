/** Timing for benchmarks on a shared machine: candidates run in turns, best slice of each. */

/** Best ms per call of each candidate: `rounds` round-robin rounds of ≥ sliceMs per candidate, after a warm-up. */
export function interleaved(fns: Record<string, () => void>, sliceMs = 5, rounds = 150): Record<string, number> {
  const best: Record<string, number> = {};
  for (const [name, fn] of Object.entries(fns)) {
    for (let i = 0; i < 3; i++) fn();
    best[name] = Infinity;
  }
  for (let r = 0; r < rounds; r++) {
    for (const [name, fn] of Object.entries(fns)) {
      let n = 0;
      const t0 = performance.now();
      let dt = 0;
      do {
        fn();
        n++;
        dt = performance.now() - t0;
      } while (dt < sliceMs);
      best[name] = Math.min(best[name]!, dt / n);
    }
  }
  return best;
}

/** Median over `rounds` of time(a) / time(b), a and b run `n` times each in turn every round (after a warm-up). */
export function alternatingRatio(a: () => void, b: () => void, rounds = 150, n = 10): number {
  const time = (fn: () => void): number => {
    const t0 = performance.now();
    for (let i = 0; i < n; i++) fn();
    return performance.now() - t0;
  };
  for (let i = 0; i < 3; i++) {
    a();
    b();
  }
  const ratios: number[] = [];
  for (let r = 0; r < rounds; r++) {
    const ta = time(a);
    ratios.push(ta / time(b));
  }
  ratios.sort((x, y) => x - y);
  return ratios[ratios.length >> 1]!;
}
