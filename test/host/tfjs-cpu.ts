/**
 * tfjs's `cpu` backend for cross-checks, without its "Hi, looks like you are running TensorFlow.js in
 * Node.js…" banner: the backend prints it through tfjs' logger on first use unless production mode is on
 * (tf.enableProdMode, the documented switch that silences tfjs' warnings). Returns a check that the
 * banner never reached console.warn.
 */
import * as tf from '@tensorflow/tfjs';
import { expect, vi } from 'vitest';

export async function useQuietCpuBackend(): Promise<() => void> {
  const warn = vi.spyOn(console, 'warn');
  tf.enableProdMode();
  await tf.setBackend('cpu');
  return () => {
    const banner = warn.mock.calls.filter((args) => args.some((a) => String(a).includes('running TensorFlow.js in Node.js')));
    warn.mockRestore();
    expect(banner).toEqual([]);
  };
}
