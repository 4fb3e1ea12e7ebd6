/** The device-model presets as the chip takes them (crossbarSetPreset, deviceSample; assembly/device.ts PRESET_*). */
import type { Preset } from './program.js';

export const PRESET_CODE: Readonly<Record<Preset, number>> = { ideal: 0, paper: 1, aihwkit: 2 };

/** One of the three names — an own key, so not 'toString' or another key every object inherits. */
export function isPreset(v: unknown): v is Preset {
  return typeof v === 'string' && Object.hasOwn(PRESET_CODE, v);
}
