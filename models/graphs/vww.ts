import type { LayerSpec, NetworkGraph } from './types.js';

/** A fused-MBConv block of Figure 10: (expansion channels, output channels, stride, residual). */
export interface FusedMbConv {
  expansion: number;
  out: number;
  stride: number;
  residual: boolean;
}

/**
 * AnalogNet-VWW's blocks, in order (accelerator.md's reconstruction: MicroNet-VWW-2 with fused
 * MBConvs and its first IBN(4, 8) block removed; the (96,16,1,R) block appears twice, which the
 * paper's totals require although Figure 10 draws it once).
 */
export const VWW_BLOCKS: readonly FusedMbConv[] = (
  [
    [28, 24, 2, false], [28, 20, 1, true], [128, 28, 2, false], [152, 16, 1, true],
    [152, 28, 1, true], [152, 24, 2, false], [112, 24, 1, true], [112, 12, 1, true],
    [76, 32, 1, true], [76, 16, 1, false], [56, 28, 1, true], [56, 28, 1, true],
    [56, 16, 2, false], [96, 16, 1, true], [96, 16, 1, true], [96, 32, 1, false],
  ] as const
).map(([expansion, out, stride, residual]) => ({ expansion, out, stride, residual }));

/**
 * A fused-MBConv as two analog layers: 3×3 dense expand conv (BN, ReLU), then 1×1 project conv (BN,
 * no ReLU) with the block's input added when residual (PAD + ADD: the narrower tensor is zero-padded).
 */
function fusedMbConv(index: number, input: string, b: FusedMbConv): LayerSpec[] {
  const expand = `b${index}_expand`;
  return [
    { name: expand, kind: 'conv', input, kh: 3, kw: 3, stride: b.stride, cout: b.expansion, bn: true, relu: true },
    {
      name: `b${index}_project`, kind: 'conv', input: expand, kh: 1, kw: 1, stride: 1, cout: b.out, bn: true, relu: false,
      ...(b.residual ? { residual: input } : {}),
    },
  ];
}

function vwwLayers(): LayerSpec[] {
  const layers: LayerSpec[] = [
    { name: 'stem', kind: 'conv', input: 'input', kh: 3, kw: 3, stride: 2, cout: 12, bn: true, relu: true },
  ];
  let prev = 'stem';
  VWW_BLOCKS.forEach((b, i) => {
    const block = fusedMbConv(i + 1, prev, b);
    layers.push(...block);
    prev = block[1]!.name;
  });
  layers.push(
    { name: 'head', kind: 'conv', input: prev, kh: 1, kw: 1, stride: 1, cout: 128, bn: true, relu: true, pool: true },
    { name: 'fc', kind: 'dense', input: 'head', units: 2, bn: true, relu: false },
  );
  return layers;
}

/**
 * AnalogNet-VWW: 100×100 RGB (pixels centred to [−0.5, 0.5], so signed DAC codes: host/vision/normalize.ts)
 * → stem conv 3×3/12 s2 →
 * 16 fused-MBConv blocks → conv 1×1/128 → avgpool → FC 2 (BN, softmax).
 */
export const vww: NetworkGraph = {
  name: 'vww',
  task: 'vww',
  title: 'AnalogNet-VWW',
  input: { h: 100, w: 100, c: 3 },
  inputSigned: true,
  classes: ['non_person', 'person'],
  layers: vwwLayers(),
};
