/**
 * Chapter 1's character-level language model (Karpathy 2015) with its recurrent layer chosen by
 * name: embedding → RNN, LSTM or GRU → temporal affine → softmax cross-entropy, trained with
 * truncated BPTT (the state carried across chunks, h and for the LSTM also c) and sampled one
 * character at a time. With `cell: 'rnn'` and the same seed it is chapter 1's `CharRnn`, draw
 * for draw.
 *
 * Chapter 2, "Language modeling again" — packages/lstm-gru/README.md#language-modeling-again
 */
import { noGrad, reshape, xavierUniform, zeros } from '@rnn-course/core';
import type { Rng, Tensor } from '@rnn-course/core';
import { sampleWithTemperature } from '@rnn-course/rnn';
import type { TextChunk } from '@rnn-course/rnn';
import { referenceGatedLayers } from './layers';
import type { GatedLayers } from './layers';
import type { CellKind } from './params';
import { RecurrentLayer, detachState, parameterCount } from './recurrent';
import type { RecurrentState } from './recurrent';

/** The cell and the sizes of the model. */
export interface CharModelConfig {
  cell: CellKind;
  /** V, the number of distinct characters. */
  vocabSize: number;
  /** D, the size of a character's embedding. */
  embedDim: number;
  /** H, the size of the hidden state. */
  hiddenSize: number;
  /** LSTM only: the initial forget-gate bias. */
  forgetBias?: number;
}

/** The model: an embedding, a recurrent layer, a read-out. */
export class CharModel {
  readonly config: CharModelConfig;
  readonly We: Tensor; // [V, D]
  readonly recurrent: RecurrentLayer;
  readonly Wy: Tensor; // [H, V]
  readonly by: Tensor; // [V]

  /**
   * @param config the cell, V, D, H
   * @param rng    draws We (Glorot uniform), the recurrent weights (PyTorch's initialisation),
   *   Wy (Glorot uniform), in that order, as chapter 1's CharRnn; by starts at zero
   * @param layers the reference by default, or `modelWithGatedLayers(...)`
   */
  constructor(config: CharModelConfig, rng: Rng, layers: GatedLayers = referenceGatedLayers) {
    const { vocabSize: V, embedDim: D, hiddenSize: H } = config;
    this.config = config;
    this.We = xavierUniform([V, D], rng);
    const recurrent = { cell: config.cell, inputSize: D, hiddenSize: H };
    this.recurrent = new RecurrentLayer(
      config.forgetBias === undefined ? recurrent : { ...recurrent, forgetBias: config.forgetBias },
      rng,
      layers,
    );
    this.Wy = xavierUniform([H, V], rng);
    this.by = zeros([V], { requiresGrad: true });
  }

  /** The parameters: We, the recurrent layer's, Wy, by. */
  parameters(): Tensor[] {
    return [this.We, ...this.recurrent.parameters(), this.Wy, this.by];
  }

  /** Their names, in the same order. */
  names(): string[] {
    return ['We', ...this.recurrent.names(), 'Wy', 'by'];
  }

  /** The number of parameters (entries of every tensor). */
  parameterCount(): number {
    return parameterCount(this.parameters());
  }

  /** Zeros, for the first chunk. */
  initialState(batchSize: number): RecurrentState {
    return this.recurrent.initialState(batchSize);
  }

  /**
   * The chunk's loss (chapter 1's eq. 1.10: summed over the T steps, averaged over the N
   * streams) as a differentiable scalar, and the state to carry, detached (truncated BPTT).
   *
   * @param chunk inputs and targets `[N][T]`
   * @param state where the previous chunk ended
   * @returns `loss` (scalar tensor) and `next`, the state after the chunk's last step
   */
  forward(chunk: TextChunk, state: RecurrentState): { loss: Tensor; next: RecurrentState } {
    const { layers } = this.recurrent;
    const x = layers.wordEmbedding(chunk.inputs, this.We); // [N, T, D]
    const { h, last } = this.recurrent.forward(x, detachState(state)); // [N, T, H]
    const logits = layers.temporalAffine(h, this.Wy, this.by); // [N, T, V]
    return { loss: layers.temporalSoftmaxLoss(logits, chunk.targets), next: detachState(last) };
  }

  /**
   * Mean loss per character over a text (no gradient), chunk by chunk with the state carried.
   *
   * @param chunks consecutive chunks of the same streams (chapter 1's `textChunks`)
   * @returns the average of −log p(next character), in nats; perplexity is its exp
   */
  evaluate(chunks: readonly TextChunk[]): number {
    return noGrad(() => {
      let state = this.initialState(chunks[0]?.inputs.length ?? 1);
      let total = 0;
      let count = 0;
      for (const chunk of chunks) {
        const { loss, next } = this.forward(chunk, state);
        total += loss.item(); // summed over T, averaged over N
        count += chunk.inputs[0]?.length ?? 0;
        state = next;
      }
      return count > 0 ? total / count : NaN;
    });
  }

  /**
   * Generates text: feeds `prefix`, then draws `length` characters one at a time from
   * softmax(logits / τ) (chapter 1's eq. 1.13), each fed back as the next input.
   *
   * @param prefix      ids to start from, at least one
   * @param length      how many ids to generate
   * @param temperature τ > 0
   * @param rng         one `uniform()` per generated id
   * @returns the generated ids (without the prefix)
   */
  generate(prefix: readonly number[], length: number, temperature: number, rng: Rng): number[] {
    if (prefix.length === 0) {
      throw new RangeError('CharModel.generate: the prefix needs at least one id');
    }
    const V = this.config.vocabSize;
    const { layers } = this.recurrent;
    return noGrad(() => {
      let state = this.initialState(1);
      const step = (id: number): Tensor => {
        const x = layers.wordEmbedding([[id]], this.We); // [1, 1, D]
        const { h, last } = this.recurrent.forward(x, state); // [1, 1, H]
        state = last;
        return reshape(layers.temporalAffine(h, this.Wy, this.by), [V]); // [1, 1, V] -> [V]
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
