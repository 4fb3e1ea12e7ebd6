/**
 * resample() (host/audio/resample.ts) for audio that arrives in chunks — a microphone in a web page runs at
 * 44.1 or 48 kHz and the KWS front end wants 16 kHz. The same filter design and the same sums in the
 * same order: pushing a signal in any chunking, then end(), gives exactly resample() of the whole signal.
 * An output sample is emitted once the input up to its last tap has arrived (halfTaps input samples
 * later: 140 at 44.1 kHz, ≈ 3 ms).
 */
import { designResampler, KWS_SAMPLE_RATE, type ResamplerDesign } from './resample.js';

export class StreamResampler {
  readonly fromRate: number;
  readonly toRate: number;
  private readonly d: ResamplerDesign | null;
  /** Input samples from absolute index `bufStart` on. */
  private buf = new Float32Array(4096);
  private bufStart = 0;
  private bufLen = 0;
  /** Input samples pushed so far. */
  private received = 0;
  /** Outputs emitted so far, and the next output's input position base + num/up. */
  private emitted = 0;
  private base = 0;
  private num = 0;
  private ended = false;

  constructor(fromRate: number, toRate: number = KWS_SAMPLE_RATE) {
    this.fromRate = fromRate;
    this.toRate = toRate;
    this.d = fromRate === toRate ? null : designResampler(fromRate, toRate);
  }

  /** Output samples so far. */
  get samplesOut(): number {
    return this.emitted;
  }

  /** Add input; returns the output samples that are now complete (possibly none). */
  push(chunk: Float32Array): Float32Array {
    if (this.ended) throw new Error('StreamResampler: push after end');
    if (this.d === null) {
      this.received += chunk.length;
      this.emitted += chunk.length;
      return chunk.slice();
    }
    this.append(chunk);
    return this.run(false);
  }

  /** The input has ended: the remaining outputs, with zeros after the end (as resample()). */
  end(): Float32Array {
    if (this.ended) return new Float32Array(0);
    this.ended = true;
    if (this.d === null) return new Float32Array(0);
    return this.run(true);
  }

  private append(chunk: Float32Array): void {
    if (this.bufLen + chunk.length > this.buf.length) {
      const next = new Float32Array(Math.max(2 * this.buf.length, this.bufLen + chunk.length));
      next.set(this.buf.subarray(0, this.bufLen));
      this.buf = next;
    }
    this.buf.set(chunk, this.bufLen);
    this.bufLen += chunk.length;
    this.received += chunk.length;
  }

  private run(final: boolean): Float32Array {
    const { up, down, halfTaps, phases, table } = this.d!;
    const taps = 2 * halfTaps;
    const n = this.received;
    const outEnd = final ? Math.ceil((n * up) / down) : Infinity;
    const out: number[] = [];
    for (;;) {
      if (this.emitted >= outEnd) break;
      let p = phases === up ? this.num : Math.round((this.num / up) * phases);
      let k0 = this.base;
      if (p === phases) {
        p = 0;
        k0 += 1;
      }
      const first = k0 - halfTaps + 1;
      // Not final: wait until every tap's input has arrived.
      if (!final && first + taps > n) break;
      const row = p * taps;
      let acc = 0;
      const jStart = Math.max(0, -first);
      const jEnd = Math.min(taps, n - first);
      const off = first - this.bufStart;
      for (let j = jStart; j < jEnd; j++) acc += table[row + j]! * this.buf[off + j]!;
      out.push(acc);
      this.emitted++;
      this.num += down;
      if (this.num >= up) {
        const carry = Math.floor(this.num / up);
        this.base += carry;
        this.num -= carry * up;
      }
    }
    // Keep only the input the next output can still reach (its first tap, minus one for the p === phases carry).
    const keepFrom = Math.max(0, this.base - halfTaps);
    const drop = keepFrom - this.bufStart;
    if (drop > 0 && drop <= this.bufLen) {
      this.buf.copyWithin(0, drop, this.bufLen);
      this.bufLen -= drop;
      this.bufStart = keepFrom;
    }
    return Float32Array.from(out);
  }
}
