/**
 * Matrix product, batched and broadcast like `numpy.matmul`. For C = A B (A [M, K], B [K, N]):
 *
 *   dA = dC Bᵀ   [M, N]·[N, K] -> [M, K]
 *   dB = Aᵀ dC   [K, M]·[M, N] -> [K, N]
 *
 * Every product goes through the current matmul kernel (kernels/matmul.ts); the two backward
 * products use its transposed forms, which read Bᵀ and Aᵀ in place, so no transpose is formed.
 */
import { accumulate, record } from '../autograd';
import { broadcastOffsets, broadcastShapes } from '../broadcast';
import { ShapeError, formatShape } from '../errors';
import { getMatmulKernel } from '../kernels/matmul';
import { Tensor, shapeSize } from '../tensor';
import { reshape } from './shape';

/** Which operand of a product is read transposed: none, a (aᵀ · b) or b (a · bᵀ). */
type Form = 'ab' | 'aTb' | 'abT';

/**
 * out [M, N] = a · b, aᵀ · b (a stored [K, M]) or a · bᵀ (b stored [N, K]) with the current
 * kernel. M, K, N are the product's sizes.
 */
function mm(
  form: Form,
  a: Float64Array,
  b: Float64Array,
  out: Float64Array,
  M: number,
  K: number,
  N: number,
): void {
  if (M === 0 || N === 0) return;
  if (K === 0) {
    out.fill(0);
    return;
  }
  const kernel = getMatmulKernel();
  if (form === 'ab') kernel.matmul(a, b, out, M, K, N);
  else if (form === 'aTb') kernel.matmulTransA(a, b, out, M, K, N);
  else kernel.matmulTransB(a, b, out, M, K, N);
}

/** target += source, elementwise. */
function addInto(target: Float64Array, source: Float64Array): void {
  for (let i = 0; i < source.length; i++) target[i] += source[i];
}

/**
 * Matrix product of the last two axes, broadcasting leading (batch) axes.
 *
 * - `[M, K] · [K, N] -> [M, N]`
 * - `[...B, M, K] · [K, N] -> [...B, M, N]` (e.g. x [N, T, H] · W [H, V] -> [N, T, V])
 * - `[...B, M, K] · [...B, K, N] -> [...B, M, N]` (batch axes broadcast)
 * - a 1-D operand is a row (left, `[K]`) or a column (right, `[K]`) vector, dropped from the
 *   result: `[K] · [K, N] -> [N]`, `[M, K] · [K] -> [M]`
 */
export function matmul(a: Tensor, b: Tensor): Tensor {
  if (a.ndim === 0 || b.ndim === 0) {
    throw new ShapeError(
      'matmul',
      'a [..., M, K] and b [..., K, N]',
      `a ${formatShape(a.shape)} and b ${formatShape(b.shape)}`,
    );
  }
  if (a.ndim === 1) {
    const out = matmul(reshape(a, [1, a.shape[0]]), b); // [..., 1, N]
    return reshape(out, [...out.shape.slice(0, -2), out.shape[out.ndim - 1]]);
  }
  if (b.ndim === 1) {
    const out = matmul(a, reshape(b, [b.shape[0], 1])); // [..., M, 1]
    return reshape(out, out.shape.slice(0, -1));
  }
  const M = a.shape[a.ndim - 2];
  const K = a.shape[a.ndim - 1];
  const N = b.shape[b.ndim - 1];
  if (b.shape[b.ndim - 2] !== K) {
    throw new ShapeError(
      'matmul',
      `a [..., M, K] and b [..., K, N] with equal K`,
      `a ${formatShape(a.shape)} and b ${formatShape(b.shape)}`,
    );
  }
  if (b.ndim === 2) return matmulFlat(a, b, M, K, N);
  return matmulBatched(a, b, M, K, N);
}

/** [...B, M, K] · [K, N]: the leading axes fold into one tall matrix, one kernel call. */
function matmulFlat(a: Tensor, b: Tensor, M: number, K: number, N: number): Tensor {
  const rows = shapeSize(a.shape.slice(0, -1)); // (prod B) * M
  const outShape = [...a.shape.slice(0, -2), M, N];
  const out = new Float64Array(rows * N);
  mm('ab', a.data, b.data, out, rows, K, N);
  return record(new Tensor(out, outShape), 'matmul', [a, b], (g) => {
    if (a.requiresGrad) {
      const ga = new Float64Array(rows * K);
      mm('abT', g, b.data, ga, rows, N, K); // dA = dC Bᵀ: [rows, N]·[N, K]
      accumulate(a, ga);
    }
    if (b.requiresGrad) {
      const gb = new Float64Array(K * N);
      mm('aTb', a.data, g, gb, K, rows, N); // dB = Aᵀ dC: [K, rows]·[rows, N]
      accumulate(b, gb);
    }
  });
}

/** Batched product with numpy broadcasting of the batch axes. */
function matmulBatched(a: Tensor, b: Tensor, M: number, K: number, N: number): Tensor {
  const batchA = a.shape.slice(0, -2);
  const batchB = b.shape.slice(0, -2);
  const batch = broadcastShapes('matmul', batchA, batchB);
  const count = shapeSize(batch);
  // Which batch entry of a and of b each output batch entry reads.
  const offA = broadcastOffsets(batch, batchA);
  const offB = broadcastOffsets(batch, batchB);
  const ia = (i: number): number => (offA === null ? i : offA[i]);
  const ib = (i: number): number => (offB === null ? i : offB[i]);
  const sa = M * K;
  const sb = K * N;
  const so = M * N;
  const out = new Float64Array(count * so);
  for (let i = 0; i < count; i++) {
    const Ai = a.data.subarray(ia(i) * sa, ia(i) * sa + sa); // [M, K]
    const Bi = b.data.subarray(ib(i) * sb, ib(i) * sb + sb); // [K, N]
    mm('ab', Ai, Bi, out.subarray(i * so, i * so + so), M, K, N);
  }
  return record(new Tensor(out, [...batch, M, N]), 'matmul', [a, b], (g) => {
    const ga = a.requiresGrad ? new Float64Array(a.size) : null;
    const gb = b.requiresGrad ? new Float64Array(b.size) : null;
    const tmpA = new Float64Array(sa);
    const tmpB = new Float64Array(sb);
    for (let i = 0; i < count; i++) {
      const gi = g.subarray(i * so, i * so + so);
      const Ai = a.data.subarray(ia(i) * sa, ia(i) * sa + sa);
      const Bi = b.data.subarray(ib(i) * sb, ib(i) * sb + sb);
      if (ga !== null) {
        mm('abT', gi, Bi, tmpA, M, N, K); // dA_i = dC_i B_iᵀ
        addInto(ga.subarray(ia(i) * sa, ia(i) * sa + sa), tmpA); // summed over broadcast copies
      }
      if (gb !== null) {
        mm('aTb', Ai, gi, tmpB, K, M, N); // dB_i = A_iᵀ dC_i
        addInto(gb.subarray(ib(i) * sb, ib(i) * sb + sb), tmpB);
      }
    }
    if (ga !== null) accumulate(a, ga);
    if (gb !== null) accumulate(b, gb);
  });
}
