/**
 * Seeded inputs for the chapter's suites. The scales keep tanh away from saturation
 * (pre-activations mostly within ±2), so every gradient is of order 0.01 to 1 and a wrong
 * term cannot hide behind a derivative that is nearly zero.
 */
import { Rng, randn, type Tensor } from '@rnn-course/core';

/** The inputs of one RNN step: x [N, D], prevH [N, H], Wx [D, H], Wh [H, H], b [H]. */
export interface StepInputs {
  x: Tensor;
  prevH: Tensor;
  Wx: Tensor;
  Wh: Tensor;
  b: Tensor;
}

/** The inputs of an RNN over a sequence: x [N, T, D], h0 [N, H], Wx [D, H], Wh [H, H], b [H]. */
export interface SequenceInputs {
  x: Tensor;
  h0: Tensor;
  Wx: Tensor;
  Wh: Tensor;
  b: Tensor;
}

/** One step's inputs from `seed`; `gain` scales the weights (large gain saturates tanh). */
export function stepInputs(seed: number, N: number, D: number, H: number, gain = 1): StepInputs {
  const rng = new Rng(seed);
  return {
    x: randn([N, D], rng), // [N, D]
    prevH: randn([N, H], rng, { std: 0.5 }), // [N, H]
    Wx: randn([D, H], rng, { std: (0.5 * gain) / Math.sqrt(D) }), // [D, H]
    Wh: randn([H, H], rng, { std: (0.5 * gain) / Math.sqrt(H) }), // [H, H]
    b: randn([H], rng, { std: 0.2 * gain }), // [H]
  };
}

/** A sequence's inputs from `seed`. */
export function sequenceInputs(
  seed: number,
  N: number,
  T: number,
  D: number,
  H: number,
): SequenceInputs {
  const rng = new Rng(seed);
  return {
    x: randn([N, T, D], rng), // [N, T, D]
    h0: randn([N, H], rng, { std: 0.5 }), // [N, H]
    Wx: randn([D, H], rng, { std: 0.5 / Math.sqrt(D) }), // [D, H]
    Wh: randn([H, H], rng, { std: 0.6 / Math.sqrt(H) }), // [H, H]
    b: randn([H], rng, { std: 0.2 }), // [H]
  };
}

/** A standard normal tensor of `shape` from `seed`: upstream gradients and logits. */
export function normal(seed: number, shape: readonly number[], std = 1): Tensor {
  return randn(shape, new Rng(seed), { std });
}

/** Integer ids [N][T] in [0, V) from `seed`. */
export function ids(seed: number, N: number, T: number, V: number): number[][] {
  const rng = new Rng(seed);
  return Array.from({ length: N }, () => Array.from({ length: T }, () => rng.int(V)));
}
