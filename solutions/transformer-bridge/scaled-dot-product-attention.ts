/**
 * Scaled dot-product attention, forward and backward, written by hand (CS231n style).
 *
 * Chapter 4, "Scaled dot-product attention" —
 * packages/transformer-bridge/README.md#scaled-dot-product-attention
 */
import {
  ShapeError,
  formatShape,
  matmul,
  maskedFill,
  mul,
  scale,
  softmax,
  sub,
  sum,
  transpose,
} from '@rnn-course/core';
import type { Tensor } from '@rnn-course/core';

/** What `scaledDotProductAttentionBackward` needs from the forward pass. */
export interface ScaledDotProductAttentionCache {
  // BEGIN SOLUTION: the fields your backward reads, filled in by your forward.
  readonly Q: Tensor; // [..., Tq, dk]
  readonly K: Tensor; // [..., Tk, dk]
  readonly V: Tensor; // [..., Tk, dv]
  readonly weights: Tensor; // [..., Tq, Tk], the softmax A
  readonly scale: number; // 1/√dk
  // END SOLUTION
}

/** The gradients with respect to the three inputs. */
export interface ScaledDotProductAttentionGrads {
  dQ: Tensor; // [..., Tq, dk]
  dK: Tensor; // [..., Tk, dk]
  dV: Tensor; // [..., Tk, dv]
}

/**
 * Given, for your forward to call first: throws a ShapeError naming
 * `scaledDotProductAttentionForward` unless Q, K, V are `[..., Tq, dk]`, `[..., Tk, dk]`,
 * `[..., Tk, dv]` with the same leading axes and the mask broadcasts to the scores `[..., Tq, Tk]`.
 */
function checkShapes(Q: Tensor, K: Tensor, V: Tensor, mask: Tensor | undefined): void {
  const op = 'scaledDotProductAttentionForward';
  const lead = Q.shape.slice(0, -2);
  const sameLead = (t: Tensor): boolean =>
    t.ndim === Q.ndim && lead.every((d, i) => d === t.shape[i]);
  const show = `Q ${formatShape(Q.shape)}, K ${formatShape(K.shape)}, V ${formatShape(V.shape)}`;
  const ok =
    Q.ndim >= 2 &&
    sameLead(K) &&
    sameLead(V) &&
    K.shape[K.ndim - 1] === Q.shape[Q.ndim - 1] &&
    V.shape[V.ndim - 2] === K.shape[K.ndim - 2];
  if (!ok) throw new ShapeError(op, 'Q [..., Tq, dk], K [..., Tk, dk], V [..., Tk, dv]', show);
  if (mask === undefined) return;
  const scores = [...lead, Q.shape[Q.ndim - 2] as number, K.shape[K.ndim - 2] as number];
  const fits =
    mask.ndim <= scores.length &&
    mask.shape.every((d, i) => d === 1 || d === scores[scores.length - mask.ndim + i]);
  if (!fits) {
    throw new ShapeError(
      op,
      `a mask that broadcasts to the scores ${formatShape(scores)}`,
      `mask ${formatShape(mask.shape)}`,
    );
  }
}

/**
 * eqs. 4.2–4.4: out = softmax(Q Kᵀ / √dk, masked) V, the softmax over the keys.
 *
 * Chapter 4, "Scaled dot-product attention" —
 * packages/transformer-bridge/README.md#scaled-dot-product-attention
 *
 * @param Q    `[..., Tq, dk]` queries (any leading batch axes, e.g. `[N, Tq, dk]`, `[N, h, Tq, dk]`)
 * @param K    `[..., Tk, dk]` keys
 * @param V    `[..., Tk, dv]` values
 * @param mask optional 0/1 that broadcasts to `[..., Tq, Tk]`: 1 = may attend, 0 = blocked
 * @returns `out [..., Tq, dv]`, the attention weights `weights [..., Tq, Tk]`, and the cache
 * @throws ShapeError naming the function when the shapes of `K` or `V` do not fit those of Q,
 *   or when `mask` does not broadcast to the scores
 * @throws RangeError when the `mask` blocks every key of some query
 */
export function scaledDotProductAttentionForward(
  Q: Tensor,
  K: Tensor,
  V: Tensor,
  mask?: Tensor,
): { out: Tensor; weights: Tensor; cache: ScaledDotProductAttentionCache } {
  // BEGIN SOLUTION: checkShapes; scaled scores, −∞ where masked, softmax over the keys, times V.
  checkShapes(Q, K, V, mask);
  const dk = Q.shape[Q.ndim - 1] as number;
  const s = 1 / Math.sqrt(dk);
  // eq. 4.2: scores, scaled so that their variance is about 1 whatever dk is (eq. 4.5).
  let S = scale(matmul(Q, transpose(K)), s); // [..., Tq, dk]·[..., dk, Tk] = [..., Tq, Tk]
  if (mask !== undefined) {
    // eq. 4.3: -∞ where blocked, so that e^-∞ = 0 is the weight of that key.
    S = maskedFill(S, sub(1, mask), -Infinity);
    const Tk = S.shape[S.ndim - 1] as number;
    for (let row = 0; row * Tk < S.size; row++) {
      if (S.data.subarray(row * Tk, (row + 1) * Tk).every((v) => v === -Infinity)) {
        throw new RangeError(
          `scaledDotProductAttentionForward: the mask blocks every key of row ${row} of the ` +
            `scores ${formatShape(S.shape)}`,
        );
      }
    }
  }
  // The softmax runs over the keys (last axis): each query gets a distribution over keys.
  const weights = softmax(S, -1); // [..., Tq, Tk]
  const out = matmul(weights, V); // eq. 4.4: [..., Tq, Tk]·[..., Tk, dv] = [..., Tq, dv]
  return { out, weights, cache: { Q, K, V, weights, scale: s } };
  // END SOLUTION
}

/**
 * Backward pass of scaled dot-product attention, eq. 4.6.
 *
 * Chapter 4, "Scaled dot-product attention" —
 * packages/transformer-bridge/README.md#scaled-dot-product-attention
 *
 * @param dout  `[..., Tq, dv]` gradient of the loss with respect to `out`
 * @param cache from `scaledDotProductAttentionForward`
 * @returns `dQ [..., Tq, dk]`, `dK [..., Tk, dk]`, `dV [..., Tk, dv]`
 * @throws ShapeError naming the function when `dout` is not the shape of out
 */
export function scaledDotProductAttentionBackward(
  dout: Tensor,
  cache: ScaledDotProductAttentionCache,
): ScaledDotProductAttentionGrads {
  // BEGIN SOLUTION: back through out = A V, the softmax of each row, then S = Q Kᵀ / √dk (eq. 4.6).
  const { Q, K, V, weights: A, scale: s } = cache;
  const expected = [...A.shape.slice(0, -1), V.shape[V.ndim - 1] as number];
  if (dout.ndim !== expected.length || dout.shape.some((d, i) => d !== expected[i])) {
    throw new ShapeError(
      'scaledDotProductAttentionBackward',
      `dout ${formatShape(expected)}`,
      dout.shape,
    );
  }
  // out = A V: the gradient of a product (eq. 4.6, first line).
  const dV = matmul(transpose(A), dout); // [..., Tk, Tq]·[..., Tq, dv] = [..., Tk, dv]
  const dA = matmul(dout, transpose(V)); // [..., Tq, dv]·[..., dv, Tk] = [..., Tq, Tk]
  // Softmax backward, row by row: dS = A ⊙ (dA − Σ_j dA_j A_j). Where a key was masked A = 0,
  // so its score gets no gradient, as the mask promised.
  const rowDot = sum(mul(dA, A), -1, true); // [..., Tq, 1]
  const dS = mul(A, sub(dA, rowDot)); // [..., Tq, Tk]
  // S = s · Q Kᵀ.
  const dQ = scale(matmul(dS, K), s); // [..., Tq, Tk]·[..., Tk, dk] = [..., Tq, dk]
  const dK = scale(matmul(transpose(dS), Q), s); // [..., Tk, Tq]·[..., Tq, dk] = [..., Tk, dk]
  return { dQ, dK, dV };
  // END SOLUTION
}
