/**
 * Figure 7: accuracy vs time since programming (log axis), one ±1 std band per bit width and the
 * digital float baseline as a dashed line (or, when each bit width ran on its own image, each image's
 * baseline dashed in its band's colour). Plain SVG, no dependencies.
 */
export interface AccuracyPoint {
  bits: number;
  timeS: number;
  mean: number;
  std: number;
  /** Float baseline of this point's image (drawn when the plot has no common baseline). */
  baseline?: number;
}

export interface AccuracyPlot {
  title: string;
  baseline: number | null;
  points: AccuracyPoint[];
}

const COLORS: Record<number, string> = { 8: '#1f77b4', 6: '#ff7f0e', 4: '#2ca02c' };
const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

function timeLabel(s: number): string {
  const units: Array<[number, string]> = [
    [365 * 86400, 'y'],
    [30 * 86400, 'mo'],
    [86400, 'd'],
    [3600, 'h'],
    [60, 'min'],
  ];
  for (const [u, name] of units) if (s >= u) return `${+(s / u).toFixed(2)}${name}`;
  return `${+s.toFixed(2)}s`;
}

export function accuracySvg(plot: AccuracyPlot): string {
  const W = 640;
  const H = 420;
  const m = { l: 60, r: 110, t: 36, b: 48 };
  const pw = W - m.l - m.r;
  const ph = H - m.t - m.b;
  const times = [...new Set(plot.points.map((p) => p.timeS))].sort((a, b) => a - b);
  const lt = times.map((t) => Math.log10(Math.max(t, 1)));
  const x0 = Math.min(...lt);
  const x1 = Math.max(...lt) > x0 ? Math.max(...lt) : x0 + 1;
  // The float lines drawn: the common baseline, or else each point's own.
  const floats = plot.baseline !== null ? [plot.baseline] : plot.points.flatMap((p) => p.baseline ?? []);
  const vals = plot.points.flatMap((p) => [p.mean - p.std, p.mean + p.std]).concat(floats);
  let y0 = Math.floor(Math.min(...vals) * 20) / 20;
  let y1 = Math.ceil(Math.max(...vals) * 20) / 20;
  if (y1 - y0 < 0.05) y1 = y0 + 0.05;
  y0 = Math.max(0, y0);
  y1 = Math.min(1, Math.max(y1, y0 + 0.05));
  const X = (t: number) => m.l + ((Math.log10(Math.max(t, 1)) - x0) / (x1 - x0)) * pw;
  const Y = (a: number) => m.t + (1 - (a - y0) / (y1 - y0)) * ph;
  const parts: string[] = [];
  parts.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="12">`);
  parts.push(`<rect width="${W}" height="${H}" fill="white"/>`);
  parts.push(`<text x="${W / 2}" y="20" text-anchor="middle" font-size="14">${esc(plot.title)}</text>`);
  for (let k = 0; k <= 5; k++) {
    const a = y0 + ((y1 - y0) * k) / 5;
    parts.push(`<line x1="${m.l}" x2="${m.l + pw}" y1="${Y(a)}" y2="${Y(a)}" stroke="#ddd"/>`);
    parts.push(`<text x="${m.l - 6}" y="${Y(a) + 4}" text-anchor="end">${(a * 100).toFixed(1)}%</text>`);
  }
  for (const t of times) {
    parts.push(`<line x1="${X(t)}" x2="${X(t)}" y1="${m.t}" y2="${m.t + ph}" stroke="#eee"/>`);
    parts.push(`<text x="${X(t)}" y="${m.t + ph + 16}" text-anchor="middle">${timeLabel(t)}</text>`);
  }
  parts.push(`<rect x="${m.l}" y="${m.t}" width="${pw}" height="${ph}" fill="none" stroke="#333"/>`);
  parts.push(`<text x="${m.l + pw / 2}" y="${H - 10}" text-anchor="middle">time since programming (log scale)</text>`);
  parts.push(`<text transform="translate(16 ${m.t + ph / 2}) rotate(-90)" text-anchor="middle">accuracy</text>`);
  const bitsList = [...new Set(plot.points.map((p) => p.bits))].sort((a, b) => b - a);
  let ly = m.t + 10;
  if (plot.baseline !== null) {
    parts.push(`<line x1="${m.l}" x2="${m.l + pw}" y1="${Y(plot.baseline)}" y2="${Y(plot.baseline)}" stroke="#000" stroke-dasharray="6 4"/>`);
    parts.push(`<line x1="${m.l + pw + 10}" x2="${m.l + pw + 34}" y1="${ly}" y2="${ly}" stroke="#000" stroke-dasharray="6 4"/>`);
    parts.push(`<text x="${m.l + pw + 38}" y="${ly + 4}">float</text>`);
    ly += 18;
  }
  for (const b of bitsList) {
    const pts = plot.points.filter((p) => p.bits === b).sort((p, q) => p.timeS - q.timeS);
    const color = COLORS[b] ?? '#9467bd';
    const upper = pts.map((p) => `${X(p.timeS)},${Y(Math.min(1, p.mean + p.std))}`);
    const lower = pts.map((p) => `${X(p.timeS)},${Y(Math.max(0, p.mean - p.std))}`).reverse();
    parts.push(`<polygon points="${[...upper, ...lower].join(' ')}" fill="${color}" fill-opacity="0.2" stroke="none"/>`);
    parts.push(`<polyline points="${pts.map((p) => `${X(p.timeS)},${Y(p.mean)}`).join(' ')}" fill="none" stroke="${color}" stroke-width="2"/>`);
    for (const p of pts) parts.push(`<circle cx="${X(p.timeS)}" cy="${Y(p.mean)}" r="3" fill="${color}"/>`);
    parts.push(`<line x1="${m.l + pw + 10}" x2="${m.l + pw + 34}" y1="${ly}" y2="${ly}" stroke="${color}" stroke-width="2"/>`);
    parts.push(`<text x="${m.l + pw + 38}" y="${ly + 4}">${b}-bit</text>`);
    ly += 18;
    const own = plot.baseline === null ? pts.find((p) => p.baseline !== undefined)?.baseline : undefined;
    if (own !== undefined) {
      parts.push(`<line x1="${m.l}" x2="${m.l + pw}" y1="${Y(own)}" y2="${Y(own)}" stroke="${color}" stroke-dasharray="6 4"/>`);
      parts.push(`<line x1="${m.l + pw + 10}" x2="${m.l + pw + 34}" y1="${ly}" y2="${ly}" stroke="${color}" stroke-dasharray="6 4"/>`);
      parts.push(`<text x="${m.l + pw + 38}" y="${ly + 4}">float</text>`);
      ly += 18;
    }
  }
  parts.push('</svg>');
  return parts.join('\n');
}
