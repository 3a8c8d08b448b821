/**
 * The browser lab's model and training loop: chapter 1's character-level language model
 * (`CharRnn` from `@rnn-course/rnn`: embedding eq. 1.6 -> RNN eq. 1.1 -> affine eq. 1.8 ->
 * softmax cross-entropy eq. 1.10) trained with truncated BPTT, clipping by the global norm
 * (eq. 1.12) and Adam, as `packages/rnn/labs/char-rnn.ts` trains it in Node. Nothing here
 * touches the DOM or Node: the Web Worker runs it in the browser, the package's tests in Node,
 * and both see the same numbers for the same seed.
 */
import { Adam, Rng, clipGradNormInPlace } from '@rnn-course/core';
import type { Tensor } from '@rnn-course/core';
import { CharRnn, buildVocab, textChunks } from '@rnn-course/rnn';
import type { TextChunk, Vocab } from '@rnn-course/rnn';

/** Sizes and schedule of a browser run. */
export interface TrainerSettings {
  /** H, the size of the hidden state (the page's control). */
  hiddenSize: number;
  /** D, the size of a character's embedding. */
  embedDim: number;
  /** N, parallel streams of text per step. */
  batchSize: number;
  /** T, characters per chunk (the truncation length). */
  seqLen: number;
  /** Adam's learning rate. */
  lr: number;
  /** Clipping threshold c of eq. 1.12. */
  maxNorm: number;
  /** Seeds the initial weights. */
  seed: number;
  /** Validation chunks per measurement. */
  validationChunks: number;
}

/** The page's defaults: a step takes tens of milliseconds on one core. */
export const BROWSER_LAB: TrainerSettings = {
  hiddenSize: 64,
  embedDim: 16,
  batchSize: 16,
  seqLen: 32,
  lr: 1e-2,
  maxNorm: 5,
  seed: 0,
  validationChunks: 8,
};

/** The hidden sizes the page offers. */
export const HIDDEN_SIZES: readonly number[] = [16, 32, 64, 128];

/** What one training step measured. */
export interface StepResult {
  /** Steps taken so far, this one included (1 for the first). */
  step: number;
  /** The chunk's loss per character (nats), before the update. */
  loss: number;
  /** The global norm of the gradient before clipping. */
  gradNorm: number;
}

/** The model, its optimiser and the text, one step at a time. */
export class CharRnnTrainer {
  readonly settings: TrainerSettings;
  readonly vocab: Vocab;
  readonly model: CharRnn;
  private readonly optimizer: Adam;
  private readonly chunks: TextChunk[];
  private readonly validation: TextChunk[];
  private h: Tensor; // [N, H], carried across chunks, detached (truncated BPTT)
  private next = 0; // index of the next chunk
  private steps = 0;

  /**
   * @param train      text to train on
   * @param validation held-out text (its characters must occur in `train` or in itself)
   * @param settings   sizes and schedule
   */
  constructor(train: string, validation: string, settings: TrainerSettings) {
    this.settings = settings;
    this.vocab = buildVocab(train + validation);
    const { batchSize: N, seqLen: T } = settings;
    this.chunks = textChunks(this.vocab.encode(train), N, T); // each [N][T]
    this.validation = textChunks(this.vocab.encode(validation), N, T).slice(
      0,
      settings.validationChunks,
    );
    this.model = new CharRnn(
      { vocabSize: this.vocab.size, embedDim: settings.embedDim, hiddenSize: settings.hiddenSize },
      new Rng(settings.seed),
    );
    this.optimizer = new Adam(this.model.parameters(), { lr: settings.lr });
    this.h = this.model.initialState(N);
  }

  /** Steps taken so far. */
  get step(): number {
    return this.steps;
  }

  /** One update on the next chunk: loss (eq. 1.10), backward, clipping (eq. 1.12), Adam. */
  trainStep(): StepResult {
    if (this.next === this.chunks.length) {
      this.next = 0; // a new epoch starts from a zero state
      this.h = this.model.initialState(this.settings.batchSize);
    }
    const chunk = this.chunks[this.next++] as TextChunk;
    this.optimizer.zeroGrad();
    const { loss, hNext } = this.model.forward(chunk, this.h);
    loss.backward();
    this.h = hNext;
    const gradNorm = clipGradNormInPlace(this.model.parameters(), this.settings.maxNorm);
    this.optimizer.step();
    this.steps++;
    // The chunk loss sums over T steps and averages over N streams: / T is nats per character.
    return { step: this.steps, loss: loss.item() / this.settings.seqLen, gradNorm };
  }

  /** Loss per character (nats) on the held-out chunks, without gradients. */
  validationLoss(): number {
    return this.model.evaluate(this.validation);
  }

  /**
   * Text from the model: `prompt`, then `length` characters drawn at temperature `τ`
   * (eq. 1.13), with its own seeded generator so that a sample does not disturb training.
   */
  sample(prompt: string, length: number, temperature: number, seed: number): string {
    const ids = this.vocab.encode(prompt);
    return prompt + this.vocab.decode(this.model.generate(ids, length, temperature, new Rng(seed)));
  }
}
