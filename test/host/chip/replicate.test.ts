// Row replication (host/compiler/replicate.ts, docs/chip.md): a layer's weights on K stacked copies of
// its rows, the ADC taking the column charge ÷ K. Checked against (1) logits and counters recorded from
// the chip before the option existed, (2) the one-copy chip under the ideal preset (identical copies:
// the codes must be the same bit for bit), (3) the statistics of independent devices: the effective
// weight (mean of the K copies) of a cell varies across fresh chips with 1/K the variance of one copy.
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { main } from '../../../host/cli/main.js';
import { recordingIo } from '../../../host/cli/io.js';
import { deploy, type DeployOptions } from '../../../host/runtime/deployment.js';
import { resolveReplication, type Replication } from '../../../host/compiler/replicate.js';
import { energyOf } from '../../../host/energy/model.js';
import { loadNetworkInput } from '../../../host/energy/measure.js';
import { sweepFingerprint } from '../../../host/eval/partial.js';
import type { SweepConfig } from '../../../host/eval/run.js';
import { getGraph } from '../../../models/graphs/index.js';
import { loadWeightImage } from '../../../models/image/load.js';
import { repoPath, sharedDataDir } from '../../../host/paths.js';

const image = loadWeightImage(repoPath('models', 'vww', 'full-8.aonw'), 'vww');
const graph = getGraph('vww');
const person = loadNetworkInput(graph, repoPath('demo', 'person.png'));
const hex = (v: Float32Array) => Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('hex');
const sha = (o: unknown) => createHash('sha256').update(JSON.stringify(o)).digest('hex').slice(0, 16);

async function run(o: Partial<DeployOptions> & { replicate?: Replication }, t: number, x: Float32Array = person) {
  const d = await deploy('vww', image, { preset: 'paper', bits: 8, seed: 0, gdc: true, ...o });
  d.chip.drift(t);
  return { d, logits: d.chip.infer(x), counters: d.chip.counters() };
}

describe('replication off is the chip as it was', () => {
  // models/vww/full-8.aonw on demo/person.png: logits as float32 hex, and the first 16 hex digits of
  // sha256(JSON of the counters). First recorded with the chip of commit 46e7cf8 (before the option);
  // recorded again in session 10, when VWW's input became centred and its images were retrained (the
  // old anchors still held for the old image and input until then), and in sessions 11, 12, 13, 17 and 20 for its retrained full-8
  // (each time after checking that the previous image still gave the previous anchors).
  const STORED = [
    { seed: 3, t: 86_400, logits: 'b2b9a2c05070f3bf', counters: 'ca96cf1bec77f92b' },
    { seed: 0, t: 25, logits: '1e4f80c0d0c2ab3e', counters: '60cfb7f403ff922d' },
  ];
  for (const s of STORED) {
    it(`no option and stem=1 reproduce the stored logits and counters (seed ${s.seed}, ${s.t} s)`, async () => {
      for (const replicate of [undefined, { stem: 1 }, resolveReplication(graph, [['stem', 1], ['input', 1]])]) {
        const r = await run({ seed: s.seed, ...(replicate ? { replicate } : {}) }, s.t);
        expect(hex(r.logits), JSON.stringify(replicate)).toBe(s.logits);
        expect(sha(r.counters), JSON.stringify(replicate)).toBe(s.counters);
      }
    });
  }
});

describe('ideal preset: K copies give the one-copy chip exactly', () => {
  // Identical copies sum to K·acc exactly (int32), and the ADC's acc/K is one exact f64 division: the
  // codes, hence the logits, are the one-copy chip's bit for bit (bound: 0 LSB), for every K, not only
  // powers of two. Several inputs so that many ADC codes are exercised.
  const inputs = [person, ...[1, 2].map((s) => Float32Array.from(person, (v, i) => v * (0.5 + 0.5 * Math.sin(i * 0.37 + s))))];
  const cases: Replication[] = [{ stem: 4 }, { stem: 3, b1_expand: 2 }, { stem: 8, b10_project: 5 }];
  for (const replicate of cases) {
    it(`${JSON.stringify(replicate)}: logits equal K = 1 bit for bit; the replicated rows' counters are K×`, async () => {
      for (const x of inputs) {
        const one = await run({ preset: 'ideal' }, 86_400, x);
        const k = await run({ preset: 'ideal', replicate }, 86_400, x);
        expect(hex(k.logits)).toBe(hex(one.logits));
        one.counters.layers.forEach((c1, l) => {
          const ck = k.counters.layers[l]!;
          const K = replicate[c1.name] ?? 1;
          expect(ck.activeRowCycles, c1.name).toBe(K * c1.activeRowCycles);
          expect(ck.dacPulses, c1.name).toBe(K * c1.dacPulses);
          expect(ck.dacPulsesFullScale, c1.name).toBe(K * c1.dacPulsesFullScale);
          for (const f of ['arrayCycles', 'activeAdcCycles', 'adcConversions', 'macs', 'sramBytesRead', 'sramBytesWritten', 'digitalOps'] as const) {
            expect(ck[f], `${c1.name} ${f}`).toBe(c1[f]);
          }
        });
        // Energy: the replicated layer's row-drive term is K×, everything else and the latency unchanged.
        const e1 = energyOf(one.counters);
        const ek = energyOf(k.counters);
        expect(ek.total.latencyUs).toBe(e1.total.latencyUs);
        e1.perLayer.forEach((l1, l) => {
          const K = replicate[l1.name] ?? 1;
          const lk = ek.perLayer[l]!;
          expect(lk.breakdownUj.rows).toBeCloseTo(K * l1.breakdownUj.rows, 12);
          expect(lk.breakdownUj.adcs).toBe(l1.breakdownUj.adcs);
          expect(lk.breakdownUj.conversions).toBe(l1.breakdownUj.conversions);
        });
      }
    });
  }
});

/** The stem's effective weights (mean over its copies, / g_max) of the snapshot at programming (t = 0). */
async function stemEffective(K: number, seed: number, run: number): Promise<Float64Array> {
  const d = await deploy('vww', image, { preset: 'paper', bits: 8, seed, run, gdc: true, ...(K > 1 ? { replicate: { stem: K } } : {}) });
  const piece = d.program.layers[0]!.pieces[0]!;
  const { tile, row, col, rows, cols } = piece.rect;
  expect(piece.copies ?? 1).toBe(K);
  const w = d.chip.exports;
  const g = new Float32Array(w.memory.buffer, w.conductanceFloatPtr(tile), d.program.geometry.rows * d.program.geometry.cols);
  const m = rows / K;
  const out = new Float64Array(m * cols);
  for (let r = 0; r < m; r++) {
    for (let c = 0; c < cols; c++) {
      let s = 0;
      for (let k = 0; k < K; k++) s += g[(row + k * m + r) * d.program.geometry.cols + col + c]!;
      out[r * cols + c] = s / K;
    }
  }
  return out;
}

/** Mean over cells of each cell's sample variance across the given chips (its mean programming error cancels). */
function pooledVariance(chips: Float64Array[]): number {
  const n = chips.length;
  const cells = chips[0]!.length;
  let total = 0;
  for (let i = 0; i < cells; i++) {
    let mean = 0;
    for (const c of chips) mean += c[i]!;
    mean /= n;
    let ss = 0;
    for (const c of chips) ss += (c[i]! - mean) ** 2;
    total += ss / (n - 1);
  }
  return total / cells;
}

describe('paper preset: K independent copies', () => {
  it('the effective stem weights vary across chips with 1/K the variance (K = 2, 4; ±20 %)', async () => {
    // 324 stem cells × 12 fresh chips: 3,564 degrees of freedom per estimate, about ±3 % (1σ) each for
    // Gaussian errors; ±20 % leaves room for the conductance-dependent σ of the programming noise.
    const CHIPS = 12;
    const variance = async (K: number) => pooledVariance(await Promise.all(Array.from({ length: CHIPS }, (_, r) => stemEffective(K, 0, r))));
    const v1 = await variance(1);
    expect(v1).toBeGreaterThan(1e-5); // the paper preset really is noisy
    for (const K of [2, 4]) {
      const ratio = (await variance(K)) / v1;
      expect(ratio, `K = ${K}`).toBeGreaterThan((1 / K) * 0.8);
      expect(ratio, `K = ${K}`).toBeLessThan((1 / K) * 1.2);
    }
  });

  it('copies are separate devices: their draws differ from each other, per seed, and repeat for one seed', async () => {
    const d = await deploy('vww', image, { preset: 'paper', bits: 8, seed: 0, gdc: true, replicate: { stem: 4 } });
    const { tile, row, col, rows, cols } = d.program.layers[0]!.pieces[0]!.rect;
    const w = d.chip.exports;
    const C = d.program.geometry.cols;
    const g = new Float32Array(w.memory.buffer, w.conductanceFloatPtr(tile), d.program.geometry.rows * C);
    const m = rows / 4;
    let differ = 0;
    for (let r = 0; r < m; r++) for (let c = 0; c < cols; c++) if (g[(row + r) * C + col + c] !== g[(row + m + r) * C + col + c]) differ++;
    expect(differ).toBe(m * cols); // copy 0 and copy 1 never share a draw
    const a = await stemEffective(4, 0, 0);
    expect(await stemEffective(4, 0, 0)).toEqual(a);
    const b = await stemEffective(4, 1, 0);
    expect(b).not.toEqual(a);
    expect(b.filter((v, i) => v === a[i]).length).toBeLessThan(a.length / 10);
  });
});

describe('--replicate on the command line', () => {
  const bad: Array<[string, RegExp]> = [
    ['nope=2', /vww has no layer "nope"/],
    ['stem=0', /K must be an integer 1–8/],
    ['stem=9', /K must be an integer 1–8/],
    ['b10_expand=4', /4 copies of its 288×76 matrix need 1152×76 cells; a tile has 1024×512/],
  ];
  for (const [arg, message] of bad) {
    it(`${arg}: exit 2 and one line`, async () => {
      const io = recordingIo();
      expect(await main(['energy', '--model', 'vww', '--replicate', arg], io)).toBe(2);
      expect(io.stderr).toMatch(message);
      expect(io.stderr).toMatch(/^aon-cim: error: [^\n]*\n$/);
      expect(io.stdout).toBe('');
    });
  }

  it('input=K replicates the layers that read the network input; energy reports it', async () => {
    expect(resolveReplication(graph, [['input', 4]])).toEqual({ stem: 4 });
    expect(resolveReplication(getGraph('kws'), [['input', 2], ['conv2', 3]])).toEqual({ conv1: 2, conv2: 3 });
    const io = recordingIo();
    expect(await main(['energy', '--model', 'vww', '--replicate', 'input=4', '--json'], io)).toBe(0);
    expect((JSON.parse(io.stdout) as { replicate?: string }).replicate).toBe('stem=4');
  });

  it('eval says the rows are replicated, in its table and its JSON (and not when they are not)', async () => {
    const data = sharedDataDir();
    const args = ['eval', '--task', 'kws', '--data', data, '--model', 'models/kws/full-8.aonw', '--runs', '1', '--times', '25s', '--limit', '8'];
    const on = recordingIo();
    expect(await main([...args, '--replicate', 'input=2'], on)).toBe(0);
    expect(on.stdout).toMatch(/^kws · models\/kws\/full-8\.aonw · 8 held-out examples · 1 runs · float baseline [\d.]+ % · rows replicated conv1=2\n/);
    const json = recordingIo();
    expect(await main([...args, '--replicate', 'input=2', '--json'], json)).toBe(0);
    expect((JSON.parse(json.stdout) as { replicate?: Replication }).replicate).toEqual({ conv1: 2 });
    const off = recordingIo();
    expect(await main(args, off)).toBe(0);
    expect(off.stdout).not.toMatch(/replicated/);
  }, 60_000);

  it('the sweep fingerprint changes with the replication (shards of different replication do not merge)', () => {
    const data = { x: new Float32Array(4), y: new Int32Array(1), count: 1, inputSize: 4 };
    const cfg: SweepConfig = { network: 'vww', imageBytes: new Uint8Array([1, 2, 3]), preset: 'paper', gdc: true, seed: 0, timesS: [25], bits: [8] };
    const f = (c: SweepConfig) => sweepFingerprint('eval', {}, 2, [c], data);
    expect(f({ ...cfg, replicate: undefined })).toBe(f(cfg));
    expect(f({ ...cfg, replicate: { stem: 4 } })).not.toBe(f(cfg));
    expect(f({ ...cfg, replicate: { stem: 4 } })).not.toBe(f({ ...cfg, replicate: { stem: 2 } }));
  });
});
