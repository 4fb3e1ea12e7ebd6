/**
 * Speed perturbation of a clip (Ko et al. 2015, "Audio augmentation for speech recognition"): played
 * `factor` times faster, tempo and pitch change together, as between speakers who talk faster or have
 * shorter vocal tracts. Small KWS sets have few speakers (3,244 clips here from ~200 voices), so this
 * makes new ones for the student and the teacher to agree on.
 */

/**
 * The clip resampled by linear interpolation about its centre: out[i] = in(c + (i − c)·factor), c the
 * centre sample, zeros where that falls outside. Same length as the input, so the keyword (centred in
 * Speech Commands clips) stays where it was; factor > 1 is faster, < 1 slower (its ends are cut).
 */
export function changeSpeed(pcm: Int16Array, factor: number): Int16Array {
  if (!(factor > 0 && Number.isFinite(factor))) throw new RangeError(`speed factor must be positive (got ${factor})`);
  const n = pcm.length;
  const out = new Int16Array(n);
  const c = (n - 1) / 2;
  for (let i = 0; i < n; i++) {
    const t = c + (i - c) * factor;
    if (t < 0 || t > n - 1) continue;
    const k = Math.floor(t);
    const f = t - k;
    const a = pcm[k]!;
    const b = k + 1 < n ? pcm[k + 1]! : a;
    out[i] = Math.round(a + (b - a) * f);
  }
  return out;
}
