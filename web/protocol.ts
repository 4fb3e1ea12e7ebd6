/** The messages between the page (web/main.ts) and its chip workers (web/chip-worker.ts). */
import type { Bits, Preset } from '../host/chip/program.js';
import type { EnergyReport } from '../host/energy/report.js';
import type { DetectionEvent } from '../host/kws/detector.js';

export type Task = 'kws' | 'vww';

/** The chip controls. A change of bits, preset or seed programs a new chip; drift and GDC re-read the same one. */
export interface ChipSettings {
  bits: Bits;
  preset: Preset;
  gdc: boolean;
  /** Seconds since programming. */
  driftS: number;
  seed: number;
}

export type ToWorker =
  | { type: 'configure'; task: Task; settings: ChipSettings }
  /** Microphone audio at its capture rate (the worker resamples to 16 kHz). */
  | { type: 'audio'; samples: Float32Array; sampleRate: number }
  /** The microphone stopped: the next audio starts a new stream at t = 0. */
  | { type: 'end-audio' }
  /** One RGB frame (any size; the worker resizes and normalizes it as `aon-cim vww` does). */
  | { type: 'frame'; id: number; source: 'camera' | 'file'; name: string; width: number; height: number; rgb: Uint8Array };

/** One inference on the energy meter: the energy model on the chip's counters of that inference. */
export interface Meter {
  /** µJ with the DAC pulses this input took (what `aon-cim kws`, `vww` and `energy`'s "measured" report). */
  uJ: number;
  /** µJ with every driven row at full scale (the paper's accounting, `aon-cim energy`'s µJ/inf). */
  uJFullScale: number;
  latencyUs: number;
  /** Inferences per second the chip sustains (1 / latency). */
  chipInfPerSec: number;
  /** TOPS/W with measured pulses and at full scale. */
  topsPerWatt: number;
  topsPerWattFullScale: number;
  /** Wall-clock time of the emulated inference in this browser, ms. */
  emulationMs: number;
}

export type FromWorker =
  | { type: 'status'; task: Task; state: 'programming' | 'ready'; message: string; settings: ChipSettings; image: string }
  | { type: 'error'; task: Task; message: string }
  | {
      type: 'kws';
      /** Stream time of the window's end, s. */
      endS: number;
      labels: readonly string[];
      scores: number[];
      meter: Meter;
      report: EnergyReport;
    }
  /** A keyword fired (the CLI's detector: smoothing, threshold, refractory time). */
  | { type: 'detection'; event: DetectionEvent }
  | { type: 'vww'; id: number; source: 'camera' | 'file'; name: string; person: boolean; score: number; meter: Meter; report: EnergyReport; driftS: number };
