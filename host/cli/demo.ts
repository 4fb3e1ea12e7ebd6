/**
 * `aon-cim demo [--json] [--bits B] [--drift T] [--preset P] [--seed N] [--no-gdc]`: the README's first
 * command. With no arguments it runs the shipped inputs through the emulated chip at 8 bit (--bits: the
 * shipped full-<bits> images at their bits), the same paths as the subcommands (so every number here
 * can be reproduced with them):
 *  - KWS on demo/yes.wav, one clip                (= aon-cim kws demo/yes.wav)
 *  - KWS streaming over demo/stream.wav, 100 ms hop (= aon-cim kws demo/stream.wav --stream)
 *  - VWW on demo/person.png and demo/no-person.png (= aon-cim vww demo/…png)
 *  - one energy line per model: the energy model on the chip's counters of the demo input
 *    (KWS: the yes.wav inference; VWW: person.png, as aon-cim energy --model vww --bits 8)
 * Weights: the shipped images in models/, else the seeded random image (a note says so).
 * The demo inputs' true labels are known, so a wrong answer is marked where it is printed: the shipped
 * VWW image is weak, and a reader should not have to find that out in demo/README.md.
 */
import type { Command } from 'commander';
import { loadWav16k } from '../audio/load-clip.js';
import { openAudioSource } from '../audio/source.js';
import type { Bits } from '../chip/program.js';
import { measure } from '../energy/measure.js';
import { energyOf, type InferenceEnergy } from '../energy/model.js';
import { createKwsChipClassifier } from '../kws/chip-classifier.js';
import { classifyClip, fitNotes, type KwsClipResult } from '../kws/clip.js';
import type { DetectionEvent } from '../kws/detector.js';
import { STREAM_DEFAULTS, streamDetections, type KwsStreamSummary } from '../kws/stream-detections.js';
import { StreamJudge, type StreamClip } from '../kws/stream-truth.js';
import { repoPath } from '../paths.js';
import { createVwwClassifier, softmaxAt } from '../vision/classifier.js';
import { decodeImageFile } from '../vision/decode.js';
import { preprocessVwwFrame } from '../vision/normalize.js';
import { shippedImageForBits } from '../runtime/shipped-images.js';
import { addChipFlags, chipSettings, type ChipFlags } from './chip-flags.js';
import { noteWriter, type Io } from './io.js';
import { formatClip, formatSummary } from './kws.js';
import type { RegisterCommand } from './command.js';
import { formatDuration, optionWithDefault, parseBits } from './options.js';
import type { VwwFrameResult } from './vww.js';

/** The demo inputs and what they show (demo/README.md). */
const DEMO_CLIP = { file: 'yes.wav', label: 'yes' };
/** demo/stream.wav's clips (demo/README.md's table): three keywords and "backward", which must not fire. */
export const DEMO_STREAM_CLIPS: StreamClip[] = [
  { startS: 1.2, endS: 2.2, label: 'yes' },
  { startS: 3.691, endS: 4.691, label: '_unknown_' },
  { startS: 6.054, endS: 7.054, label: 'stop' },
  { startS: 8.342, endS: 9.342, label: 'go' },
];
const DEMO_FRAMES = [
  { file: 'person.png', person: true },
  { file: 'no-person.png', person: false },
];

/** A VWW frame of the demo, with its true label. */
export interface DemoFrameResult extends VwwFrameResult {
  /** Whether the frame shows a person (its label in the data set). */
  truth: boolean;
}

export interface DemoEnergyLine {
  model: 'kws' | 'vww';
  bits: Bits;
  /** The input whose counters were read. */
  input: string;
  /** Energy with the DAC pulses this input took. */
  uJ: number;
  /** Energy with every driven row at full-scale pulses (the paper's Table 2 accounting). */
  uJFullScale: number;
  latencyUs: number;
  infPerSec: number;
  topsPerWatt: number;
  topsPerWattFullScale: number;
}

export interface DemoReport {
  settings: { bits: Bits; preset: string; driftS: number; seed: number; gdc: boolean };
  kws: {
    image: string;
    clip: KwsClipResult & { file: string; truth: string };
    stream: {
      file: string;
      hopMs: number;
      detections: DetectionEvent[];
      summary: KwsStreamSummary;
      /** Where the file's clips are (demo/README.md) and what the detections got wrong against them. */
      truth: StreamClip[];
      /** Detections that heard no keyword clip (by index into `detections`). */
      falseDetections: number[];
      /** Keyword clips no detection heard. */
      missed: StreamClip[];
    };
  };
  vww: { image: string; frames: DemoFrameResult[] };
  energy: DemoEnergyLine[];
}

function energyLine(model: 'kws' | 'vww', input: string, measured: InferenceEnergy, fullScale: InferenceEnergy): DemoEnergyLine {
  return {
    model,
    bits: measured.bits,
    input,
    uJ: measured.total.energyUj,
    uJFullScale: fullScale.total.energyUj,
    latencyUs: measured.total.latencyUs,
    infPerSec: measured.total.infPerSec,
    topsPerWatt: measured.total.topsPerWatt,
    topsPerWattFullScale: fullScale.total.topsPerWatt,
  };
}

export function formatEnergyLine(e: DemoEnergyLine): string {
  return (
    `  ${e.model} at ${e.bits} bit: ${e.uJ.toFixed(3)} µJ/inference (${e.uJFullScale.toFixed(3)} at full-scale pulses), ` +
    `${e.latencyUs.toFixed(1)} µs, ${e.infPerSec.toFixed(0)} inf/s, ${e.topsPerWatt.toFixed(1)} TOPS/W (${e.topsPerWattFullScale.toFixed(1)} at full scale)\n`
  );
}

/** Paths relative to the working directory read better than absolute ones. */
function shown(path: string): string {
  const cwd = process.cwd() + '/';
  return path.startsWith(cwd) ? path.slice(cwd.length) : path;
}

/** Run the demo; human lines go to `out` as they are ready (nothing when null: --json). */
export async function runDemo(flags: ChipFlags, out: ((text: string) => void) | null, onNote: (m: string) => void): Promise<DemoReport> {
  const say = out ?? (() => {});
  const bits: Bits = flags.bits ?? 8;
  // Each network on its shipped image trained for these bits (full-4 at 4 bit), else the default image.
  const settingsFor = (network: 'kws' | 'vww') => chipSettings({ ...flags, model: shippedImageForBits(network, bits), bits }, onNote);
  const yes = repoPath('demo', DEMO_CLIP.file);
  const streamWav = repoPath('demo', 'stream.wav');
  const frames = DEMO_FRAMES.map((f) => ({ ...f, path: repoPath('demo', f.file) }));

  say(
    `AnalogNet-KWS and AnalogNet-VWW on the emulated AON-CiM chip: 1024×512 PCM array, ${bits}-bit converters, ` +
      `preset ${flags.preset}, ${formatDuration(flags.drift)} after programming, seed ${flags.seed}, GDC ${flags.gdc ? 'on' : 'off'}\n\n`,
  );

  // KWS: one chip, programmed once, for the clip and the stream.
  const clip = loadWav16k(yes);
  for (const n of fitNotes(clip.samples.length)) onNote(`${shown(yes)}: ${n}`);
  const kws = await createKwsChipClassifier(settingsFor('kws'));
  const clipResult = classifyClip(kws, clip.samples);
  const kwsEnergy = energyLine('kws', shown(yes), kws.lastEnergy('measured'), kws.lastEnergy('fullScale'));
  const clipMark = clipResult.label === DEMO_CLIP.label ? '' : `    ↑ wrong: the clip says "${DEMO_CLIP.label}"\n`;
  say(`Keyword spotting (weights: ${shown(kws.imageSource)})\n  one clip: ${formatClip(shown(yes), clipResult)}${clipMark}`);

  const hopMs = (1000 * STREAM_DEFAULTS.hopSamples) / 16000;
  say(`  streaming ${shown(streamWav)}, an inference every ${hopMs} ms (demo/README.md lists its keyword times):\n`);
  const source = openAudioSource(streamWav, { onNote });
  const judge = new StreamJudge(DEMO_STREAM_CLIPS, new Set(kws.labels.filter((l) => !l.startsWith('_'))));
  const falseDetections: number[] = [];
  let detected = 0;
  const { events, summary } = await streamDetections(
    source,
    kws,
    STREAM_DEFAULTS,
    (e) => {
      const { clip } = judge.judge(e);
      if (!clip) falseDetections.push(detected);
      detected++;
      const mark = clip ? '' : '  ← wrong: no such keyword here (demo/README.md)';
      say(`    ${e.timeS.toFixed(2).padStart(6)} s  ${e.keyword.padEnd(6)} score ${e.score.toFixed(3)}${mark}\n`);
    },
    onNote,
  );
  if (events.length === 0) say('    (no detections)\n');
  const missedClips = judge.missed();
  for (const c of missedClips) say(`    ← missed: "${c.label}" (${c.startS.toFixed(2)}–${c.endS.toFixed(2)} s)\n`);
  say(`    ${formatSummary(summary)}`);

  // VWW: the `vww` command's classifier for the frames; the `energy` command's measurement for the line.
  const vwwSettings = settingsFor('vww');
  const vww = await createVwwClassifier(vwwSettings);
  const person = vww.classes.indexOf('person');
  const vwwFrames: DemoFrameResult[] = frames.map((f) => {
    const r = vww.classify(preprocessVwwFrame(decodeImageFile(f.path)));
    const score = softmaxAt(r.scores, person);
    return { frame: shown(f.path), person: score >= 0.5, score, uJ: r.energyUj, truth: f.person };
  });
  const m = await measure({
    model: 'vww',
    bits,
    input: frames[0]!.path,
    ...(vwwSettings.model ? { image: vwwSettings.model } : {}),
    preset: flags.preset,
    driftS: flags.drift,
    seed: flags.seed,
    gdc: flags.gdc,
    onNote,
  });
  const vwwEnergy = energyLine('vww', shown(frames[0]!.path), energyOf(m.counters, { mode: 'measured' }), energyOf(m.counters, { mode: 'fullScale' }));
  say(`\nVisual wake words (weights: ${shown(m.imageSource)})\n`);
  for (const f of vwwFrames) {
    const wrong = f.person !== f.truth ? `  ← wrong: this frame ${f.truth ? 'shows a person' : 'has no person'}` : '';
    say(`  ${f.frame}: ${f.person ? 'person' : 'no person'} (score ${f.score.toFixed(3)}, ${f.uJ.toFixed(3)} µJ)${wrong}\n`);
  }
  const missed = vwwFrames.filter((f) => f.person !== f.truth).length;
  if (missed > 0) {
    const val = m.image.training.valAccuracy;
    const acc = val === null ? '' : `: ${(100 * val).toFixed(1)} % on the images held out from its training`;
    say(`  (${missed} of ${vwwFrames.length} frames wrong. The VWW image is weak${acc}, trained on far less data than the paper's; see demo/README.md)\n`);
  }

  say(`\nEnergy per inference (the energy model on the chip's event counters; measured = the DAC pulses the demo input took):\n`);
  say(formatEnergyLine(kwsEnergy));
  say(formatEnergyLine(vwwEnergy));

  return {
    settings: { bits, preset: flags.preset, driftS: flags.drift, seed: flags.seed, gdc: flags.gdc },
    kws: { image: shown(kws.imageSource), clip: { file: shown(yes), ...clipResult, truth: DEMO_CLIP.label }, stream: { file: shown(streamWav), hopMs, detections: events, summary, truth: DEMO_STREAM_CLIPS, falseDetections, missed: missedClips } },
    vww: { image: shown(m.imageSource), frames: vwwFrames },
    energy: [kwsEnergy, vwwEnergy],
  };
}

export const register: RegisterCommand = (program: Command, io: Io) => {
  const cmd = program
    .command('demo')
    .description('run the shipped demo inputs through the emulated chip: KWS on a clip and a stream, VWW on two frames, energy per model');
  addChipFlags(cmd.addOption(optionWithDefault('--bits <bits>', 'converter bits 8|6|4: each network runs its shipped image trained for them (full-<bits>)', parseBits, '8')))
    .option('--json', 'one JSON document: {settings, kws: {clip, stream}, vww: {frames}, energy}')
    .action(async (flags: ChipFlags & { json?: boolean }) => {
      // The same note from three deployments (e.g. "no trained image ships") is said once.
      const said = new Set<string>();
      const note = noteWriter(io);
      const onNote = (msg: string) => {
        if (!said.has(msg)) note(msg);
        said.add(msg);
      };
      const report = await runDemo(flags, flags.json ? null : (t) => io.out(t), onNote);
      if (flags.json) io.out(`${JSON.stringify(report)}\n`);
    });
};
