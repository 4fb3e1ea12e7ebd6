/** The float baseline of an image with mean-corrected targets is its trained network's, not its targets'. */
import { describe, expect, it } from 'vitest';
import { getGraph } from '../../../models/graphs/index.js';
import { writeWeightImage } from '../../../models/image/format.js';
import { FloatForwarder } from '../../../models/image/float-forward-fast.js';
import { InitRng } from '../../../models/image/prng.js';
import { withCorrectedTargets } from '../../../models/image/programming-targets.js';
import { randomImage } from '../../../models/image/random.js';
import { floatCorrect } from '../../../host/eval/run.js';

describe('float baseline of a corrected image', () => {
  it('scores like the trained network; the raw targets would not', () => {
    const graph = getGraph('kws');
    const image = randomImage('kws', 9);
    const corrected = withCorrectedTargets(image);
    const n = 40;
    const size = graph.input.h * graph.input.w * graph.input.c;
    const rng = new InitRng(4, 1);
    const x = new Float32Array(n * size).map(() => rng.normal());
    const ref = new FloatForwarder(graph, image);
    const raw = new FloatForwarder(graph, corrected);
    const y = new Int32Array(n);
    let rawMoved = 0;
    for (let k = 0; k < n; k++) {
      const input = x.subarray(k * size, (k + 1) * size);
      const o = ref.forward(input);
      y[k] = o.indexOf(Math.max(...o));
      const r = raw.forward(input);
      rawMoved = Math.max(rawMoved, ...r.map((v, c) => Math.abs(v - o[c]!)));
    }
    expect(rawMoved).toBeGreaterThan(1e-3); // the targets alone are another network
    expect(floatCorrect({ network: 'kws', imageBytes: writeWeightImage(image) }, x, y, 0, n)).toBe(n);
    expect(floatCorrect({ network: 'kws', imageBytes: writeWeightImage(corrected) }, x, y, 0, n)).toBe(n);
  });
});
