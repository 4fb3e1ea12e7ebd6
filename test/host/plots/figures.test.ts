/**
 * Every figure the CLI writes, rendered by a real SVG renderer (resvg) to PNG: the root has a viewBox
 * matching its size, and no text runs off the canvas or over another label (a title cut off at the
 * edge, a subtitle over the tile labels). AONCIM_FIGURE_PNGS=DIR keeps the PNGs to look at.
 */
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { recordingIo } from '../../../host/cli/io.js';
import { main } from '../../../host/cli/main.js';
import { placeNetwork } from '../../../host/compiler/tiler.js';
import { accuracySvg, type AccuracyPoint } from '../../../host/plots/accuracy-svg.js';
import { placementSvg } from '../../../host/plots/map-svg.js';
import { getGraph } from '../../../models/graphs/index.js';
import type { NetworkName } from '../../../models/graphs/types.js';
import { canvas, outsideCanvas, overlapping, renderPng, textBoxes } from './render.js';

const keep = process.env['AONCIM_FIGURE_PNGS'];

function check(name: string, svg: string, o: { overlaps: boolean } = { overlaps: true }) {
  const c = canvas(svg);
  expect(c.viewBox, `${name}: viewBox`).toEqual([0, 0, c.width, c.height]);
  const png = renderPng(svg);
  expect(png.readUInt32BE(16)).toBe(Math.round(c.width)); // the PNG's IHDR: the canvas size
  expect(png.readUInt32BE(20)).toBe(Math.round(c.height));
  if (keep) {
    mkdirSync(keep, { recursive: true });
    writeFileSync(join(keep, `${name}.png`), png);
  }
  const boxes = textBoxes(svg);
  expect(boxes.length).toBeGreaterThan(3);
  expect(outsideCanvas(svg, boxes), `${name}: text off the canvas`).toEqual([]);
  if (o.overlaps) expect(overlapping(boxes), `${name}: labels over each other`).toEqual([]);
}

/** Figure 6 / Table 3 placements: one tile, and many small tiles with a label each. */
const maps: Array<[string, NetworkName, { rows: number; cols: number }]> = [
  ['map-kws', 'kws', { rows: 1024, cols: 512 }],
  ['map-vww', 'vww', { rows: 1024, cols: 512 }],
  ['map-micronet-1024x512', 'micronet-kws-s', { rows: 1024, cols: 512 }],
  ['map-micronet-128x128', 'micronet-kws-s', { rows: 128, cols: 128 }],
  ['map-micronet-64x64', 'micronet-kws-s', { rows: 64, cols: 64 }],
];

describe('figures rendered by resvg: all text on the canvas, no label over another', () => {
  it.each(maps)('%s', (name, model, array) => {
    const g = getGraph(model);
    const p = placeNetwork(g, array);
    const svg = placementSvg(p, { title: `${g.title} on ${p.geometry.tiles} × ${p.geometry.rows}×${p.geometry.cols}` });
    // The header and the tile labels must not overlap; piece labels are sized to their pieces.
    const c = canvas(svg);
    const boxes = textBoxes(svg);
    expect(c.viewBox).toEqual([0, 0, c.width, c.height]);
    expect(outsideCanvas(svg, boxes), `${name}: text off the canvas`).toEqual([]);
    const header = boxes.filter((b) => b.text.startsWith(g.title) || b.text.startsWith('utilization'));
    const tiles = boxes.filter((b) => /^tile \d+$/.test(b.text));
    expect(header).toHaveLength(2);
    expect(overlapping([...header, ...tiles]), `${name}: header over tile labels`).toEqual([]);
    check(name, svg, { overlaps: false });
  });

  it('Figure 7 (eval --svg): one band per bit width, per-image float lines', () => {
    const times = [25, 3600, 86_400, 30 * 86_400, 365 * 86_400];
    const points: AccuracyPoint[] = [8, 6, 4].flatMap((bits) =>
      times.map((timeS, i) => ({ bits, timeS, mean: 0.86 - 0.03 * i - (8 - bits) * 0.05, std: 0.02, baseline: 0.868 - (8 - bits) * 0.002 })),
    );
    check('figure7-per-image', accuracySvg({ title: 'AnalogNet-KWS on the emulated chip (paper, GDC)', baseline: null, points }));
    check('figure7-one-image', accuracySvg({ title: 'AnalogNet-VWW on the emulated chip (aihwkit)', baseline: 0.65, points: points.map(({ baseline: _, ...p }) => p) }));
  });

  it('Figure 8 (energy --svg): both AnalogNets, full scale and measured', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'aoncim-fig8-')), 'figure8.svg');
    expect(await main(['energy', '--model', 'kws', '--svg', file], recordingIo())).toBe(0);
    check('figure8', readFileSync(file, 'utf8'));
  });
});
