/**
 * Streaming memory flatness: the KWS chip classifier (host/kws/chip-classifier.ts: paper preset, 8 bit,
 * 1-day snapshot) over one hour of audio at 100 ms hop (36,000 windows) from the streaming front end
 * (host/audio/stream-features.ts). The audio is generated on the fly in 100 ms chunks: a background-noise
 * recording looped at 0.3 gain, a Speech Commands clip mixed in every 3 s (real data, ../shared/data),
 * so nothing grows with the stream length but what the runtime itself keeps.
 * RSS and heap are sampled every 10 s of audio; printed: the peak RSS up to 1, 10 and 60 min of audio,
 * heap used at those points, and the process's maxRSS (getrusage).
 * Run: npm run tsbuild && node dist/bench/memory.js [minutes of audio, default 60] [sample every N min] [reused|fresh]
 * (with node --expose-gc it also prints the heap still live after a full GC at each sample).
 */
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { loadWav16k } from '../host/audio/load-clip.js';
import { DEFAULT_HOP_SAMPLES, StreamFeatures, type FeatureWindow } from '../host/audio/stream-features.js';
import { UserError } from '../host/errors.js';
import { loadDataset } from '../host/eval/dataset.js';
import { createKwsChipClassifier } from '../host/kws/chip-classifier.js';
import { KwsWindowScorer } from '../host/kws/window-scorer.js';
import { sharedDataDir } from '../host/paths.js';

const SAMPLE_RATE = 16_000;
const CLIP_EVERY_S = 3;
const NOISE_GAIN = 0.3;
const CLIPS = 24;
const MB = 1024 * 1024;

export interface MemorySample {
  audioMin: number;
  /** Peak of the sampled RSS up to this point (MB). */
  peakRssMb: number;
  /** RSS right now (MB). */
  rssMb: number;
  heapUsedMb: number;
  heapTotalMb: number;
  /** Memory outside the JS heap: ArrayBuffers (incl. the chip's WASM memory) and native (MB). */
  externalMb: number;
  /** Heap still live after a full GC (only with node --expose-gc), else null. */
  heapLiveMb: number | null;
}

export interface MemoryResult {
  windows: number;
  samples: MemorySample[];
  maxRssMb: number;
  /** Wall seconds of the stream loop (front end + chip + softmax + energy), for the real-time factor. */
  wallS: number;
}

/** A sample; with --expose-gc also the live heap after a full collection (taken after the other figures). */
function sampleOf(audioMin: number, peakRss: number, m: NodeJS.MemoryUsage): MemorySample {
  const gc = (globalThis as { gc?: () => void }).gc;
  let heapLiveMb: number | null = null;
  if (gc) {
    gc();
    heapLiveMb = process.memoryUsage().heapUsed / MB;
  }
  return { audioMin, peakRssMb: peakRss / MB, rssMb: m.rss / MB, heapUsedMb: m.heapUsed / MB, heapTotalMb: m.heapTotal / MB, externalMb: m.external / MB, heapLiveMb };
}

/** Audio source: looped background noise with a keyword clip mixed in every CLIP_EVERY_S seconds. */
function* audioChunks(totalS: number): Generator<Float32Array> {
  const data = sharedDataDir();
  const noise = loadWav16k(join(data, 'background_noise', 'running_tap.wav')).samples;
  const items = loadDataset(join(data, 'speech_commands')).items.filter((i) => !i.label.startsWith('_'));
  const clips = Array.from({ length: CLIPS }, (_, k) => loadWav16k(items[Math.floor((k * items.length) / CLIPS)]!.path).samples);
  const chunk = new Float32Array(DEFAULT_HOP_SAMPLES);
  const total = totalS * SAMPLE_RATE;
  const every = CLIP_EVERY_S * SAMPLE_RATE;
  for (let t = 0; t < total; t += chunk.length) {
    for (let i = 0; i < chunk.length; i++) {
      const s = t + i;
      let v = NOISE_GAIN * noise[s % noise.length]!;
      const clip = clips[Math.floor(s / every) % CLIPS]!;
      const j = s % every;
      if (j < clip.length) v += clip[j]!;
      chunk[i] = Math.max(-1, Math.min(1, v));
    }
    yield chunk;
  }
}

/**
 * `path`: 'reused' (default) — the allocation-free path: StreamFeatures.pushEach (one MFCC buffer) and
 * KwsWindowScorer (logits, scores, counters and energy totals reused); 'fresh' — push() and classify(),
 * which allocate every window's MFCC, logits, scores, counters and energy report (the path measured
 * before 2026-12, kept to compare).
 */
export async function measureStreamMemory(minutes: number, marksMin: number[] = [1, 10, 60], path: 'reused' | 'fresh' = 'reused'): Promise<MemoryResult> {
  const classifier = await createKwsChipClassifier({ driftS: 86_400, preset: 'paper', seed: 0, gdc: true, bits: 8 });
  const scorer = new KwsWindowScorer(classifier.deployment.chip);
  const features = new StreamFeatures({ hopSamples: DEFAULT_HOP_SAMPLES });
  const samples: MemorySample[] = [];
  let peakRss = 0;
  let windows = 0;
  let detections = 0;
  const marks = marksMin.filter((m) => m <= minutes);
  const onWindow = (w: FeatureWindow) => {
    const scores = path === 'reused' ? scorer.score(w.mfcc).scores : classifier.classify(w.mfcc).scores;
    if (scores[2]! > 0.5) detections++; // keeps the result live
    windows++;
    if (windows % 100 === 0) {
      const m = process.memoryUsage();
      peakRss = Math.max(peakRss, m.rss);
      const audioMin = w.endS / 60;
      if (marks.length > 0 && audioMin >= marks[0]!) {
        marks.shift();
        samples.push(sampleOf(audioMin, peakRss, m));
      }
    }
  };
  const t0 = performance.now();
  for (const chunk of audioChunks(minutes * 60)) {
    if (path === 'reused') features.pushEach(chunk, onWindow);
    else for (const w of features.push(chunk)) onWindow(w);
  }
  const wallS = (performance.now() - t0) / 1000;
  const m = process.memoryUsage();
  peakRss = Math.max(peakRss, m.rss);
  for (const mark of marks) samples.push(sampleOf(Math.max(mark, windows / 600), peakRss, m));
  void detections;
  return { windows, samples, maxRssMb: process.resourceUsage().maxRSS / 1024, wallS };
}

async function main(): Promise<void> {
  const minutes = Number(process.argv[2] ?? 60);
  if (!(Number.isInteger(minutes) && minutes > 0)) throw new UserError(`minutes of audio must be a positive integer (got ${process.argv[2]})`);
  const every = Number(process.argv[3] ?? 0);
  if (!(Number.isInteger(every) && every >= 0)) throw new UserError(`sample interval must be a whole number of minutes ≥ 0 (got ${process.argv[3]})`);
  const path = process.argv[4] === 'fresh' ? 'fresh' : 'reused';
  const marks = [1, ...(every > 0 ? Array.from({ length: Math.floor(minutes / every) }, (_, k) => (k + 1) * every) : [10, 60])].filter((m, i, a) => a.indexOf(m) === i);
  const r = await measureStreamMemory(minutes, marks, path);
  console.log(`KWS chip classifier over ${minutes} min of audio at 100 ms hop (${r.windows} windows, ${path === 'reused' ? 'allocation-free path: pushEach + KwsWindowScorer' : 'allocating path: push + classify'}), one thread, Node ${process.version}, ${process.execArgv.join(' ') || 'default flags'}:`);
  for (const s of r.samples) {
    console.log(
      `  at ${s.audioMin.toFixed(1).padStart(5)} min of audio: peak RSS ${s.peakRssMb.toFixed(1)} MB (now ${s.rssMb.toFixed(1)}), ` +
        `heap used ${s.heapUsedMb.toFixed(1)} of ${s.heapTotalMb.toFixed(1)} MB` +
        `${s.heapLiveMb === null ? '' : ` (live after GC ${s.heapLiveMb.toFixed(1)})`}, external ${s.externalMb.toFixed(1)} MB`,
    );
  }
  const first = r.samples.find((s) => s.audioMin >= 1);
  const last = r.samples[r.samples.length - 1];
  if (first && last && last !== first) {
    const growth = last.peakRssMb - first.peakRssMb;
    console.log(`  peak RSS growth ${first.audioMin.toFixed(0)} → ${last.audioMin.toFixed(0)} min: ${growth.toFixed(1)} MB (target: flat within 5 MB after the first minute: ${growth <= 5 ? 'met' : 'NOT met'})`);
  }
  console.log(`  process maxRSS ${r.maxRssMb.toFixed(1)} MB; stream loop ${r.wallS.toFixed(1)} s wall → ${((minutes * 60) / r.wallS).toFixed(0)}× real time (front end + chip + softmax + energy, no detector)`);
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  try {
    await main();
  } catch (e) {
    if (!(e instanceof UserError)) throw e;
    console.error(`error: ${e.message}`);
    process.exit(2);
  }
}
