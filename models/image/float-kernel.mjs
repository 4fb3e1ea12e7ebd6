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
 *   s ← s + float64(x) · float64(w)        (s a float64 from +0; the product is exact)
 * then acc = float32(s), rounded once. Per position it first gathers the list of nonzero inputs with
 * their weight rows (branch-free), then runs that list for 16 columns at a time in f64x2 lanes (then
 * 4): every column sees the same additions in the same order as the JS loop, so the same bits. The
 * weights stay float32 in memory (widened in registers, exactly): half the bytes of float64 rows, which
 * measured ~1.4× faster — the loop streams a layer's weights once per position.
 *
 * Layout: x is float32 HWC; w is float32, rows (tap · cin + ci) of coutPad columns (coutPad a multiple
 * of 4, the columns past cout zero); acc is float32, positions × coutPad; list is scratch for
 * kh · kw · cin + 1 entries of 16 bytes.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const ACCS = 8; // f64x2 accumulators of the wide block: 16 columns

/** Columns o0 … o0 + cols − 1 of one position: Σ over the position's list, then float32. */
function block(cols, n) {
  const accs = Array.from({ length: n }, (_, j) => j);
  const id = `b${cols}`;
  return `
      (block $${id}End (loop $${id}Loop
        (br_if $${id}End (i32.gt_s (i32.add (local.get $o0) (i32.const ${cols})) (local.get $coutPad)))
${accs.map((j) => `        (local.set $a${j} (v128.const i64x2 0 0))`).join('\n')}
        (local.set $ob (i32.shl (local.get $o0) (i32.const 2)))
        (local.set $lp (local.get $list))
        (block $${id}LEnd (loop $${id}LLoop
          (br_if $${id}LEnd (i32.ge_u (local.get $lp) (local.get $listEnd)))
          (local.set $vv (v128.load64_splat (local.get $lp)))
          (local.set $wp (i32.add (i32.load offset=8 (local.get $lp)) (local.get $ob)))
${accs.map((j) => `          (local.set $a${j} (f64x2.add (local.get $a${j}) (f64x2.mul (local.get $vv) (f64x2.promote_low_f32x4 (v128.load64_zero offset=${8 * j} (local.get $wp))))))`).join('\n')}
          (local.set $lp (i32.add (local.get $lp) (i32.const 16)))
          (br $${id}LLoop)))
        (local.set $op (i32.add (local.get $out) (i32.shl (local.get $o0) (i32.const 2))))
${accs.map((j) => `        (v128.store64_lane offset=${8 * j} 0 (local.get $op) (f32x4.demote_f64x2_zero (local.get $a${j})))`).join('\n')}
        (local.set $o0 (i32.add (local.get $o0) (i32.const ${cols})))
        (br $${id}Loop)))`;
}

/**
 * The position's list: (float64 x, byte address of its weight row) for every input x ≠ 0 of the valid
 * taps in (ky, kx, ci) order. Branch-free: every entry is written, the end advances only past x ≠ 0
 * (so the list has room for one entry more than the receptive field).
 */
const gather = `
        (local.set $lp (local.get $list))
        (local.set $ky (i32.const 0))
        (block $kyEnd (loop $kyLoop
          (br_if $kyEnd (i32.ge_s (local.get $ky) (local.get $kh)))
          (local.set $iy (i32.sub (i32.add (i32.mul (local.get $oy) (local.get $stride)) (local.get $ky)) (local.get $padTop)))
          (if (i32.and (i32.ge_s (local.get $iy) (i32.const 0)) (i32.lt_s (local.get $iy) (local.get $inH)))
            (then
              (local.set $kx (i32.const 0))
              (block $kxEnd (loop $kxLoop
                (br_if $kxEnd (i32.ge_s (local.get $kx) (local.get $kw)))
                (local.set $ix (i32.sub (i32.add (i32.mul (local.get $ox) (local.get $stride)) (local.get $kx)) (local.get $padLeft)))
                (if (i32.and (i32.ge_s (local.get $ix) (i32.const 0)) (i32.lt_s (local.get $ix) (local.get $inW)))
                  (then
                    (local.set $xp (i32.add (local.get $x) (i32.shl (i32.mul (i32.add (i32.mul (local.get $iy) (local.get $inW)) (local.get $ix)) (local.get $cin)) (i32.const 2))))
                    (local.set $wp (i32.add (local.get $w) (i32.shl (i32.mul (i32.mul (i32.add (i32.mul (local.get $ky) (local.get $kw)) (local.get $kx)) (local.get $cin)) (local.get $coutPad)) (i32.const 2))))
                    (local.set $xEnd (i32.add (local.get $xp) (i32.shl (local.get $cin) (i32.const 2))))
                    (block $ciEnd (loop $ciLoop
                      (br_if $ciEnd (i32.ge_u (local.get $xp) (local.get $xEnd)))
                      (local.set $v (f32.load (local.get $xp)))
                      (f64.store (local.get $lp) (f64.promote_f32 (local.get $v)))
                      (i32.store offset=8 (local.get $lp) (local.get $wp))
                      (local.set $lp (i32.add (local.get $lp) (i32.shl (f32.ne (local.get $v) (f32.const 0)) (i32.const 4))))
                      (local.set $xp (i32.add (local.get $xp) (i32.const 4)))
                      (local.set $wp (i32.add (local.get $wp) (local.get $wrow)))
                      (br $ciLoop)))
                  ))
                (local.set $kx (i32.add (local.get $kx) (i32.const 1)))
                (br $kxLoop)))
            ))
          (local.set $ky (i32.add (local.get $ky) (i32.const 1)))
          (br $kyLoop)))
        (local.set $listEnd (local.get $lp))`;


/**
 * float-forward.ts's postOps, operation for operation: y[pos][o] = float32(scale·acc + offset) in
 * float64 (ReLU: v < 0 → 0), channels cout … c − 1 zero; then y[pos][k] = float32(y + skip[pos][k])
 * for k < skipC; with pool, pooled[k] = float32(pooled + y[pos][k]) over the positions in order, then
 * float32(pooled / positions). scale and offset are float32 [cout]; acc has stride coutPad.
 */
const postFunc = `
  (func (export "post")
    (param $acc i32) (param $coutPad i32) (param $positions i32) (param $cout i32) (param $c i32)
    (param $scale i32) (param $offset i32) (param $relu i32) (param $skip i32) (param $skipC i32)
    (param $y i32) (param $pooled i32)
    (local $pos i32) (local $o i32) (local $ap i32) (local $yp i32) (local $sp i32) (local $v f64)
    (local.set $pos (i32.const 0))
    (block $pEnd (loop $pLoop
      (br_if $pEnd (i32.ge_s (local.get $pos) (local.get $positions)))
      (local.set $ap (i32.add (local.get $acc) (i32.shl (i32.mul (local.get $pos) (local.get $coutPad)) (i32.const 2))))
      (local.set $yp (i32.add (local.get $y) (i32.shl (i32.mul (local.get $pos) (local.get $c)) (i32.const 2))))
      (local.set $o (i32.const 0))
      (block $oEnd (loop $oLoop
        (br_if $oEnd (i32.ge_s (local.get $o) (local.get $cout)))
        (local.set $v (f64.add
          (f64.mul (f64.promote_f32 (f32.load (i32.add (local.get $scale) (i32.shl (local.get $o) (i32.const 2)))))
                   (f64.promote_f32 (f32.load (i32.add (local.get $ap) (i32.shl (local.get $o) (i32.const 2))))))
          (f64.promote_f32 (f32.load (i32.add (local.get $offset) (i32.shl (local.get $o) (i32.const 2)))))))
        (if (i32.and (local.get $relu) (f64.lt (local.get $v) (f64.const 0))) (then (local.set $v (f64.const 0))))
        (f32.store (i32.add (local.get $yp) (i32.shl (local.get $o) (i32.const 2))) (f32.demote_f64 (local.get $v)))
        (local.set $o (i32.add (local.get $o) (i32.const 1)))
        (br $oLoop)))
      (block $zEnd (loop $zLoop
        (br_if $zEnd (i32.ge_s (local.get $o) (local.get $c)))
        (f32.store (i32.add (local.get $yp) (i32.shl (local.get $o) (i32.const 2))) (f32.const 0))
        (local.set $o (i32.add (local.get $o) (i32.const 1)))
        (br $zLoop)))
      (local.set $sp (i32.add (local.get $skip) (i32.shl (i32.mul (local.get $pos) (local.get $skipC)) (i32.const 2))))
      (local.set $o (i32.const 0))
      (block $sEnd (loop $sLoop
        (br_if $sEnd (i32.ge_s (local.get $o) (local.get $skipC)))
        (f32.store (i32.add (local.get $yp) (i32.shl (local.get $o) (i32.const 2)))
          (f32.demote_f64 (f64.add
            (f64.promote_f32 (f32.load (i32.add (local.get $yp) (i32.shl (local.get $o) (i32.const 2)))))
            (f64.promote_f32 (f32.load (i32.add (local.get $sp) (i32.shl (local.get $o) (i32.const 2))))))))
        (local.set $o (i32.add (local.get $o) (i32.const 1)))
        (br $sLoop)))
      (local.set $pos (i32.add (local.get $pos) (i32.const 1)))
      (br $pLoop)))
    (if (local.get $pooled) (then
      (local.set $o (i32.const 0))
      (block $qEnd (loop $qLoop
        (br_if $qEnd (i32.ge_s (local.get $o) (local.get $c)))
        (local.set $v (f64.const 0))
        (local.set $pos (i32.const 0))
        (block $rEnd (loop $rLoop
          (br_if $rEnd (i32.ge_s (local.get $pos) (local.get $positions)))
          (local.set $v (f64.promote_f32 (f32.demote_f64 (f64.add (local.get $v)
            (f64.promote_f32 (f32.load (i32.add (local.get $y) (i32.shl (i32.add (i32.mul (local.get $pos) (local.get $c)) (local.get $o)) (i32.const 2)))))))))
          (local.set $pos (i32.add (local.get $pos) (i32.const 1)))
          (br $rLoop)))
        (f32.store (i32.add (local.get $pooled) (i32.shl (local.get $o) (i32.const 2)))
          (f32.demote_f64 (f64.div (local.get $v) (f64.convert_i32_s (local.get $positions)))))
        (local.set $o (i32.add (local.get $o) (i32.const 1)))
        (br $qLoop)))))
  )`;

export function floatKernelWat() {
  return `(module
  (memory (export "memory") 1)
  ;; acc[pos][o] (stride coutPad) = float32(Σ over valid taps, channels (x ≠ 0) of x · w, summed in float64 in that order)
  (func (export "conv")
    (param $x i32) (param $inH i32) (param $inW i32) (param $cin i32)
    (param $w i32) (param $coutPad i32) (param $kh i32) (param $kw i32) (param $stride i32)
    (param $padTop i32) (param $padLeft i32) (param $outH i32) (param $outW i32) (param $acc i32) (param $list i32)
    (local $oy i32) (local $ox i32) (local $o0 i32) (local $ob i32) (local $ky i32) (local $kx i32) (local $iy i32) (local $ix i32)
    (local $xp i32) (local $xEnd i32) (local $wp i32) (local $wrow i32) (local $out i32) (local $op i32)
    (local $lp i32) (local $listEnd i32) (local $v f32) (local $vv v128)
    ${Array.from({ length: ACCS }, (_, j) => `(local $a${j} v128)`).join(' ')}
    (local.set $wrow (i32.shl (local.get $coutPad) (i32.const 2)))
    (local.set $out (local.get $acc))
    (local.set $oy (i32.const 0))
    (block $oyEnd (loop $oyLoop
      (br_if $oyEnd (i32.ge_s (local.get $oy) (local.get $outH)))
      (local.set $ox (i32.const 0))
      (block $oxEnd (loop $oxLoop
        (br_if $oxEnd (i32.ge_s (local.get $ox) (local.get $outW)))${gather}
        (local.set $o0 (i32.const 0))${block(2 * ACCS, ACCS)}${block(4, 2)}
        (local.set $out (i32.add (local.get $out) (i32.shl (local.get $coutPad) (i32.const 2))))
        (local.set $ox (i32.add (local.get $ox) (i32.const 1)))
        (br $oxLoop)))
      (local.set $oy (i32.add (local.get $oy) (i32.const 1)))
      (br $oyLoop)))
  )${postFunc}
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
