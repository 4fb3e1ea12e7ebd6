/**
 * Source of the float baseline's WebAssembly kernel (models/image/float-forward-fast.ts): this script
 * writes the kernel's text (WAT) and assembles it with binaryen (a dev dependency, through
 * assemblyscript), into models/image/float-kernel-wasm.ts as base64 — so the runtime needs no build step
 * and no binaryen. `node models/image/float-kernel.mjs` rewrites that file; `--check` exits 1 when it is
 * stale (test/models/image/float-forward-fast.test.ts runs the check).
 *
 * The kernel is floatForward's matrixProducts for conv and dense layers (float-forward.ts), operation for
 * operation: per output position and column, over the kernel taps in (ky, kx) order, skipping taps
 * outside the input, and over the input channels in order, skipping inputs equal to 0,
 *   acc ← float32(float64(acc) + float64(x) · float64(w))
 * — the float64 product (exact), the float64 sum (rounded), the rounding to float32 that storing into a
 * Float32Array does. It only runs several columns side by side (f64x2 lanes; 16 columns per block, then
 * 4), with the accumulators in registers rather than in a Float32Array between steps: the same values.
 *
 * Layout: x is float32 HWC; w is float64, rows (tap · cin + ci) of coutPad columns (coutPad a multiple
 * of 4, the columns past cout zero); acc is float32, positions × coutPad.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const ACCS = 8; // f64x2 accumulators of the wide block: 16 columns

function block(cols, n) {
  const accs = Array.from({ length: n }, (_, j) => j);
  const id = `b${cols}`;
  return `
      (block $${id}End (loop $${id}Loop
        (br_if $${id}End (i32.gt_s (i32.add (local.get $o0) (i32.const ${cols})) (local.get $coutPad)))
${accs.map((j) => `        (local.set $a${j} (v128.const i64x2 0 0))`).join('\n')}
        (local.set $ky (i32.const 0))
        (block $${id}KyEnd (loop $${id}KyLoop
          (br_if $${id}KyEnd (i32.ge_s (local.get $ky) (local.get $kh)))
          (local.set $iy (i32.sub (i32.add (i32.mul (local.get $oy) (local.get $stride)) (local.get $ky)) (local.get $padTop)))
          (if (i32.and (i32.ge_s (local.get $iy) (i32.const 0)) (i32.lt_s (local.get $iy) (local.get $inH)))
            (then
              (local.set $kx (i32.const 0))
              (block $${id}KxEnd (loop $${id}KxLoop
                (br_if $${id}KxEnd (i32.ge_s (local.get $kx) (local.get $kw)))
                (local.set $ix (i32.sub (i32.add (i32.mul (local.get $ox) (local.get $stride)) (local.get $kx)) (local.get $padLeft)))
                (if (i32.and (i32.ge_s (local.get $ix) (i32.const 0)) (i32.lt_s (local.get $ix) (local.get $inW)))
                  (then
                    (local.set $xp (i32.add (local.get $x) (i32.shl (i32.mul (i32.add (i32.mul (local.get $iy) (local.get $inW)) (local.get $ix)) (local.get $cin)) (i32.const 2))))
                    (local.set $wp (i32.add (local.get $w) (i32.shl (i32.add (i32.mul (i32.mul (i32.add (i32.mul (local.get $ky) (local.get $kw)) (local.get $kx)) (local.get $cin)) (local.get $coutPad)) (local.get $o0)) (i32.const 3))))
                    (local.set $xEnd (i32.add (local.get $xp) (i32.shl (local.get $cin) (i32.const 2))))
                    (block $${id}CiEnd (loop $${id}CiLoop
                      (br_if $${id}CiEnd (i32.ge_u (local.get $xp) (local.get $xEnd)))
                      (local.set $v (f32.load (local.get $xp)))
                      (if (f32.ne (local.get $v) (f32.const 0))
                        (then
                          (local.set $vv (f64x2.splat (f64.promote_f32 (local.get $v))))
${accs.map((j) => `                          (local.set $a${j} (f64x2.promote_low_f32x4 (f32x4.demote_f64x2_zero (f64x2.add (local.get $a${j}) (f64x2.mul (local.get $vv) (v128.load offset=${16 * j} (local.get $wp)))))))`).join('\n')}
                        ))
                      (local.set $xp (i32.add (local.get $xp) (i32.const 4)))
                      (local.set $wp (i32.add (local.get $wp) (local.get $wrow)))
                      (br $${id}CiLoop)))
                  ))
                (local.set $kx (i32.add (local.get $kx) (i32.const 1)))
                (br $${id}KxLoop)))
            ))
          (local.set $ky (i32.add (local.get $ky) (i32.const 1)))
          (br $${id}KyLoop)))
        (local.set $op (i32.add (local.get $out) (i32.shl (local.get $o0) (i32.const 2))))
${accs.map((j) => `        (v128.store64_lane offset=${8 * j} 0 (local.get $op) (f32x4.demote_f64x2_zero (local.get $a${j})))`).join('\n')}
        (local.set $o0 (i32.add (local.get $o0) (i32.const ${cols})))
        (br $${id}Loop)))`;
}

export function floatKernelWat() {
  return `(module
  (memory (export "memory") 1)
  ;; acc[pos][o] (stride coutPad) = Σ over valid taps, channels (x ≠ 0) of x · w, float32 after every step
  (func (export "conv")
    (param $x i32) (param $inH i32) (param $inW i32) (param $cin i32)
    (param $w i32) (param $coutPad i32) (param $kh i32) (param $kw i32) (param $stride i32)
    (param $padTop i32) (param $padLeft i32) (param $outH i32) (param $outW i32) (param $acc i32)
    (local $oy i32) (local $ox i32) (local $o0 i32) (local $ky i32) (local $kx i32) (local $iy i32) (local $ix i32)
    (local $xp i32) (local $xEnd i32) (local $wp i32) (local $wrow i32) (local $out i32) (local $op i32)
    (local $v f32) (local $vv v128)
    ${Array.from({ length: ACCS }, (_, j) => `(local $a${j} v128)`).join(' ')}
    (local.set $wrow (i32.shl (local.get $coutPad) (i32.const 3)))
    (local.set $out (local.get $acc))
    (local.set $oy (i32.const 0))
    (block $oyEnd (loop $oyLoop
      (br_if $oyEnd (i32.ge_s (local.get $oy) (local.get $outH)))
      (local.set $ox (i32.const 0))
      (block $oxEnd (loop $oxLoop
        (br_if $oxEnd (i32.ge_s (local.get $ox) (local.get $outW)))
        (local.set $o0 (i32.const 0))${block(2 * ACCS, ACCS)}${block(4, 2)}
        (local.set $out (i32.add (local.get $out) (i32.shl (local.get $coutPad) (i32.const 2))))
        (local.set $ox (i32.add (local.get $ox) (i32.const 1)))
        (br $oxLoop)))
      (local.set $oy (i32.add (local.get $oy) (i32.const 1)))
      (br $oyLoop)))
  )
)
`;
}

export async function assemble() {
  const { default: binaryen } = await import('binaryen');
  const mod = binaryen.parseText(floatKernelWat());
  mod.setFeatures(binaryen.Features.MVP | binaryen.Features.SIMD128);
  if (!mod.validate()) throw new Error('float kernel: binaryen validation failed');
  const bytes = mod.emitBinary();
  mod.dispose();
  return bytes;
}

const target = fileURLToPath(new URL('./float-kernel-wasm.ts', import.meta.url));

export function moduleText(bytes) {
  const b64 = Buffer.from(bytes).toString('base64');
  const lines = b64.match(/.{1,100}/g) ?? [];
  return `/** Generated by models/image/float-kernel.mjs (the kernel's source; run it to rewrite this file). Do not edit. */
export const FLOAT_KERNEL_WASM_BASE64 =
${lines.map((l) => `  '${l}'`).join(' +\n')};
`;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const text = moduleText(await assemble());
  if (process.argv.includes('--check')) {
    let current = '';
    try { current = readFileSync(target, 'utf8'); } catch { /* missing */ }
    if (current !== text) {
      console.error('models/image/float-kernel-wasm.ts is stale: run node models/image/float-kernel.mjs');
      process.exit(1);
    }
    console.log('models/image/float-kernel-wasm.ts is up to date');
  } else {
    writeFileSync(target, text);
    console.log(`wrote ${target}`);
  }
}
