/**
 * A pre-norm transformer encoder block, forward and backward, assembled from the layer norm and
 * multi-head attention of this folder and a position-wise feed-forward network (CS231n style):
 *
 *   z = x + MHA(LN1(x))           (eq. 4.12, first residual)
 *   out = z + FFN(LN2(z))         (eq. 4.12, second residual; FFN is eq. 4.14)
 *
 * As PyTorch's `nn.TransformerEncoderLayer(norm_first=True, dropout=0, activation='relu')`.
 *
 * Chapter 4, "The transformer block" — packages/transformer-bridge/README.md#the-transformer-block
 */
import { reshape, notImplemented } from '@rnn-course/core';
import type { Tensor } from '@rnn-course/core';
import type { MultiHeadAttentionParams } from './multi-head-attention';

/** The feed-forward network's parameters, width E, inner width F. */
export interface FeedForwardParams {
  W1: Tensor; // [E, F]
  b1: Tensor; // [F]
  W2: Tensor; // [F, E]
  b2: Tensor; // [E]
}

/** The block's parameters (PyTorch: self_attn, norm1, linear1/linear2, norm2). */
export interface TransformerEncoderBlockParams {
  attn: MultiHeadAttentionParams;
  gamma1: Tensor; // [E]
  beta1: Tensor; // [E]
  ffn: FeedForwardParams;
  gamma2: Tensor; // [E]
  beta2: Tensor; // [E]
}

/** What `transformerEncoderBlockBackward` needs from the forward pass. */
export interface TransformerEncoderBlockCache {
  // TODO: the fields your backward reads, filled in by your forward.
}

/** Every gradient of the block, named after its parameter. */
export interface TransformerEncoderBlockGrads {
  dx: Tensor; // [N, T, E]
  dWq: Tensor; // [E, E]
  dWk: Tensor; // [E, E]
  dWv: Tensor; // [E, E]
  dbq: Tensor; // [E]
  dbk: Tensor; // [E]
  dbv: Tensor; // [E]
  dWo: Tensor; // [E, E]
  dbo: Tensor; // [E]
  dgamma1: Tensor; // [E]
  dbeta1: Tensor; // [E]
  dW1: Tensor; // [E, F]
  db1: Tensor; // [F]
  dW2: Tensor; // [F, E]
  db2: Tensor; // [E]
  dgamma2: Tensor; // [E]
  dbeta2: Tensor; // [E]
}

/** Given: all N·T positions as rows of a matrix, `[N, T, C]` -> `[N·T, C]`. */
function rows(t: Tensor): Tensor {
  return reshape(t, [-1, t.shape[t.ndim - 1] as number]);
}

/**
 * eq. 4.12 (pre-norm): z = x + MHA(LN1(x)); out = z + FFN(LN2(z)).
 *
 * Chapter 4, "The transformer block" — packages/transformer-bridge/README.md#the-transformer-block
 *
 * @param x        `[N, T, E]`
 * @param p        the block's parameters
 * @param numHeads h, dividing E
 * @param mask     optional 0/1 attention mask that broadcasts to `[N, T, T]` (1 = may attend)
 * @returns `out [N, T, E]`, the attention weights `[N, h, T, T]`, and the cache
 * @throws ShapeError naming the function when `x` is not `[N, T, E]` with the E of the parameters
 */
export function transformerEncoderBlockForward(
  x: Tensor,
  p: TransformerEncoderBlockParams,
  numHeads: number,
  mask?: Tensor,
): { out: Tensor; weights: Tensor; cache: TransformerEncoderBlockCache } {
  // TODO: eq. 4.12 with your layerNormForward and multiHeadAttentionForward, then the FFN.
  notImplemented('transformer-bridge/transformer-encoder-block-forward');
}

/**
 * Backward pass of the pre-norm block. Each residual connection hands its upstream gradient
 * to both branches unchanged, so the gradient of z is dout plus what comes back through the
 * feed-forward branch, and that of x is dz plus what comes back through the attention branch.
 *
 * Chapter 4, "The transformer block" — packages/transformer-bridge/README.md#the-transformer-block
 *
 * @param dout  `[N, T, E]` gradient with respect to `out`
 * @param cache from `transformerEncoderBlockForward`
 * @returns `dx [N, T, E]` and the gradient of every parameter (`dWq` … `dbo`, `dgamma1`,
 *   `dbeta1`, `dW1`, `db1`, `dW2`, `db2`, `dgamma2`, `dbeta2`)
 * @throws ShapeError naming the function when `dout` is not the shape of out
 */
export function transformerEncoderBlockBackward(
  dout: Tensor,
  cache: TransformerEncoderBlockCache,
): TransformerEncoderBlockGrads {
  // TODO: back through the FFN branch and LN2, add the residual, then attention and LN1.
  notImplemented('transformer-bridge/transformer-encoder-block-backward');
}
