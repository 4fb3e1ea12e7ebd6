/**
 * A Web Worker that owns one emulated chip (one per task: the page starts one for KWS and one for VWW).
 * It runs the host modules the CLI runs: the weight image is read by models/image/format.ts, deployed by
 * host/runtime/deployment.ts on host/chip/chip.ts (whose WebAssembly comes from host/chip/wasm-fetch.ts
 * here), KWS audio goes through host/audio/stream-resample.ts (capture rate → 16 kHz) into the streaming
 * loop of host/kws/classifier.ts (streaming MFCC, the chip, the CLI's detector), VWW frames through
 * host/vision/normalize.ts; the meter is host/energy/model.ts and report.ts on the chip's counters.
 */
import { readWeightImage } from '../models/image/format.js';
import type { WeightImage } from '../models/image/types.js';
import { StreamResampler } from '../host/audio/stream-resample.js';
import { energyOf } from '../host/energy/model.js';
import { buildReport } from '../host/energy/report.js';
import { isUserError } from '../host/errors.js';
import { runStream, type Classification } from '../host/kws/classifier.js';
import { chipKwsClassifier, type KwsChipClassifier } from '../host/kws/deployed-classifier.js';
import { STREAM_DEFAULTS } from '../host/kws/stream-detections.js';
import { deploy, type Deployment } from '../host/runtime/deployment.js';
import { chipVwwClassifier, softmaxAt } from '../host/vision/deployed-classifier.js';
import { preprocessVwwFrame } from '../host/vision/normalize.js';
import type { ChipSettings, FromWorker, Meter, Task, ToWorker } from './protocol.js';

const post = (m: FromWorker) => (self as unknown as Worker).postMessage(m);

/** The shipped image trained for these bits, copied beside the page by web/build.mjs. */
const imagePath = (task: Task, bits: number) => `models/${task}/full-${bits}.aonw`;

const images = new Map<string, Promise<WeightImage>>();
function loadImage(task: Task, bits: number): Promise<WeightImage> {
  const path = imagePath(task, bits);
  let p = images.get(path);
  if (!p) {
    p = (async () => {
      const r = await fetch(new URL(path, self.location.href));
      if (!r.ok) throw new Error(`cannot fetch the weight image ${path}: HTTP ${r.status}`);
      return readWeightImage(new Uint8Array(await r.arrayBuffer()), task);
    })();
    images.set(path, p);
    p.catch(() => images.delete(path));
  }
  return p;
}

let task: Task | null = null;
let settings: ChipSettings | null = null;
let deployment: Deployment | null = null;
let programmedFor = '';
let kws: KwsChipClassifier | null = null;

function describe(s: ChipSettings, t: Task): string {
  return `${imagePath(t, s.bits)} at ${s.bits} bit, preset ${s.preset}, seed ${s.seed}, GDC ${s.gdc ? 'on' : 'off'}, read ${s.driftS.toFixed(0)} s after programming`;
}

async function configure(t: Task, s: ChipSettings): Promise<void> {
  task = t;
  const key = `${t}/${s.bits}/${s.preset}/${s.seed}`;
  if (key !== programmedFor || !deployment) {
    post({ type: 'status', task: t, state: 'programming', message: `programming the chip: ${describe(s, t)}`, settings: s, image: imagePath(t, s.bits) });
    const image = await loadImage(t, s.bits);
    // Programmed once per image, preset and seed (t = 0); then read at driftS, as the CLI does.
    deployment = await deploy(t, image, { preset: s.preset, bits: s.bits, seed: s.seed, gdc: s.gdc });
    deployment.chip.drift(s.driftS);
    programmedFor = key;
    kws = t === 'kws' ? chipKwsClassifier(deployment, imagePath(t, s.bits)) : null;
  } else {
    if (s.gdc !== settings!.gdc) deployment.chip.setGdc(s.gdc);
    // The same chip read at a new time (a new snapshot: drift + read noise).
    if (s.driftS !== settings!.driftS) deployment.chip.drift(s.driftS);
  }
  settings = s;
  post({ type: 'status', task: t, state: 'ready', message: `ready: ${describe(s, t)}`, settings: s, image: imagePath(t, s.bits) });
}

function meterOf(emulationMs: number): Meter {
  const counters = deployment!.chip.counters();
  const m = energyOf(counters, { mode: 'measured' });
  const f = energyOf(counters, { mode: 'fullScale' });
  return {
    uJ: m.total.energyUj,
    uJFullScale: f.total.energyUj,
    latencyUs: f.total.latencyUs,
    chipInfPerSec: f.total.infPerSec,
    topsPerWatt: m.total.topsPerWatt,
    topsPerWattFullScale: f.total.topsPerWatt,
    emulationMs,
  };
}

function reportOf(input: string) {
  const s = settings!;
  return buildReport(
    { placement: deployment!.placement, counters: deployment!.chip.counters(), imageSource: imagePath(task!, s.bits), inputSource: input },
    { model: task!, bits: s.bits, preset: s.preset, drift: s.driftS, seed: s.seed, gdc: s.gdc },
  );
}

// ---- KWS: microphone chunks → 16 kHz → the CLI's streaming loop ------------------------------------

/** Chunks of 16 kHz audio for runStream, as an async iterable fed by messages. */
class ChunkQueue implements AsyncIterable<Float32Array> {
  private items: Float32Array[] = [];
  private waiting: ((r: IteratorResult<Float32Array>) => void) | null = null;
  private closed = false;
  push(x: Float32Array): void {
    if (this.waiting) {
      const w = this.waiting;
      this.waiting = null;
      w({ value: x, done: false });
    } else this.items.push(x);
  }
  close(): void {
    this.closed = true;
    if (this.waiting) this.waiting({ value: undefined, done: true });
    this.waiting = null;
  }
  [Symbol.asyncIterator](): AsyncIterator<Float32Array> {
    return {
      next: (): Promise<IteratorResult<Float32Array>> => {
        const x = this.items.shift();
        if (x) return Promise.resolve({ value: x, done: false });
        if (this.closed) return Promise.resolve({ value: undefined, done: true });
        return new Promise((resolve) => (this.waiting = resolve));
      },
    };
  }
}

let stream: { queue: ChunkQueue; resampler: StreamResampler } | null = null;

function startStream(sampleRate: number): NonNullable<typeof stream> {
  const queue = new ChunkQueue();
  const resampler = new StreamResampler(sampleRate);
  let emulationMs = 0;
  // The classifier of the chip as it is now (a new bit width swaps the chip mid-stream).
  const current = {
    classify(mfcc: Float32Array): Classification {
      const t0 = performance.now();
      const r = kws!.classify(mfcc);
      emulationMs = performance.now() - t0;
      return r;
    },
  };
  const run = async () => {
    const gen = runStream(queue, current, {
      labels: kws!.labels,
      hopSamples: STREAM_DEFAULTS.hopSamples,
      threshold: STREAM_DEFAULTS.threshold,
      smoothingS: STREAM_DEFAULTS.smoothingS,
      refractoryS: STREAM_DEFAULTS.refractoryS,
      onInference: (endS, result) => {
        post({ type: 'kws', endS, labels: kws!.labels, scores: Array.from(result.scores), meter: meterOf(emulationMs), report: reportOf('microphone') });
      },
    });
    for (;;) {
      const r = await gen.next();
      if (r.done) break;
      post({ type: 'detection', event: { timeS: Math.round(r.value.timeS * 1e6) / 1e6, keyword: r.value.keyword, score: r.value.score } });
    }
  };
  run().catch(fail);
  return { queue, resampler };
}

// ---- VWW: one frame → the CLI's preprocessing → the chip ---------------------------------------------

function classifyFrame(m: Extract<ToWorker, { type: 'frame' }>): void {
  const classifier = chipVwwClassifier(deployment!);
  const input = preprocessVwwFrame({ width: m.width, height: m.height, rgb: m.rgb });
  const t0 = performance.now();
  const out = classifier.classify(input);
  const emulationMs = performance.now() - t0;
  const score = softmaxAt(out.scores, classifier.classes.indexOf('person'));
  post({ type: 'vww', id: m.id, source: m.source, name: m.name, person: score >= 0.5, score, meter: meterOf(emulationMs), report: reportOf(m.name), driftS: settings!.driftS });
}

// ---- messages, one at a time -------------------------------------------------------------------------

function fail(e: unknown): void {
  const message = isUserError(e) || e instanceof Error ? e.message : String(e);
  post({ type: 'error', task: task ?? 'kws', message });
}

let queue: Promise<void> = Promise.resolve();
self.onmessage = (ev: MessageEvent<ToWorker>) => {
  const m = ev.data;
  // Audio is queued at once (the stream loop pulls it); everything else waits its turn.
  if (m.type === 'audio') {
    if (!deployment || task !== 'kws') return;
    if (!stream || stream.resampler.fromRate !== m.sampleRate) {
      stream?.queue.close();
      stream = startStream(m.sampleRate);
    }
    const x = stream.resampler.push(m.samples);
    if (x.length > 0) stream.queue.push(x);
    return;
  }
  if (m.type === 'end-audio') {
    stream?.queue.close();
    stream = null;
    return;
  }
  queue = queue
    .then(async () => {
      if (m.type === 'configure') await configure(m.task, m.settings);
      else if (m.type === 'frame') {
        if (!deployment) throw new Error('the chip is not programmed yet');
        classifyFrame(m);
      }
    })
    .catch(fail);
};
