/** The device-model presets as the chip takes them (crossbarSetPreset, deviceSample; assembly/device.ts PRESET_*). */
import type { Preset } from './program.js';

export const PRESET_CODE: Readonly<Record<Preset, number>> = { ideal: 0, paper: 1, aihwkit: 2 };
