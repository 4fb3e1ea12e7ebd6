/**
 * SVG figures through a real renderer (resvg): the canvas size, a PNG, and where each text element
 * really lands (its glyphs' bounding box, with the DejaVu Sans font the machine has), so tests can check
 * that no label runs off the canvas or over another one.
 */
import { Resvg, type ResvgRenderOptions } from '@resvg/resvg-js';

export interface Box {
  text: string;
  x: number;
  y: number;
  width: number;
  height: number;
}

const OPTIONS: ResvgRenderOptions = { font: { loadSystemFonts: true, defaultFontFamily: 'DejaVu Sans', sansSerifFamily: 'DejaVu Sans' } };

/** The root element's opening tag and its width, height and viewBox. */
export function canvas(svg: string): { open: string; width: number; height: number; viewBox: number[] | null } {
  const open = /<svg\b[^>]*>/.exec(svg)?.[0];
  if (!open) throw new Error('not an SVG document');
  const num = (name: string) => Number(new RegExp(`\\s${name}="([\\d.]+)"`).exec(open)?.[1] ?? NaN);
  const vb = /\sviewBox="([^"]+)"/.exec(open)?.[1];
  return { open, width: num('width'), height: num('height'), viewBox: vb ? vb.trim().split(/[\s,]+/).map(Number) : null };
}

export function renderPng(svg: string): Buffer {
  return new Resvg(svg, OPTIONS).render().asPng();
}

/** Each <text> element's rendered box, in canvas pixels. Fails if a text renders nothing (no font). */
export function textBoxes(svg: string): Box[] {
  const { open } = canvas(svg);
  return [...svg.matchAll(/<text\b[^>]*>(.*?)<\/text>/g)].map((m) => {
    const b = new Resvg(`${open}${m[0]}</svg>`, OPTIONS).getBBox();
    const text = m[1]!.replace(/<[^>]+>/g, '');
    if (!b) throw new Error(`text "${text}" rendered no glyphs: is a sans-serif font (DejaVu Sans) installed?`);
    return { text, x: b.x, y: b.y, width: b.width, height: b.height };
  });
}

/** Boxes not wholly inside the canvas (1 px of antialiasing allowed). */
export function outsideCanvas(svg: string, boxes: Box[] = textBoxes(svg)): string[] {
  const { width, height } = canvas(svg);
  return boxes
    .filter((b) => b.x < -1 || b.y < -1 || b.x + b.width > width + 1 || b.y + b.height > height + 1)
    .map((b) => `"${b.text}" at x ${b.x.toFixed(1)}…${(b.x + b.width).toFixed(1)}, y ${b.y.toFixed(1)}…${(b.y + b.height).toFixed(1)} on ${width}×${height}`);
}

/** Pairs of boxes that overlap (by more than 0.5 px each way). */
export function overlapping(boxes: Box[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < boxes.length; i++) {
    for (let j = i + 1; j < boxes.length; j++) {
      const a = boxes[i]!;
      const b = boxes[j]!;
      const dx = Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x);
      const dy = Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y);
      if (dx > 0.5 && dy > 0.5) out.push(`"${a.text}" / "${b.text}"`);
    }
  }
  return out;
}
