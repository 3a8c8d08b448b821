/**
 * The logistic sigmoid and tanh of an array, two float64 values per 128-bit SIMD instruction
 * (`f64x2`), in AssemblyScript; compiled into the same module as the matmul kernel (see
 * index.ts). The TypeScript side (src/kernels/wasm.ts) copies the values into this module's
 * memory, calls `sigmoidArray` or `tanhArray` on them in place, and copies the results out.
 *
 * WebAssembly has no exp instruction, and a call per value into the engine's Math.exp is what made
 * the gate activations of an LSTM step slow in JavaScript, so both functions are built on one
 * vectorised e^x for x ≤ 0, computed the textbook way (e.g. J.-M. Muller, _Elementary Functions:
 * Algorithms and Implementation_, 3rd ed., 2016, ch. 11):
 *
 *   - range reduction: x = k ln 2 + r with k = round(x / ln 2), so |r| ≤ ln(2)/2 ≈ 0.347; k ln 2
 *     is subtracted in two parts (Cody & Waite: LN2_HI has trailing zero bits, so k · LN2_HI is
 *     exact for the k used here), which keeps r accurate to the last bit;
 *   - e^r by its Taylor polynomial of degree 13 (the first term left out, r^14/14!, is below
 *     4e-18 here, under a fiftieth of the float64 rounding unit), evaluated by Estrin's scheme,
 *     which has fewer dependent steps than Horner's and keeps both multipliers busy;
 *   - e^x = 2^k e^r, with 2^k made by writing k into the exponent field of 1.0 (exact while the
 *     result is a normal number, which the callers guarantee by keeping x ≥ −708).
 *
 * Then σ(x) = 1 / (1 + e^−x) for x ≥ 0 and e^x / (1 + e^x) for x < 0 (both from e^−|x|, as the
 * JavaScript reference computes it), and tanh |x| = −m / (2 + m) with m = e^−2|x| − 1, computed
 * without the cancellation that 1 − e^−2|x| suffers near 0 (see `expm1NonPositive`); the sign of
 * x is put back last, so tanh(−0) = −0.
 *
 * Rounding: each result is within a few units in the last place of the exact value (the tests
 * hold it to the JavaScript reference, which uses Math.exp and Math.tanh, within a stated bound
 * on odd sizes and on ±0, ±∞, NaN and the extremes). The operations are IEEE float64 additions,
 * multiplications and divisions, each rounded to nearest, so the results are the same on every
 * engine that runs this module.
 */

/** 1 / ln 2, and ln 2 in two parts: LN2_HI (33 significant bits, so k · LN2_HI is exact) + LN2_LO. */
const INV_LN2: f64 = 1.4426950408889634;
const LN2_HI: f64 = 6.9314718036912381649e-1;
const LN2_LO: f64 = 1.90821492927058770002e-10;
/** 1.5 · 2^52: adding it rounds to an integer, and leaves that integer in the low bits. */
const ROUND_SHIFT: f64 = 6755399441055744.0;
/** Below −708, e^x is no longer a normal float64 (the least normal is e^−708.4). */
const EXP_MIN: f64 = -708.0;

/** 1/k! for k = 0 … 14: the Taylor coefficients of e^r. */
const INV_FACTORIAL: StaticArray<f64> = [
  1.0,
  1.0,
  1.0 / 2.0,
  1.0 / 6.0,
  1.0 / 24.0,
  1.0 / 120.0,
  1.0 / 720.0,
  1.0 / 5040.0,
  1.0 / 40320.0,
  1.0 / 362880.0,
  1.0 / 3628800.0,
  1.0 / 39916800.0,
  1.0 / 479001600.0,
  1.0 / 6227020800.0,
  1.0 / 87178291200.0,
];

/** 1/k! in both lanes. */
function coefficient(k: i32): v128 {
  return v128.load64_splat(changetype<usize>(INV_FACTORIAL) + ((<usize>k) << 3));
}

/**
 * Σ_{j=0..13} c_{from+j} r^j by Estrin's scheme: pairs (c + c' r), then pairs of those with r², r⁴
 * and r⁸. With from = 0 it is e^r to degree 13; with from = 1, (e^r − 1)/r to degree 13.
 */
function taylor13(r: v128, from: i32): v128 {
  const r2 = f64x2.mul(r, r);
  const r4 = f64x2.mul(r2, r2);
  const r8 = f64x2.mul(r4, r4);
  const p01 = f64x2.add(coefficient(from), f64x2.mul(coefficient(from + 1), r));
  const p23 = f64x2.add(coefficient(from + 2), f64x2.mul(coefficient(from + 3), r));
  const p45 = f64x2.add(coefficient(from + 4), f64x2.mul(coefficient(from + 5), r));
  const p67 = f64x2.add(coefficient(from + 6), f64x2.mul(coefficient(from + 7), r));
  const p89 = f64x2.add(coefficient(from + 8), f64x2.mul(coefficient(from + 9), r));
  const p1011 = f64x2.add(coefficient(from + 10), f64x2.mul(coefficient(from + 11), r));
  const p1213 = f64x2.add(coefficient(from + 12), f64x2.mul(coefficient(from + 13), r));
  const p03 = f64x2.add(p01, f64x2.mul(p23, r2));
  const p47 = f64x2.add(p45, f64x2.mul(p67, r2));
  const p811 = f64x2.add(p89, f64x2.mul(p1011, r2));
  const p07 = f64x2.add(p03, f64x2.mul(p47, r4));
  const p813 = f64x2.add(p811, f64x2.mul(p1213, r4));
  return f64x2.add(p07, f64x2.mul(p813, r8));
}

/**
 * x = k ln 2 + r with k = round(x / ln 2) and |r| ≤ ln(2)/2, in both lanes: returns r, and 2^k
 * (as a float64; exact for EXP_MIN ≤ x ≤ 0) in `scale`.
 */
function reduce(x: v128): v128 {
  const shifted = f64x2.add(f64x2.mul(x, f64x2.splat(INV_LN2)), f64x2.splat(ROUND_SHIFT));
  const k = f64x2.sub(shifted, f64x2.splat(ROUND_SHIFT)); // round(x / ln 2), as a float64
  // The low bits of `shifted` hold k (two's complement): shifted into the exponent field of 1.0,
  // they make 2^k.
  scale = i64x2.add(f64x2.splat(1.0), i64x2.shl(shifted, 52));
  const hi = f64x2.sub(x, f64x2.mul(k, f64x2.splat(LN2_HI)));
  return f64x2.sub(hi, f64x2.mul(k, f64x2.splat(LN2_LO))); // x − k ln 2
}

/** 2^k of the last `reduce`. */
let scale: v128 = f64x2.splat(1.0);

/** e^x = 2^k e^r in both lanes, for EXP_MIN ≤ x ≤ 0 (see the module comment). */
function expNonPositive(x: v128): v128 {
  const r = reduce(x);
  return f64x2.mul(scale, taylor13(r, 0));
}

/**
 * e^x − 1 in both lanes, for EXP_MIN ≤ x ≤ 0, without the cancellation of e^x − 1 near x = 0:
 * e^x − 1 = 2^k (e^r − 1) + (2^k − 1), with e^r − 1 = r (1 + r/2! + r²/3! + …) from its own
 * Taylor polynomial (to r^14/14!) and 2^k − 1 exact for the k that matter (a classic
 * decomposition, e.g. Muller 2016, ch. 11).
 */
function expm1NonPositive(x: v128): v128 {
  const r = reduce(x);
  const em1 = f64x2.mul(r, taylor13(r, 1)); // e^r − 1
  return f64x2.add(f64x2.mul(scale, em1), f64x2.sub(scale, f64x2.splat(1.0)));
}

/** Lanes of x that are NaN: all ones where x ≠ x. */
function nanLanes(x: v128): v128 {
  return f64x2.ne(x, x);
}

/**
 * σ(x) = 1 / (1 + e^−x) of n values at byte address src, written at dst (which may be src). Reads
 * and writes whole pairs: with n odd, the value after the last one is read and written too (the
 * TypeScript side leaves room for it and does not copy it out).
 */
export function sigmoidArray(src: usize, dst: usize, n: i32): void {
  const one = f64x2.splat(1.0);
  const zero = f64x2.splat(0.0);
  const least = f64x2.splat(EXP_MIN);
  for (let i = 0; i < n; i += 2) {
    const at = (<usize>i) << 3;
    const x = v128.load(src + at);
    const negAbs = f64x2.neg(f64x2.abs(x)); // −|x|
    const e = expNonPositive(f64x2.max(negAbs, least)); // e^−|x|, e^−708 at most far out
    // x ≥ 0: 1 / (1 + e^−x); x < 0: e^x / (1 + e^x)
    const numerator = v128.bitselect(one, e, f64x2.ge(x, zero));
    let y = f64x2.div(numerator, f64x2.add(one, e));
    if (v128.any_true(f64x2.lt(negAbs, least))) {
      // Below −708, e^x is subnormal or 0 and the exponent trick does not apply: σ(x) = e^x / (1 + e^x)
      // there (and 1 above +708), one lane at a time. Rare: a gate saturated far beyond its range.
      y = f64x2.replace_lane(y, 0, sigmoidFar(f64x2.extract_lane(x, 0)));
      y = f64x2.replace_lane(y, 1, sigmoidFar(f64x2.extract_lane(x, 1)));
    }
    v128.store(dst + at, v128.bitselect(x, y, nanLanes(x))); // NaN stays NaN
  }
}

/** σ(x) for one value, with the library's exp: where |x| is beyond the vector path's range. */
function sigmoidFar(x: f64): f64 {
  if (x >= 0) return 1.0 / (1.0 + Math.exp(-x));
  const e = Math.exp(x);
  return e / (1.0 + e);
}

/**
 * tanh(x) of n values at byte address src, written at dst (which may be src); whole pairs, as
 * `sigmoidArray`.
 */
export function tanhArray(src: usize, dst: usize, n: i32): void {
  const two = f64x2.splat(2.0);
  const least = f64x2.splat(EXP_MIN);
  const signBit = i64x2.splat(0x8000000000000000);
  for (let i = 0; i < n; i += 2) {
    const at = (<usize>i) << 3;
    const x = v128.load(src + at);
    // tanh |x| = −m / (2 + m) with m = e^−2|x| − 1 in (−1, 0]; below −708, e^−2|x| is 0 to
    // float64 precision and −708 gives the same m (−1, rounded) and the same tanh (1).
    const m = expm1NonPositive(f64x2.max(f64x2.mul(f64x2.splat(-2.0), f64x2.abs(x)), least));
    const magnitude = f64x2.div(f64x2.neg(m), f64x2.add(two, m));
    // The sign of x on |tanh x| (which is ≥ 0, or +0): tanh(−0) = −0.
    const y = v128.or(v128.andnot(magnitude, signBit), v128.and(x, signBit));
    v128.store(dst + at, v128.bitselect(x, y, nanLanes(x))); // NaN stays NaN
  }
}
