/**
 * Matrix-multiply kernels: out = a · b for row-major Float64Arrays a [M, K], b [K, N],
 * out [M, N]. Every matmul in the core goes through the current kernel, so a faster one
 * (for instance WebAssembly SIMD) can replace the TypeScript loops without touching a caller.
 *
 * - `referenceKernel`: the definition, out[i, j] = Σ_k a[i, k] b[k, j], as three loops.
 * - `blockedKernel` (the default): the same sums, computed 4 rows × 4 columns at a time in 16
 *   local variables (registers), with the 4 columns of b copied ("packed") into a contiguous
 *   [K, 4] panel first, so the inner loop reads memory sequentially. See Goto & van de Geijn
 *   2008, "Anatomy of high-performance matrix multiplication", for the idea in full.
 *
 * Both accumulate over k in increasing order, but in different association for 4-wide blocks,
 * so their results agree to rounding (about 1e-15 relative), not bit for bit.
 */

/** A kernel computing out = a · b; out is overwritten. */
export interface MatmulKernel {
  /** A short name for benchmarks and messages. */
  readonly name: string;
  /**
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
};

/** Scratch panel for `blockedKernel`, reused across calls (grown when K grows). */
let panel = new Float64Array(0);

/** 4×4 register-blocked kernel over a packed [K, 4] panel of b (see the module comment). */
export const blockedKernel: MatmulKernel = {
  name: 'blocked-4x4',
  matmul(a, b, out, M, K, N) {
    if (panel.length < 4 * K) panel = new Float64Array(4 * K);
    const p = panel;
    for (let j0 = 0; j0 < N; j0 += 4) {
      const w = Math.min(4, N - j0); // columns in this panel (the last may be narrower)
      // Pack b[:, j0:j0+4] into p[k*4 + jj], padding missing columns with zeros.
      for (let k = 0; k < K; k++) {
        const row = k * N + j0;
        p[4 * k] = b[row]!;
        p[4 * k + 1] = w > 1 ? b[row + 1]! : 0;
        p[4 * k + 2] = w > 2 ? b[row + 2]! : 0;
        p[4 * k + 3] = w > 3 ? b[row + 3]! : 0;
      }
      let i = 0;
      for (; i + 4 <= M; i += 4) {
        const r0 = i * K;
        const r1 = r0 + K;
        const r2 = r1 + K;
        const r3 = r2 + K;
        let c00 = 0, c01 = 0, c02 = 0, c03 = 0;
        let c10 = 0, c11 = 0, c12 = 0, c13 = 0;
        let c20 = 0, c21 = 0, c22 = 0, c23 = 0;
        let c30 = 0, c31 = 0, c32 = 0, c33 = 0;
        for (let k = 0; k < K; k++) {
          const q = 4 * k;
          const b0 = p[q]!, b1 = p[q + 1]!, b2 = p[q + 2]!, b3 = p[q + 3]!;
          const a0 = a[r0 + k]!, a1 = a[r1 + k]!, a2 = a[r2 + k]!, a3 = a[r3 + k]!;
          c00 += a0 * b0; c01 += a0 * b1; c02 += a0 * b2; c03 += a0 * b3;
          c10 += a1 * b0; c11 += a1 * b1; c12 += a1 * b2; c13 += a1 * b3;
          c20 += a2 * b0; c21 += a2 * b1; c22 += a2 * b2; c23 += a2 * b3;
          c30 += a3 * b0; c31 += a3 * b1; c32 += a3 * b2; c33 += a3 * b3;
        }
        store(out, i * N + j0, w, c00, c01, c02, c03);
        store(out, (i + 1) * N + j0, w, c10, c11, c12, c13);
        store(out, (i + 2) * N + j0, w, c20, c21, c22, c23);
        store(out, (i + 3) * N + j0, w, c30, c31, c32, c33);
      }
      for (; i < M; i++) {
        // Leftover rows, one at a time against the same panel.
        const r0 = i * K;
        let c0 = 0, c1 = 0, c2 = 0, c3 = 0;
        for (let k = 0; k < K; k++) {
          const a0 = a[r0 + k]!;
          const q = 4 * k;
          c0 += a0 * p[q]!; c1 += a0 * p[q + 1]!; c2 += a0 * p[q + 2]!; c3 += a0 * p[q + 3]!;
        }
        store(out, i * N + j0, w, c0, c1, c2, c3);
      }
    }
  },
};

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

let current: MatmulKernel = blockedKernel;

/** The kernel every matmul uses now (`blockedKernel` unless changed). */
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
