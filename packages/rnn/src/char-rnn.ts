/**
 * A character-level language model (Karpathy 2015, "The Unreasonable Effectiveness of
 * Recurrent Neural Networks"): embedding → RNN → temporal affine → softmax, trained to predict
 * the next character, and sampled one character at a time to generate text.
 *
 * Chapter 1, "Language modeling and text generation" —
 * packages/rnn/README.md#language-modeling-and-text-generation
 */
import { noGrad, reshape, timeStep, uniformRnnInit, xavierUniform, zeros } from '@rnn-course/core';
import type { Rng, Tensor } from '@rnn-course/core';
import { referenceLayers } from './layers';
import type { RnnLayers } from './layers';
import { sampleWithTemperature } from './sample-with-temperature';
import { chunkLoss } from './tbptt-step';
import type { CharRnnParams, TextChunk } from './tbptt-step';

/** Sizes of the model. */
export interface CharRnnConfig {
  /** V, the number of distinct characters. */
  vocabSize: number;
  /** D, the size of a character's embedding. */
  embedDim: number;
  /** H, the size of the hidden state. */
  hiddenSize: number;
}

/** The model: six parameters, and the layers it runs on. */
export class CharRnn {
  readonly config: CharRnnConfig;
  readonly params: CharRnnParams;
  readonly layers: RnnLayers;

  /**
   * @param config V, D, H
   * @param rng    seeds the initial weights: We, Wy Glorot-uniform; Wx, Wh, b as PyTorch's
   *   nn.RNN, U(−1/√H, 1/√H); by zero
   * @param layers the reference by default, or `modelWithLayers(...)` to run on exercise code
   */
  constructor(config: CharRnnConfig, rng: Rng, layers: RnnLayers = referenceLayers) {
    const { vocabSize: V, embedDim: D, hiddenSize: H } = config;
    this.config = config;
    this.layers = layers;
    this.params = {
      We: xavierUniform([V, D], rng),
      Wx: uniformRnnInit([D, H], H, rng),
      Wh: uniformRnnInit([H, H], H, rng),
      b: uniformRnnInit([H], H, rng),
      Wy: xavierUniform([H, V], rng),
      by: zeros([V], { requiresGrad: true }),
    };
  }

  /** The parameters in a fixed order (We, Wx, Wh, b, Wy, by), for an optimiser. */
  parameters(): Tensor[] {
    const { We, Wx, Wh, b, Wy, by } = this.params;
    return [We, Wx, Wh, b, Wy, by];
  }

  /** A zero hidden state `[N, H]`, for the first chunk. */
  initialState(batchSize: number): Tensor {
    return zeros([batchSize, this.config.hiddenSize]);
  }

  /**
   * Loss of one chunk (eq. 1.10) as a differentiable scalar; call `.backward()` on it. The
   * next state is detached (truncated BPTT).
   *
   * @param chunk inputs and targets `[N][T]`
   * @param hPrev `[N, H]`
   * @returns `loss` (scalar tensor) and `hNext [N, H]`
   */
  forward(chunk: TextChunk, hPrev: Tensor): { loss: Tensor; hNext: Tensor } {
    return chunkLoss(this.params, chunk, hPrev, this.layers);
  }

  /**
   * Mean loss per character over a text (no gradient), chunk by chunk with the state carried.
   *
   * @param chunks consecutive chunks of the same streams (see `textChunks`)
   * @returns the average of −log p(next character), in nats; perplexity is its exp
   */
  evaluate(chunks: readonly TextChunk[]): number {
    return noGrad(() => {
      let h = this.initialState(chunks[0]?.inputs.length ?? 1);
      let total = 0;
      let count = 0;
      for (const chunk of chunks) {
        const { loss, hNext } = this.forward(chunk, h);
        // The chunk loss sums over its T steps and averages over the N streams (eq. 1.10),
        // so the total over chunks divided by the steps seen is nats per character.
        total += loss.item();
        count += chunk.inputs[0]?.length ?? 0;
        h = hNext;
      }
      return count > 0 ? total / count : NaN;
    });
  }

  /**
   * Generates text: feeds `prefix` through the model, then draws `length` characters one at a
   * time from softmax(logits / τ), each fed back as the next input.
   *
   * @param prefix      ids to start from, at least one
   * @param length      how many ids to generate
   * @param temperature τ > 0 (eq. 1.13)
   * @param rng         one `uniform()` per generated id
   * @returns the generated ids (without the prefix)
   */
  generate(prefix: readonly number[], length: number, temperature: number, rng: Rng): number[] {
    if (prefix.length === 0)
      throw new RangeError('CharRnn.generate: the prefix needs at least one id');
    const { We, Wx, Wh, b, Wy, by } = this.params;
    const V = this.config.vocabSize;
    return noGrad(() => {
      let h = this.initialState(1); // [1, H]
      const step = (id: number): Tensor => {
        const x = this.layers.wordEmbedding([[id]], We); // [1, 1, D]
        const hs = this.layers.rnn(x, h, Wx, Wh, b); // [1, 1, H]
        h = timeStep(hs, 0); // [1, H]
        return reshape(this.layers.temporalAffine(hs, Wy, by), [V]); // [1, 1, V] -> [V]
      };
      let logits = prefix.map(step).at(-1) as Tensor;
      const out: number[] = [];
      for (let k = 0; k < length; k++) {
        const id = sampleWithTemperature(logits, temperature, rng);
        out.push(id);
        if (k < length - 1) logits = step(id);
      }
      return out;
    });
  }
}
