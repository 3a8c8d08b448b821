/**
 * Matrix multiply in WebAssembly with 128-bit SIMD, written in AssemblyScript (a TypeScript
 * dialect compiled to WebAssembly; `npm run build:wasm` in packages/core, see
 * scripts/build-wasm.ts). The TypeScript side (src/kernels/wasm.ts) copies the operands into
 * this module's memory, calls `gemm` and copies the result out.
 *
 * C [M, N] = op(A) · op(B), where op(A) is A [M, K] or, with transA, the transpose of A stored
 * [K, M]; op(B) is B [K, N] or, with transB, the transpose of B stored [N, K]. The transposes are
 * never formed: they only change where the packing step below reads from.
 *
 * The layout follows Goto & van de Geijn 2008 ("Anatomy of high-performance matrix
 * multiplication") and BLIS: for each block of KC values of k, a [KC, N] block of op(B) is
 * copied ("packed") into panels of NR = 4 columns stored k-major, and for each block of MC rows
 * the matching [MC, KC] block of op(A) into panels of MR = 4 rows stored k-major. The micro-kernel
 * then multiplies one A panel by one B panel: it keeps the 4 × 4 block of C in eight `f64x2`
 * registers (two float64 lanes each) and, for each k, loads the four B values as two vectors,
 * broadcasts each of the four A values to both lanes, and adds the products, reading nothing but
 * two sequential streams. The B panel (KC · 4 · 8 bytes = 8 KiB) stays in the L1 cache while the
 * micro-kernel walks down the A block (MC · KC · 8 = 128 KiB, in L2).
 *
 * Rounding: each entry of C is accumulated from 0 over k in increasing order, one multiply and
 * one add per step (WebAssembly's f64x2.mul and f64x2.add round each lane like scalar float64, and
 * there is no fused multiply-add in this module); a later k block continues from the value the
 * earlier one stored. That is the reference kernel's order, so on this build the results are the
 * reference's bit for bit. The tests hold it only to the float64 error bound of a K-term dot
 * product, so that a future kernel may reorder the sums.
 *
 * Edges: a panel of fewer than 4 rows or columns is padded with zeros when packed; its 4 × 4
 * result goes through a small buffer of which only the real rows and columns are copied to C.
 */

/** Rows of op(A), and columns of op(B), per micro-panel. */
const MR: i32 = 4;
const NR: i32 = 4;
/** k values per packed block: an [KC, NR] B panel is 8 KiB, well inside L1. */
const KC: i32 = 256;
/** Rows of op(A) per packed block: [MC, KC] is 128 KiB, inside L2. */
const MC: i32 = 64;

/**
 * Bytes from one packed B panel to the next: kc rows of NR values, and one cache line more. Without
 * the extra line, panels of 256 rows lie 8 KiB apart, and the stores of `packRowsB`, one per panel,
 * all fall into the same few sets of the first-level cache and evict each other.
 */
function panelStride(kc: i32): usize {
  return ((<usize>kc) << 5) + 64;
}

/** Bytes of work space `gemm` needs for an [M, K] · [K, N] product, see `gemm`. */
export function workBytes(M: i32, K: i32, N: i32): usize {
  const kc = min(KC, K);
  const mc = min(MC, roundUp(M));
  return ((<usize>(mc * kc + MR * NR)) << 3) + <usize>(roundUp(N) / NR) * panelStride(kc);
}

/** First byte after this module's own static data: the TypeScript side allocates from here. */
export function heapBase(): usize {
  return __heap_base;
}

/** n rounded up to a multiple of 4 (MR = NR = 4). */
function roundUp(n: i32): i32 {
  return (n + 3) & ~3;
}

/**
 * Packs rows i0..i0+mc, columns p0..p0+kc of op(A) into MR-row panels, k-major:
 * dst[panel][k][ii] = op(A)[i0 + panel·MR + ii, p0 + k], zeros past the last row.
 */
function packA(
  a: usize,
  transA: bool,
  M: i32,
  K: i32,
  i0: i32,
  mc: i32,
  p0: i32,
  kc: i32,
  dst: usize,
): void {
  let q = dst;
  for (let i = 0; i < mc; i += MR) {
    const rows = min(MR, mc - i);
    if (rows == MR && transA) {
      // A stored [K, M]: the 4 values of one k are adjacent, two vector copies.
      const step = (<usize>M) << 3;
      let src = a + ((<usize>p0 * M + i0 + i) << 3);
      for (let k = 0; k < kc; k++) {
        v128.store(q, v128.load(src));
        v128.store(q, v128.load(src, 16), 16);
        src += step;
        q += 32;
      }
    } else if (rows == MR) {
      // A stored [M, K]: walk four rows side by side.
      const lda = (<usize>K) << 3;
      let src = a + ((<usize>(i0 + i) * K + p0) << 3);
      for (let k = 0; k < kc; k++) {
        store<f64>(q, load<f64>(src));
        store<f64>(q, load<f64>(src + lda), 8);
        store<f64>(q, load<f64>(src + 2 * lda), 16);
        store<f64>(q, load<f64>(src + 3 * lda), 24);
        src += 8;
        q += 32;
      }
    } else {
      // The last, short panel: element by element, zero-padded.
      for (let k = 0; k < kc; k++) {
        for (let ii = 0; ii < MR; ii++) {
          let v: f64 = 0;
          if (ii < rows) {
            const r = <usize>(i0 + i + ii);
            const c = <usize>(p0 + k);
            v = transA ? load<f64>(a + ((c * M + r) << 3)) : load<f64>(a + ((r * K + c) << 3));
          }
          store<f64>(q, v);
          q += 8;
        }
      }
    }
  }
}

/**
 * Packs rows p0..p0+kc of op(B) (all N columns) into NR-column panels, k-major:
 * dst[panel][k][jj] = op(B)[p0 + k, panel·NR + jj], zeros past the last column.
 */
function packB(b: usize, transB: bool, K: i32, N: i32, p0: i32, kc: i32, dst: usize): void {
  const full = transB ? 0 : N - (N % NR); // columns in full panels read from B stored [K, N]
  if (full > 0) packRowsB(b, N, p0, kc, full, dst);
  const stride = panelStride(kc);
  for (let j = full; j < N; j += NR) {
    const cols = min(NR, N - j);
    let q = dst + <usize>(j / NR) * stride;
    if (cols == NR) {
      // B stored [N, K]: walk four rows of the stored matrix side by side.
      const ldb = (<usize>K) << 3;
      let src = b + ((<usize>j * K + p0) << 3);
      for (let k = 0; k < kc; k++) {
        store<f64>(q, load<f64>(src));
        store<f64>(q, load<f64>(src + ldb), 8);
        store<f64>(q, load<f64>(src + 2 * ldb), 16);
        store<f64>(q, load<f64>(src + 3 * ldb), 24);
        src += 8;
        q += 32;
      }
    } else {
      for (let k = 0; k < kc; k++) {
        for (let jj = 0; jj < NR; jj++) {
          let v: f64 = 0;
          if (jj < cols) {
            const r = <usize>(p0 + k);
            const c = <usize>(j + jj);
            v = transB ? load<f64>(b + ((c * K + r) << 3)) : load<f64>(b + ((r * N + c) << 3));
          }
          store<f64>(q, v);
          q += 8;
        }
      }
    }
  }
}

/**
 * The full panels (columns 0..full-1) of B stored [K, N], rows p0..p0+kc, packed as `packB`
 * lays them out, reading B row by row. Walking one panel down all kc rows instead (as the other
 * forms do) reads addresses N values apart: at N = 512 that is 4 KiB, a page, so every read needs
 * its own address translation and falls in the same few cache sets, and the 256-row walk of a
 * k block ran at a fifth of the speed of this one (measured in Node 20 on the course's machine).
 * Two rows are copied together, so that each 64-byte line of a panel (rows k and k + 1) is
 * written whole at once.
 */
function packRowsB(b: usize, N: i32, p0: i32, kc: i32, full: i32, dst: usize): void {
  const panelBytes = panelStride(kc);
  const ldb = (<usize>N) << 3;
  let k = 0;
  for (; k + 1 < kc; k += 2) {
    let src = b + ((<usize>(p0 + k) * N) << 3);
    let q = dst + ((<usize>k) << 5);
    for (let j = 0; j < full; j += NR) {
      v128.store(q, v128.load(src));
      v128.store(q, v128.load(src, 16), 16);
      v128.store(q, v128.load(src + ldb), 32);
      v128.store(q, v128.load(src + ldb, 16), 48);
      src += 32;
      q += panelBytes;
    }
  }
  if (k < kc) {
    let src = b + ((<usize>(p0 + k) * N) << 3);
    let q = dst + ((<usize>k) << 5);
    for (let j = 0; j < full; j += NR) {
      v128.store(q, v128.load(src));
      v128.store(q, v128.load(src, 16), 16);
      src += 32;
      q += panelBytes;
    }
  }
}

/**
 * The 4 × 4 micro-kernel: C[0..4, 0..4] = (first ? 0 : C) + Σ_k pa[k][·] ⊗ pb[k][·] for kc values
 * of k, C at byte address c with rows ldc bytes apart. cRC holds row R, columns 2C and 2C+1.
 */
function micro(pa: usize, pb: usize, kc: i32, c: usize, ldc: usize, first: bool): void {
  let c00 = f64x2.splat(0);
  let c01 = f64x2.splat(0);
  let c10 = f64x2.splat(0);
  let c11 = f64x2.splat(0);
  let c20 = f64x2.splat(0);
  let c21 = f64x2.splat(0);
  let c30 = f64x2.splat(0);
  let c31 = f64x2.splat(0);
  if (!first) {
    c00 = v128.load(c);
    c01 = v128.load(c, 16);
    c10 = v128.load(c + ldc);
    c11 = v128.load(c + ldc, 16);
    c20 = v128.load(c + 2 * ldc);
    c21 = v128.load(c + 2 * ldc, 16);
    c30 = v128.load(c + 3 * ldc);
    c31 = v128.load(c + 3 * ldc, 16);
  }
  const end = pb + ((<usize>kc) << 5);
  while (pb < end) {
    const b0 = v128.load(pb); // op(B)[k, 0..1]
    const b1 = v128.load(pb, 16); // op(B)[k, 2..3]
    let a = v128.load64_splat(pa); // op(A)[0, k] in both lanes
    c00 = f64x2.add(c00, f64x2.mul(a, b0));
    c01 = f64x2.add(c01, f64x2.mul(a, b1));
    a = v128.load64_splat(pa, 8);
    c10 = f64x2.add(c10, f64x2.mul(a, b0));
    c11 = f64x2.add(c11, f64x2.mul(a, b1));
    a = v128.load64_splat(pa, 16);
    c20 = f64x2.add(c20, f64x2.mul(a, b0));
    c21 = f64x2.add(c21, f64x2.mul(a, b1));
    a = v128.load64_splat(pa, 24);
    c30 = f64x2.add(c30, f64x2.mul(a, b0));
    c31 = f64x2.add(c31, f64x2.mul(a, b1));
    pa += 32;
    pb += 32;
  }
  v128.store(c, c00);
  v128.store(c, c01, 16);
  v128.store(c + ldc, c10);
  v128.store(c + ldc, c11, 16);
  v128.store(c + 2 * ldc, c20);
  v128.store(c + 2 * ldc, c21, 16);
  v128.store(c + 3 * ldc, c30);
  v128.store(c + 3 * ldc, c31, 16);
}

/**
 * C [M, N] = op(A) · op(B) (see the module comment); a, b, c, work are byte addresses in this
 * module's memory, work holding at least `workBytes(M, K, N)` bytes. Needs M, N, K ≥ 1.
 */
export function gemm(
  a: usize,
  b: usize,
  c: usize,
  M: i32,
  K: i32,
  N: i32,
  transA: bool,
  transB: bool,
  work: usize,
): void {
  const kcMax = min(KC, K);
  const packedA = work;
  const packedB = packedA + ((<usize>(min(MC, roundUp(M)) * kcMax)) << 3);
  const tile = packedB + <usize>(roundUp(N) / NR) * panelStride(kcMax);
  const ldc = (<usize>N) << 3;
  const ldt = (<usize>NR) << 3;
  for (let p0 = 0; p0 < K; p0 += KC) {
    const kc = min(KC, K - p0);
    const first = p0 == 0; // the first k block starts each sum from 0, later ones from C
    packB(b, transB, K, N, p0, kc, packedB);
    for (let i0 = 0; i0 < M; i0 += MC) {
      const mc = min(MC, M - i0);
      packA(a, transA, M, K, i0, mc, p0, kc, packedA);
      for (let j = 0; j < N; j += NR) {
        const cols = min(NR, N - j);
        const pb = packedB + <usize>(j / NR) * panelStride(kc);
        for (let i = 0; i < mc; i += MR) {
          const rows = min(MR, mc - i);
          const pa = packedA + ((<usize>(i * kc)) << 3);
          const cij = c + ((<usize>((i0 + i) * N + j)) << 3);
          if (rows == MR && cols == NR) {
            micro(pa, pb, kc, cij, ldc, first);
            continue;
          }
          // A partial tile: through the [MR, NR] buffer, copying only real rows and columns.
          if (!first) {
            for (let ii = 0; ii < rows; ii++) {
              for (let jj = 0; jj < cols; jj++) {
                const t = tile + <usize>ii * ldt + ((<usize>jj) << 3);
                store<f64>(t, load<f64>(cij + <usize>ii * ldc + ((<usize>jj) << 3)));
              }
            }
          }
          micro(pa, pb, kc, tile, ldt, first);
          for (let ii = 0; ii < rows; ii++) {
            for (let jj = 0; jj < cols; jj++) {
              const t = tile + <usize>ii * ldt + ((<usize>jj) << 3);
              store<f64>(cij + <usize>ii * ldc + ((<usize>jj) << 3), load<f64>(t));
            }
          }
        }
      }
    }
  }
}
