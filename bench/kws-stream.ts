/**
 * The long-stream figure of merit of streaming KWS, the way wake-word benchmarks report it: ~10 minutes
 * of real Speech Commands clips at known times over real background noise (host/kws/long-stream.ts),
 * streamed through the emulated chip at a 100 ms hop in 100 ms chunks, as a microphone delivers it.
 * Prints misses, false accepts per hour, the real-time factor and peak RSS, plus the emulated energy.
 *
 * Speed as ratios in one run: the real-time factor of the whole loop (front end + chip + detector) next to
 * that of the streaming front end alone over the same audio, so the chip's share is visible whatever the
 * machine's load.
 *
 * Accuracy needs a trained image (--model models/kws/….aonw; the shipped one is used when present). A
 * trained image is scored on the clips its trainer held out (split by speaker with the image's training
 * seed, host/eval/split.ts); a random image on all clips (its detections carry no meaning; speed does).
 *
 * Run (from the repository root, WASM built): npx tsc -p tsconfig.json && node dist/bench/kws-stream.js
 *   [--model IMAGE] [--bits 8|6|4] [--drift 1d] [--preset paper|aihwkit|ideal] [--seed N] [--no-gdc]
 *   [--hop 100ms] [--minutes 10] [--threshold P] [--smoothing T] [--refractory T] [--thresholds P,P,…] [--json]
 *
 * --thresholds adds the trade-off between misses and false accepts (a DET curve) at each threshold, from the
 * same pass of the chip (operating-points.ts: the windows' scores replayed through the detector).
 */
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { readWav } from '../host/audio/wav.js';
import { StreamFeatures } from '../host/audio/stream-features.js';
import { SAMPLE_RATE } from '../host/audio/mfcc.js';
import { parseHop, parseNonNegTime, parseThreshold } from '../host/cli/kws.js';
import { STREAM_DEFAULTS } from '../host/kws/stream-detections.js';
import { parseBits, parseDuration, parseNonNegInt, parsePreset } from '../host/cli/options.js';
import { shuffleInPlace, validationPredicate } from '../host/eval/split.js';
import { createKwsChipClassifier } from '../host/kws/chip-classifier.js';
import { evaluateLongStream } from '../host/kws/evaluate-stream.js';
import { operatingPoints, WindowRecorder } from '../host/kws/operating-points.js';
import { buildLongStream, type LabeledClip } from '../host/kws/long-stream.js';
import { readSpeechCommandsIndex, speechCommandsDir } from '../host/kws/speech-commands.js';
import { sharedDataDir } from '../host/paths.js';
import { resolveImage } from '../host/runtime/deploy.js';
import { InitRng } from '../models/image/prng.js';
import { KWS_CLASSES } from '../models/graphs/kws.js';
import { UserError } from '../host/errors.js';
import { runIfMain } from './run-if-main.js';

async function main(argv: string[]): Promise<void> {
  try {
    await run(argv);
  } catch (e) {
    // A bad option or value (node's parseArgs, the CLI's commander parsers) is the user's, not a bug.
    const code = (e as { code?: string }).code ?? '';
    if (e instanceof Error && (code.startsWith('ERR_PARSE_ARGS') || code === 'commander.invalidArgument')) throw new UserError(e.message);
    throw e;
  }
}

async function run(argv: string[]): Promise<void> {
  const { values: a } = parseArgs({
    args: argv,
    options: {
      model: { type: 'string' },
      bits: { type: 'string' },
      drift: { type: 'string', default: '25s' },
      preset: { type: 'string', default: 'paper' },
      seed: { type: 'string', default: '0' },
      'no-gdc': { type: 'boolean', default: false },
      hop: { type: 'string', default: '100ms' },
      minutes: { type: 'string', default: '10' },
      threshold: { type: 'string' },
      smoothing: { type: 'string' },
      refractory: { type: 'string' },
      thresholds: { type: 'string' },
      json: { type: 'boolean', default: false },
    },
  });

  const seed = parseNonNegInt(a.seed!);
  const bits = a.bits !== undefined ? parseBits(a.bits) : undefined;
  const driftS = parseDuration(a.drift!);
  const preset = parsePreset(a.preset!);
  const hopSamples = parseHop(a.hop!);
  const minutes = Number(a.minutes);
  if (!(minutes > 0 && minutes <= 600)) throw new UserError(`--minutes must be in (0, 600] (got ${a.minutes})`);
  const threshold = a.threshold !== undefined ? parseThreshold(a.threshold) : STREAM_DEFAULTS.threshold;
  const smoothingS = a.smoothing !== undefined ? parseNonNegTime('smoothing')(a.smoothing) : STREAM_DEFAULTS.smoothingS;
  const refractoryS = a.refractory !== undefined ? parseNonNegTime('refractory')(a.refractory) : STREAM_DEFAULTS.refractoryS;
  const sweep = a.thresholds !== undefined ? a.thresholds.split(',').map((t) => parseThreshold(t.trim())) : [];
  const log = (s: string) => process.stderr.write(`${s}\n`);

  // Which clips: the trainer's held-out speakers for a trained image, all clips for a random one.
  const { image, source: imageSource } = resolveImage('kws', a.model, seed, log);
  const index = readSpeechCommandsIndex();
  const rows = index.map((e) => ({ path: e.path.slice(speechCommandsDir().length + 1), speaker: e.speaker }));
  const trained = image.training.method !== 'random';
  const isHeldOut = trained ? validationPredicate('kws', rows, image.training.seed) : () => true;
  const pool = index.filter((_, i) => isHeldOut(rows[i]!));

  // ~3 s per placed clip (1 s clip + a 1–3 s gap): 80 % keywords (equal per keyword), 15 % other words, 5 % silence.
  const nClips = Math.round((minutes * 60) / 3);
  const keywords = KWS_CLASSES.filter((l) => l !== '_silence_' && l !== '_unknown_');
  const perKeyword = Math.round((0.8 * nClips) / keywords.length);
  const want: Record<string, number> = { _unknown_: Math.round(0.15 * nClips), _silence_: Math.round(0.05 * nClips) };
  for (const k of keywords) want[k] = perKeyword;
  const rng = new InitRng(seed, 0x5354); // "ST": this bench's own draw
  const clips: LabeledClip[] = [];
  for (const label of KWS_CLASSES) {
    const of = shuffleInPlace(pool.filter((e) => e.label === label), rng).slice(0, want[label]!);
    for (const e of of) clips.push({ label, samples: readWav(e.path).samples, source: e.path });
  }
  // Continuous real noise: the four recorded backgrounds end to end (pink/white noise are synthetic).
  const noiseFiles = ['doing_the_dishes.wav', 'dude_miaowing.wav', 'exercise_bike.wav', 'running_tap.wav'];
  const parts = noiseFiles.map((f) => readWav(join(sharedDataDir(), 'background_noise', f)).samples);
  const noise = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
  parts.reduce((at, p) => (noise.set(p, at), at + p.length), 0);
  const stream = buildLongStream(clips, { noise, seed });

  // Reference in the same run: the streaming front end alone over the same audio and hop.
  const tf0 = performance.now();
  const sf = new StreamFeatures({ hopSamples });
  for (let at = 0; at < stream.samples.length; at += 1600) sf.push(stream.samples.subarray(at, at + 1600));
  const frontEndRtf = (performance.now() - tf0) / 1000 / stream.durationS;

  const td0 = performance.now();
  const classifier = await createKwsChipClassifier({ model: a.model, bits, driftS, preset, seed, gdc: !a['no-gdc'], onNote: () => {} });
  const deployMs = performance.now() - td0;
  const recorder = new WindowRecorder();
  const result = await evaluateLongStream(stream, classifier, { labels: classifier.labels, hopSamples, threshold, smoothingS, refractoryS, ...(sweep.length > 0 ? { onInference: recorder.record } : {}) });
  const { summary, score } = result;
  const peakRssMb = process.resourceUsage().maxRSS / 1024;

  const missedBy: Record<string, number> = {};
  stream.keywords.forEach((k, i) => {
    if (score.hitBy[i] === -1) missedBy[k.label] = (missedBy[k.label] ?? 0) + 1;
  });
  const report = {
    image: imageSource,
    trained,
    clips: trained ? `held-out speakers (training seed ${image.training.seed})` : 'all clips (random image)',
    settings: { bits: classifier.bits, preset, driftS, seed, gdc: !a['no-gdc'], hopMs: (hopSamples / SAMPLE_RATE) * 1000, threshold, smoothingS, refractoryS },
    audioMinutes: stream.durationS / 60,
    placed: stream.placed.length,
    keywords: score.keywords,
    hits: score.hits,
    misses: score.misses,
    missRate: score.missRate,
    falseAccepts: score.falseAccepts,
    falseAcceptsPerHour: score.falseAcceptsPerHour,
    missedBy,
    inferences: summary.inferences,
    realTimeFactor: summary.realTimeFactor,
    frontEndRealTimeFactor: frontEndRtf,
    deployMs,
    uJPerInference: summary.uJPerInference,
    uJTotal: summary.uJTotal,
    meanLatencyUs: summary.meanLatencyUs,
    peakRssMb,
    operatingPoints: operatingPoints(recorder.windows, stream.keywords, summary.audioSeconds, sweep, { labels: classifier.labels, hopS: hopSamples / SAMPLE_RATE, smoothingS, refractoryS }).map((p) => ({
      threshold: p.threshold,
      misses: p.score.misses,
      missRate: p.score.missRate,
      falseAccepts: p.score.falseAccepts,
      falseAcceptsPerHour: p.score.falseAcceptsPerHour,
    })),
  };

  if (a.json) console.log(JSON.stringify(report));
  else {
    const s = report.settings;
    console.log(`Long-stream KWS on the emulated chip — image ${report.image}${trained ? '' : ' (random weights: detections carry no meaning)'}`);
    console.log(`  ${s.bits} bit, preset ${s.preset}, drift ${s.driftS} s, seed ${s.seed}, GDC ${s.gdc ? 'on' : 'off'}; hop ${s.hopMs} ms, threshold ${s.threshold}, smoothing ${s.smoothingS} s, refractory ${s.refractoryS} s`);
    console.log(`  stream: ${report.audioMinutes.toFixed(1)} min, ${report.placed} clips (${report.keywords} keywords) from ${report.clips}, over recorded background noise`);
    console.log(`  misses         ${report.misses} / ${report.keywords} (${(100 * report.missRate).toFixed(1)} %)${report.misses ? `  by keyword: ${JSON.stringify(missedBy)}` : ''}`);
    console.log(`  false accepts  ${report.falseAccepts} (${report.falseAcceptsPerHour.toFixed(1)} per hour)`);
    console.log(`  real-time factor ${report.realTimeFactor.toFixed(4)} (whole loop; ${(1 / report.realTimeFactor).toFixed(0)}× faster than real time); front end alone ${frontEndRtf.toFixed(4)}`);
    console.log(`  ${report.inferences} inferences, ${report.meanLatencyUs.toFixed(1)} µs emulated latency and ${report.uJPerInference.toFixed(3)} µJ each, ${report.uJTotal.toFixed(0)} µJ in total`);
    console.log(`  chip programming ${deployMs.toFixed(0)} ms; peak RSS ${peakRssMb.toFixed(0)} MB`);
    if (report.operatingPoints.length > 0) {
      console.log(`  threshold  misses          false accepts per hour   (smoothing ${s.smoothingS} s, refractory ${s.refractoryS} s; the same windows)`);
      for (const p of report.operatingPoints) console.log(`  ${p.threshold.toFixed(2).padStart(9)}  ${`${p.misses} (${(100 * p.missRate).toFixed(1)} %)`.padEnd(16)}${p.falseAcceptsPerHour.toFixed(1).padStart(7)}`);
    }
  }
}

await runIfMain(import.meta.url, 'kws-stream', main);
