/**
 * A transformer decoder block (Vaswani et al. 2017, sec. 3.1): masked self-attention over the
 * target so far, attention over the encoder's output (cross-attention, the encoder-decoder
 * attention of chapter 3 with queries from the decoder and keys and values from the encoder),
 * and the feed-forward network, each with a residual connection and a layer norm, as PyTorch's
 * `nn.TransformerDecoderLayer`:
 *
 *   pre-norm:  z1 = y + SA(LN1(y));  z2 = z1 + CA(LN2(z1), m);  out = z2 + FFN(LN3(z2))
 *   post-norm: z1 = LN1(y + SA(y));  z2 = LN2(z1 + CA(z1, m));  out = LN3(z2 + FFN(z2))
 *
 * Chapter 4, "The transformer block" — packages/transformer-bridge/README.md#the-transformer-block
 */
import { add, assertShape, ones, zeros } from '@rnn-course/core';
import type { Rng, Tensor } from '@rnn-course/core';
import { feedForward, initFeedForward } from './feed-forward';
import type { FeedForwardParams } from './feed-forward';
import { LAYER_NORM_EPS, layerNorm } from './layer-norm';
import {
  initMultiHeadAttention,
  multiHeadAttention,
  multiHeadAttentionParameters,
} from './multi-head-attention';
import type { MultiHeadAttentionParams } from './multi-head-attention';
import type { TransformerBlockOptions } from './transformer-encoder-block';

/** The parameters of one decoder block of width E and feed-forward width F. */
export interface TransformerDecoderBlockParams {
  selfAttn: MultiHeadAttentionParams;
  crossAttn: MultiHeadAttentionParams; // PyTorch's multihead_attn
  gamma1: Tensor; // [E]
  beta1: Tensor; // [E]
  gamma2: Tensor; // [E]
  beta2: Tensor; // [E]
  gamma3: Tensor; // [E]
  beta3: Tensor; // [E]
  ffn: FeedForwardParams;
}

/** The parameters in a fixed order, for an optimiser. */
export function transformerDecoderBlockParameters(p: TransformerDecoderBlockParams): Tensor[] {
  const { W1, b1, W2, b2 } = p.ffn;
  return [
    ...multiHeadAttentionParameters(p.selfAttn),
    ...multiHeadAttentionParameters(p.crossAttn),
    p.gamma1,
    p.beta1,
    p.gamma2,
    p.beta2,
    p.gamma3,
    p.beta3,
    W1,
    b1,
    W2,
    b2,
  ];
}

/**
 * One decoder block.
 *
 * @param y          `[N, Tt, E]` the target positions so far (shifted right: `<bos>` first)
 * @param memory     `[N, Ts, E]` the encoder's output
 * @param p          the block's parameters
 * @param opts       numHeads, normFirst, eps
 * @param selfMask   0/1 mask that broadcasts to `[N, Tt, Tt]`; normally `causalMask(Tt)`
 * @param memoryMask 0/1 mask that broadcasts to `[N, Tt, Ts]`; normally the source's
 *   `keyPaddingMask`
 * @returns `out [N, Tt, E]`, the self-attention weights `[N, h, Tt, Tt]` and the
 *   cross-attention weights `[N, h, Tt, Ts]`
 */
export function transformerDecoderBlock(
  y: Tensor,
  memory: Tensor,
  p: TransformerDecoderBlockParams,
  opts: TransformerBlockOptions,
  selfMask?: Tensor,
  memoryMask?: Tensor,
): { out: Tensor; selfWeights: Tensor; crossWeights: Tensor } {
  const E = p.gamma1.shape[0] as number;
  assertShape('transformerDecoderBlock', y, [null, null, E], 'y');
  assertShape('transformerDecoderBlock', memory, [y.shape[0] as number, null, E], 'memory');
  const eps = opts.eps ?? LAYER_NORM_EPS;
  const h = opts.numHeads;
  const ln = (t: Tensor, g: Tensor, b: Tensor): Tensor => layerNorm(t, g, b, eps);
  const sa = (t: Tensor) => multiHeadAttention(t, t, t, p.selfAttn, h, selfMask);
  const ca = (t: Tensor) => multiHeadAttention(t, memory, memory, p.crossAttn, h, memoryMask);
  if (opts.normFirst) {
    const s = sa(ln(y, p.gamma1, p.beta1));
    const z1 = add(y, s.out); // [N, Tt, E]
    const c = ca(ln(z1, p.gamma2, p.beta2));
    const z2 = add(z1, c.out); // [N, Tt, E]
    const out = add(z2, feedForward(ln(z2, p.gamma3, p.beta3), p.ffn)); // [N, Tt, E]
    return { out, selfWeights: s.weights, crossWeights: c.weights };
  }
  const s = sa(y);
  const z1 = ln(add(y, s.out), p.gamma1, p.beta1); // [N, Tt, E]
  const c = ca(z1);
  const z2 = ln(add(z1, c.out), p.gamma2, p.beta2); // [N, Tt, E]
  const out = ln(add(z2, feedForward(z2, p.ffn)), p.gamma3, p.beta3); // [N, Tt, E]
  return { out, selfWeights: s.weights, crossWeights: c.weights };
}

/** Initial parameters (as `initTransformerEncoderBlock`). @returns trainable leaves */
export function initTransformerDecoderBlock(
  E: number,
  F: number,
  rng: Rng,
): TransformerDecoderBlockParams {
  const g = (): Tensor => ones([E], { requiresGrad: true });
  const b = (): Tensor => zeros([E], { requiresGrad: true });
  return {
    selfAttn: initMultiHeadAttention(E, rng),
    crossAttn: initMultiHeadAttention(E, rng),
    gamma1: g(),
    beta1: b(),
    gamma2: g(),
    beta2: b(),
    gamma3: g(),
    beta3: b(),
    ffn: initFeedForward(E, F, rng),
  };
}
