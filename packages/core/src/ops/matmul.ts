/**
 * Matrix product, batched and broadcast like `numpy.matmul`. For C = A B (A [M, K], B [K, N]):
 *
 *   dA = dC Bᵀ   [M, N]·[N, K] -> [M, K]
 *   dB = Aᵀ dC   [K, M]·[M, N] -> [K, N]
 *
 * Every product goes through the current matmul kernel (kernels/matmul.ts); the two backward
 * products use its transposed forms, which read Bᵀ and Aᵀ in place, so no transpose is formed.
 */
import { accumulate, currentWalkEnd, keepGradient, record } from '../autograd';
import { outputBuffer, releaseBuffer } from '../buffers';
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

/** Reused output of backward products added into an existing gradient (see `gradInto`). */
let scratch = new Float64Array(0);

/**
 * t.grad += op(x) · op(y) (a backward product of `form`, out [M, N]). The first gradient a
 * tensor receives becomes its `.grad` without a copy; later ones (a weight matrix used at every
 * time step gets one per step) go through one reused scratch buffer instead of a fresh
 * allocation each.
 */
function gradInto(
  t: Tensor,
  form: Form,
  x: Float64Array,
  y: Float64Array,
  M: number,
  K: number,
  N: number,
): void {
  if (t.grad === null) {
    const fresh = outputBuffer(M * N);
    mm(form, x, y, fresh, M, K, N);
    accumulate(t, fresh, true);
    return;
  }
  if (scratch.length < M * N) scratch = new Float64Array(M * N);
  const out = scratch.subarray(0, M * N);
  mm(form, x, y, out, M, K, N);
  accumulate(t, out);
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

/** A weight's dB = Aᵀ dC products gathered during one backward walk (see `weightGrad`). */
interface Gathered {
  as: Float64Array[]; // each [rows_i, K]
  gs: Float64Array[]; // each [rows_i, N]
  rows: number; // Σ rows_i
}

/**
 * b.grad += aᵀ · g for a product a [rows, K] · b [K, N]. When b is a leaf (a weight) and a
 * backward walk is running, the product is not computed now: the walk gathers every (a, g) pair
 * of b, and at its end computes Σ_i a_iᵀ g_i as one product of the stacked rows,
 * [a_1; a_2; ...]ᵀ [g_1; g_2; ...]. An RNN uses Wh once per time step; one [H, N·T]·[N·T, 4H]
 * product instead of T products of [H, N]·[N, 4H] (each with its own copies in and out and an
 * addition into b.grad) is the same sum with far less overhead. Only the order of the additions
 * changes (to the float64 error bound of a dot product of N·T terms).
 */
function weightGrad(
  b: Tensor,
  a: Float64Array,
  g: Float64Array,
  rows: number,
  K: number,
  N: number,
): void {
  const end = b.backwardFn === null ? currentWalkEnd() : null;
  if (end === null) {
    gradInto(b, 'aTb', a, g, K, rows, N);
    return;
  }
  let gathered = end.pending.get(b) as Gathered | undefined;
  if (gathered === undefined) {
    const mine: Gathered = { as: [], gs: [], rows: 0 };
    gathered = mine;
    end.pending.set(b, mine);
    end.tasks.push(() => {
      if (mine.as.length === 1) {
        gradInto(b, 'aTb', mine.as[0]!, mine.gs[0]!, K, mine.rows, N);
        releaseBuffer(mine.gs[0]!);
        return;
      }
      const A = outputBuffer(mine.rows * K); // [Σ rows, K]
      const G = outputBuffer(mine.rows * N); // [Σ rows, N]
      let atA = 0;
      let atG = 0;
      mine.as.forEach((ai, i) => {
        A.set(ai, atA);
        G.set(mine.gs[i]!, atG);
        atA += ai.length;
        atG += mine.gs[i]!.length;
      });
      gradInto(b, 'aTb', A, G, K, mine.rows, N); // dB = Aᵀ G: [K, Σ rows]·[Σ rows, N]
      releaseBuffer(A);
      releaseBuffer(G);
      for (const gi of mine.gs) releaseBuffer(gi);
    });
  }
  gathered.as.push(a);
  gathered.gs.push(keepGradient(g)); // read at the walk's end, after this node's gradient is dropped
  gathered.rows += rows;
}

/** [...B, M, K] · [K, N]: the leading axes fold into one tall matrix, one kernel call. */
function matmulFlat(a: Tensor, b: Tensor, M: number, K: number, N: number): Tensor {
  const rows = shapeSize(a.shape.slice(0, -1)); // (prod B) * M
  const outShape = [...a.shape.slice(0, -2), M, N];
  const out = outputBuffer(rows * N);
  mm('ab', a.data, b.data, out, rows, K, N);
  return record(new Tensor(out, outShape), 'matmul', [a, b], (g) => {
    if (a.requiresGrad) gradInto(a, 'abT', g, b.data, rows, N, K); // dA = dC Bᵀ: [rows, N]·[N, K]
    if (b.requiresGrad) weightGrad(b, a.data, g, rows, K, N); // dB = Aᵀ dC: [K, rows]·[rows, N]
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
    if (ga !== null) accumulate(a, ga, true);
    if (gb !== null) accumulate(b, gb, true);
  });
}
