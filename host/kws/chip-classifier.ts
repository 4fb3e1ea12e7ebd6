/**
 * The KwsClassifier backed by the emulated chip: AnalogNet-KWS deployed through the one runtime path
 * (host/runtime/deploy.ts: the image given, else the shipped one, else a seeded random image with a
 * note), programmed at t = 0, then read once at t = driftS; every window is an inference on that
 * snapshot (host/kws/deployed-classifier.ts).
 */
import { getGraph } from '../../models/graphs/index.js';
import { checkedReplication } from '../compiler/replicate.js';
import { chooseBits, deploy, resolveImage } from '../runtime/deploy.js';
import { chipKwsClassifier, type KwsChipClassifierFactory } from './deployed-classifier.js';

export {
  chipKwsClassifier,
  softmaxInto,
  type KwsChipClassification,
  type KwsChipClassifier,
  type KwsChipClassifierFactory,
  type KwsChipOptions,
  type LabelledKwsClassifier,
} from './deployed-classifier.js';

/** Resolve the image, choose the bits, deploy on a fresh chip, drift to driftS. */
export const createKwsChipClassifier: KwsChipClassifierFactory = async (o) => {
  const note = o.onNote ?? (() => {});
  const { image, source } = resolveImage('kws', o.model, o.seed, note);
  const bits = chooseBits(image, o.bits, note);
  const replicate = checkedReplication(getGraph('kws'), o.replicate);
  const deployment = await deploy('kws', image, { preset: o.preset, bits, seed: o.seed, gdc: o.gdc, ...(replicate ? { replicate } : {}) });
  deployment.chip.drift(o.driftS);
  return chipKwsClassifier(deployment, source);
};
