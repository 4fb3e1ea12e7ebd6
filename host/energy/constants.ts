/**
 * Constants of the AON-CiM timing and energy model, each with its source or derivation.
 * Paper: AnalogNets (arXiv 2111.06503), Table 2 and sections 5, 6.4. HERMES: Khaddam-Aljameh et al.,
 * "HERMES-Core — A 1.59-TOPS/mm² PCM on 14-nm CMOS In-Memory Compute Core Using 300-ps/LSB Linearized
 * CCO-Based ADCs", IEEE JSSC 2022 (VLSI 2021): 256×256 PCM, 256 CCO ADCs at 4 µm pitch, 8-bit PWM in a
 * 128 ns window, local digital unit (affine scale + ReLU), 10.5 TOPS/W at 1 GHz — the array AON-CiM
 * is "based on" (section 5.1). The fitted values come from host/energy/fit.ts; see docs/energy-model.md.
 */
import type { Bits } from '../chip/program.js';

// ---------------------------------------------------------------------------------------------------
// Timing

/**
 * PWM window in ns: a full-scale code drives its row for 2^(b−1) ns, doubling per bit (T_CiM's first
 * term; HERMES: 8-bit PWM in a 128 ns window).
 */
export function pwmWindowNs(bits: Bits): number {
  return 2 ** (bits - 1);
}

/**
 * Array cycle time T_CiM(b) = PWM window + 2 ns to settle and sample (derived; reproduces Table 2's
 * 130 / 34 / 10 ns at 8 / 6 / 4 bit exactly).
 */
export function tCimNs(bits: Bits): number {
  return pwmWindowNs(bits) + 2;
}

/**
 * Duration of one PWM unit pulse: the window split into the 2^b − 1 steps of a b-bit DAC code magnitude
 * (0.502 / 0.508 / 0.533 ns at 8 / 6 / 4 bit), so code ±k drives its row for k × this.
 */
export function unitPulseNs(bits: Bits): number {
  return pwmWindowNs(bits) / (2 ** bits - 1);
}

/** Digital clock period (800 MHz, Table 2). */
export const T_DIGITAL_NS = 1.25;

/**
 * Words per array cycle the digital datapath must accept without stalling the array: 128 (section 5.1:
 * "128 data words per 130 ns array cycle", and the same 128 words in the 10 ns 4-bit cycle). At 800 MHz
 * the 4-bit cycle is 8 clocks, so the datapath is 128 / 8 = 16 words wide per clock.
 */
export const DIGITAL_WORDS_PER_4BIT_CYCLE = 128;
export const DIGITAL_LANES = DIGITAL_WORDS_PER_4BIT_CYCLE / (tCimNs(4) / T_DIGITAL_NS);

/** Words the datapath can take in one array cycle at b bits: lanes × clocks per cycle (1664 / 435 / 128). */
export function digitalWordsPerArrayCycle(bits: Bits): number {
  return Math.floor((DIGITAL_LANES * tCimNs(bits)) / T_DIGITAL_NS);
}

// ---------------------------------------------------------------------------------------------------
// The paper's figures the model is fitted to and judged against (Table 2, section 6.4)

export const PAPER = {
  /** Peak at 100 % array use. */
  peakTops: { 8: 2, 6: 7.71, 4: 26.21 } as Record<Bits, number>,
  peakTopsPerWatt: { 8: 13.55, 6: 45.55, 4: 112.44 } as Record<Bits, number>,
  kws: {
    infPerSec8: 7762,
    tops: { 8: 0.6, 6: 2.29, 4: 7.8 } as Record<Bits, number>,
    topsPerWatt: { 8: 8.58, 6: 26.76, 4: 57.39 } as Record<Bits, number>,
    /** Table 2; ops ÷ TOPS/W gives 9.02 µJ instead (the paper's own ~0.8 µJ inconsistency). */
    uJ8: 8.22,
    /** Array utilization: the share of the 1024×512 array's cells its weights fill. */
    utilization: 0.573,
  },
  vww: {
    infPerSec8: 1063,
    /** 0.076 in the text of 6.4, 0.075 in Table 2. */
    tops: { 8: 0.076, 6: 0.29, 4: 0.98 } as Record<Bits, number>,
    topsPerWatt: { 8: 4.37, 6: 12.82, 4: 25.69 } as Record<Bits, number>,
    /** Table 2; ops ÷ TOPS/W gives 16.38 µJ. */
    uJ8: 15.6,
    utilization: 0.675,
  },
  /** Table 3 (Appendix D): MicroNet-KWS-S at 8 bit on 1024×512, 128×128 and 64×64 arrays. */
  micronetKwsS: { infPerSec8: { '1024x512': 4122, '128x128': 1467, '64x64': 642 } as Record<string, number> },
} as const;

/** HERMES core figures (for cross-checks and orders of magnitude only; not fitted). */
export const HERMES = {
  rows: 256,
  cols: 256,
  adcs: 256,
  pwmWindowNs: 128,
  clockGHz: 1,
  topsPerWatt: 10.5,
  topsPerMm2: 1.59,
  /** ADC resolution step of the linearized CCO ADC. */
  adcPsPerLsb: 300,
} as const;

// ---------------------------------------------------------------------------------------------------
// Component energies

/**
 * One set of component energies. Energy of a layer (host/energy/model.ts), from its counters only:
 *   E = pRowW·τ(b)·pulses + pAdcW·T·activeAdcCycles + eConvJ·adcConversions
 *     + eSramByteJ·(bytes read + written) + eDigitalOpJ·digitalOps + pStaticW·T·arrayCycles
 * with T = T_CiM(b), τ(b) = unitPulseNs(b), and pulses = dacPulsesFullScale (full-scale mode) or
 * dacPulses (measured mode). Each term is a power × the time that part is on, or an energy per event.
 */
export interface EnergyConstants {
  /** Name used in reports. */
  name: string;
  /** W drawn by a row while its PWM pulse lasts (a row draws current only while driven). */
  pRowW: number;
  /** W per enabled (un-gated) ADC for the whole array cycle (a CCO ADC integrates over the window, then samples). */
  pAdcW: number;
  /** J per ADC conversion: counter readout and hand-over of one output word (see FITTED). */
  eConvJ: number;
  /** J per activation-SRAM byte read or written, as the chip counts them. */
  eSramByteJ: number;
  /** J per digital datapath operation (FP scale, BN, ReLU, add, pool, requantize). */
  eDigitalOpJ: number;
  /** W drawn whatever runs (leakage, clock tree, control), × latency. */
  pStaticW: number;
}

/**
 * SRAM access energy per byte. Horowitz (ISSCC 2014, 45 nm): 64-bit read of a 32 KB SRAM ≈ 20 pJ,
 * i.e. 2.5 pJ/byte; scaled to 14 nm by ≈ 0.4 (C·V² at 0.8 V vs 0.9 V and ~3× smaller capacitance)
 * → 1.0 pJ/byte for a 64 KB bank. Not used by FITTED (see there); docs/energy-model.md shows what it
 * does to the predictions when charged on the chip's fetch counts.
 */
export const E_SRAM_BYTE_J = 1.0e-12;

/**
 * Digital op energy. Horowitz (45 nm): FP32 multiply 3.7 pJ, FP32 add 0.9 pJ, 8-bit add 0.03 pJ; the
 * datapath does two FP scalings per word plus cheap integer functions (section 5.1). Average over the
 * op mix ≈ 1.2 pJ at 45 nm, × 0.4 to 14 nm → 0.5 pJ/op. FITTED uses it as is (not fitted).
 */
export const E_DIGITAL_OP_J = 0.5e-12;

/**
 * The shipped constants, fitted by host/energy/fit.ts `shippedFit` (non-negative least squares on
 * relative residuals) to FIVE of the paper's TOPS/W figures only: the three peaks (full-array counters,
 * fit.ts `peakCounters`) and KWS/VWW at 8 bit (the chip's counters, full-scale pulses = the paper's
 * accounting). KWS/VWW at 6 and 4 bit are held out: they judge the model, they never enter a fit.
 * Free: pRowW, pAdcW, eConvJ, pStaticW. Fixed: eDigitalOpJ at its literature value (E_DIGITAL_OP_J);
 * eSramByteJ = 0, because the chip counts every IM2COL tap as an SRAM read (no reuse buffer modelled,
 * while the paper's IM2COL unit has one): those counts are not the paper's SRAM traffic. With a reuse
 * buffer each output byte is written once and read about once, per conversion, so that cost sits in
 * eConvJ. NNLS puts 0 on pStaticW (VWW runs 7.3× KWS's cycles for 1.8× its energy).
 * Produced by: AONCIM_PRINT_FIT=1 npx vitest run test/host/energy/fit.test.ts (prints this block;
 * the same test fails when these values stop matching the fit).
 * FITTED-VALUES-BEGIN
 */
export const FITTED: EnergyConstants = {
  name: "fitted on 5 paper figures (peaks, KWS/VWW 8 b); rows ∝ pulse time, ADCs ∝ T_CiM, per conversion",
  pRowW: 1.3307e-4,
  pAdcW: 5.9982e-5,
  eConvJ: 7.0766e-12,
  eSramByteJ: 0,
  eDigitalOpJ: 5.0000e-13,
  pStaticW: 0,
};
// FITTED-VALUES-END

export const DEFAULT_CONSTANTS: EnergyConstants = FITTED;
