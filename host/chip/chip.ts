/**
 * The typed chip: one emulated AON-CiM accelerator (its own WASM instance) behind a small API.
 *
 *   const chip = await Chip.create({ preset: 'paper', bits: 8, seed: 0 });
 *   chip.load(program);          // validate, program every piece, GDC baseline, snapshot at t = 0
 *   chip.drift(86_400);          // snapshot one day after programming (+ GDC readout)
 *   chip.setGdc('analog');       // optional: GDC before the ADC instead of after it (off by default)
 *   const logits = chip.infer(x); // x: float32 HWC network input
 *   chip.counters();             // per-layer event counters of that inference
 *
 * Seeds (contracts.md §5, host/chip/seeds.ts): programming uses deriveSeed(seed, run, program); the
 * k-th snapshot of this chip (k = 0 at load, then one per drift call) uses
 * deriveSeed(deriveSeed(seed, run, read), k, read). Same seed, run and call sequence → bit-identical results.
 */
import type { ArrayGeometry, Bits, LayerProgram, Preset } from './program.js';
import type { InferenceCounters, LayerCounters } from './counters.js';
import { isPreset, PRESET_CODE } from './preset-code.js';
import { instantiateChip, type ChipExports } from './wasm.js';
import { validateProgram } from './validate.js';
import { buildProgramImage } from './program-image.js';
import { deriveSeed, SeedPurpose, toU64 } from './seeds.js';
import { UserError } from '../errors.js';
import * as L from '../../assembly/program-layout.js';

export interface ChipOptions {
  /** Device model: 'paper' (default), 'aihwkit', or 'ideal' (no noise, no drift). */
  preset?: Preset;
  /** ADC bits (DAC has one more); default 8. */
  bits?: Bits;
  /** User seed; default 0. */
  seed?: number | bigint;
  /** Run index (a fresh chip per run in sweeps); default 0. */
  run?: number;
  /**
   * Global drift compensation: true / 'digital' (default) scales the ADC codes by α in the datapath, as
   * the paper's chip does; 'analog' scales the ADC's input by α (a per-layer analog gain, a hardware
   * change); false turns it off.
   */
  gdc?: GdcSetting;
  /** Array geometry; default one 1024×512 tile. */
  geometry?: ArrayGeometry;
}

/** Where GDC's α acts (contracts.md §4): on the ADC codes (digital, the paper's chip) or on the ADC's input (analog). */
export type GdcMode = 'digital' | 'analog';
/** GDC on (true = 'digital'), in a given mode, or off. */
export type GdcSetting = boolean | GdcMode;

const GDC_MODE_CODE: Record<GdcMode, number> = { digital: L.GDC_DIGITAL, analog: L.GDC_ANALOG };

function checkGdc(g: GdcSetting): { on: boolean; mode: GdcMode } {
  if (g === true || g === false) return { on: g, mode: 'digital' };
  if (g === 'digital' || g === 'analog') return { on: true, mode: g };
  throw new UserError(`GDC must be on, off, "digital" or "analog" (got ${JSON.stringify(g)})`);
}

export const DEFAULT_GEOMETRY: ArrayGeometry = { rows: 1024, cols: 512, tiles: 1 };

const COUNTER_NAMES = [
  'arrayCycles',
  'activeRowCycles',
  'activeAdcCycles',
  'adcConversions',
  'dacPulses',
  'dacPulsesFullScale',
  'macs',
  'sramBytesRead',
  'sramBytesWritten',
  'digitalOps',
] as const satisfies readonly (keyof Omit<LayerCounters, 'name'>)[];

const LOAD_ERRORS: Record<number, string> = {
  [L.LOAD_BAD_MAGIC]: 'program image header',
  [L.LOAD_BAD_GEOMETRY]: 'array geometry',
  [L.LOAD_BAD_BUFFER]: 'SRAM buffer',
  [L.LOAD_BAD_PIECE]: 'piece rectangle',
};

function checkBits(b: number): Bits {
  if (b !== 8 && b !== 6 && b !== 4) throw new UserError(`bits must be 8, 6 or 4 (got ${b})`);
  return b;
}

export class Chip {
  readonly preset: Preset;
  readonly geometry: ArrayGeometry;
  readonly seed: bigint;
  readonly run: number;
  private readonly wasm: ChipExports;
  private bitsNow: Bits;
  private gdcNow: boolean;
  private gdcModeNow: GdcMode;
  private program: LayerProgram | null = null;
  private reads = 0;
  private tNow = 0;
  private inferred = false;
  // Views into WASM memory, re-made when the memory grows.
  private viewBuffer: ArrayBuffer | null = null;
  private inputView = new Float32Array(0);
  private outputView = new Float32Array(0);
  private countersView = new Float64Array(0);

  private constructor(wasm: ChipExports, opts: Required<Omit<ChipOptions, 'seed' | 'gdc'>> & { seed: bigint; gdc: boolean; gdcMode: GdcMode }) {
    this.wasm = wasm;
    this.preset = opts.preset;
    this.geometry = opts.geometry;
    this.seed = opts.seed;
    this.run = opts.run;
    this.bitsNow = opts.bits;
    this.gdcNow = opts.gdc;
    this.gdcModeNow = opts.gdcMode;
  }

  /** A fresh chip with nothing programmed. */
  static async create(opts: ChipOptions = {}): Promise<Chip> {
    const preset = opts.preset ?? 'paper';
    if (!isPreset(preset)) throw new UserError(`unknown preset "${String(preset)}" (paper, aihwkit or ideal)`);
    const geometry = opts.geometry ?? DEFAULT_GEOMETRY;
    const { rows, cols, tiles } = geometry;
    if (![rows, cols, tiles].every((n) => Number.isInteger(n) && n > 0) || cols % 4 !== 0 || rows > 1024) {
      throw new UserError(`array ${tiles} × ${rows}×${cols}: rows ≤ 1024, columns a multiple of 4 (Mux4), all positive integers`);
    }
    const run = opts.run ?? 0;
    if (!Number.isSafeInteger(run) || run < 0) throw new UserError(`run index must be an integer ≥ 0 (got ${run})`);
    let seed: bigint;
    try {
      seed = toU64(opts.seed ?? 0);
    } catch (e) {
      throw new UserError(`seed: ${(e as Error).message}`);
    }
    const bits = checkBits(opts.bits ?? 8);
    const gdc = checkGdc(opts.gdc ?? true);
    const wasm = await instantiateChip();
    wasm.crossbarSetPreset(PRESET_CODE[preset]);
    wasm.chipInit(tiles, rows, cols);
    const chip = new Chip(wasm, { preset, geometry, seed, run, bits, gdc: gdc.on, gdcMode: gdc.mode });
    wasm.chipSetBits(chip.bitsNow);
    wasm.chipSetGdc(chip.gdcNow);
    wasm.chipSetGdcMode(GDC_MODE_CODE[chip.gdcModeNow]);
    return chip;
  }

  get bits(): Bits {
    return this.bitsNow;
  }

  /** Converter resolution for the next inferences (the DAC has bits + 1). */
  setBits(b: Bits): void {
    this.bitsNow = checkBits(b);
    this.wasm.chipSetBits(this.bitsNow);
  }

  /** Whether GDC is on. */
  get gdc(): boolean {
    return this.gdcNow;
  }

  /** Where α acts when GDC is on ('digital' unless set; kept while GDC is off). */
  get gdcMode(): GdcMode {
    return this.gdcModeNow;
  }

  /**
   * Switch global drift compensation: false = off (α = 1), true = on in the current mode, 'digital' or
   * 'analog' = on in that mode. Takes effect at the next inference; the snapshot and α stay.
   */
  setGdc(g: GdcSetting): void {
    const { on, mode } = checkGdc(g);
    if (typeof g === 'string') {
      this.gdcModeNow = mode;
      this.wasm.chipSetGdcMode(GDC_MODE_CODE[mode]);
    }
    this.gdcNow = on;
    this.wasm.chipSetGdc(on);
  }

  /** Seconds since programming of the current snapshot. */
  get tSeconds(): number {
    return this.tNow;
  }

  /** The loaded program (null before load). */
  get loaded(): LayerProgram | null {
    return this.program;
  }

  /**
   * Validate and load a program: rectangles inside the array and disjoint, SRAM buffers inside their
   * banks (a UserError names the layer and the bytes), program every piece, take the GDC baseline
   * and a first snapshot at t = 0. Once per chip: a chip's array is programmed once.
   */
  load(program: LayerProgram): void {
    if (this.program) throw new UserError('this chip is already programmed; create a new chip for another program');
    const geometries = validateProgram(program, this.geometry);
    const image = buildProgramImage(program, geometries);
    const w = this.wasm;
    const ptr = w.programImage(image.words.length);
    new Int32Array(w.memory.buffer, ptr, image.words.length).set(image.words);
    const status = w.programLoad();
    if (status !== L.LOAD_OK) throw new Error(`chip rejected the program image (${LOAD_ERRORS[status] ?? status}) after host validation passed`);
    const programSeed = deriveSeed(this.seed, this.run, SeedPurpose.program);
    for (const layer of program.layers) {
      for (const p of layer.pieces) {
        const r = p.rect;
        const t = w.targetsBuffer(r.rows * r.cols);
        new Float32Array(w.memory.buffer, t, r.rows * r.cols).set(p.targets);
        // crossbar.ts derives each rectangle's stream from this seed and the rectangle's origin.
        w.crossbarProgram(r.tile, r.row, r.col, r.rows, r.cols, programSeed);
      }
    }
    w.gdcBaseline();
    this.program = program;
    this.snapshot(0);
  }

  /**
   * Take a new snapshot t seconds after programming (drift + read noise) and the GDC readout.
   * `snapshot` = k picks the read-noise stream of the chip's k-th snapshot (default: the next one, i.e.
   * the number of snapshots taken so far); a sweep shard that evaluates only time index i of a run
   * reads with k = i + 1 and gets the snapshot the whole run would have taken there, bit for bit.
   */
  drift(tSeconds: number, snapshot?: number): void {
    if (!(Number.isFinite(tSeconds) && tSeconds >= 0)) throw new UserError(`drift time must be a number of seconds ≥ 0 (got ${tSeconds})`);
    if (snapshot !== undefined && !(Number.isSafeInteger(snapshot) && snapshot >= 0)) throw new UserError(`snapshot index must be an integer ≥ 0 (got ${snapshot})`);
    this.requireProgram();
    if (snapshot !== undefined) this.reads = snapshot;
    this.snapshot(tSeconds);
  }

  private snapshot(tSeconds: number): void {
    const readSeed = deriveSeed(deriveSeed(this.seed, this.run, SeedPurpose.read), this.reads, SeedPurpose.read);
    this.reads++;
    this.wasm.chipRead(tSeconds, readSeed);
    this.tNow = tSeconds;
  }

  /** GDC factor α per layer for the current snapshot (all 1 when GDC is off). */
  gdcFactors(): number[] {
    const p = this.requireProgram();
    return p.layers.map((_, l) => this.wasm.chipGdcAlpha(l));
  }

  /** Number of logits an inference returns. */
  get outputLength(): number {
    this.requireProgram();
    return this.wasm.chipOutputLength();
  }

  /** Run one inference on a float32 HWC input; returns a new array of logits. */
  infer(input: Float32Array): Float32Array {
    return this.inferInto(input, new Float32Array(this.outputLength));
  }

  /** Run one inference, writing the logits into `logits` (allocation-free); returns `logits`. */
  inferInto(input: Float32Array, logits: Float32Array): Float32Array {
    const p = this.requireProgram();
    this.views();
    if (input.length !== this.inputView.length) {
      const s = p.input.shape;
      throw new UserError(`input has ${input.length} values; the network takes ${s.h}×${s.w}×${s.c} = ${this.inputView.length}`);
    }
    if (logits.length !== this.outputView.length) throw new UserError(`logits array has ${logits.length} slots for ${this.outputView.length} outputs`);
    this.inputView.set(input);
    const bad = this.wasm.chipInputNonFinite();
    if (bad >= 0) throw new UserError(`input value ${bad} is ${input[bad]}; inputs must be finite`);
    this.wasm.chipInfer();
    this.views();
    logits.set(this.outputView);
    this.inferred = true;
    return logits;
  }

  /** The per-layer counters of the last inference. */
  counters(): InferenceCounters {
    const p = this.requireProgram();
    if (!this.inferred) throw new UserError('no inference has run on this chip yet');
    this.views();
    const v = this.countersView;
    const layers = p.layers.map((layer, l): LayerCounters => {
      const c = { name: layer.name } as LayerCounters;
      COUNTER_NAMES.forEach((k, i) => {
        c[k] = v[l * L.COUNTER_FIELDS + i]!;
      });
      return c;
    });
    return { layers, bits: this.bitsNow };
  }

  /**
   * The counters of the last inference written into `into` (an earlier result of counters(), reused):
   * allocation-free, for per-window energy on a long stream. Returns `into`.
   */
  countersInto(into: InferenceCounters): InferenceCounters {
    const p = this.requireProgram();
    if (!this.inferred) throw new UserError('no inference has run on this chip yet');
    if (into.layers.length !== p.layers.length) throw new UserError(`countersInto: ${into.layers.length} layers given for ${p.layers.length}`);
    this.views();
    const v = this.countersView;
    for (let l = 0; l < into.layers.length; l++) {
      const c = into.layers[l]!;
      for (let i = 0; i < COUNTER_NAMES.length; i++) c[COUNTER_NAMES[i]!] = v[l * L.COUNTER_FIELDS + i]!;
    }
    into.bits = this.bitsNow;
    return into;
  }

  /** Raw access for tests and benchmarks of the chip itself (not for applications). */
  get exports(): ChipExports {
    return this.wasm;
  }

  private requireProgram(): LayerProgram {
    if (!this.program) throw new UserError('no program is loaded on this chip (call load first)');
    return this.program;
  }

  private views(): void {
    const buf = this.wasm.memory.buffer;
    if (buf === this.viewBuffer) return;
    const w = this.wasm;
    const p = this.requireProgram();
    const s = p.input.shape;
    this.inputView = new Float32Array(buf, w.chipInputPtr(), s.h * s.w * s.c);
    this.outputView = new Float32Array(buf, w.chipOutputPtr(), w.chipOutputLength());
    this.countersView = new Float64Array(buf, w.chipCountersPtr(), p.layers.length * L.COUNTER_FIELDS);
    this.viewBuffer = buf;
  }
}
