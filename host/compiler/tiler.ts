/**
 * The tiler (Figure 6, Appendix D): every layer becomes one rectangle of rows = kh·kw·cin (depthwise
 * kh·kw·c) by cols = cout on an R×C crossbar tile; a layer that does not fit one tile is split
 * (depthwise: channel groups of floor(R/(kh·kw)); dense: ceil(rows/R)·ceil(cols/C) pieces) and the
 * pieces run one after another. Pieces are packed with MaxRects (best short side fit) onto as many
 * tiles as needed, presorted rows-descending, area-descending and columns-descending: the fewest tiles win.
 */
import { UserError } from '../errors.js';
import { layerShapes, type LayerShape } from '../../models/graphs/shapes.js';
import type { NetworkGraph } from '../../models/graphs/types.js';
import type { ArrayGeometry, ArrayRect } from '../chip/program.js';
import { MaxRectsBin } from './maxrects.js';
import type { Replication } from './replicate.js';

/** The paper's chip: one 1024×512 array. */
export const PAPER_ARRAY = { rows: 1024, cols: 512 } as const;
/** Beyond this many pieces the array is too small to be meaningful (and packing gets slow). */
const MAX_PIECES = 100_000;
/** ADCs the paper's cycle rule assumes (512 columns through a 4:1 mux). */
const PAPER_ADCS = 128;

export interface TileSpec {
  rows: number;
  cols: number;
  /** At most this many tiles (default: as many as the model needs). */
  maxTiles?: number;
  /** Use only this presort (default: try all of PACK_ORDERS, keep the fewest tiles). */
  order?: PackOrder;
}

/** One rectangle of a layer's matrix on the array (see Piece in host/chip/program.ts). */
export interface PlacedPiece {
  layer: string;
  layerIndex: number;
  /** Run order within the layer. */
  index: number;
  rect: ArrayRect;
  rowStart: number;
  colStart: number;
  /** Row copies (replicate.ts): rect.rows = copies × the piece's matrix rows; 1 unless replicated. */
  copies: number;
  /** Cells that hold a weight, every copy's (depthwise: the diagonal, kh·kw per channel). */
  nonZero: number;
  /** Output positions this piece computes (the layer's). */
  positions: number;
  /** positions × ceil(cols / ADCs per tile), ADCs = C/4 (contracts §7: ADC j serves columns ≡ j mod C/4). */
  cycles: number;
  /** The paper's rule with 128 ADCs: positions × ceil(cols / 128) (Table 2, Table 3). */
  paperCycles: number;
}

export interface LayerPlacement {
  name: string;
  kind: LayerShape['kind'];
  matrixRows: number;
  matrixCols: number;
  weights: number;
  split: boolean;
  pieces: PlacedPiece[];
}

export interface Placement {
  network: string;
  geometry: ArrayGeometry;
  layers: LayerPlacement[];
  /** Non-zero weights on the array. */
  weights: number;
  /** Cells inside placed rectangles (depthwise rectangles count their zeros). */
  cells: number;
  /** Non-zero weights ÷ (tiles · R · C): Figure 6 and Table 3's "effective utilization". */
  utilization: number;
  /** Placed cells ÷ (tiles · R · C). */
  cellUtilization: number;
  cycles: number;
  paperCycles: number;
}

interface Cut {
  rows: number;
  cols: number;
  rowStart: number;
  colStart: number;
  nonZero: number;
  copies: number;
}

/**
 * Splits one layer's matrix into pieces that fit an R×C tile (one piece when it fits). A replicated
 * layer (copies > 1) is one piece of copies × its rows, or a UserError when that does not fit a tile.
 */
function cutLayer(l: LayerShape, R: number, C: number, copies = 1): Cut[] {
  if (copies > 1) {
    if (copies * l.matrixRows > R || l.matrixCols > C) {
      throw new UserError(
        `--replicate ${l.name}=${copies}: ${copies} copies of its ${l.matrixRows}×${l.matrixCols} matrix need ${copies * l.matrixRows}×${l.matrixCols} cells; ` +
          `a tile has ${R}×${C} (replication needs the copies in one tile's rows)`,
      );
    }
    return [{ rows: copies * l.matrixRows, cols: l.matrixCols, rowStart: 0, colStart: 0, nonZero: copies * l.weights, copies }];
  }
  if (l.matrixRows <= R && l.matrixCols <= C) {
    return [{ rows: l.matrixRows, cols: l.matrixCols, rowStart: 0, colStart: 0, nonZero: l.weights, copies: 1 }];
  }
  const cuts: Cut[] = [];
  if (l.kind === 'depthwise') {
    const taps = l.kh * l.kw;
    const group = Math.min(Math.floor(R / taps), C);
    if (group < 1) throw new UserError(`layer ${l.name}: a ${l.kh}×${l.kw} depthwise channel needs ${taps} rows, the tile has ${R}`);
    for (let c0 = 0; c0 < l.matrixCols; c0 += group) {
      const n = Math.min(group, l.matrixCols - c0);
      cuts.push({ rows: taps * n, cols: n, rowStart: 0, colStart: c0, nonZero: taps * n, copies: 1 });
    }
    return cuts;
  }
  for (let r0 = 0; r0 < l.matrixRows; r0 += R) {
    for (let c0 = 0; c0 < l.matrixCols; c0 += C) {
      const rows = Math.min(R, l.matrixRows - r0);
      const cols = Math.min(C, l.matrixCols - c0);
      cuts.push({ rows, cols, rowStart: r0, colStart: c0, nonZero: rows * cols, copies: 1 });
    }
  }
  return cuts;
}

/** Orders tried for packing (all standard MaxRects presorts); the one needing fewest tiles wins. */
export const PACK_ORDERS = {
  'rows-desc': (a: Cut, b: Cut) => b.rows - a.rows || b.cols - a.cols,
  'area-desc': (a: Cut, b: Cut) => b.rows * b.cols - a.rows * a.cols || b.rows - a.rows,
  'cols-desc': (a: Cut, b: Cut) => b.cols - a.cols || b.rows - a.rows,
} as const;
export type PackOrder = keyof typeof PACK_ORDERS;

interface Packed {
  tile: number;
  row: number;
  col: number;
}

/**
 * MaxRects over as many bins as needed: each piece goes where its best-short-side-fit score is best
 * over all open tiles; a new tile opens only when none has room. Returns null past maxTiles.
 */
function pack(cuts: Cut[], order: PackOrder, R: number, C: number, maxTiles: number): { at: Packed[]; tiles: number; failed?: number } {
  const idx = cuts.map((_, i) => i);
  idx.sort((a, b) => PACK_ORDERS[order](cuts[a]!, cuts[b]!) || a - b);
  const bins: MaxRectsBin[] = [];
  /** Bins with free space left (full ones are never searched again: keeps tiny arrays linear). */
  let open: number[] = [];
  const at: Packed[] = new Array(cuts.length);
  for (const i of idx) {
    const cut = cuts[i]!;
    let best: { tile: number; row: number; col: number; s: number; l: number } | undefined;
    open.forEach((t) => {
      const f = bins[t]!.find(cut.rows, cut.cols);
      if (f && (!best || f.score.shortSide < best.s || (f.score.shortSide === best.s && f.score.longSide < best.l))) {
        best = { tile: t, row: f.rect.row, col: f.rect.col, s: f.score.shortSide, l: f.score.longSide };
      }
    });
    if (!best) {
      if (bins.length >= maxTiles) return { at, tiles: bins.length, failed: i };
      bins.push(new MaxRectsBin(R, C));
      open.push(bins.length - 1);
      best = { tile: bins.length - 1, row: 0, col: 0, s: 0, l: 0 };
    }
    bins[best.tile]!.place({ row: best.row, col: best.col, rows: cut.rows, cols: cut.cols });
    if (bins[best.tile]!.full) open = open.filter((t) => t !== best!.tile);
    at[i] = { tile: best.tile, row: best.row, col: best.col };
  }
  return { at, tiles: bins.length };
}

/** Place `graph` on R×C tiles; `replicate` (replicate.ts, default none) gives layers K row copies. */
export function placeNetwork(graph: NetworkGraph, tile: TileSpec = PAPER_ARRAY, replicate?: Replication): Placement {
  const { rows: R, cols: C } = tile;
  if (!Number.isInteger(R) || !Number.isInteger(C) || R < 1 || C < 1) throw new UserError(`array must be positive integers ROWSxCOLS (got ${R}x${C})`);
  const maxTiles = tile.maxTiles ?? Infinity;
  const adcs = Math.max(1, Math.floor(C / 4));
  const shapes = layerShapes(graph).layers;
  const cuts: Cut[] = [];
  const owner: Array<{ layerIndex: number; index: number }> = [];
  const split = shapes.map((l, li) => {
    const c = cutLayer(l, R, C, replicate?.[l.name] ?? 1);
    c.forEach((cut, index) => {
      cuts.push(cut);
      owner.push({ layerIndex: li, index });
    });
    return c.length > 1;
  });
  if (cuts.length > MAX_PIECES) {
    throw new UserError(`${graph.name} would need ${cuts.length.toLocaleString('en-US')} pieces on ${R}×${C} tiles (at most ${MAX_PIECES.toLocaleString('en-US')}); use a larger array`);
  }
  let packed: ReturnType<typeof pack> | undefined;
  for (const order of tile.order ? [tile.order] : (Object.keys(PACK_ORDERS) as PackOrder[])) {
    const p = pack(cuts, order, R, C, maxTiles);
    if (p.failed === undefined && (!packed || packed.failed !== undefined || p.tiles < packed.tiles)) packed = p;
    if (!packed) packed = p;
  }
  if (packed!.failed !== undefined) {
    const i = packed!.failed;
    const l = shapes[owner[i]!.layerIndex]!;
    const cut = cuts[i]!;
    const what = split[owner[i]!.layerIndex] ? `a ${cut.rows}×${cut.cols} piece of its ${l.matrixRows}×${l.matrixCols} matrix` : `its ${cut.rows}×${cut.cols} matrix`;
    throw new UserError(`${graph.name} does not fit ${maxTiles} tile${maxTiles === 1 ? '' : 's'} of ${R}×${C}: no room for layer ${l.name} (${what})`);
  }
  const { at, tiles } = packed!;
  const layers: LayerPlacement[] = shapes.map((l, li) => ({
    name: l.name, kind: l.kind, matrixRows: l.matrixRows, matrixCols: l.matrixCols, weights: l.weights, split: split[li]!, pieces: [],
  }));
  cuts.forEach((cut, i) => {
    const { layerIndex, index } = owner[i]!;
    const positions = shapes[layerIndex]!.positions;
    layers[layerIndex]!.pieces.push({
      layer: shapes[layerIndex]!.name,
      layerIndex,
      index,
      rect: { tile: at[i]!.tile, row: at[i]!.row, col: at[i]!.col, rows: cut.rows, cols: cut.cols },
      rowStart: cut.rowStart,
      colStart: cut.colStart,
      copies: cut.copies,
      nonZero: cut.nonZero,
      positions,
      cycles: positions * Math.ceil(cut.cols / adcs),
      paperCycles: positions * Math.ceil(cut.cols / PAPER_ADCS),
    });
  });
  const pieces = layers.flatMap((l) => l.pieces);
  const area = tiles * R * C;
  const weights = pieces.reduce((a, p) => a + p.nonZero, 0);
  const cells = pieces.reduce((a, p) => a + p.rect.rows * p.rect.cols, 0);
  return {
    network: graph.name,
    geometry: { rows: R, cols: C, tiles },
    layers,
    weights,
    cells,
    utilization: weights / area,
    cellUtilization: cells / area,
    cycles: pieces.reduce((a, p) => a + p.cycles, 0),
    paperCycles: pieces.reduce((a, p) => a + p.paperCycles, 0),
  };
}
