/**
 * Figure 6 / Figure 11 as SVG: each tile of the array as a frame, each layer (or piece of a split
 * layer) a coloured, labelled box. Depthwise pieces are drawn translucent with their non-zero
 * diagonal solid, as in Figure 11.
 */
import type { Placement } from '../compiler/tiler.js';

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** A distinct colour per layer index (golden-angle hue steps). */
export function layerColour(i: number): string {
  return `hsl(${Math.round((i * 137.508) % 360)}, 65%, 55%)`;
}

export interface MapSvgOptions {
  /** Drawn height of one tile in px (default 640 for one tile, smaller for many). */
  tileHeightPx?: number;
  title?: string;
}

/**
 * A generous width for a line of sans-serif text (0.62 em a character; DejaVu Sans, the widest common
 * sans, averages ~0.55): the canvas is sized from it so no label is cut off at the edge.
 */
function textWidth(text: string, fontSize: number): number {
  return text.length * fontSize * 0.62;
}

export function placementSvg(p: Placement, opts: MapSvgOptions = {}): string {
  const { rows: R, cols: C, tiles } = p.geometry;
  const perRow = Math.min(tiles, Math.max(1, Math.ceil(Math.sqrt(tiles * (R / C) * 0.75))));
  const tileH = opts.tileHeightPx ?? (tiles === 1 ? 640 : Math.max(120, Math.round(640 / Math.ceil(tiles / perRow))));
  const s = tileH / R;
  const tileW = C * s;
  const gap = 24;
  const title = opts.title ?? `${p.network} on ${tiles} × ${R}×${C}`;
  // Header: title, then the subtitle on two lines, then (many tiles) room for the first row's tile labels.
  const lines = [
    `utilization ${(100 * p.utilization).toFixed(1)} %: ${p.weights.toLocaleString('en-US')} non-zero weights in ${(tiles * R * C).toLocaleString('en-US')} cells`,
    `rectangles cover ${(100 * p.cellUtilization).toFixed(1)} %`,
  ];
  const head = tiles > 1 ? 92 : 76;
  const gridRows = Math.ceil(tiles / perRow);
  const textW = Math.max(textWidth(title, 16), ...lines.map((l) => textWidth(l, 12)));
  const width = Math.max(perRow * (tileW + gap) + gap, gap + textW + gap);
  const height = head + gridRows * (tileH + gap) + gap;
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width.toFixed(0)}" height="${height.toFixed(0)}" viewBox="0 0 ${width.toFixed(0)} ${height.toFixed(0)}" font-family="sans-serif">`,
    `<rect width="100%" height="100%" fill="white"/>`,
    `<text x="${gap}" y="24" font-size="16" font-weight="bold">${esc(title)}</text>`,
    ...lines.map((l, i) => `<text x="${gap}" y="${44 + 16 * i}" font-size="12">${esc(l)}</text>`),
  ];
  const origin = (t: number) => ({ x: gap + (t % perRow) * (tileW + gap), y: head + Math.floor(t / perRow) * (tileH + gap) });
  for (let t = 0; t < tiles; t++) {
    const o = origin(t);
    out.push(`<rect class="tile" x="${o.x.toFixed(2)}" y="${o.y.toFixed(2)}" width="${tileW.toFixed(2)}" height="${tileH.toFixed(2)}" fill="#f3f3f3" stroke="#333" stroke-width="1"/>`);
    if (tiles > 1) out.push(`<text x="${o.x.toFixed(2)}" y="${(o.y - 4).toFixed(2)}" font-size="10" fill="#555">tile ${t}</text>`);
  }
  p.layers.forEach((l, li) => {
    const colour = layerColour(li);
    for (const piece of l.pieces) {
      const o = origin(piece.rect.tile);
      const x = o.x + piece.rect.col * s;
      const y = o.y + piece.rect.row * s;
      const w = piece.rect.cols * s;
      const h = piece.rect.rows * s;
      const label = l.pieces.length > 1 ? `${l.name}.${piece.index}` : l.name;
      const tip = `${label}: ${piece.rect.rows}×${piece.rect.cols} at tile ${piece.rect.tile} row ${piece.rect.row} col ${piece.rect.col}, ${piece.nonZero} weights`;
      const dw = l.kind === 'depthwise';
      out.push(
        `<g class="piece" data-layer="${esc(l.name)}" data-piece="${piece.index}"><title>${esc(tip)}</title>` +
          `<rect x="${x.toFixed(2)}" y="${y.toFixed(2)}" width="${w.toFixed(2)}" height="${h.toFixed(2)}" fill="${colour}" fill-opacity="${dw ? 0.3 : 0.85}" stroke="#222" stroke-width="0.5"/>`,
      );
      if (dw) {
        // kh·kw diagonal blocks of size cols × cols, one per tap.
        const taps = piece.rect.rows / piece.rect.cols;
        const d: string[] = [];
        for (let k = 0; k < taps; k++) {
          const y0 = y + k * piece.rect.cols * s;
          d.push(`M${x.toFixed(2)},${y0.toFixed(2)}L${(x + w).toFixed(2)},${(y0 + piece.rect.cols * s).toFixed(2)}`);
        }
        out.push(`<path d="${d.join('')}" stroke="${colour}" stroke-width="${Math.max(1, s).toFixed(2)}" fill="none"/>`);
      }
      const font = Math.min(12, w / Math.max(label.length * 0.62, 1), h * 0.8);
      if (font >= 4) {
        out.push(`<text x="${(x + w / 2).toFixed(2)}" y="${(y + h / 2).toFixed(2)}" font-size="${font.toFixed(1)}" text-anchor="middle" dominant-baseline="central">${esc(label)}</text>`);
      }
      out.push('</g>');
    }
  });
  out.push('</svg>');
  return out.join('\n') + '\n';
}
