/**
 * The `vww` command's classifier: AnalogNet-VWW on the emulated chip's 1024×512 array
 * (host/runtime/deploy.ts: the image given, else the shipped one, else a seeded random image with a
 * note; chip programmed at t = 0, then one drift snapshot at t = driftS); every frame is then an
 * inference on that snapshot (host/vision/deployed-classifier.ts).
 */
import { getGraph } from '../../models/graphs/index.js';
import { checkedReplication } from '../compiler/replicate.js';
import { chooseBits, deploy, resolveImage } from '../runtime/deploy.js';
import { chipVwwClassifier, type VwwClassifierFactory } from './deployed-classifier.js';

export {
  chipVwwClassifier,
  softmaxAt,
  type VwwClassification,
  type VwwClassifier,
  type VwwClassifierFactory,
  type VwwClassifierOptions,
} from './deployed-classifier.js';

export const createVwwClassifier: VwwClassifierFactory = async (o) => {
  const note = o.onNote ?? (() => {});
  const { image } = resolveImage('vww', o.model, o.seed, note);
  const bits = chooseBits(image, o.bits, note);
  const replicate = checkedReplication(getGraph('vww'), o.replicate);
  const deployment = await deploy('vww', image, { preset: o.preset, bits, seed: o.seed, gdc: o.gdc, ...(replicate ? { replicate } : {}) });
  deployment.chip.drift(o.driftS);
  return chipVwwClassifier(deployment);
};
