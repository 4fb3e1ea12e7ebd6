/** Helpers on a stream of 16 kHz sample chunks (an AudioSource's `samples`). */

/** All of a stream's samples in one array (one-clip mode on stdin). */
export async function readAllSamples(samples: AsyncIterable<Float32Array>): Promise<Float32Array> {
  const parts: Float32Array[] = [];
  let n = 0;
  for await (const c of samples) {
    parts.push(c);
    n += c.length;
  }
  const out = new Float32Array(n);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** The samples until `stop` resolves (Ctrl-C): then the iteration ends as if the audio had ended. */
export async function* untilStopped(samples: AsyncIterable<Float32Array>, stop: Promise<void>, onChunk: (samples: number) => void = () => {}): AsyncGenerator<Float32Array> {
  const it = samples[Symbol.asyncIterator]();
  const stopped = stop.then(() => null);
  for (;;) {
    const next = it.next();
    const r = await Promise.race([next, stopped]);
    if (r === null) {
      next.catch(() => {}); // the read in flight may fail once its input is closed: nobody waits for it
      return;
    }
    if (r.done) return;
    onChunk(r.value.length);
    yield r.value;
  }
}
