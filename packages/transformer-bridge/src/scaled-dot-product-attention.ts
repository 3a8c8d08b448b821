/**
 * Scaled dot-product attention (Vaswani et al. 2017, sec. 3.2.1), as a differentiable function
 * of the core: its gradients come from the core's autograd, independently of the hand-written
 * backward of the exercises.
 *
 * Chapter 4, "Scaled dot-product attention" —
 * packages/transformer-bridge/README.md#scaled-dot-product-attention
 */
import {
  ShapeError,
  formatShape,
  matmul,
  maskedFill,
  scale,
  softmax,
  sub,
  transpose,
} from '@rnn-course/core';
import type { Tensor } from '@rnn-course/core';

/**
 * Checks that Q, K, V have the shapes `[..., Tq, dk]`, `[..., Tk, dk]`, `[..., Tk, dv]` with the
 * same leading (batch) axes. Shared with the multi-head layer.
 *
 * @returns the sizes Tq, Tk, dk, dv
 * @throws ShapeError naming `op`, what was expected and both shapes
 */
export function attentionShapes(
  op: string,
  Q: Tensor,
  K: Tensor,
  V: Tensor,
): { Tq: number; Tk: number; dk: number; dv: number } {
  if (Q.ndim < 2) throw new ShapeError(op, 'Q [..., Tq, dk]', formatShape(Q.shape));
  const lead = Q.shape.slice(0, -2);
  const [Tq, dk] = Q.shape.slice(-2) as [number, number];
  const sameLead = (t: Tensor): boolean =>
    t.ndim === Q.ndim && lead.every((d, i) => d === t.shape[i]);
  if (!sameLead(K) || K.shape[K.ndim - 1] !== dk) {
    throw new ShapeError(
      op,
      `K [${[...lead, 'Tk', dk].join(', ')}] (the batch axes and dk of Q ${formatShape(Q.shape)})`,
      `K ${formatShape(K.shape)}`,
    );
  }
  const Tk = K.shape[K.ndim - 2] as number;
  if (!sameLead(V) || V.shape[V.ndim - 2] !== Tk) {
    throw new ShapeError(
      op,
      `V [${[...lead, Tk, 'dv'].join(', ')}] (the batch axes of Q and the Tk of K ${formatShape(K.shape)})`,
      `V ${formatShape(V.shape)}`,
    );
  }
  return { Tq, Tk, dk, dv: V.shape[V.ndim - 1] as number };
}

/**
 * Checks that a mask broadcasts to the scores' shape `[..., Tq, Tk]` without enlarging it.
 * Shared with the multi-head layer.
 *
 * @throws ShapeError naming `op`, the scores' shape and the mask's
 */
export function assertMaskShape(op: string, mask: Tensor, scores: readonly number[]): void {
  const fits =
    mask.ndim <= scores.length &&
    mask.shape.every((d, i) => d === 1 || d === scores[scores.length - mask.ndim + i]);
  if (!fits) {
    throw new ShapeError(
      op,
      `a mask that broadcasts to the scores ${formatShape(scores)} [..., Tq, Tk]`,
      `mask ${formatShape(mask.shape)}`,
    );
  }
}

/**
 * Throws when a query row of the (filled) scores has every key masked: the softmax over no
 * keys is 0/0. Shared with the multi-head layer.
 *
 * @param S filled scores `[..., Tq, Tk]`, -∞ where masked
 */
export function assertEveryQuerySeesAKey(op: string, S: Tensor): void {
  const Tk = S.shape[S.ndim - 1] as number;
  const Tq = S.shape[S.ndim - 2] as number;
  for (let row = 0; row * Tk < S.size; row++) {
    let seen = false;
    for (let j = 0; j < Tk && !seen; j++) seen = S.data[row * Tk + j] !== -Infinity;
    if (!seen) {
      throw new RangeError(
        `${op}: the mask blocks every key of query ${row % Tq} (row ${row} of the scores ` +
          `${formatShape(S.shape)}); each query needs at least one key it may attend to`,
      );
    }
  }
}

/**
 * eqs. 4.2–4.4: Attention(Q, K, V) = softmax(Q Kᵀ / √dk, masked) V, the softmax taken over the
 * keys (the last axis), one distribution per query.
 *
 * @param Q    `[..., Tq, dk]` queries, e.g. `[N, Tq, dk]` or `[N, h, Tq, dk]`
 * @param K    `[..., Tk, dk]` keys, the same leading axes
 * @param V    `[..., Tk, dv]` values, one per key
 * @param mask optional 0/1 constant that broadcasts to `[..., Tq, Tk]`: 1 = the query may
 *   attend to the key, 0 = blocked (a `causalMask(T)` `[T, T]`, a `keyPaddingMask` `[N, 1, Tk]`,
 *   or their product)
 * @returns `out [..., Tq, dv]` and the attention weights `weights [..., Tq, Tk]` (rows sum to 1,
 *   exactly 0 where masked)
 * @throws ShapeError naming `scaledDotProductAttention` when the shapes disagree; RangeError
 *   when the mask leaves a query with no key
 */
export function scaledDotProductAttention(
  Q: Tensor,
  K: Tensor,
  V: Tensor,
  mask?: Tensor,
): { out: Tensor; weights: Tensor } {
  const op = 'scaledDotProductAttention';
  const { dk } = attentionShapes(op, Q, K, V);
  // eq. 4.2: one score per (query, key) pair, scaled by 1/√dk so that its variance does not
  // grow with dk (eq. 4.5).
  let S = scale(matmul(Q, transpose(K)), 1 / Math.sqrt(dk)); // [..., Tq, dk]·[..., dk, Tk] = [..., Tq, Tk]
  if (mask !== undefined) {
    assertMaskShape(op, mask, S.shape);
    // eq. 4.3: a blocked pair gets the score -∞, hence the weight e^-∞ = 0.
    S = maskedFill(S, sub(1, mask), -Infinity); // [..., Tq, Tk]
    assertEveryQuerySeesAKey(op, S);
  }
  const weights = softmax(S, -1); // [..., Tq, Tk], over the keys
  const out = matmul(weights, V); // eq. 4.4: [..., Tq, Tk]·[..., Tk, dv] = [..., Tq, dv]
  return { out, weights };
}
