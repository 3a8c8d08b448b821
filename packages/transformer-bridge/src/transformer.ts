/**
 * A small encoder-decoder transformer (Vaswani et al. 2017, fig. 1) for the chapter's labs:
 * an encoder stack over the source, a decoder stack over the target shifted right (teacher
 * forcing, as the seq2seq models of chapter 3), cross-attention from every decoder block to
 * the encoder's output, and a linear layer to the target vocabulary. Pre-norm blocks
 * (eq. 4.12), each stack closed by a layer norm.
 *
 * Chapter 4, "The transformer block" — packages/transformer-bridge/README.md#the-transformer-block
 */
import { add, crossEntropy, matmul, noGrad, ones, xavierUniform, zeros } from '@rnn-course/core';
import type { Rng, Tensor } from '@rnn-course/core';
import { causalMask } from './causal-mask';
import { layerNorm } from './layer-norm';
import { keyPaddingMask } from './padding-mask';
import {
  initTransformerDecoderBlock,
  transformerDecoderBlock,
  transformerDecoderBlockParameters,
} from './transformer-decoder-block';
import type { TransformerDecoderBlockParams } from './transformer-decoder-block';
import { TransformerEncoder, embedTokens, initTokenEmbedding } from './transformer-encoder';
import type { TokenEmbeddingParams } from './transformer-encoder';

type Ids = readonly (readonly number[])[];

/** Sizes of an encoder-decoder transformer. */
export interface TransformerConfig {
  srcVocab: number;
  tgtVocab: number;
  /** E, the model width. */
  dModel: number;
  /** h, which must divide E. */
  numHeads: number;
  /** F, the feed-forward width. */
  dFF: number;
  encoderLayers: number;
  decoderLayers: number;
  /** The longest source or target sequence. */
  maxLen: number;
  positional: 'sinusoidal' | 'learned';
}

/** The decoder's parameters (the encoder keeps its own). */
export interface TransformerDecoderParams extends TokenEmbeddingParams {
  blocks: TransformerDecoderBlockParams[];
  gamma: Tensor; // [E] final layer norm
  beta: Tensor; // [E]
  Wy: Tensor; // [E, V_tgt] output layer
  by: Tensor; // [V_tgt]
}

/** Attention weights of one forward pass, per block: `[N, h, Tq, Tk]`. */
export interface AttentionMaps {
  encoder: Tensor[]; // [N, h, Ts, Ts]
  decoderSelf: Tensor[]; // [N, h, Tt, Tt]
  cross: Tensor[]; // [N, h, Tt, Ts]
}

/** An encoder-decoder transformer. */
export class Transformer {
  readonly config: TransformerConfig;
  readonly encoder: TransformerEncoder;
  readonly decoder: TransformerDecoderParams;

  /** @param rng seeds the initial weights */
  constructor(config: TransformerConfig, rng: Rng) {
    const { dModel: E, dFF: F, tgtVocab: V } = config;
    this.config = config;
    this.encoder = new TransformerEncoder(
      {
        vocabSize: config.srcVocab,
        dModel: E,
        numHeads: config.numHeads,
        dFF: F,
        numLayers: config.encoderLayers,
        maxLen: config.maxLen,
        positional: config.positional,
      },
      rng,
    );
    this.decoder = {
      ...initTokenEmbedding(V, E, config.maxLen, config.positional, rng),
      blocks: Array.from({ length: config.decoderLayers }, () =>
        initTransformerDecoderBlock(E, F, rng),
      ),
      gamma: ones([E], { requiresGrad: true }),
      beta: zeros([E], { requiresGrad: true }),
      Wy: xavierUniform([E, V], rng),
      by: zeros([V], { requiresGrad: true }),
    };
  }

  /** Every parameter in a fixed order, for an optimiser. */
  parameters(): Tensor[] {
    const { We, P, blocks, gamma, beta, Wy, by } = this.decoder;
    return [
      ...this.encoder.parameters(),
      We,
      ...(P === null ? [] : [P]),
      ...blocks.flatMap(transformerDecoderBlockParameters),
      gamma,
      beta,
      Wy,
      by,
    ];
  }

  /** Number of trainable numbers. */
  parameterCount(): number {
    return this.parameters().reduce((s, p) => s + p.size, 0);
  }

  /**
   * Logits for every target position, given the source and the target shifted right.
   *
   * @param src        `[N][Ts]` source ids
   * @param tgtIn      `[N][Tt]` decoder inputs: `<bos>` then the target without its last token
   * @param srcLengths optional real lengths of padded sources
   * @returns `logits [N, Tt, V_tgt]` and every block's attention weights
   */
  forward(
    src: Ids,
    tgtIn: Ids,
    srcLengths?: readonly number[],
  ): { logits: Tensor; maps: AttentionMaps } {
    const enc = this.encoder.forward(src, srcLengths); // memory [N, Ts, E]
    const Ts = src[0]?.length ?? 0;
    const Tt = tgtIn[0]?.length ?? 0;
    const memoryMask = srcLengths === undefined ? undefined : keyPaddingMask(srcLengths, Ts); // [N, 1, Ts]
    const opts = { numHeads: this.config.numHeads, normFirst: true };
    let y = embedTokens(this.decoder, tgtIn); // [N, Tt, E]
    const decoderSelf: Tensor[] = [];
    const cross: Tensor[] = [];
    for (const block of this.decoder.blocks) {
      const r = transformerDecoderBlock(y, enc.h, block, opts, causalMask(Tt), memoryMask);
      y = r.out; // [N, Tt, E]
      decoderSelf.push(r.selfWeights);
      cross.push(r.crossWeights);
    }
    const h = layerNorm(y, this.decoder.gamma, this.decoder.beta); // [N, Tt, E]
    const logits = add(matmul(h, this.decoder.Wy), this.decoder.by); // [N, Tt, E]·[E, V] = [N, Tt, V]
    return { logits, maps: { encoder: enc.weights, decoderSelf, cross } };
  }

  /**
   * Mean cross-entropy over the target positions (teacher forcing), a differentiable scalar.
   *
   * @param tgtOut `[N][Tt]` the tokens each position must predict
   * @param mask   optional `[N][Tt]` 0/1, 0 at padding
   */
  loss(src: Ids, tgtIn: Ids, tgtOut: Ids, mask?: Ids, srcLengths?: readonly number[]): Tensor {
    const { logits } = this.forward(src, tgtIn, srcLengths);
    return crossEntropy(logits, tgtOut, mask === undefined ? {} : { mask });
  }

  /**
   * Greedy decoding: starting from `<bos>`, appends the most probable token `length` times.
   * The decoder is rerun over the whole prefix at every step (simple, and cheap at these
   * sizes; `TransformerEncoder.step` shows the key/value cache that avoids it).
   *
   * @returns `[N][length]` generated ids (without `<bos>`)
   */
  greedyDecode(src: Ids, bos: number, length: number, srcLengths?: readonly number[]): number[][] {
    return noGrad(() => {
      const out: number[][] = src.map(() => []);
      for (let t = 0; t < length; t++) {
        const tgtIn = out.map((row) => [bos, ...row]); // [N][t + 1]
        const { logits } = this.forward(src, tgtIn, srcLengths); // [N, t + 1, V]
        const V = logits.shape[2] as number;
        out.forEach((row, n) => {
          const at = (n * (t + 1) + t) * V; // the last position's logits
          let best = 0;
          for (let v = 1; v < V; v++) if (logits.data[at + v]! > logits.data[at + best]!) best = v;
          row.push(best);
        });
      }
      return out;
    });
  }
}
