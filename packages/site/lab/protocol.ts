/**
 * The messages between the lab page and its Web Worker. The page sends commands; the worker
 * trains and reports every step, and every `evalEvery` steps a validation loss and a sample.
 */

/** Page -> worker. */
export type LabCommand =
  /** Builds a fresh model (discarding any other) and measures its validation loss. */
  | { type: 'reset'; hiddenSize: number; seed: number; maxSteps: number; temperature: number }
  /** Trains until `pause` or until the model has taken `maxSteps` steps. */
  | { type: 'train' }
  | { type: 'pause' }
  /** Used by the next samples. */
  | { type: 'temperature'; temperature: number }
  /** A sample now, at the current temperature. */
  | { type: 'sample' };

/** Worker -> page. */
export type LabEvent =
  | {
      type: 'ready';
      vocabSize: number;
      trainChars: number;
      validationChars: number;
      source: string;
      /** Validation loss per character of the untrained model (step 0). */
      validationLoss: number;
      /** Parameters of the model. */
      parameters: number;
    }
  | { type: 'step'; step: number; loss: number; gradNorm: number; msPerStep: number }
  | { type: 'validation'; step: number; loss: number }
  | { type: 'sample'; step: number; temperature: number; text: string }
  /** Training stopped: paused, or `maxSteps` reached (`finished`). */
  | { type: 'stopped'; step: number; finished: boolean }
  | { type: 'error'; message: string };

/** Steps between two validation measurements and samples. */
export const EVAL_EVERY = 20;

/** The prompt every sample starts from (the Node lab's). */
export const PROMPT = 'The state of the Union';

/** Characters generated per sample. */
export const SAMPLE_LENGTH = 160;
