/**
 * The performance figures in one command: the emulator against its peer and against this machine's limit, for
 * AnalogNet-KWS and AnalogNet-VWW, one thread, all measured in this process.
 *
 *   - emulator inf/s, full noise model: paper preset, 8 bit, after a 1-day drift snapshot (GDC on);
 *   - onnxruntime-node float32 inf/s (intraOpNumThreads 1) on the same network exported from the same
 *     image (models/onnx/export.ts); their ratio (target ≥ 0.7 KWS, ≥ 0.6 VWW);
 *   - the emulator's GMAC/s as a fraction of the WASM SIMD micro-benchmark peak (bench/mvm.ts), for the
 *     whole network and for its conv layers alone (each layer timed on its own via chipRunLayers);
 *   - programming + drift snapshot of a full 1024×512 array;
 *   - agreement of ORT and the chip in ideal mode on the predicted class over real inputs, and of the
 *     chip with the float reference clipped at the chip's ranges (bench/clipped-forward.ts).
 *
 * The machine is shared, so the candidates run round-robin in short slices (every round: SIMD peak,
 * emulator KWS, ORT KWS, emulator VWW, ORT VWW); rates are the median over rounds, ratios the median of
 * the per-round ratios (each from adjacent slices); the best round is printed in brackets (for the
 * fraction of peak: best emulator slice over best peak slice). Per-layer times: best slices, with the
 * peak measured in the same round-robin.
 *
 * Run: npm run bench   (= npm run tsbuild && node dist/bench/perf.js)
 * Options: --rounds N (100) --slice-ms MS (20) --agree N (inputs per network for the agreement check,
 * 0 to skip; default 300, with --json 0) --kws-image PATH --vww-image PATH (default: the shipped image,
 * else the seeded random one) --sweep-rounds N (rounds of bench/sweep.ts; default 3, 0 to skip)
 * --json (`npm run bench -- --json`: one JSON object on stdout — per network emulatorInfPerSec,
 * ortInfPerSec, ratioToOrt, simdPeakShare; for the fixed sweep of bench/sweep.ts evalInfPerSec on 2
 * workers, workerRatio and evalOverheadShare, and the same for a sweep of realistic size, `sweepLarge`;
 * the text report goes to stderr).
 */
import { pathToFileURL } from 'node:url';
import { join } from 'node:path';
import { ort, type InferenceSession } from './ort-runtime.js';
import { Chip } from '../host/chip/chip.js';
import { UserError } from '../host/errors.js';
import { loadDataset, type LabelledItem } from '../host/eval/dataset.js';
import { prepareInputs } from '../host/eval/inputs.js';
import { sharedDataDir } from '../host/paths.js';
import { deploy, resolveImage } from '../host/runtime/deploy.js';
import { getGraph } from '../models/graphs/index.js';
import { layerShapes } from '../models/graphs/shapes.js';
import type { NetworkGraph, NetworkName } from '../models/graphs/types.js';
import type { WeightImage } from '../models/image/types.js';
import { exportOnnx, hwcToChw, ONNX_INPUT_NAME, ONNX_OUTPUT_NAME } from '../models/onnx/export.js';
import { clippedFloatForward } from './clipped-forward.js';
import { fullArrayProgram, peakMacsPerCall, peakWasm } from './mvm.js';
import { interleaved } from './timing.js';
import { formatSweepBench, measureSweep, type SweepBench } from './sweep.js';
import { loadavg } from 'node:os';

/** Issue 14's targets: the text report and the JSON read them from here. */
const TARGETS = { kwsRatioToOrt: 0.7, vwwRatioToOrt: 0.6, vwwSimdPeakShare: 0.75, workerRatio: 0.85 };

const NETWORKS = ['kws', 'vww'] as const;
const DRIFT_S = 86_400;
const PEAK_REPS = 1000;
const LAYER_SLICE_MS = 5;
const LAYER_ROUNDS = 40;

type Peak = Awaited<ReturnType<typeof peakWasm>>;

export interface PerfOptions {
  rounds: number;
  sliceMs: number;
  /** Inputs per network for the agreement check (0: skip). */
  agree: number;
  /** Weight image per network; default: the shipped one, else the seeded random image (deploy.ts). */
  images: Partial<Record<NetworkName, string>>;
  /** Rounds of the sweep benchmark (0: skip). */
  sweepRounds: number;
  json: boolean;
}

/** `--json`: the figures issue 14 targets, measured interleaved in this one process. */
export interface PerfJson {
  node: string;
  ort: string;
  rounds: number;
  sliceMs: number;
  loadAverage1m: number;
  simdPeakGmacs: number;
  networks: Record<NetworkName, {
    image: string;
    emulatorInfPerSec: number;
    ortInfPerSec: number;
    ratioToOrt: number;
    simdPeakShare: number;
    convLayersPeakShare: number;
  }>;
  sweep: SweepBench | null;
  /**
   * The same measurement on a sweep shaped like a real one (4 chips × 300 clips, 18,000 inferences; KWS
   * Figure 7 is 356,000): per-sweep costs (worker start-up, programming, the float baseline) weigh as they
   * do in use, where the fixed small sweep above magnifies them.
   */
  sweepLarge: SweepBench | null;
  fullArray: { programMs: number; snapshotMs: number };
  targets: Record<string, number>;
}

interface Timed {
  name: string;
  /** One call; returns after `perCall` units of work. */
  run: () => void | Promise<void>;
}

/** Calls per second of every candidate in every round (round-robin slices of ≥ sliceMs each). */
async function roundRobin(cands: Timed[], rounds: number, sliceMs: number): Promise<number[][]> {
  const rates = cands.map(() => [] as number[]);
  for (const c of cands) for (let i = 0; i < 20; i++) await c.run();
  for (let r = 0; r < rounds; r++) {
    for (let k = 0; k < cands.length; k++) {
      const c = cands[k]!;
      let n = 0;
      const t0 = performance.now();
      let dt = 0;
      do {
        await c.run();
        n++;
        dt = performance.now() - t0;
      } while (dt < sliceMs);
      rates[k]!.push((1000 * n) / dt);
    }
  }
  return rates;
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};
const best = (xs: number[]): number => Math.max(...xs);
const argmax = (v: ArrayLike<number>): number => {
  let k = 0;
  for (let i = 1; i < v.length; i++) if (v[i]! > v[k]!) k = i;
  return k;
};

async function ortSession(graph: NetworkGraph, image: WeightImage): Promise<InferenceSession> {
  return ort.InferenceSession.create(exportOnnx(graph, image), {
    intraOpNumThreads: 1,
    interOpNumThreads: 1,
    executionMode: 'sequential',
    graphOptimizationLevel: 'all',
  });
}

async function ortLogits(session: InferenceSession, graph: NetworkGraph, x: Float32Array): Promise<Float32Array> {
  const { h, w, c } = graph.input;
  const out = await session.run({ [ONNX_INPUT_NAME]: new ort.Tensor('float32', hwcToChw(x, h, w, c), [1, c, h, w]) });
  return out[ONNX_OUTPUT_NAME]!.data as Float32Array;
}

/** Real inputs through the runtime's own front ends: every k-th item of the shared set, all classes. */
function testInputs(network: NetworkName, graph: NetworkGraph, count: number): { x: Float32Array; y: Int32Array; count: number; size: number; dir: string } {
  const dir = join(sharedDataDir(), network === 'kws' ? 'speech_commands' : 'vww');
  const items = loadDataset(dir).items;
  const n = Math.min(count, items.length);
  const step = items.length / n;
  const picked: LabelledItem[] = Array.from({ length: n }, (_, i) => items[Math.floor(i * step)]!);
  const set = prepareInputs(graph, picked);
  return { x: set.x, y: set.y, count: set.count, size: set.inputSize, dir };
}

interface Network {
  network: NetworkName;
  graph: NetworkGraph;
  image: WeightImage;
  source: string;
  macs: number;
  chip: Chip;
  session: InferenceSession;
  input: Float32Array;
}

async function prepare(network: NetworkName, imagePath: string | undefined): Promise<Network> {
  const graph = getGraph(network);
  const { image, source } = resolveImage(network, imagePath, 0);
  const { chip } = await deploy(network, image, { preset: 'paper', bits: 8, seed: 0, gdc: true });
  chip.drift(DRIFT_S);
  const session = await ortSession(graph, image);
  const input = testInputs(network, graph, 1).x.slice();
  return { network, graph, image, source, macs: layerShapes(graph).totalMacs, chip, session, input };
}

/**
 * Each layer alone (chipRunLayers(l, l + 1) on what the last inference left in SRAM) and the SIMD peak
 * in the same round-robin, each its best slice (best against best: both see the quietest moments).
 */
function perLayer(net: Network, peak: Peak): { peakGmacs: number; layers: Array<{ name: string; kind: string; macs: number; us: number }> } {
  const chip = net.chip;
  const logits = new Float32Array(chip.outputLength);
  chip.inferInto(net.input, logits);
  const counters = chip.counters().layers;
  const w = chip.exports;
  const fns: Record<string, () => void> = {};
  counters.forEach((_, l) => {
    fns[String(l)] = () => w.chipRunLayers(l, l + 1);
  });
  fns['peak'] = () => void peak.interleaved(PEAK_REPS);
  const ms = interleaved(fns, LAYER_SLICE_MS, LAYER_ROUNDS);
  return {
    peakGmacs: peakMacsPerCall(peak.rows, PEAK_REPS) / (ms['peak']! * 1e6),
    layers: counters.map((c, l) => ({ name: c.name, kind: net.graph.layers[l]!.kind, macs: c.macs, us: 1000 * ms[String(l)]! })),
  };
}

async function agreement(net: Network, count: number): Promise<string> {
  const { graph, image, network } = net;
  const set = testInputs(network, graph, count);
  const { chip: ideal } = await deploy(network, image, { preset: 'ideal', bits: 8, seed: 0, gdc: true });
  const logits = new Float32Array(ideal.outputLength);
  let chipOrt = 0, chipClip = 0, clipOrt = 0, ortLabel = 0, chipLabel = 0;
  const ortClasses = new Set<number>();
  for (let i = 0; i < set.count; i++) {
    const x = set.x.subarray(i * set.size, (i + 1) * set.size);
    const o = argmax(await ortLogits(net.session, graph, x));
    ortClasses.add(o);
    const c = argmax(ideal.inferInto(x, logits));
    const f = argmax(clippedFloatForward(graph, image, x));
    if (c === o) chipOrt++;
    if (c === f) chipClip++;
    if (f === o) clipOrt++;
    if (o === set.y[i]) ortLabel++;
    if (c === set.y[i]) chipLabel++;
  }
  const pct = (k: number): string => `${((100 * k) / set.count).toFixed(1)} %`;
  return (
    `  ${network}: ${set.count} real inputs (${set.dir}); same class: chip(ideal, 8 bit) vs ORT ${pct(chipOrt)}, ` +
    `chip vs clipped float ${pct(chipClip)}, clipped float vs ORT ${pct(clipOrt)}; label accuracy ORT ${pct(ortLabel)}, chip ${pct(chipLabel)}; ` +
    `ORT predicts ${ortClasses.size} of ${graph.classes.length} classes`
  );
}

function parseArgs(argv: string[]): PerfOptions {
  const json = argv.includes('--json');
  argv = argv.filter((a) => a !== '--json');
  const o: PerfOptions = { rounds: 100, sliceMs: 20, agree: json ? 0 : 300, images: {}, sweepRounds: 3, json };
  const numeric: Record<string, 'rounds' | 'sliceMs' | 'agree' | 'sweepRounds'> = { '--rounds': 'rounds', '--slice-ms': 'sliceMs', '--agree': 'agree', '--sweep-rounds': 'sweepRounds' };
  const images: Record<string, NetworkName> = { '--kws-image': 'kws', '--vww-image': 'vww' };
  for (let i = 0; i < argv.length; i += 2) {
    const flag = argv[i]!;
    const value = argv[i + 1];
    if (value === undefined) throw new UserError(`${flag} needs a value`);
    const net = images[flag];
    if (net !== undefined) {
      o.images[net] = value;
      continue;
    }
    const key = numeric[flag];
    if (key === undefined) throw new UserError(`unknown option ${flag} (--rounds N, --slice-ms MS, --agree N, --kws-image PATH, --vww-image PATH, --sweep-rounds N, --json)`);
    const v = Number(value);
    if (!Number.isInteger(v) || v < 0 || (key !== 'agree' && key !== 'sweepRounds' && v === 0)) throw new UserError(`${flag} needs a positive integer (got ${value})`);
    o[key] = v;
  }
  return o;
}

export async function runPerf(o: PerfOptions): Promise<PerfJson> {
  // With --json the report goes to stderr and stdout carries the one JSON object.
  const say = o.json ? (line: string) => void process.stderr.write(`${line}\n`) : (line: string) => console.log(line);
  const out = { node: process.version, ort: ort.env.versions.node, rounds: o.rounds, sliceMs: o.sliceMs, networks: {} } as PerfJson;
  say(`aon-cim perf: one thread, Node ${process.version}, onnxruntime-node ${ort.env.versions.node}; ` +
    `${o.rounds} interleaved rounds of ${o.sliceMs} ms slices per candidate (medians; best round in brackets)`);
  const peak = await peakWasm();
  const nets: Network[] = [];
  for (const n of NETWORKS) nets.push(await prepare(n, o.images[n]));
  for (const n of nets) say(`  ${n.network}: image ${n.source}, ${(n.macs / 1e6).toFixed(2)} M MACs; emulator: paper preset, 8 bit, GDC, drift snapshot at 1 day`);

  const logits = nets.map((n) => new Float32Array(n.chip.outputLength));
  const cands: Timed[] = [{ name: 'peak', run: () => void peak.interleaved(PEAK_REPS) }];
  nets.forEach((n, k) => {
    const { h, w, c } = n.graph.input;
    const feeds = { [ONNX_INPUT_NAME]: new ort.Tensor('float32', hwcToChw(n.input, h, w, c), [1, c, h, w]) };
    cands.push({ name: `emu ${n.network}`, run: () => void n.chip.inferInto(n.input, logits[k]!) });
    cands.push({ name: `ort ${n.network}`, run: async () => void (await n.session.run(feeds)) });
  });
  const rates = await roundRobin(cands, o.rounds, o.sliceMs);
  const peakCall = peakMacsPerCall(peak.rows, PEAK_REPS) / 1e9;
  const peakGmacs = median(rates[0]!) * peakCall;
  const peakBest = best(rates[0]!) * peakCall;
  out.simdPeakGmacs = peakGmacs;
  say(`  SIMD peak (bench/mvm.ts, int16 dot, 2×4 block, interleaved weights): ${peakGmacs.toFixed(1)} GMAC/s [${peakBest.toFixed(1)}]`);
  nets.forEach((n, k) => {
    const emu = rates[1 + 2 * k]!;
    const ortR = rates[2 + 2 * k]!;
    const ratio = median(emu.map((e, r) => e / ortR[r]!));
    const ofPeak = median(emu.map((e, r) => (e * n.macs) / 1e9 / (rates[0]![r]! * peakCall)));
    const emuG = (median(emu) * n.macs) / 1e9;
    const emuGBest = (best(emu) * n.macs) / 1e9;
    out.networks[n.network] = { image: n.source, emulatorInfPerSec: median(emu), ortInfPerSec: median(ortR), ratioToOrt: ratio, simdPeakShare: ofPeak, convLayersPeakShare: NaN };
    say(
      `  ${n.network.toUpperCase()}: emulator ${median(emu).toFixed(0)} inf/s [${best(emu).toFixed(0)}], ORT float32 ${median(ortR).toFixed(0)} inf/s ` +
        `[${best(ortR).toFixed(0)}]; emulator/ORT ${ratio.toFixed(2)} (target ≥ ${n.network === 'kws' ? TARGETS.kwsRatioToOrt : TARGETS.vwwRatioToOrt}); emulator ${emuG.toFixed(1)} GMAC/s = ` +
        `${(100 * ofPeak).toFixed(0)} % of peak [best/best ${((100 * emuGBest) / peakBest).toFixed(0)} %]`,
    );
  });

  for (const n of nets) {
    const { peakGmacs: layerPeak, layers } = perLayer(n, peak);
    const conv = layers.filter((l) => l.kind === 'conv');
    const sum = (ls: typeof layers, f: (l: (typeof layers)[number]) => number): number => ls.reduce((a, l) => a + f(l), 0);
    const convG = sum(conv, (l) => l.macs) / (sum(conv, (l) => l.us) * 1e3);
    const allG = sum(layers, (l) => l.macs) / (sum(layers, (l) => l.us) * 1e3);
    out.networks[n.network]!.convLayersPeakShare = convG / layerPeak;
    say(
      `  ${n.network.toUpperCase()} per layer (each alone, best of ${LAYER_ROUNDS} interleaved ${LAYER_SLICE_MS} ms slices, SIMD peak in the same rounds ` +
        `${layerPeak.toFixed(1)} GMAC/s): conv layers ${conv.length}/${layers.length}, ` +
        `${(sum(conv, (l) => l.macs) / 1e6).toFixed(2)} M MACs in ${sum(conv, (l) => l.us).toFixed(0)} µs → ${convG.toFixed(1)} GMAC/s = ` +
        `${((100 * convG) / layerPeak).toFixed(0)} % of peak; all layers ${sum(layers, (l) => l.us).toFixed(0)} µs, ${allG.toFixed(1)} GMAC/s = ` +
        `${((100 * allG) / layerPeak).toFixed(0)} % of peak`,
    );
    for (const l of layers) {
      say(`    ${l.name.padEnd(14)} ${l.kind.padEnd(9)} ${(l.macs / 1e6).toFixed(2).padStart(6)} M MACs ${l.us.toFixed(1).padStart(7)} µs ${(l.macs / (l.us * 1e3)).toFixed(1).padStart(5)} GMAC/s`);
    }
  }

  let load = Infinity, snap = Infinity;
  for (let i = 0; i < 3; i++) {
    const t0 = performance.now();
    const full = await Chip.create({ preset: 'paper', seed: i });
    full.load(fullArrayProgram());
    const t1 = performance.now();
    full.drift(DRIFT_S);
    const t2 = performance.now();
    load = Math.min(load, t1 - t0);
    snap = Math.min(snap, t2 - t1);
  }
  say(`  full 1024×512 array, paper preset (best of 3): create + program + GDC baseline + first snapshot ${load.toFixed(0)} ms; drift snapshot (1 day) ${snap.toFixed(0)} ms`);

  out.fullArray = { programMs: load, snapshotMs: snap };

  out.sweep = null;
  out.sweepLarge = null;
  if (o.sweepRounds > 0) {
    out.sweep = await measureSweep({ rounds: o.sweepRounds, runs: 2, items: 100, sliceMs: 1000 });
    for (const line of formatSweepBench(out.sweep).split('\n')) say(`  ${line}`);
    out.sweepLarge = await measureSweep({ rounds: Math.min(2, o.sweepRounds), runs: 4, items: 300, sliceMs: 1000 });
    for (const line of formatSweepBench(out.sweepLarge).split('\n')) say(`  ${line}`);
  }
  out.loadAverage1m = loadavg()[0]!;
  out.targets = TARGETS;

  if (o.agree > 0) {
    say(`  agreement on the predicted class (chip in ideal mode: no device noise, 8-bit converters):`);
    for (const n of nets) say(await agreement(n, o.agree));
  }
  for (const n of nets) await n.session.release();
  return out;
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  try {
    const o = parseArgs(process.argv.slice(2));
    const r = await runPerf(o);
    if (o.json) process.stdout.write(`${JSON.stringify(r)}\n`);
  } catch (e) {
    if (e instanceof UserError) {
      console.error(`error: ${e.message}`);
      process.exit(2);
    }
    throw e;
  }
}
