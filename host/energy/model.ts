/**
 * The component energy and latency model, applied to the chip's event counters (host/chip/counters.ts)
 * and nothing else: no shape formula on the side.
 *
 * Latency: the digital datapath, SRAM and IM2COL are pipelined behind the array (section 5.1), so a
 * layer takes arrayCycles × T_CiM(b). That holds while the datapath keeps up: each layer's converted
 * words per array cycle are checked against its capacity (16 words per 800 MHz clock); a layer that
 * exceeds it is reported in `digitalStalls` and its cycle stretched to the clocks the datapath needs.
 *
 * Energy: see EnergyConstants (constants.ts). Two modes (contracts.md §7): 'fullScale' charges every
 * driven row the full-scale pulse (the whole PWM window, as the paper's peak figures assume); 'measured'
 * charges the pulses the DACs actually applied for this input (Σ |code| unit pulses).
 */
import type { InferenceCounters, LayerCounters } from '../chip/counters.js';
import type { Bits } from '../chip/program.js';
import {
  DEFAULT_CONSTANTS,
  DIGITAL_LANES,
  T_DIGITAL_NS,
  digitalWordsPerArrayCycle,
  tCimNs,
  unitPulseNs,
  type EnergyConstants,
} from './constants.js';

export type PulseMode = 'fullScale' | 'measured';

export interface EnergyOptions {
  mode?: PulseMode;
  constants?: EnergyConstants;
}

/** Energy split by component, in µJ. */
export interface EnergyBreakdownUj {
  /** Row drive: power × PWM pulse time (the DAC pulses). */
  rows: number;
  adcs: number;
  conversions: number;
  sram: number;
  digital: number;
  static: number;
}

export interface LayerEnergy {
  name: string;
  arrayCycles: number;
  macs: number;
  ops: number;
  latencyUs: number;
  energyUj: number;
  breakdownUj: EnergyBreakdownUj;
  tops: number;
  topsPerWatt: number;
  /** Converted words per array cycle handed to the digital datapath, and what it can take. */
  digitalWordsPerCycle: number;
  digitalCapacityPerCycle: number;
  /** Mean |DAC code| ÷ full scale over the driven row-cycles (1 = every row full scale). */
  pulseFraction: number;
}

export interface InferenceEnergy {
  bits: Bits;
  mode: PulseMode;
  constants: string;
  perLayer: LayerEnergy[];
  total: {
    latencyUs: number;
    energyUj: number;
    infPerSec: number;
    tops: number;
    topsPerWatt: number;
    macs: number;
    ops: number;
    breakdownUj: EnergyBreakdownUj;
    pulseFraction: number;
  };
  /** Layers whose digital work would stall the array (empty when the pipeline keeps up). */
  digitalStalls: string[];
}

const J_TO_UJ = 1e6;

/** The component constants (every EnergyConstants field but the name). */
export type EnergyUnknown = Exclude<keyof EnergyConstants, 'name'>;

/**
 * What each constant multiplies in a layer's energy, in J per unit of the constant (s for a power,
 * a count for an energy per event): E = Σ terms[u] · k[u]. The fit (fit.ts) uses the same terms, so
 * the model it fits is exactly the one reports apply.
 */
export function energyTerms(c: LayerCounters, bits: Bits, mode: PulseMode): Record<EnergyUnknown, number> {
  return termsInto(c, bits, mode, { pRowW: 0, pAdcW: 0, eConvJ: 0, eSramByteJ: 0, eDigitalOpJ: 0, pStaticW: 0 });
}

function termsInto(c: LayerCounters, bits: Bits, mode: PulseMode, t: Record<EnergyUnknown, number>): Record<EnergyUnknown, number> {
  const tS = tCimNs(bits) * 1e-9;
  const pulses = mode === 'fullScale' ? c.dacPulsesFullScale : c.dacPulses;
  t.pRowW = pulses * unitPulseNs(bits) * 1e-9;
  t.pAdcW = tS * c.activeAdcCycles;
  t.eConvJ = c.adcConversions;
  t.eSramByteJ = c.sramBytesRead + c.sramBytesWritten;
  t.eDigitalOpJ = c.digitalOps;
  t.pStaticW = tS * c.arrayCycles;
  return t;
}

function breakdownInto(t: Record<EnergyUnknown, number>, k: EnergyConstants, b: EnergyBreakdownUj): EnergyBreakdownUj {
  b.rows = k.pRowW * t.pRowW * J_TO_UJ;
  b.adcs = k.pAdcW * t.pAdcW * J_TO_UJ;
  b.conversions = k.eConvJ * t.eConvJ * J_TO_UJ;
  b.sram = k.eSramByteJ * t.eSramByteJ * J_TO_UJ;
  b.digital = k.eDigitalOpJ * t.eDigitalOpJ * J_TO_UJ;
  b.static = k.pStaticW * t.pStaticW * J_TO_UJ;
  return b;
}

/** Σ of a breakdown, in field order. */
function breakdownSum(b: EnergyBreakdownUj): number {
  return 0 + b.rows + b.adcs + b.conversions + b.sram + b.digital + b.static;
}

/**
 * A layer's cycle: T_CiM(b), or longer when the datapath cannot keep up — it stretches the cycle to the
 * clocks it needs (never at 1024×512: 128 ADCs).
 */
function layerLatencyUs(c: LayerCounters, bits: Bits): number {
  const wordsPerCycle = c.arrayCycles > 0 ? c.adcConversions / c.arrayCycles : 0;
  const cycleS = wordsPerCycle > digitalWordsPerArrayCycle(bits) ? Math.ceil(wordsPerCycle / DIGITAL_LANES) * T_DIGITAL_NS * 1e-9 : tCimNs(bits) * 1e-9;
  return c.arrayCycles * cycleS * 1e6;
}

function layerEnergy(c: LayerCounters, bits: Bits, mode: PulseMode, k: EnergyConstants): LayerEnergy {
  const b = breakdownInto(energyTerms(c, bits, mode), k, { ...ZERO });
  const energyUj = breakdownSum(b);
  const latencyUs = layerLatencyUs(c, bits);
  const wordsPerCycle = c.arrayCycles > 0 ? c.adcConversions / c.arrayCycles : 0;
  const capacity = digitalWordsPerArrayCycle(bits);
  const ops = 2 * c.macs;
  return {
    name: c.name,
    arrayCycles: c.arrayCycles,
    macs: c.macs,
    ops,
    latencyUs,
    energyUj,
    breakdownUj: b,
    tops: latencyUs > 0 ? ops / latencyUs / 1e6 : 0,
    topsPerWatt: energyUj > 0 ? ops / energyUj / 1e6 : 0,
    digitalWordsPerCycle: wordsPerCycle,
    digitalCapacityPerCycle: capacity,
    pulseFraction: c.dacPulsesFullScale > 0 ? c.dacPulses / c.dacPulsesFullScale : 0,
  };
}

const scratchTerms: Record<EnergyUnknown, number> = { pRowW: 0, pAdcW: 0, eConvJ: 0, eSramByteJ: 0, eDigitalOpJ: 0, pStaticW: 0 };
const scratchBreakdown: EnergyBreakdownUj = { rows: 0, adcs: 0, conversions: 0, sram: 0, digital: 0, static: 0 };

/**
 * energyOf(counters, opts).total's energyUj and latencyUs, computed by the same steps without building
 * the report: written into `out`, no allocation (per-window energy on a long stream).
 */
export function energyTotalsInto(counters: InferenceCounters, opts: EnergyOptions, out: { energyUj: number; latencyUs: number }): typeof out {
  const mode = opts.mode ?? 'fullScale';
  const k = opts.constants ?? DEFAULT_CONSTANTS;
  let energyUj = 0;
  let latencyUs = 0;
  for (const c of counters.layers) {
    energyUj += breakdownSum(breakdownInto(termsInto(c, counters.bits, mode, scratchTerms), k, scratchBreakdown));
    latencyUs += layerLatencyUs(c, counters.bits);
  }
  out.energyUj = energyUj;
  out.latencyUs = latencyUs;
  return out;
}

function sum(xs: number[]): number {
  let s = 0;
  for (const x of xs) s += x;
  return s;
}

function addBreakdown(a: EnergyBreakdownUj, b: EnergyBreakdownUj): EnergyBreakdownUj {
  return {
    rows: a.rows + b.rows,
    adcs: a.adcs + b.adcs,
    conversions: a.conversions + b.conversions,
    sram: a.sram + b.sram,
    digital: a.digital + b.digital,
    static: a.static + b.static,
  };
}

const ZERO: EnergyBreakdownUj = { rows: 0, adcs: 0, conversions: 0, sram: 0, digital: 0, static: 0 };

/** Latency, energy, TOPS and TOPS/W per layer and per inference from the chip's counters. Ops = 2 × MACs. */
export function energyOf(counters: InferenceCounters, opts: EnergyOptions = {}): InferenceEnergy {
  const mode = opts.mode ?? 'fullScale';
  const k = opts.constants ?? DEFAULT_CONSTANTS;
  const perLayer = counters.layers.map((c) => layerEnergy(c, counters.bits, mode, k));
  const latencyUs = sum(perLayer.map((l) => l.latencyUs));
  const energyUj = sum(perLayer.map((l) => l.energyUj));
  const macs = sum(perLayer.map((l) => l.macs));
  const ops = 2 * macs;
  const pulses = sum(counters.layers.map((c) => c.dacPulses));
  const pulsesFs = sum(counters.layers.map((c) => c.dacPulsesFullScale));
  return {
    bits: counters.bits,
    mode,
    constants: k.name,
    perLayer,
    total: {
      latencyUs,
      energyUj,
      infPerSec: latencyUs > 0 ? 1e6 / latencyUs : 0,
      tops: latencyUs > 0 ? ops / latencyUs / 1e6 : 0,
      topsPerWatt: energyUj > 0 ? ops / energyUj / 1e6 : 0,
      macs,
      ops,
      breakdownUj: perLayer.reduce((acc, l) => addBreakdown(acc, l.breakdownUj), ZERO),
      pulseFraction: pulsesFs > 0 ? pulses / pulsesFs : 0,
    },
    digitalStalls: perLayer.filter((l) => l.digitalWordsPerCycle > l.digitalCapacityPerCycle).map((l) => l.name),
  };
}
