/**
 * How VWW training views are cropped (data.ts augmentImage), free of tfjs and data loading so the CLI
 * can import it statically: `light` 80–100 % of each side; `inception` (Szegedy et al. 2015) 25–100 % of
 * the area with aspect 3/4–4/3, plus saturation ±40 %.
 */
export type CropMode = 'light' | 'inception';
export const CROP_MODES: readonly CropMode[] = ['light', 'inception'];
