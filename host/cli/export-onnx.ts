/**
 * `aon-cim export-onnx --model kws|vww|micronet-kws-s (--image FILE | --random SEED) --out FILE.onnx`:
 * the network with the image's float32 weights as an ONNX (opset 13) file, for onnxruntime or any
 * other framework (models/onnx/export.ts states the mapping). No converters, no device noise.
 */
import type { Command } from 'commander';
import { UserError } from '../errors.js';
import { getGraph } from '../../models/graphs/index.js';
import { loadWeightImage } from '../../models/image/load.js';
import { randomImage } from '../../models/image/random.js';
import { buildOnnxModel, ONNX_INPUT_NAME, ONNX_OUTPUT_NAME, ONNX_OPSET } from '../../models/onnx/export.js';
import { encodeOnnxModel } from '../../models/onnx/onnx-proto.js';
import type { Io } from './io.js';
import type { RegisterCommand } from './command.js';
import { parseNonNegInt } from './options.js';
import { checkOutputPath, writeOutput } from './output-path.js';

interface ExportFlags {
  model: string;
  image?: string;
  random?: number;
  out: string;
}

export const register: RegisterCommand = (program: Command, io: Io) => {
  program
    .command('export-onnx')
    .description('export a network and its weight image (float32) to ONNX, opset 13')
    .requiredOption('--model <name>', 'network: kws, vww or micronet-kws-s')
    .option('--image <file>', 'weight image to export')
    .option('--random <seed>', 'export a seeded random-weight image instead of --image', parseNonNegInt)
    .requiredOption('--out <file.onnx>', 'where to write the ONNX model')
    .action((flags: ExportFlags) => {
      const graph = getGraph(flags.model);
      if ((flags.image === undefined) === (flags.random === undefined)) {
        throw new UserError('export-onnx needs exactly one of --image FILE or --random SEED');
      }
      checkOutputPath(flags.out, '--out');
      const image = flags.image !== undefined ? loadWeightImage(flags.image, graph.name) : randomImage(graph.name, flags.random);
      const model = buildOnnxModel(graph, image);
      const bytes = encodeOnnxModel(model);
      writeOutput(flags.out, bytes);
      const params = model.graph.initializers.reduce((a, t) => a + (t.data instanceof Float32Array ? t.data.length : 0), 0);
      const [input] = model.graph.inputs;
      const [output] = model.graph.outputs;
      io.out(
        `wrote ${flags.out}: ${graph.title}, opset ${ONNX_OPSET}, ${model.graph.nodes.length} nodes, ` +
          `${params} float parameters, ${bytes.length} bytes\n` +
          `  input  "${ONNX_INPUT_NAME}" [${input!.dims.join(', ')}] NCHW float32` +
          `${graph.task === 'vww' ? ', pixels / 255' : ', MFCC'}\n` +
          `  output "${ONNX_OUTPUT_NAME}" [${output!.dims.join(', ')}]: ${graph.classes.join(', ')}\n`,
      );
    });
};
