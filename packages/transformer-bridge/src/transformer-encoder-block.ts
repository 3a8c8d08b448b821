/**
 * A transformer encoder block (Vaswani et al. 2017, sec. 3.1): self-attention and a
 * position-wise feed-forward network, each wrapped in a residual connection and a layer norm.
 * Its layout and parameter names follow PyTorch's `nn.TransformerEncoderLayer` (with dropout 0
 * and the ReLU activation), so its weights load from that layer's `state_dict`.
 *
 * Where the layer norm sits is PyTorch's `norm_first`:
 *
 *   pre-norm  (normFirst: true):   z = x + MHA(LN1(x));   out = z + FFN(LN2(z))      (eq. 4.12)
 *   post-norm (normFirst: false):  z = LN1(x + MHA(x));   out = LN2(z + FFN(z))      (eq. 4.13)
 *
 * Post-norm is the original paper's (and PyTorch's default). This chapter's models use
 * pre-norm: the residual path from the input to the output is then the identity, the gradients
 * at initialisation are well scaled at every depth, and a model trains without the learning
 * rate warm-up post-norm needs (Xiong et al. 2020). A pre-norm stack ends with one more layer
 * norm (see `TransformerEncoder`).
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
  multiHeadAttentionFromStateDict,
  multiHeadAttentionParameters,
} from './multi-head-attention';
import type { MultiHeadAttentionParams } from './multi-head-attention';
import { linearWeightIn, parameter, stateTensor } from './state-dict';
import type { StateDict } from './state-dict';

/** The parameters of one encoder block of width E and feed-forward width F. */
export interface TransformerEncoderBlockParams {
  attn: MultiHeadAttentionParams; // self-attention, PyTorch's self_attn
  gamma1: Tensor; // [E], norm1.weight
  beta1: Tensor; // [E], norm1.bias
  ffn: FeedForwardParams; // linear1 [E, F], linear2 [F, E]
  gamma2: Tensor; // [E], norm2.weight
  beta2: Tensor; // [E], norm2.bias
}

/** How a block is wired. */
export interface TransformerBlockOptions {
  /** h, which must divide E. */
  numHeads: number;
  /** true: pre-norm (eq. 4.12, this chapter's choice); false: post-norm (eq. 4.13). */
  normFirst: boolean;
  /** Layer norm's eps (default 1e-5, PyTorch's). */
  eps?: number;
}

/** The parameters in a fixed order, for an optimiser. */
export function transformerEncoderBlockParameters(p: TransformerEncoderBlockParams): Tensor[] {
  const { W1, b1, W2, b2 } = p.ffn;
  return [
    ...multiHeadAttentionParameters(p.attn),
    p.gamma1,
    p.beta1,
    W1,
    b1,
    W2,
    b2,
    p.gamma2,
    p.beta2,
  ];
}

/**
 * eq. 4.12 (pre-norm) or eq. 4.13 (post-norm).
 *
 * @param x    `[N, T, E]`
 * @param p    the block's parameters
 * @param opts numHeads, normFirst, eps
 * @param mask optional 0/1 attention mask that broadcasts to `[N, T, T]` (1 = may attend): a
 *   `keyPaddingMask`, a `causalMask`, or their product
 * @returns `out [N, T, E]` and the self-attention weights `weights [N, h, T, T]`
 * @throws ShapeError naming the failing op when the shapes disagree
 */
export function transformerEncoderBlock(
  x: Tensor,
  p: TransformerEncoderBlockParams,
  opts: TransformerBlockOptions,
  mask?: Tensor,
): { out: Tensor; weights: Tensor } {
  assertShape('transformerEncoderBlock', x, [null, null, p.gamma1.shape[0] ?? null], 'x');
  const eps = opts.eps ?? LAYER_NORM_EPS;
  const ln1 = (t: Tensor): Tensor => layerNorm(t, p.gamma1, p.beta1, eps); // [N, T, E]
  const ln2 = (t: Tensor): Tensor => layerNorm(t, p.gamma2, p.beta2, eps); // [N, T, E]
  const selfAttention = (t: Tensor) => multiHeadAttention(t, t, t, p.attn, opts.numHeads, mask);
  if (opts.normFirst) {
    const a = selfAttention(ln1(x)); // [N, T, E]
    const z = add(x, a.out); // [N, T, E], residual around attention
    const out = add(z, feedForward(ln2(z), p.ffn)); // [N, T, E], residual around the FFN
    return { out, weights: a.weights };
  }
  const a = selfAttention(x);
  const z = ln1(add(x, a.out)); // [N, T, E]
  const out = ln2(add(z, feedForward(z, p.ffn))); // [N, T, E]
  return { out, weights: a.weights };
}

/**
 * Initial parameters: attention as `initMultiHeadAttention`, the feed-forward network
 * Glorot-uniform, γ = 1 and β = 0 (an identity layer norm).
 *
 * @param E model width, F feed-forward width
 * @returns trainable leaves
 */
export function initTransformerEncoderBlock(
  E: number,
  F: number,
  rng: Rng,
): TransformerEncoderBlockParams {
  return {
    attn: initMultiHeadAttention(E, rng),
    gamma1: ones([E], { requiresGrad: true }),
    beta1: zeros([E], { requiresGrad: true }),
    ffn: initFeedForward(E, F, rng),
    gamma2: ones([E], { requiresGrad: true }),
    beta2: zeros([E], { requiresGrad: true }),
  };
}

/**
 * Loads a PyTorch `nn.TransformerEncoderLayer` from its `state_dict` as JSON: `self_attn.*`
 * (see `multiHeadAttentionFromStateDict`), `linear1.weight [F, E]`, `linear1.bias [F]`,
 * `linear2.weight [E, F]`, `linear2.bias [E]`, `norm1.weight`, `norm1.bias`, `norm2.weight`,
 * `norm2.bias [E]`. Linear weights are transposed into this course's `[in, out]`.
 *
 * @throws ShapeError naming the key and both shapes when an entry is missing or misshapen
 */
export function transformerEncoderBlockFromStateDict(
  sd: StateDict,
  prefix = '',
): TransformerEncoderBlockParams {
  const op = 'transformerEncoderBlockFromStateDict';
  const attn = multiHeadAttentionFromStateDict(sd, `${prefix}self_attn.`);
  const E = attn.bo.shape[0] as number;
  const raw = sd[`${prefix}linear1.bias`];
  const F = Array.isArray(raw) ? raw.length : 0;
  const vector = (key: string, n: number): Tensor =>
    parameter(stateTensor(op, sd, prefix + key, [n]));
  return {
    attn,
    gamma1: vector('norm1.weight', E),
    beta1: vector('norm1.bias', E),
    ffn: {
      W1: linearWeightIn(op, sd, `${prefix}linear1.weight`, [E, F]),
      b1: vector('linear1.bias', F),
      W2: linearWeightIn(op, sd, `${prefix}linear2.weight`, [F, E]),
      b2: vector('linear2.bias', E),
    },
    gamma2: vector('norm2.weight', E),
    beta2: vector('norm2.bias', E),
  };
}
