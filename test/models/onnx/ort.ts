/**
 * The ONNX runtime for the export tests: onnxruntime-web's WebAssembly build, run in Node. It is the same
 * ONNX Runtime as onnxruntime-node (an independent implementation of the ONNX operators, not our code),
 * but its .wasm ships inside the npm package, so installing it downloads nothing (onnxruntime-node's
 * postinstall does, and fails offline; the benchmarks install it apart, in bench/ort/).
 */
import * as ort from 'onnxruntime-web';

// One thread: no worker pool to start in every test file, and the suite shares two cores.
ort.env.wasm.numThreads = 1;

export { ort };
