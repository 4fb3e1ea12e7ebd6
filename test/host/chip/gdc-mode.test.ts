// GDC modes (contracts.md §4). Digital (default, the paper's chip): α scales the ADC
// codes in the datapath. Analog (an option, a hardware change): α scales the ADC's input, a = clip(round(α·k·I)),
// and the datapath scales by Δ_ADC alone. Checked against (1) logits stored from the chip before the modes
// existed, (2) the independent interpreter fed the chip's drifted cells and α, (3) a layer whose
// conductances, α and codes are computed by hand under deterministic drift.
import { describe, it, expect } from 'vitest';
import { Chip, type GdcMode } from '../../../host/chip/chip.js';
import { UserError } from '../../../host/errors.js';
import type { ArrayRect, LayerProgram } from '../../../host/chip/program.js';
import { buildNet, forward, rangesFor, rng, toProgram } from './net-builder.js';
import { quantizedReference, roundHalfEven } from './quantized-reference.js';
import { cellsOf } from './cells.js';

const DAY = 86_400;
const YEAR = 365 * DAY;
const TIMES = [25, 3600, DAY, 30 * DAY, YEAR];
/** The drift-only device model of assembly/device.ts (tests only): no noise, ν = μ_ν(G_T). */
const DRIFT_ONLY = 3;

// The three-layer net of chip.test.ts, its input and ranges.
const net = buildNet({ h: 9, w: 9, c: 3 }, true, [
  { name: 'conv1', kind: 'conv', k: 3, stride: 1, cout: 8, relu: true },
  { name: 'conv2', kind: 'conv', k: 3, stride: 2, cout: 12, relu: true, pool: true },
  { name: 'fc', kind: 'dense', k: 1, stride: 1, cout: 5, relu: false },
], 11);
const rand = rng(5);
const x = Float64Array.from({ length: 243 }, () => rand() * 2 - 1);
const ref = forward(net, x);
const ranges = rangesFor(net, ref.maxIn, ref.maxPre);
const input = Float32Array.from(x);

const hex = (v: Float32Array) => Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('hex');


describe('digital GDC is the chip as it was', () => {
  // Logits (float32, hex) of this net on the paper preset, seed 7, recorded with the chip before GDC had
  // modes (commit 1879f9a): the default and an explicit 'digital' must reproduce them bit for bit.
  const STORED: Record<string, string> = {
    '8@25': '956e563d3bc092bc8a2dbb3dc787953d642efcbd',
    '8@86400': 'cd04673db33bf7bceafeda3d7917933dcbc213be',
    '8@31536000': 'e821583d8a7e94bcc218c33d0bfca83de89b29be',
    '4@25': '6088ae3c086e19bd578d2c3d4d92df3d0f13f1bd',
    '4@86400': 'e8de4dbc086e19bdc27abb3d4602653d001832be',
    '4@31536000': 'd64cb93d086e19bd003b103eddeada3d52653fbb',
  };
  for (const gdc of [undefined, true, 'digital'] as const) {
    it(`gdc: ${String(gdc)} reproduces the stored logits at 8 and 4 bit, 25 s, 1 day, 1 year`, async () => {
      for (const bits of [8, 4] as const) {
        const chip = await Chip.create({ preset: 'paper', bits, seed: 7, ...(gdc === undefined ? {} : { gdc }) });
        chip.load(toProgram(net, ranges));
        expect(chip.gdc).toBe(true);
        expect(chip.gdcMode).toBe('digital');
        for (const t of [25, DAY, YEAR]) {
          chip.drift(t);
          expect(hex(chip.infer(input)), `${bits} bit at ${t} s`).toBe(STORED[`${bits}@${t}`]);
        }
      }
    });
  }
});

describe('both modes against the independent interpreter on drifted cells (paper preset)', () => {
  for (const bits of [8, 4] as const) {
    for (const mode of ['digital', 'analog'] as const) {
      it(`${mode}, ${bits} bit, 25 s … 1 y, whole and split pieces: chip = interpreter exactly`, async () => {
        for (const splits of [undefined, [[1, 2], [3, 2], [2, 1]] as [number, number][]]) {
          const program = toProgram(net, ranges, { splits });
          const chip = await Chip.create({ preset: 'paper', bits, seed: 4, gdc: mode });
          chip.load(program);
          for (const t of TIMES) {
            chip.drift(t);
            const want = quantizedReference(program, input, bits, { cells: (r) => cellsOf(chip, r), alpha: chip.gdcFactors(), gdcMode: mode });
            expect(Array.from(chip.infer(input)), `t = ${t} s`).toEqual(Array.from(want));
          }
        }
      });
    }
  }

  it('the modes differ once the array has drifted (α > 1), with the same conversions and events', async () => {
    const run = async (mode: GdcMode) => {
      const chip = await Chip.create({ preset: 'paper', bits: 4, seed: 4, gdc: mode });
      chip.load(toProgram(net, ranges));
      chip.drift(DAY);
      return { logits: Array.from(chip.infer(input)), counters: chip.counters(), alpha: chip.gdcFactors() };
    };
    const d = await run('digital');
    const a = await run('analog');
    expect(a.alpha).toEqual(d.alpha);
    for (const al of d.alpha) expect(al).toBeGreaterThan(1.3); // a day of drift: mean |G| ≈ 0.67 of programmed
    expect(a.logits).not.toEqual(d.logits);
    // Every counter but the DAC pulses of later layers, which follow their (now different) input codes.
    const fixed = (c: typeof d.counters) => c.layers.map((L, l) => ({ ...L, dacPulses: l === 0 ? L.dacPulses : 0 }));
    expect(fixed(a.counters)).toEqual(fixed(d.counters));
    expect(a.counters.layers.map((L) => L.adcConversions)).toEqual([81 * 8, 25 * 12, 5]);
  });
});

describe('α = 1 gives identical results in both modes', () => {
  for (const bits of [8, 6, 4] as const) {
    it(`ideal devices (α = 1 at any t), ${bits} bit`, async () => {
      const out: Record<string, string> = {};
      for (const mode of ['digital', 'analog'] as const) {
        const chip = await Chip.create({ preset: 'ideal', bits, gdc: mode });
        chip.load(toProgram(net, ranges));
        chip.drift(YEAR);
        expect(chip.gdcFactors()).toEqual([1, 1, 1]);
        out[mode] = hex(chip.infer(input));
      }
      expect(out['analog']).toBe(out['digital']);
    });
  }

  it('GDC off: both modes give the same drifted logits (α = 1), and differ from GDC on', async () => {
    const logits = async (gdc: boolean, mode: GdcMode) => {
      const chip = await Chip.create({ preset: 'paper', bits: 4, seed: 2, gdc: mode });
      chip.load(toProgram(net, ranges));
      chip.drift(DAY);
      chip.setGdc(gdc);
      expect(chip.gdcMode).toBe(mode);
      return hex(chip.infer(input));
    };
    const offDigital = await logits(false, 'digital');
    expect(await logits(false, 'analog')).toBe(offDigital);
    expect(await logits(true, 'analog')).not.toBe(offDigital);
  });
});

describe('hand-computed: one dense layer, deterministic drift, 4-bit ADC', () => {
  // 10 inputs, all 1 (unsigned, r_DAC = 15 → Δ_DAC = 1: DAC code 1). Column j holds |c_j| cells of sign(c_j)
  // (w = ±1 = W_max, so G = ±g_max), the rest 0, for c_j = −10, −7 … 7, 10. With r_ADC = 7 (S = 15/7),
  // k = S·7/(15·4096) = 1/4096 per (code × LSB), so at programming the bit-line value k·I_j is c_j: the
  // ADC codes are clip(c_j, ±7) — every code −7 … 7 once, and ±10 clipped. Δ_ADC = 1, BN scale 1, offset 0.
  // Drift-only devices: no noise; every programmed device has G_T = 25 µS, so ν = μ_ν(25 µS) = 0.049 and
  // G(t) = g_max·f(t), f = (t/25 s)^−ν, one factor for the whole layer. The chip stores round(4096·f); GDC
  // reads α = 1/f (mean |G| at programming / now). Then
  //   digital: a_j = clip(round(c_j·round(4096 f)/4096), ±7), output a_j·α
  //   analog:  a_j = clip(round(α·c_j·round(4096 f)/4096), ±7) = clip(c_j, ±7), output a_j
  // (α·round(4096 f)/4096 is 1 within 1/(2·4096·f) ≤ 2.4e-4, far from moving c_j ≤ 10 by ½).
  const C = [-10, -7, -6, -5, -4, -3, -2, -1, 0, 1, 2, 3, 4, 5, 6, 7, 10];
  const ROWS = 10;
  const NU = Math.fround(0.049); // ν is stored as float32
  const fOf = (t: number) => (t > 25 ? Math.exp(-NU * Math.log(t / 25)) : 1);

  // By hand (f = 1, 0.7839, 0.6708, 0.5679, 0.5024): codes for c = 0, 1, …, 7 and 10 (negative c: mirrored).
  // E.g. one day: 7 × 0.6708 = 4.70 → 5, 10 × 0.6708 = 6.71 → 7; one year: 7 × 0.5024 = 3.52 → 4.
  const DIGITAL_BY_HAND: Record<number, number[]> = {
    25: [0, 1, 2, 3, 4, 5, 6, 7, 7],
    3600: [0, 1, 2, 2, 3, 4, 5, 5, 7],
    [DAY]: [0, 1, 1, 2, 3, 3, 4, 5, 7],
    [30 * DAY]: [0, 1, 1, 2, 2, 3, 3, 4, 6],
    [YEAR]: [0, 1, 1, 2, 2, 3, 3, 4, 5],
  };
  const ANALOG_BY_HAND = [0, 1, 2, 3, 4, 5, 6, 7, 7]; // at every t
  // Per time: fraction of the 17 codes at the clip values ±7, the largest |code| of the 15 columns whose
  // signal fits the range (|c| ≤ 7), and how many distinct codes the layer uses.
  const SPREAD_BY_HAND: Record<'digital' | 'analog', Record<number, { atClip: number; maxInRange: number; distinct: number }>> = {
    digital: {
      25: { atClip: 4 / 17, maxInRange: 7, distinct: 15 },
      3600: { atClip: 2 / 17, maxInRange: 5, distinct: 13 },
      [DAY]: { atClip: 2 / 17, maxInRange: 5, distinct: 13 },
      [30 * DAY]: { atClip: 0, maxInRange: 4, distinct: 11 },
      [YEAR]: { atClip: 0, maxInRange: 4, distinct: 11 },
    },
    analog: Object.fromEntries(TIMES.map((t) => [t, { atClip: 4 / 17, maxInRange: 7, distinct: 15 }])),
  };

  function program(): LayerProgram {
    const n = buildNet({ h: 1, w: 1, c: ROWS }, false, [{ name: 'fc', kind: 'dense', k: 1, stride: 1, cout: C.length, relu: false }], 1);
    const L = n.layers[0]!;
    L.w.fill(0);
    C.forEach((c, j) => {
      for (let i = 0; i < Math.abs(c); i++) L.w[i * C.length + j] = Math.sign(c);
    });
    L.scale.fill(1);
    L.offset.fill(0);
    return toProgram(n, { rDac: [15], rAdc: [7], wMax: [1], S: 15 / 7 });
  }

  /** The ADC codes behind the logits: logit / (Δ_ADC·α) in digital mode, logit / Δ_ADC in analog (Δ_ADC = 1). */
  function codes(logits: Float32Array, gain: number): number[] {
    return Array.from(logits, (v) => {
      const a = Math.round(v / gain);
      expect(Math.abs(v / gain - a)).toBeLessThan(1e-5);
      return a;
    });
  }

  const mirrored = (row: number[]) => C.map((c) => Math.sign(c) * row[Math.abs(c) === 10 ? 8 : Math.abs(c)]!);

  for (const mode of ['digital', 'analog'] as const) {
    it(`${mode}: conductances, α and every ADC code at 25 s, 1 h, 1 d, 30 d, 1 y match the hand computation`, async () => {
      const chip = await Chip.create({ preset: 'ideal', bits: 4, gdc: mode });
      chip.exports.crossbarSetPreset(DRIFT_ONLY); // before programming: it decides how cells are programmed
      const p = program();
      chip.load(p);
      const x = new Float32Array(ROWS).fill(1);
      for (const t of TIMES) {
        chip.drift(t);
        const f = fOf(t);
        const g = roundHalfEven(4096 * f);
        // The cells: ±round(4096·f) where programmed, 0 elsewhere.
        const cells = cellsOf(chip, p.layers[0]!.pieces[0]!.rect);
        const targets = p.layers[0]!.pieces[0]!.targets;
        expect(Array.from(cells)).toEqual(Array.from(targets, (w) => w * g + 0));
        const [alpha] = chip.gdcFactors();
        expect(Math.abs(alpha! * f - 1)).toBeLessThan(1e-6);
        const got = codes(chip.infer(x), mode === 'digital' ? alpha! : 1);
        // The formula, then the table written out by hand.
        const formula = C.map((c) => Math.min(Math.max(roundHalfEven((mode === 'analog' ? alpha! : 1) * c * g / 4096), -7), 7));
        expect(got, `t = ${t} s`).toEqual(formula);
        expect(got, `t = ${t} s`).toEqual(mirrored(mode === 'digital' ? DIGITAL_BY_HAND[t]! : ANALOG_BY_HAND));
        const inRange = got.filter((_, j) => Math.abs(C[j]!) <= 7);
        expect({
          atClip: got.filter((a) => Math.abs(a) === 7).length / got.length,
          maxInRange: Math.max(...inRange.map(Math.abs)),
          distinct: new Set(got).size,
        }, `t = ${t} s`).toEqual(SPREAD_BY_HAND[mode][t]);
      }
    });
  }

  it('at t = 25 s (f = 1, α = 1 exactly) both modes give identical logits', async () => {
    const out: string[] = [];
    for (const mode of ['digital', 'analog'] as const) {
      const chip = await Chip.create({ preset: 'ideal', bits: 4, gdc: mode });
      chip.exports.crossbarSetPreset(DRIFT_ONLY);
      chip.load(program());
      chip.drift(25);
      expect(chip.gdcFactors()).toEqual([1]);
      out.push(hex(chip.infer(new Float32Array(ROWS).fill(1))));
    }
    expect(out[1]).toBe(out[0]);
  });
});

describe('Chip API', () => {
  it('gdc option and setGdc: on/off keeps the mode, a mode name switches it, anything else is a UserError', async () => {
    const chip = await Chip.create({ preset: 'ideal', gdc: 'analog' });
    expect([chip.gdc, chip.gdcMode]).toEqual([true, 'analog']);
    chip.setGdc(false);
    expect([chip.gdc, chip.gdcMode]).toEqual([false, 'analog']);
    chip.setGdc(true);
    expect([chip.gdc, chip.gdcMode]).toEqual([true, 'analog']);
    chip.setGdc('digital');
    expect([chip.gdc, chip.gdcMode]).toEqual([true, 'digital']);
    expect(() => chip.setGdc('both' as GdcMode)).toThrow(UserError);
    expect([chip.gdc, chip.gdcMode]).toEqual([true, 'digital']);
    await expect(Chip.create({ gdc: 'on' as GdcMode })).rejects.toThrow(/GDC must be on, off, "digital" or "analog" \(got "on"\)/);
    expect(() => chip.exports.chipSetGdcMode(2)).toThrow(/chipSetGdcMode/);
  });
});
