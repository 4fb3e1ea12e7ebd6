// The conductance LSB is stated twice, once per side (host/chip/fixed-point.ts, assembly/crossbar.ts): the
// chip's two uses of it, the int16 snapshot and the ADC gain, must match the host's (as deriveSeed does).
import { expect, test } from 'vitest';
import { CONDUCTANCE_LSB_PER_GMAX as LSB } from '../../../host/chip/fixed-point.js';
import { PRESET_CODE } from '../../../host/chip/preset-code.js';
import { instantiateChip } from '../../../host/chip/wasm.js';

test('a cell at ±g_max reads ±LSB_PER_GMAX in the int16 snapshot (ideal devices)', async () => {
  const chip = await instantiateChip();
  chip.crossbarInit(1, 1, 4);
  chip.crossbarSetPreset(PRESET_CODE.ideal);
  new Float32Array(chip.memory.buffer, chip.targetsBuffer(4), 4).set([1, -1, 0.5, 0]);
  chip.crossbarProgram(0, 0, 0, 1, 4, 0n);
  expect([...new Int16Array(chip.memory.buffer, chip.conductancePtr(0), 4)]).toEqual([LSB, -LSB, LSB / 2, 0]);
});

test('the ADC gain is |S|·(2^(b−1)−1) / ((2^b−1)·LSB_PER_GMAX)', async () => {
  const chip = await instantiateChip();
  for (const bits of [8, 6, 4]) {
    for (const s of [1, 1.7, 37.25]) expect(chip.adcGain(s, bits)).toBe((s * (2 ** (bits - 1) - 1)) / ((2 ** bits - 1) * LSB));
  }
});
