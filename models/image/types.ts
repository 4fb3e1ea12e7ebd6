import type { NetworkName } from '../graphs/types.js';

/** How an image's weights came to be (stored in the image, echoed by every tool that loads it). */
export interface TrainingMeta {
  /** 'random' = seeded random weights (no training); the others are the trainer's modes. */
  method: 'random' | 'baseline' | 'noise' | 'full';
  /** Noise-injection coefficient η of eq. 1 (0 when none). */
  eta: number;
  /** Converter bits the image was trained for (`full` only), else null. */
  bits: 8 | 6 | 4 | null;
  /** Description of the training data (e.g. "speech_commands: 3,300 clips, speakers split"). */
  data: string;
  seed: number;
  epochs: number;
  /** Validation accuracy in float, when known. */
  valAccuracy: number | null;
  /** ISO time of writing. */
  createdAt: string;
  /**
   * How the chip programs the (trained) weights: absent, at g_max·w/W_max (pcm-model.md §1);
   * 'mean-corrected', at targets whose expected programmed weight is w (programming-targets.ts, §9).
   */
  targets?: 'mean-corrected';
  /**
   * The input convention a trained VWW image was trained on: 'centred' = host/vision/normalize.ts's
   * (x − 127.5)/255. Required for trained VWW images (those trained on x/255 before it are rejected
   * with a message, not run on inputs they never saw); absent for KWS and random images.
   */
  input?: 'centred';
}

/**
 * One analog layer of a weight image (contracts.md §1). Order and shapes follow the named graph.
 * Weight layout as in models/graphs/types.ts.
 */
export interface ImageLayer {
  name: string;
  /** Clipped float weights, |w| ≤ wMax. */
  weights: Float32Array;
  /** Clip bound W_l,max (> 0); cells are programmed at g_max·w/wMax. */
  wMax: number;
  /** Input (DAC) range r_DAC,l (> 0). */
  rDac: number;
  /** ADC range r_ADC,l (> 0); the chip uses r_DAC,l·W_l,max/|S| (equal for `full` images). */
  rAdc: number;
  /** Per output channel digital scale (BN folded), length = output channels. */
  scale: Float32Array;
  /** Per output channel digital offset (bias and BN shift), length = output channels. */
  offset: Float32Array;
}

export interface WeightImage {
  network: NetworkName;
  /** The global ADC gain S (eq. 5). */
  S: number;
  training: TrainingMeta;
  layers: ImageLayer[];
}
