// Assembles fused-quantize.wat into fused-quantize-wasm.ts (the bytes, base64), with binaryen (a dev
// dependency, through assemblyscript): the trainer itself needs no assembler. Run after editing the .wat:
//   node models/train/fused-quantize-build.mjs
// test/models/train/fused-quantize.test.ts checks that the committed bytes are this file's output.
import { readFileSync, writeFileSync } from 'node:fs';
import binaryen from 'binaryen';

const here = new URL('.', import.meta.url);

/**
 * The module's bytes from its text, validated, with its helpers inlined into the loops (V8 does not
 * inline wasm calls: 2× slower). No other pass runs: every float op stays as written.
 */
export function assembleFusedQuantize() {
  const mod = binaryen.parseText(readFileSync(new URL('fused-quantize.wat', here), 'utf8'));
  try {
    if (!mod.validate()) throw new Error('fused-quantize.wat: binaryen validation failed');
    const size = binaryen.getAlwaysInlineMaxSize();
    binaryen.setAlwaysInlineMaxSize(100);
    try {
      mod.runPasses(['inlining']);
    } finally {
      binaryen.setAlwaysInlineMaxSize(size);
    }
    if (!mod.validate()) throw new Error('fused-quantize.wat: invalid after inlining');
    return mod.emitBinary();
  } finally {
    mod.dispose();
  }
}

if (process.argv[1] && new URL(`file://${process.argv[1]}`).href === import.meta.url) {
  const b64 = Buffer.from(assembleFusedQuantize()).toString('base64');
  writeFileSync(
    new URL('fused-quantize-wasm.ts', here),
    `/** fused-quantize.wat assembled (node models/train/fused-quantize-build.mjs): do not edit. */\n` +
      `export const FUSED_QUANTIZE_WASM_BASE64 =\n  '${b64}';\n`,
  );
}
