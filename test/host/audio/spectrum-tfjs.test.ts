/**
 * Cross-check against TensorFlow.js's tf.signal.stft (frame → hann_window(480) → rfft(512)), an independent
 * implementation of the TensorFlow semantics MLPerf Tiny relies on: periodic Hann, window before padding.
 */
import { expect, test } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { FrameSpectrum } from '../../../host/audio/spectrum.js';
import { readWav } from '../../../host/audio/wav.js';
import { periodicHann } from '../../../host/audio/window.js';
import { repoPath } from '../../../host/paths.js';
import { useQuietCpuBackend } from '../tfjs-cpu.js';

test('49 frames of |STFT| of a real clip equal tfjs tf.signal.stft (float32 tolerance)', async () => {
  const noBanner = await useQuietCpuBackend();
  const x = readWav(repoPath('demo', 'yes.wav')).samples;
  const ours = new FrameSpectrum(periodicHann(480), 512);
  const mag = new Float64Array(257);
  const tfMag = tf.tidy(() => tf.abs(tf.signal.stft(tf.tensor1d(x), 480, 320, 512, (n: number) => tf.signal.hannWindow(n))).arraySync() as number[][]);
  expect(tfMag.length).toBe(49);
  expect(tfMag[0]!.length).toBe(257);
  let worst = 0;
  let peak = 0;
  for (let f = 0; f < 49; f++) {
    ours.magnitude(x, f * 320, mag);
    for (let k = 0; k < 257; k++) {
      worst = Math.max(worst, Math.abs(mag[k]! - tfMag[f]![k]!));
      peak = Math.max(peak, mag[k]!);
    }
  }
  // tfjs computes in float32: allow 1e-5 of the largest magnitude.
  expect(worst).toBeLessThan(1e-5 * peak);
  noBanner();
});
