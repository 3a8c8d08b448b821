/**
 * A stack of transformer encoder blocks over token ids: embedding (scaled by √E, Vaswani et al.
 * 2017, sec. 3.4), positional encoding (eq. 4.8, or learned), `numLayers` pre-norm blocks
 * (eq. 4.12) and a final layer norm. With `causal: true` every position sees only itself and
 * the positions before it, and the stack is a decoder-only (GPT-style) transformer that can
 * generate one token at a time with a key/value cache (`step`).
 *
 * Chapter 4, "The transformer block" — packages/transformer-bridge/README.md#the-transformer-block
 */
import { add, embedding, mul, noGrad, ones, scale, xavierUniform, zeros } from '@rnn-course/core';
import type { Rng, Tensor } from '@rnn-course/core';
import { causalMask } from './causal-mask';
import { feedForward } from './feed-forward';
import { layerNorm } from './layer-norm';
import { multiHeadAttentionStep } from './multi-head-attention';
import { keyPaddingMask } from './padding-mask';
import { learnedPositionalEmbedding } from './learned-positional-embedding';
import { sinusoidalPositionalEncoding } from './sinusoidal-positional-encoding';
import {
  initTransformerEncoderBlock,
  transformerEncoderBlock,
  transformerEncoderBlockParameters,
} from './transformer-encoder-block';
import type { TransformerEncoderBlockParams } from './transformer-encoder-block';

/** Sizes of an encoder stack. */
export interface TransformerEncoderConfig {
  /** V, the number of token ids. */
  vocabSize: number;
  /** E, the model width. */
  dModel: number;
  /** h, which must divide E. */
  numHeads: number;
  /** F, the feed-forward width (4E in the paper). */
  dFF: number;
  numLayers: number;
  /** The longest sequence (the size of a learned position table). */
  maxLen: number;
  positional: 'sinusoidal' | 'learned';
  /** Each position attends only to itself and earlier positions (default false). */
  causal?: boolean;
}

/** Token embeddings and, when learned, the position table. */
export interface TokenEmbeddingParams {
  We: Tensor; // [V, E] token embeddings
  P: Tensor | null; // [maxLen, E] learned positions, or null for sinusoidal ones
}

/** The parameters of an encoder stack. */
export interface TransformerEncoderParams extends TokenEmbeddingParams {
  blocks: TransformerEncoderBlockParams[];
  gamma: Tensor; // [E] final layer norm
  beta: Tensor; // [E]
}

/** What `step` keeps between two generated tokens: per block, the keys and values so far. */
export interface KeyValueCache {
  /** Positions already seen. */
  length: number;
  /** Per block: `K, V [N, h, length, dk]`. */
  layers: { K: Tensor; V: Tensor }[];
}

/** Bytes of float64 numbers a key/value cache holds. */
export function keyValueCacheBytes(cache: KeyValueCache): number {
  return cache.layers.reduce((s, { K, V }) => s + 8 * (K.size + V.size), 0);
}

/**
 * Token embeddings scaled by √E plus the positions `start … start + T − 1` (eq. 4.8, or rows
 * of the learned table): the input of a stack.
 *
 * @param ids `[N][T]` token ids
 * @returns `[N, T, E]`
 */
export function embedTokens(
  p: TokenEmbeddingParams,
  ids: readonly (readonly number[])[],
  start = 0,
): Tensor {
  const E = p.We.shape[1] as number;
  const T = ids[0]?.length ?? 0;
  const x = scale(embedding(p.We, ids), Math.sqrt(E)); // [N, T, E], scaled as sec. 3.4
  const pos =
    p.P === null
      ? sinusoidalPositionalEncoding(T, E, 10000, start) // [T, E], positions start..
      : learnedPositionalEmbedding(p.P, T, start); // [T, E]
  return add(x, pos); // [N, T, E], positions broadcast over the batch
}

/** Initial token embeddings (Glorot-uniform) and, for learned positions, the table. */
export function initTokenEmbedding(
  V: number,
  E: number,
  maxLen: number,
  positional: 'sinusoidal' | 'learned',
  rng: Rng,
): TokenEmbeddingParams {
  return {
    We: xavierUniform([V, E], rng),
    P: positional === 'learned' ? xavierUniform([maxLen, E], rng) : null,
  };
}

/** An encoder stack (or, with `causal`, a decoder-only transformer) over token ids. */
export class TransformerEncoder {
  readonly config: TransformerEncoderConfig;
  readonly params: TransformerEncoderParams;

  /** @param rng seeds the initial weights (see the `init…` functions) */
  constructor(config: TransformerEncoderConfig, rng: Rng) {
    const { vocabSize: V, dModel: E, dFF: F, numLayers, maxLen, positional } = config;
    this.config = config;
    this.params = {
      ...initTokenEmbedding(V, E, maxLen, positional, rng),
      blocks: Array.from({ length: numLayers }, () => initTransformerEncoderBlock(E, F, rng)),
      gamma: ones([E], { requiresGrad: true }),
      beta: zeros([E], { requiresGrad: true }),
    };
  }

  /** Every parameter in a fixed order, for an optimiser. */
  parameters(): Tensor[] {
    const { We, P, blocks, gamma, beta } = this.params;
    return [
      We,
      ...(P === null ? [] : [P]),
      ...blocks.flatMap(transformerEncoderBlockParameters),
      gamma,
      beta,
    ];
  }

  /** Number of trainable numbers. */
  parameterCount(): number {
    return this.parameters().reduce((s, p) => s + p.size, 0);
  }

  /**
   * Runs the stack over whole sequences.
   *
   * @param ids     `[N][T]` token ids, T <= maxLen
   * @param lengths optional real lengths of padded sequences (keys past them are masked)
   * @returns `h [N, T, E]` (after the final layer norm) and each block's attention weights
   *   `[N, h, T, T]`
   */
  forward(
    ids: readonly (readonly number[])[],
    lengths?: readonly number[],
  ): { h: Tensor; weights: Tensor[] } {
    const T = ids[0]?.length ?? 0;
    let mask: Tensor | undefined;
    if (this.config.causal) mask = causalMask(T); // [T, T]
    if (lengths !== undefined) {
      const pad = keyPaddingMask(lengths, T); // [N, 1, T]
      mask = mask === undefined ? pad : mul(mask, pad); // [T, T]·[N, 1, T] -> [N, T, T]
    }
    const opts = { numHeads: this.config.numHeads, normFirst: true };
    let x = embedTokens(this.params, ids); // [N, T, E]
    const weights: Tensor[] = [];
    for (const block of this.params.blocks) {
      const r = transformerEncoderBlock(x, block, opts, mask); // [N, T, E]
      x = r.out;
      weights.push(r.weights);
    }
    return { h: layerNorm(x, this.params.gamma, this.params.beta), weights }; // [N, T, E]
  }

  /**
   * One generation step of a causal stack with a key/value cache (no gradient): the new
   * tokens' outputs equal the last row of `forward` over the whole prefix, at the cost of one
   * position instead of all of them.
   *
   * @param ids   one token id per sequence, `[N]`, at position `cache.length` (0 without cache)
   * @param cache what the earlier steps kept, or null at the first position
   * @returns `h [N, 1, E]` and the cache extended by one position
   * @throws Error when the stack is not causal; RangeError past maxLen
   */
  step(ids: readonly number[], cache: KeyValueCache | null): { h: Tensor; cache: KeyValueCache } {
    if (!this.config.causal) {
      throw new Error('TransformerEncoder.step: only a causal stack generates token by token');
    }
    const t = cache === null ? 0 : cache.length;
    if (t >= this.config.maxLen) {
      throw new RangeError(
        `TransformerEncoder.step: position ${t} is past maxLen ${this.config.maxLen}`,
      );
    }
    return noGrad(() => {
      let x = embedTokens(
        this.params,
        ids.map((id) => [id]),
        t,
      ); // [N, 1, E]
      const layers: { K: Tensor; V: Tensor }[] = [];
      this.params.blocks.forEach((p, l) => {
        // eq. 4.12 at one position; attention reads the cached keys and values (eq. 4.7).
        const a = multiHeadAttentionStep(
          layerNorm(x, p.gamma1, p.beta1),
          p.attn,
          this.config.numHeads,
          cache === null ? null : (cache.layers[l] as { K: Tensor; V: Tensor }),
        );
        const z = add(x, a.out); // [N, 1, E]
        x = add(z, feedForward(layerNorm(z, p.gamma2, p.beta2), p.ffn)); // [N, 1, E]
        layers.push(a.cache);
      });
      const h = layerNorm(x, this.params.gamma, this.params.beta); // [N, 1, E]
      return { h, cache: { length: t + 1, layers } };
    });
  }
}
