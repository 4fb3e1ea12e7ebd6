// The PCM device model's constants that the chip and the host both use (docs/pcm-model.md §1–2).
// ONE source for both sides: valid AssemblyScript (assembly/device.ts) and valid TypeScript (host,
// models/image/programming-targets.ts). Plain number constants only (AssemblyScript infers f64).

/** g_max, µS. */
export const G_MAX_US = 25.0;

/** Programming noise σ_P(g) = PROG_C0 + PROG_C1·x − PROG_C2·x² µS of the normalised target x = g/g_max (§2). */
export const PROG_C0 = 0.26348;
export const PROG_C1 = 1.965;
export const PROG_C2 = 1.1731;
