;; Eq. 4's quantizer with quantization noise, forward and gradient, each one pass over the tensor in the
;; tfjs wasm backend's own memory (fused-quantize.ts). Each line repeats, in the same float32
;; operations and order, what ste.ts `quantize` (+ model.ts `keepMask`) computes with tfjs ops and
;; tfjs autodiff; the comments name that op. Rebuild the embedded bytes: node models/train/fused-quantize-build.mjs
(module
  (import "env" "memory" (memory 1))

  ;; keepMask's xorshift32 draw: the next state (the caller holds it).
  (func $xorshift (param $s i32) (result i32)
    (local.set $s (i32.xor (local.get $s) (i32.shl (local.get $s) (i32.const 13))))
    (local.set $s (i32.xor (local.get $s) (i32.shr_u (local.get $s) (i32.const 17))))
    (i32.xor (local.get $s) (i32.shl (local.get $s) (i32.const 5))))

  ;; keep = (s >>> 0) < p·2^32 ? 1 : 0, as keepMask compares (in float64).
  (func $keep (param $s i32) (param $thr f64) (result f32)
    (f32.convert_i32_u (f64.lt (f64.convert_i32_u (local.get $s)) (local.get $thr))))

  ;; clip(x; −r, r) = minimum(maximum(x, −r), r); tfjs-wasm's maximum(a, b) is (a < b ? b : a), its
  ;; minimum(a, b) is (b < a ? b : a).
  (func $clip (param $x f32) (param $r f32) (result f32)
    (local $a f32)
    (local.set $a (select (f32.neg (local.get $r)) (local.get $x) (f32.lt (local.get $x) (f32.neg (local.get $r)))))
    (select (local.get $r) (local.get $a) (f32.lt (local.get $r) (local.get $a))))

  ;; out[i] = noisy ? c + keep·(q − c) : q, q = round(c/Δ)·Δ, c = clip(x; −r, r).
  (func (export "forward")
    (param $x i32) (param $out i32) (param $n i32) (param $r f32) (param $delta f32)
    (param $seed i32) (param $thr f64) (param $noisy i32)
    (local $end i32) (local $s i32) (local $k f32) (local $c f32) (local $q f32)
    (local.set $end (i32.add (local.get $x) (i32.shl (local.get $n) (i32.const 2))))
    (local.set $s (local.get $seed))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $x) (local.get $end)))
        (local.set $c (call $clip (f32.load (local.get $x)) (local.get $r)))
        ;; q = mul(round(div(c, Δ)), Δ); tf.round is round half to even, sign kept (f32.nearest)
        (local.set $q (f32.mul (f32.nearest (f32.div (local.get $c) (local.get $delta))) (local.get $delta)))
        (if (local.get $noisy)
          (then
            (local.set $s (call $xorshift (local.get $s)))
            (local.set $k (call $keep (local.get $s) (local.get $thr)))
            ;; add(c, mul(keep, sub(q, c)))
            (local.set $q (f32.add (local.get $c) (f32.mul (local.get $k) (f32.sub (local.get $q) (local.get $c)))))))
        (f32.store (local.get $out) (local.get $q))
        (local.set $x (i32.add (local.get $x) (i32.const 4)))
        (local.set $out (i32.add (local.get $out) (i32.const 4)))
        (br $next))))

  ;; dx (the gradient of x) and, at sums[0..2], the three float32 sums the gradient of r is made of:
  ;; s1 = Σ dq·round(c/Δ) (mul's gradient to Δ), s2 = Σ du·c (div's gradient to Δ), s3 = Σ dc·sign(x)·outside
  ;; (clipSymmetric's gradient to r). tfjs-wasm's Sum adds in element order from +0.
  (func (export "backward")
    (param $x i32) (param $dy i32) (param $dx i32) (param $n i32) (param $r f32) (param $delta f32)
    (param $seed i32) (param $thr f64) (param $noisy i32) (param $sums i32)
    (local $end i32) (local $s i32) (local $xi f32) (local $g f32) (local $c f32) (local $rd f32)
    (local $dq f32) (local $du f32) (local $dc f32) (local $o f32) (local $sign f32)
    (local $s1 f32) (local $s2 f32) (local $s3 f32)
    (local.set $end (i32.add (local.get $x) (i32.shl (local.get $n) (i32.const 2))))
    (local.set $s (local.get $seed))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $x) (local.get $end)))
        (local.set $xi (f32.load (local.get $x)))
        (local.set $g (f32.load (local.get $dy)))
        (local.set $c (call $clip (local.get $xi) (local.get $r)))
        (local.set $rd (f32.nearest (f32.div (local.get $c) (local.get $delta))))
        (if (local.get $noisy)
          (then
            (local.set $s (call $xorshift (local.get $s)))
            ;; add's gradient: dy to c and to m; mul(keep, d): dd = dy·keep; sub(q, c): dq = dd, dc −= dd
            (local.set $dq (f32.mul (local.get $g) (call $keep (local.get $s) (local.get $thr))))
            (local.set $dc (f32.add (local.get $g) (f32.neg (local.get $dq)))))
          (else
            (local.set $dq (local.get $g))
            (local.set $dc (f32.const 0))))
        ;; mul(rd, Δ): drd = dq·Δ (the STE passes it to u = c/Δ); s1 += dq·rd
        (local.set $du (f32.mul (local.get $dq) (local.get $delta)))
        (local.set $s1 (f32.add (local.get $s1) (f32.mul (local.get $dq) (local.get $rd))))
        ;; div(c, Δ): dc += du/Δ (the first term when it is c's only use); s2 += du·c
        (if (local.get $noisy)
          (then (local.set $dc (f32.add (local.get $dc) (f32.div (local.get $du) (local.get $delta)))))
          (else (local.set $dc (f32.div (local.get $du) (local.get $delta)))))
        (local.set $s2 (f32.add (local.get $s2) (f32.mul (local.get $du) (local.get $c))))
        ;; clipSymmetric: outside = |x| > r; dx = dc·(1 − outside); s3 += dc·(sign(x)·outside)
        (local.set $o (f32.convert_i32_u (f32.gt (f32.abs (local.get $xi)) (local.get $r))))
        (f32.store (local.get $dx) (f32.mul (local.get $dc) (f32.sub (f32.const 1) (local.get $o))))
        ;; sign(x) as tfjs-wasm's Sign computes it: +0 where |x| < 2^−23 (FLT_EPSILON; also ±0 and NaN), else ±1
        ;; (measured on 4M float32 bit patterns; it matters only where r < 2^−23 lets such an x be outside)
        (local.set $sign (f32.convert_i32_s (i32.sub
          (f32.ge (local.get $xi) (f32.const 1.1920928955078125e-07))
          (f32.le (local.get $xi) (f32.const -1.1920928955078125e-07)))))
        (local.set $s3 (f32.add (local.get $s3) (f32.mul (local.get $dc) (f32.mul (local.get $sign) (local.get $o)))))
        (local.set $x (i32.add (local.get $x) (i32.const 4)))
        (local.set $dy (i32.add (local.get $dy) (i32.const 4)))
        (local.set $dx (i32.add (local.get $dx) (i32.const 4)))
        (br $next)))
    (f32.store (local.get $sums) (local.get $s1))
    (f32.store offset=4 (local.get $sums) (local.get $s2))
    (f32.store offset=8 (local.get $sums) (local.get $s3))))
