/**
 * Magnitude spectrum of one analysis frame, as tf.signal.stft + tf.abs in MLPerf Tiny's front end:
 * multiply the frame by the window, zero-pad to the FFT length (512 for a 480-sample frame), FFT,
 * |X[k]| for k = 0 … FFT/2 (257 bins, DC to Nyquist).
 *
 * The FFT is an in-place radix-2 FFT that performs, operation for operation, what meyda 5.6's
 * complexSpectrum computes (fftjs 0.0.4 inside: bit-reversal permutation, then per stage n = 1 … log2 N
 * with currN = 2^n, per k the twiddle (cos x, sin x) with x = −2·π·k / currN, and the butterflies
 * odd' = even − tw·odd, even' = tw·odd + even in float64), so the magnitudes are bit-identical to the
 * meyda path this front end used before (test/host/audio/spectrum-inplace.test.ts checks it on real
 * audio). meyda allocated fresh arrays for every frame; this reuses two float64 buffers, so a stream's
 * front end allocates nothing per frame. (meyda ran with windowingFunction "rect": the window is
 * applied here, before zero-padding — contracts.md §6.)
 */

/** Radix-2 in-place FFT of a fixed power-of-two length, in fftjs's operation order (see above). */
export class InPlaceFft {
  readonly length: number;
  private readonly reversed: Uint32Array;
  /** Twiddles of all stages, stage with half-size h at offset h − 1 (k = 0 … h − 1). */
  private readonly twRe: Float64Array;
  private readonly twIm: Float64Array;

  constructor(length: number) {
    if (!Number.isInteger(length) || length < 1 || (length & (length - 1)) !== 0) throw new RangeError(`InPlaceFft: length must be a power of two (got ${length})`);
    this.length = length;
    const bits = Math.round(Math.log2(length));
    this.reversed = new Uint32Array(length);
    for (let i = 0; i < length; i++) {
      let r = 0;
      for (let b = 0; b < bits; b++) r |= ((i >>> b) & 1) << (bits - 1 - b);
      this.reversed[i] = r;
    }
    this.twRe = new Float64Array(Math.max(1, length - 1));
    this.twIm = new Float64Array(Math.max(1, length - 1));
    for (let currN = 2; currN <= length; currN *= 2) {
      const half = currN / 2;
      for (let k = 0; k < half; k++) {
        const x = (-2 * Math.PI * k) / currN; // fftjs utils.euler(k, currN), same expression
        this.twRe[half - 1 + k] = Math.cos(x);
        this.twIm[half - 1 + k] = Math.sin(x);
      }
    }
  }

  /** Transforms (re, im) in place; both have `length` entries. */
  transform(re: Float64Array, im: Float64Array): void {
    const N = this.length;
    const rev = this.reversed;
    for (let i = 0; i < N; i++) {
      const j = rev[i]!;
      if (i < j) {
        const r = re[i]!;
        re[i] = re[j]!;
        re[j] = r;
        const m = im[i]!;
        im[i] = im[j]!;
        im[j] = m;
      }
    }
    const twRe = this.twRe;
    const twIm = this.twIm;
    for (let currN = 2; currN <= N; currN *= 2) {
      const half = currN / 2;
      for (let k = 0; k < half; k++) {
        const tr = twRe[half - 1 + k]!;
        const ti = twIm[half - 1 + k]!;
        for (let even = k; even < N; even += currN) {
          const odd = even + half;
          const or = re[odd]!;
          const oi = im[odd]!;
          // utils.multiply(twiddle, odd), utils.subtract(even, ·), utils.add(·, even)
          const pr = tr * or - ti * oi;
          const pi = tr * oi + ti * or;
          const er = re[even]!;
          const ei = im[even]!;
          re[odd] = er - pr;
          im[odd] = ei - pi;
          re[even] = pr + er;
          im[even] = pi + ei;
        }
      }
    }
  }
}

/**
 * out[k] = Math.hypot(re[k], im[k]) for k < count, the same values: V8's Math.hypot (src/builtins/
 * math.tq) step for step — the largest |argument| m (NaN arguments left out of it), then ∞ if m = ∞,
 * NaN if an argument is NaN, 0 if m = 0, else √(Kahan sum of (|x|/m)²) · m — without the array the
 * builtin allocates on every call (the spectrum's 257 calls per frame were the stream's largest
 * allocation). One loop, no per-value function call: a call returning a double boxes it.
 */
export function hypotInto(re: Float64Array, im: Float64Array, out: Float64Array, count: number): void {
  for (let k = 0; k < count; k++) {
    const a = re[k]!;
    const b = im[k]!;
    const aNaN = a !== a;
    const bNaN = b !== b;
    const x = aNaN ? 0 : Math.abs(a);
    const y = bNaN ? 0 : Math.abs(b);
    let max = 0;
    if (x > max) max = x;
    if (y > max) max = y;
    if (max === Infinity) out[k] = Infinity;
    else if (aNaN || bNaN) out[k] = NaN;
    else if (max === 0) out[k] = 0;
    else {
      let sum = 0;
      let compensation = 0;
      let n = x / max;
      let summand = n * n - compensation;
      let preliminary = sum + summand;
      compensation = preliminary - sum - summand;
      sum = preliminary;
      n = y / max;
      summand = n * n - compensation;
      preliminary = sum + summand;
      compensation = preliminary - sum - summand;
      sum = preliminary;
      out[k] = Math.sqrt(sum) * max;
    }
  }
}

export class FrameSpectrum {
  readonly frameLength: number;
  readonly fftLength: number;
  readonly numBins: number;
  private readonly window: Float64Array;
  private readonly re: Float64Array;
  private readonly im: Float64Array;
  private readonly fft: InPlaceFft;

  /** `window` has the frame's length; fftLength is a power of two ≥ it. */
  constructor(window: Float64Array, fftLength: number) {
    if (!Number.isInteger(fftLength) || fftLength < window.length || (fftLength & (fftLength - 1)) !== 0) {
      throw new RangeError(`FrameSpectrum: FFT length must be a power of two ≥ the frame length ${window.length} (got ${fftLength})`);
    }
    this.frameLength = window.length;
    this.fftLength = fftLength;
    this.numBins = fftLength / 2 + 1;
    this.window = window;
    this.re = new Float64Array(fftLength);
    this.im = new Float64Array(fftLength);
    this.fft = new InPlaceFft(fftLength);
  }

  /** |FFT| of window·samples[offset … offset+frameLength), zero-padded; writes numBins values into out. */
  magnitude(samples: ArrayLike<number>, offset: number, out: Float64Array): void {
    if (offset < 0 || offset + this.frameLength > samples.length) {
      throw new RangeError(`FrameSpectrum: frame [${offset}, ${offset + this.frameLength}) outside ${samples.length} samples`);
    }
    const re = this.re;
    const w = this.window;
    for (let n = 0; n < this.frameLength; n++) re[n] = samples[offset + n]! * w[n]!;
    re.fill(0, this.frameLength);
    this.im.fill(0);
    this.fft.transform(re, this.im);
    hypotInto(re, this.im, out, this.numBins);
  }
}
