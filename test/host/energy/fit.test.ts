/**
 * The fit of the energy constants (host/energy/fit.ts) on the chip's real counters. It checks that the
 * values recorded in constants.ts are what the fit on the five chosen figures produces, and that the
 * held-out figures never reach a fit. Rerun and paste the printed block after any change to the
 * counters or the model: AONCIM_PRINT_FIT=1 npx vitest run test/host/energy/fit.test.ts (it also
 * prints the variants docs/energy-model.md tabulates).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { E_SRAM_BYTE_J, FITTED } from '../../../host/energy/constants.js';
import {
  ALL_FIGURES,
  ALL_UNKNOWNS,
  FIT_FIGURES,
  SHIPPED_SPEC,
  compareWithPaper,
  constantsSource,
  figureLabel,
  fitEnergy,
  shippedFit,
  type FitResult,
  type FitSpec,
} from '../../../host/energy/fit.js';
import { paperRuns, type PaperRuns } from './runs.js';

let runs: PaperRuns;
let fit: FitResult;

/** Variants docs/energy-model.md compares with the shipped model (all fitted on the same five figures). */
const VARIANTS: FitSpec[] = [
  SHIPPED_SPEC,
  { ...SHIPPED_SPEC, name: 'unit pulse 0.5 ns at every width (pulse time (2^b − 1)/2 ns)', rowPulseNs: () => 0.5 },
  { ...SHIPPED_SPEC, name: 'SRAM at 1 pJ/B on the chip\'s fetch counts', fixed: { ...SHIPPED_SPEC.fixed, eSramByteJ: E_SRAM_BYTE_J } },
  { name: 'all six free', free: ALL_UNKNOWNS, fixed: {} },
];

beforeAll(async () => {
  runs = await paperRuns();
  fit = shippedFit(runs);
  if (process.env['AONCIM_PRINT_FIT']) {
    console.log(constantsSource(fit.constants));
    for (const spec of VARIANTS) {
      const v = fitEnergy(FIT_FIGURES, runs, spec);
      const k = v.constants;
      console.log(
        `${spec.name}: pRow ${(k.pRowW * 1e6).toFixed(1)} µW, pAdc ${(k.pAdcW * 1e6).toFixed(1)} µW, eConv ${(k.eConvJ * 1e12).toFixed(2)} pJ, ` +
          `eSram ${(k.eSramByteJ * 1e12).toFixed(2)} pJ/B, eDig ${(k.eDigitalOpJ * 1e12).toFixed(2)} pJ, pStatic ${(k.pStaticW * 1e3).toFixed(2)} mW\n  ` +
          v.results.map((r) => `${r.label}${r.inFit ? '' : '*'} ${(100 * r.relErr).toFixed(1)} %`).join(', '),
      );
    }
  }
});

describe('the fit sees the five chosen figures only', () => {
  it('FIT_FIGURES are the three peaks and KWS/VWW at 8 bit; the four 6/4-bit model figures are held out', () => {
    expect(FIT_FIGURES.map(figureLabel).sort()).toEqual(['kws 8b', 'peak 4b', 'peak 6b', 'peak 8b', 'vww 8b']);
    const heldOut = ALL_FIGURES.filter((f) => !FIT_FIGURES.some((g) => g.workload === f.workload && g.bits === f.bits));
    expect(heldOut.map(figureLabel).sort()).toEqual(['kws 4b', 'kws 6b', 'vww 4b', 'vww 6b']);
  });
  it('the shipped constants equal a refit on those five (to the 5 digits recorded)', () => {
    for (const k of ALL_UNKNOWNS) {
      const got = fit.constants[k];
      const rec = FITTED[k];
      if (rec === 0) expect(got, k).toBeLessThan(1e-20);
      else expect(Math.abs(got / rec - 1), k).toBeLessThan(1e-4);
    }
    expect(fit.constants.name).toBe(FITTED.name);
  });
  it('needs no 6- or 4-bit run: the same constants from the 8-bit runs alone', () => {
    const only8 = runs.filter((r) => r.counters.bits === 8);
    const again = fitEnergy(FIT_FIGURES, only8);
    for (const k of ALL_UNKNOWNS) expect(again.constants[k]).toBe(fit.constants[k]);
  });
  it('a fit on other figures gives other constants (the figure list is what the fit uses)', () => {
    const all9 = fitEnergy(ALL_FIGURES, runs);
    expect(ALL_UNKNOWNS.some((k) => Math.abs(all9.constants[k] - fit.constants[k]) > 1e-6 * Math.max(1e-30, Math.abs(fit.constants[k])))).toBe(true);
  });
});

describe('the shipped fit', () => {
  it('is non-negative and physical: rows, ADCs and conversions all carry energy', () => {
    for (const k of ALL_UNKNOWNS) expect(fit.constants[k]).toBeGreaterThanOrEqual(0);
    expect(fit.constants.pRowW).toBeGreaterThan(0);
    expect(fit.constants.pAdcW).toBeGreaterThan(0);
    expect(fit.constants.eConvJ).toBeGreaterThan(0);
  });
  it('its own terms agree with the model (energyOf) on all nine figures', () => {
    const viaModel = compareWithPaper(FITTED, runs);
    for (const r of fit.results) {
      const m = viaModel.find((x) => x.label === r.label)!;
      expect(m.modelTopsPerWatt / r.modelTopsPerWatt - 1).toBeCloseTo(0, 4);
      expect(m.inFit).toBe(r.inFit);
    }
  });
});
