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
import {
  add,
  assertShape,
  fromData,
  matmul,
  mul,
  relu,
  reshape,
  sum,
  transpose,
} from '@rnn-course/core';
import type { Tensor } from '@rnn-course/core';
import { layerNormBackward, layerNormForward } from './layer-norm';
import type { LayerNormCache } from './layer-norm';
import { multiHeadAttentionBackward, multiHeadAttentionForward } from './multi-head-attention';
import type { MultiHeadAttentionCache, MultiHeadAttentionParams } from './multi-head-attention';

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
  // BEGIN SOLUTION: the fields your backward reads, filled in by your forward.
  readonly ln1: LayerNormCache;
  readonly attn: MultiHeadAttentionCache;
  readonly ln2: LayerNormCache;
  readonly ffnIn: Tensor; // [N, T, E], LN2(z)
  readonly hidden: Tensor; // [N, T, F], relu(LN2(z) W1 + b1)
  readonly ffn: FeedForwardParams;
  // END SOLUTION
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
  // BEGIN SOLUTION: eq. 4.12 with your layerNormForward and multiHeadAttentionForward, then the FFN.
  const E = p.gamma1.shape[0] as number;
  assertShape('transformerEncoderBlockForward', x, [null, null, E], 'x');
  const { W1, b1, W2, b2 } = p.ffn;
  // First sub-layer: self-attention on the normalised input, added to the input itself.
  const ln1 = layerNormForward(x, p.gamma1, p.beta1); // [N, T, E]
  const a = multiHeadAttentionForward(ln1.out, ln1.out, ln1.out, p.attn, numHeads, mask);
  const z = add(x, a.out); // [N, T, E]
  // Second sub-layer: the feed-forward network (eq. 4.14) on the normalised z, added to z.
  const ln2 = layerNormForward(z, p.gamma2, p.beta2); // [N, T, E]
  const hidden = relu(add(matmul(ln2.out, W1), b1)); // [N, T, E]·[E, F] = [N, T, F]
  const ffnOut = add(matmul(hidden, W2), b2); // [N, T, F]·[F, E] = [N, T, E]
  const out = add(z, ffnOut); // [N, T, E]
  return {
    out,
    weights: a.weights,
    cache: { ln1: ln1.cache, attn: a.cache, ln2: ln2.cache, ffnIn: ln2.out, hidden, ffn: p.ffn },
  };
  // END SOLUTION
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
  // BEGIN SOLUTION: back through the FFN branch and LN2, add the residual, then attention and LN1.
  const { ln1, attn, ln2, ffnIn, hidden, ffn } = cache;
  assertShape('transformerEncoderBlockBackward', dout, ffnIn.shape, 'dout');
  // Feed-forward branch, back from out = z + (relu(u W1 + b1) W2 + b2), u = LN2(z).
  const db2 = sum(rows(dout), 0); // [E]
  const dW2 = matmul(transpose(rows(hidden)), rows(dout)); // [F, N·T]·[N·T, E] = [F, E]
  const dhidden = matmul(dout, transpose(ffn.W2)); // [N, T, E]·[E, F] = [N, T, F]
  // relu' is 1 where the unit was active: hidden > 0 marks exactly those.
  const active = fromData(
    hidden.data.map((v) => (v > 0 ? 1 : 0)),
    hidden.shape,
  ); // [N, T, F]
  const dpre = mul(dhidden, active); // [N, T, F]
  const db1 = sum(rows(dpre), 0); // [F]
  const dW1 = matmul(transpose(rows(ffnIn)), rows(dpre)); // [E, N·T]·[N·T, F] = [E, F]
  const du = matmul(dpre, transpose(ffn.W1)); // [N, T, F]·[F, E] = [N, T, E]
  const n2 = layerNormBackward(du, ln2);
  // Residual: z feeds both the output and the feed-forward branch.
  const dz = add(dout, n2.dx); // [N, T, E]
  // Attention branch: query, key and value are all LN1(x), so their gradients add.
  const g = multiHeadAttentionBackward(dz, attn);
  const dln1 = add(add(g.dquery, g.dkey), g.dvalue); // [N, T, E]
  const n1 = layerNormBackward(dln1, ln1);
  const dx = add(dz, n1.dx); // residual: x feeds both z and the attention branch
  return {
    dx,
    dWq: g.dWq,
    dWk: g.dWk,
    dWv: g.dWv,
    dbq: g.dbq,
    dbk: g.dbk,
    dbv: g.dbv,
    dWo: g.dWo,
    dbo: g.dbo,
    dgamma1: n1.dgamma,
    dbeta1: n1.dbeta,
    dW1,
    db1,
    dW2,
    db2,
    dgamma2: n2.dgamma,
    dbeta2: n2.dbeta,
  };
  // END SOLUTION
}
