import { describe, expect, it } from 'vitest';
import type { LayerCounters } from '../../../host/chip/counters.js';
import type { EnergyConstants } from '../../../host/energy/constants.js';
import { fullScaleLayerCounters, impliedConversionToRowRatio, tallerWinsAboveRatio, tallerWinsBelow } from '../../../host/energy/fit.js';

function layer(rows: number, cols: number, positions: number, bits = 8): LayerCounters {
  return {
    name: `${rows}x${cols}`,
    arrayCycles: positions,
    activeRowCycles: rows * positions,
    activeAdcCycles: cols * positions,
    adcConversions: cols * positions,
    dacPulses: 0,
    dacPulsesFullScale: rows * positions * (2 ** bits - 1),
    macs: rows * cols * positions,
    sramBytesRead: 0,
    sramBytesWritten: 0,
    digitalOps: 0,
  };
}

describe('Figure 8 helpers, hand-computed', () => {
  it('impliedConversionToRowRatio solves a·R + c·C = E for c/a', () => {
    // a = 1, c = 3: A (R 10, C 2) costs 16; B (R 4, C 6) costs 22.
    const A = { bits: 8 as const, layers: [layer(10, 2, 1)] };
    const B = { bits: 8 as const, layers: [layer(4, 6, 1)] };
    expect(impliedConversionToRowRatio(A, 16, B, 22)).toBeCloseTo(3, 12);
  });
  it('tallerWinsAboveRatio: 1008×84 vs 756×112 needs c/a > 9', () => {
    expect(tallerWinsAboveRatio(layer(1008, 84, 125), layer(756, 112, 125))).toBeCloseTo(9, 12);
  });
  it('tallerWinsBelow: 4×1 vs 2×2 with 1 pJ per pulse and 100 pJ per conversion → f < 25/127.5', () => {
    // Per MAC: tall 255·f + 25 pJ, wide 127.5·f + 50 pJ. A row at p W for a 128/255 ns unit pulse: 1 pJ.
    const pRowW = 1e-12 / (128e-9 / 255);
    const k: EnergyConstants = { name: 't', pRowW, pAdcW: 0, eConvJ: 100e-12, eSramByteJ: 0, eDigitalOpJ: 0, pStaticW: 0 };
    expect(tallerWinsBelow(layer(4, 1, 1), layer(2, 2, 1), 8, k)).toBeCloseTo(25 / 127.5, 9);
    // Conversions free: the taller layer (more pulses per MAC) never wins.
    expect(tallerWinsBelow(layer(4, 1, 1), layer(2, 2, 1), 8, { ...k, eConvJ: 0 })).toBe(0);
  });
});

describe('fullScaleLayerCounters follows the chip\'s ADC rule (cycles × ADCs in use)', () => {
  it.each([
    [84, 1, 84],
    [128, 1, 128],
    [152, 2, 256],
    [512, 4, 512],
  ])('%i columns on 128 ADCs: %i cycles, %i ADC-cycles', (cols, cycles, adcCycles) => {
    const c = fullScaleLayerCounters(8, 100, cols);
    expect(c.arrayCycles).toBe(cycles);
    expect(c.activeAdcCycles).toBe(adcCycles);
    expect(c.adcConversions).toBe(cols);
    expect(c.activeRowCycles).toBe(100 * cycles);
  });
});
