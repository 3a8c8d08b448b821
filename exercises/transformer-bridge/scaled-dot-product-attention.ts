/**
 * Scaled dot-product attention, forward and backward, written by hand (CS231n style).
 *
 * Chapter 4, "Scaled dot-product attention" —
 * packages/transformer-bridge/README.md#scaled-dot-product-attention
 */
import { ShapeError, formatShape, notImplemented } from '@rnn-course/core';
import type { Tensor } from '@rnn-course/core';

/** What `scaledDotProductAttentionBackward` needs from the forward pass. */
export interface ScaledDotProductAttentionCache {
  // TODO: the fields your backward reads, filled in by your forward.
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
  // TODO: checkShapes; scaled scores, −∞ where masked, softmax over the keys, times V.
  notImplemented('transformer-bridge/scaled-dot-product-attention-forward');
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
  // TODO: back through out = A V, the softmax of each row, then S = Q Kᵀ / √dk (eq. 4.6).
  notImplemented('transformer-bridge/scaled-dot-product-attention-backward');
}
