/**
 * Matrix-multiply kernels: out = a · b for row-major Float64Arrays a [M, K], b [K, N],
 * out [M, N], and the two transposed forms that backward passes need (for C = A B,
 * dA = dC Bᵀ and dB = Aᵀ dC), which read the transposed operand in place instead of forming the
 * transpose. Every matmul in the core goes through the current kernel, so a faster one can replace
 * another without touching a caller.
 *
 * - `referenceKernel`: the definition, out[i, j] = Σ_k a[i, k] b[k, j], as three loops.
 * - `blockedKernel`: the same sums, computed 4 rows × 4 columns at a time in 16
 *   local variables (registers). Both operands are first copied ("packed") into one scratch
 *   array so that the inner loop reads nothing but two sequential streams of it: a is packed
 *   once per call into 4-row panels stored k-major ([K, 4] each: a[i..i+3, k] side by side),
 *   and b one 4-column panel at a time ([K, 4]: b[k, j..j+3] side by side). For each column
 *   panel of b, every 4-row panel of a is multiplied against it. See Goto & van de Geijn 2008,
 *   "Anatomy of high-performance matrix multiplication", for the idea in full. The transposed
 *   forms change only where the packing reads from.
 * - `wasmKernel` (kernels/wasm.ts, the default where WebAssembly SIMD runs): the same blocking in
 *   WebAssembly with 128-bit SIMD; `blockedKernel` is the fallback where it does not.
 *
 * Why this shape, in V8 (measured on Node 20, x64): each typed-array read in the inner loop
 * costs about six instructions (index arithmetic, sign extension, bounds check), so the loop is
 * bound by instruction count, not by memory, and a 4 × 4 tile (8 reads per 16 multiply-adds)
 * is the sweet spot even though its 16 accumulators do not all fit in the 15 usable XMM
 * registers (larger tiles or an unrolled k loop spill more and ran slower; 4 × 2, 2 × 4 and 3 × 4
 * tiles were no faster). Reading both streams from a single array saves one map check and
 * base-pointer load per step, and `| 0` on the indices drops the int32 overflow checks.
 *
 * Results are bit-identical to `referenceKernel`: every entry is accumulated from 0 over k in
 * increasing order, one multiply and one add per step (JavaScript never fuses them), exactly as
 * the three loops do. A last b panel narrower than 4 is padded with zero columns whose results
 * are not stored; rows left over when M is not a multiple of 4 (all rows when M < 4) go through
 * `leftoverRows`, which reads a and b in place. The scratch array holds a copy of a (the rows in
 * full panels) plus one [K, 4] panel, and is kept between calls.
 */

import { wasmKernel } from './wasm';

/**
 * A kernel computing a matrix product into out, which is overwritten. M, K, N are always the
 * product's sizes: out is [M, N] and K is the length of each sum.
 */
export interface MatmulKernel {
  /** A short name for benchmarks and messages. */
  readonly name: string;
  /**
   * out = a · b.
   *
   * @param a [M, K] row-major
   * @param b [K, N] row-major
   * @param out [M, N] row-major, overwritten
   */
  matmul(
    a: Float64Array,
    b: Float64Array,
    out: Float64Array,
    M: number,
    K: number,
    N: number,
  ): void;
  /**
   * out = aᵀ · b, reading a in place (for dB = Aᵀ dC).
   *
   * @param a [K, M] row-major (its transpose is the [M, K] left operand)
   * @param b [K, N] row-major
   * @param out [M, N] row-major, overwritten
   */
  matmulTransA(
    a: Float64Array,
    b: Float64Array,
    out: Float64Array,
    M: number,
    K: number,
    N: number,
  ): void;
  /**
   * out = a · bᵀ, reading b in place (for dA = dC Bᵀ).
   *
   * @param a [M, K] row-major
   * @param b [N, K] row-major (its transpose is the [K, N] right operand)
   * @param out [M, N] row-major, overwritten
   */
  matmulTransB(
    a: Float64Array,
    b: Float64Array,
    out: Float64Array,
    M: number,
    K: number,
    N: number,
  ): void;
}

/** The definition, three plain loops: readable, and the fallback every kernel is tested against. */
export const referenceKernel: MatmulKernel = {
  name: 'reference',
  matmul(a, b, out, M, K, N) {
    for (let i = 0; i < M; i++) {
      for (let j = 0; j < N; j++) {
        let s = 0;
        for (let k = 0; k < K; k++) s += a[i * K + k]! * b[k * N + j]!;
        out[i * N + j] = s;
      }
    }
  },
  matmulTransA(a, b, out, M, K, N) {
    for (let i = 0; i < M; i++) {
      for (let j = 0; j < N; j++) {
        let s = 0;
        for (let k = 0; k < K; k++) s += a[k * M + i]! * b[k * N + j]!; // aᵀ[i, k] = a[k, i]
        out[i * N + j] = s;
      }
    }
  },
  matmulTransB(a, b, out, M, K, N) {
    for (let i = 0; i < M; i++) {
      for (let j = 0; j < N; j++) {
        let s = 0;
        for (let k = 0; k < K; k++) s += a[i * K + k]! * b[j * K + k]!; // bᵀ[k, j] = b[j, k]
        out[i * N + j] = s;
      }
    }
  },
};

/** Scratch for `blockedKernel`: packed a, then one packed b panel; reused across calls. */
let scratch = new Float64Array(0);

/** 4×4 register-blocked kernel over packed panels of a and b (see the module comment). */
export const blockedKernel: MatmulKernel = {
  name: 'blocked-4x4',
  matmul: (a, b, out, M, K, N) => blocked(a, b, out, M, K, N, false, false),
  matmulTransA: (a, b, out, M, K, N) => blocked(a, b, out, M, K, N, true, false),
  matmulTransB: (a, b, out, M, K, N) => blocked(a, b, out, M, K, N, false, true),
};

/**
 * out [M, N] = op(a) · op(b), where op(a) is a [M, K] or (transA) the transpose of a stored
 * [K, M], and op(b) is b [K, N] or (transB) the transpose of b stored [N, K].
 */
function blocked(
  a: Float64Array,
  b: Float64Array,
  out: Float64Array,
  M: number,
  K: number,
  N: number,
  transA: boolean,
  transB: boolean,
): void {
  const M4 = M - (M % 4); // rows covered by full 4-row panels of a
  const bAt = M4 * K; // where the b panel starts in the scratch array
  const bEnd = bAt + 4 * K;
  if (scratch.length < bEnd) scratch = new Float64Array(bEnd);
  const w = scratch;
  // Pack op(a)[i..i+3, :] for each full 4-row panel into w[i*K + 4k + ii] = op(a)[i + ii, k].
  if (transA) packTransposedRows(a, w, M4, K, M);
  else packRows(a, w, M4, K);
  for (let j0 = 0; j0 < N && M4 > 0; j0 += 4) {
    const cols = N - j0 < 4 ? N - j0 : 4; // columns in this panel (the last may be narrower)
    // Pack op(b)[:, j0:j0+4] into w[bAt + 4k + jj], padding missing columns with zeros.
    if (transB) packTransposedColumns(b, w, bAt, j0, cols, K);
    else packColumns(b, w, bAt, j0, cols, K, N);
    for (let i = 0; i < M4; i += 4) {
      let c00 = 0,
        c01 = 0,
        c02 = 0,
        c03 = 0;
      let c10 = 0,
        c11 = 0,
        c12 = 0,
        c13 = 0;
      let c20 = 0,
        c21 = 0,
        c22 = 0,
        c23 = 0;
      let c30 = 0,
        c31 = 0,
        c32 = 0,
        c33 = 0;
      // qa walks the a panel, qb the b panel, 4 values per k each. `| 0` keeps the index
      // arithmetic in int32 without overflow checks (the indices are far below 2^31).
      for (let qa = i * K, qb = bAt; qb < bEnd; qa = (qa + 4) | 0, qb = (qb + 4) | 0) {
        const b0 = w[qb]!,
          b1 = w[(qb + 1) | 0]!,
          b2 = w[(qb + 2) | 0]!,
          b3 = w[(qb + 3) | 0]!;
        const a0 = w[qa]!,
          a1 = w[(qa + 1) | 0]!,
          a2 = w[(qa + 2) | 0]!,
          a3 = w[(qa + 3) | 0]!;
        c00 += a0 * b0;
        c01 += a0 * b1;
        c02 += a0 * b2;
        c03 += a0 * b3;
        c10 += a1 * b0;
        c11 += a1 * b1;
        c12 += a1 * b2;
        c13 += a1 * b3;
        c20 += a2 * b0;
        c21 += a2 * b1;
        c22 += a2 * b2;
        c23 += a2 * b3;
        c30 += a3 * b0;
        c31 += a3 * b1;
        c32 += a3 * b2;
        c33 += a3 * b3;
      }
      const o = i * N + j0;
      store(out, o, cols, c00, c01, c02, c03);
      store(out, o + N, cols, c10, c11, c12, c13);
      store(out, o + 2 * N, cols, c20, c21, c22, c23);
      store(out, o + 3 * N, cols, c30, c31, c32, c33);
    }
  }
  if (M4 < M && transB) leftoverRowsTransB(a, b, out, M4, M, K, N, transA);
  else if (M4 < M) leftoverRows(a, b, out, M4, M, K, N, transA);
}

/** Packs rows 0..M4-1 of a [M, K] into 4-row panels: w[i*K + 4k + ii] = a[i + ii, k]. */
function packRows(a: Float64Array, w: Float64Array, M4: number, K: number): void {
  for (let i = 0, q = 0; i < M4; i += 4) {
    const r0 = i * K;
    const r1 = r0 + K;
    const r2 = r1 + K;
    const r3 = r2 + K;
    for (let k = 0; k < K; k++, q += 4) {
      w[q] = a[r0 + k]!;
      w[q + 1] = a[r1 + k]!;
      w[q + 2] = a[r2 + k]!;
      w[q + 3] = a[r3 + k]!;
    }
  }
}

/** Packs rows 0..M4-1 of aᵀ (a stored [K, M]) into 4-row panels: w[i*K + 4k + ii] = a[k, i + ii]. */
function packTransposedRows(
  a: Float64Array,
  w: Float64Array,
  M4: number,
  K: number,
  M: number,
): void {
  for (let i = 0, q = 0; i < M4; i += 4) {
    for (let k = 0, r = i; k < K; k++, q += 4, r += M) {
      w[q] = a[r]!;
      w[q + 1] = a[r + 1]!;
      w[q + 2] = a[r + 2]!;
      w[q + 3] = a[r + 3]!;
    }
  }
}

/**
 * Packs columns j0..j0+cols-1 of b [K, N] into w[at + 4k + jj] = b[k, j0 + jj], padding missing
 * columns with zeros.
 */
function packColumns(
  b: Float64Array,
  w: Float64Array,
  at: number,
  j0: number,
  cols: number,
  K: number,
  N: number,
): void {
  for (let k = 0, q = at, row = j0; k < K; k++, q += 4, row += N) {
    w[q] = b[row]!;
    w[q + 1] = cols > 1 ? b[row + 1]! : 0;
    w[q + 2] = cols > 2 ? b[row + 2]! : 0;
    w[q + 3] = cols > 3 ? b[row + 3]! : 0;
  }
}

/**
 * Packs columns j0..j0+cols-1 of bᵀ (b stored [N, K]) into w[at + 4k + jj] = b[j0 + jj, k],
 * padding missing columns with zeros.
 */
function packTransposedColumns(
  b: Float64Array,
  w: Float64Array,
  at: number,
  j0: number,
  cols: number,
  K: number,
): void {
  const r0 = j0 * K;
  for (let k = 0, q = at; k < K; k++, q += 4) {
    w[q] = b[r0 + k]!;
    w[q + 1] = cols > 1 ? b[r0 + K + k]! : 0;
    w[q + 2] = cols > 2 ? b[r0 + 2 * K + k]! : 0;
    w[q + 3] = cols > 3 ? b[r0 + 3 * K + k]! : 0;
  }
}

/**
 * Rows i0..M-1 of out = a · b (the rows not in a full 4-row panel, and every row when M < 4),
 * one row at a time and without packing (for few rows, packing b would cost as much as the
 * multiplication). Row i of out is built as a running sum of rows of b scaled by a[i, k], 4 values
 * of k per pass: every read of b and out is sequential, and each entry still gets its additions
 * from 0 over k in increasing order, as in the reference. Kept out of `blockedKernel.matmul`
 * because a second hot loop in that function made V8 allocate registers worse for the 4×4 loop
 * (about 10% slower).
 */
function leftoverRows(
  a: Float64Array,
  b: Float64Array,
  out: Float64Array,
  i0: number,
  M: number,
  K: number,
  N: number,
  transA: boolean,
): void {
  const K4 = K - (K % 4);
  // op(a)[i, k] = a[r + k·ak]: a row of a, or (transA) a column of a stored [K, M].
  const ak = transA ? M : 1;
  for (let i = i0; i < M; i++) {
    const r = transA ? i : i * K;
    const o = i * N;
    const oEnd = o + N;
    out.fill(0, o, oEnd);
    let k = 0;
    for (; k < K4; k += 4) {
      const a0 = a[r + k * ak]!,
        a1 = a[r + (k + 1) * ak]!,
        a2 = a[r + (k + 2) * ak]!,
        a3 = a[r + (k + 3) * ak]!;
      const d1 = N,
        d2 = 2 * N,
        d3 = 3 * N; // offsets of rows k+1, k+2, k+3 of b from row k
      for (let j = o, q = k * N; j < oEnd; j = (j + 1) | 0, q = (q + 1) | 0) {
        let s = out[j]!;
        s += a0 * b[q]!;
        s += a1 * b[(q + d1) | 0]!;
        s += a2 * b[(q + d2) | 0]!;
        s += a3 * b[(q + d3) | 0]!;
        out[j] = s;
      }
    }
    for (; k < K; k++) {
      const a0 = a[r + k * ak]!;
      for (let j = o, q = k * N; j < oEnd; j = (j + 1) | 0, q = (q + 1) | 0) {
        out[j] = out[j]! + a0 * b[q]!;
      }
    }
  }
}

/**
 * Rows i0..M-1 of out = op(a) · bᵀ (b stored [N, K]): each entry is a dot product of a row of
 * op(a) with a row of b, both read along k in increasing order, as in the reference.
 */
function leftoverRowsTransB(
  a: Float64Array,
  b: Float64Array,
  out: Float64Array,
  i0: number,
  M: number,
  K: number,
  N: number,
  transA: boolean,
): void {
  const ak = transA ? M : 1;
  for (let i = i0; i < M; i++) {
    const r = transA ? i : i * K;
    for (let j = 0; j < N; j++) {
      let s = 0;
      for (let k = 0, q = j * K; k < K; k++, q++) s += a[r + k * ak]! * b[q]!;
      out[i * N + j] = s;
    }
  }
}

/** Writes the first w of four values at out[at..at+w). */
function store(
  out: Float64Array,
  at: number,
  w: number,
  v0: number,
  v1: number,
  v2: number,
  v3: number,
): void {
  out[at] = v0;
  if (w > 1) out[at + 1] = v1;
  if (w > 2) out[at + 2] = v2;
  if (w > 3) out[at + 3] = v3;
}

let current: MatmulKernel = wasmKernel ?? blockedKernel;

/**
 * The kernel every matmul uses now: unless changed, `wasmKernel` where WebAssembly SIMD runs,
 * else `blockedKernel`.
 */
export function getMatmulKernel(): MatmulKernel {
  return current;
}

/**
 * Chooses the kernel every matmul uses from now on.
 *
 * @returns the previous kernel, so a caller can restore it
 */
export function setMatmulKernel(kernel: MatmulKernel): MatmulKernel {
  const previous = current;
  current = kernel;
  return previous;
}
