/** `aon-cim map`: place a model on the array (Figure 6 / Table 3) and print placement and utilization. */
import type { Command } from 'commander';
import { placeNetwork, type Placement } from '../compiler/tiler.js';
import { placementSvg } from '../plots/map-svg.js';
import { getGraph, NETWORK_NAMES } from '../../models/graphs/index.js';
import type { RegisterCommand } from './command.js';
import { parseArray } from './array.js';
import { optionWithDefault } from './options.js';
import { checkOutputPath, writeOutput } from './output-path.js';

/** T_CiM at 8 bit (Table 2), for the inf/s column only. */
const T_CIM_8B_S = 130e-9;

export function placementJson(p: Placement) {
  return {
    model: p.network,
    array: p.geometry,
    utilization: p.utilization,
    cellUtilization: p.cellUtilization,
    weights: p.weights,
    cells: p.cells,
    cycles: p.cycles,
    paperCycles: p.paperCycles,
    layers: p.layers.map((l) => ({
      name: l.name,
      kind: l.kind,
      rows: l.matrixRows,
      cols: l.matrixCols,
      weights: l.weights,
      split: l.split,
      pieces: l.pieces.map((x) => ({ ...x.rect, rowStart: x.rowStart, colStart: x.colStart, nonZero: x.nonZero, positions: x.positions, cycles: x.cycles, paperCycles: x.paperCycles })),
    })),
  };
}

function table(p: Placement): string {
  const head = ['layer', 'kind', 'matrix', 'pieces', 'at (tile:row,col)', 'weights', 'positions', 'cycles'];
  const rows = p.layers.map((l) => {
    const at = l.pieces.length === 1 ? `${l.pieces[0]!.rect.tile}:${l.pieces[0]!.rect.row},${l.pieces[0]!.rect.col}` : `${new Set(l.pieces.map((x) => x.rect.tile)).size} tile(s)`;
    return [l.name, l.kind, `${l.matrixRows}×${l.matrixCols}`, String(l.pieces.length), at, l.weights.toLocaleString('en-US'), String(l.pieces[0]!.positions), l.pieces.reduce((a, x) => a + x.cycles, 0).toLocaleString('en-US')];
  });
  const width = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (r: string[]) => r.map((c, i) => (i < 2 || i === 4 ? c.padEnd(width[i]!) : c.padStart(width[i]!))).join('  ');
  const { rows: R, cols: C, tiles } = p.geometry;
  return [
    line(head),
    ...rows.map(line),
    '',
    `array: ${tiles} tile${tiles === 1 ? '' : 's'} of ${R}×${C} (${C / 4 >= 1 ? Math.floor(C / 4) : 1} ADCs each)`,
    `utilization: ${(100 * p.utilization).toFixed(2)} % (${p.weights.toLocaleString('en-US')} non-zero weights / ${(tiles * R * C).toLocaleString('en-US')} cells); rectangles cover ${(100 * p.cellUtilization).toFixed(2)} %`,
    `array cycles: ${p.cycles.toLocaleString('en-US')} with C/4 ADCs per tile; ${p.paperCycles.toLocaleString('en-US')} by the paper's 128-ADC rule → ${(1 / (p.paperCycles * T_CIM_8B_S)).toFixed(1)} inf/s at 8 b (T_CiM = 130 ns)`,
    '',
  ].join('\n');
}

export const register: RegisterCommand = (program: Command, io) => {
  program
    .command('map')
    .description('place a model on the CiM array (Figure 6) and print the placement and utilization')
    .requiredOption('--model <name>', `network: ${NETWORK_NAMES.join(' | ')}`)
    .addOption(optionWithDefault('--array <RxC>', 'crossbar tile size; as many tiles as the model needs', parseArray, '1024x512'))
    .option('--svg <file>', 'write the placement map (Figure 6) as SVG')
    .option('--json', 'print the placement as JSON')
    .action((opts: { model: string; array: { rows: number; cols: number }; svg?: string; json?: boolean }) => {
      const graph = getGraph(opts.model);
      if (opts.svg !== undefined) checkOutputPath(opts.svg, '--svg');
      const p = placeNetwork(graph, opts.array);
      if (opts.svg !== undefined) writeOutput(opts.svg, placementSvg(p, { title: `${graph.title} on ${p.geometry.tiles} × ${p.geometry.rows}×${p.geometry.cols}` }));
      io.out(opts.json ? JSON.stringify(placementJson(p), null, 2) + '\n' : table(p));
      if (opts.svg && !opts.json) io.out(`map written to ${opts.svg}\n`);
    });
};
