/**
 * Seeded inputs for chapter 2's suites. The scales keep the gates away from saturation
 * (pre-activations mostly within ±2), so every gate's derivative is of order 0.1 and a wrong
 * term cannot hide behind one that is nearly zero; N, D and H differ from one another, so a
 * transpose or a swapped axis changes a shape.
 */
import { Rng, randn, type Tensor } from '@rnn-course/core';

/** The inputs of one LSTM step: x [N, D], prevH, prevC [N, H], Wx [D, 4H], Wh [H, 4H], b [4H]. */
export interface LstmStepInputs {
  x: Tensor;
  prevH: Tensor;
  prevC: Tensor;
  Wx: Tensor;
  Wh: Tensor;
  b: Tensor;
}

/** An LSTM over a sequence: x [N, T, D], h0, c0 [N, H], Wx [D, 4H], Wh [H, 4H], b [4H]. */
export interface LstmSequenceInputs {
  x: Tensor;
  h0: Tensor;
  c0: Tensor;
  Wx: Tensor;
  Wh: Tensor;
  b: Tensor;
}

/** One GRU step: x [N, D], prevH [N, H], Wx [D, 3H], Wh [H, 3H], bx, bh [3H]. */
export interface GruStepInputs {
  x: Tensor;
  prevH: Tensor;
  Wx: Tensor;
  Wh: Tensor;
  bx: Tensor;
  bh: Tensor;
}

/** A GRU over a sequence: x [N, T, D], h0 [N, H], Wx [D, 3H], Wh [H, 3H], bx, bh [3H]. */
export interface GruSequenceInputs {
  x: Tensor;
  h0: Tensor;
  Wx: Tensor;
  Wh: Tensor;
  bx: Tensor;
  bh: Tensor;
}

/** The weights of a cell with `G` gate blocks, drawn after the states from the same generator. */
function weights(rng: Rng, D: number, H: number, G: number, gain: number) {
  return {
    Wx: randn([D, G * H], rng, { std: (0.6 * gain) / Math.sqrt(D) }), // [D, G·H]
    Wh: randn([H, G * H], rng, { std: (0.6 * gain) / Math.sqrt(H) }), // [H, G·H]
  };
}

/** One LSTM step's inputs from `seed`; `gain` scales the weights (a large gain saturates). */
export function lstmStepInputs(
  seed: number,
  N: number,
  D: number,
  H: number,
  gain = 1,
): LstmStepInputs {
  const rng = new Rng(seed);
  const x = randn([N, D], rng); // [N, D]
  const prevH = randn([N, H], rng, { std: 0.5 }); // [N, H]
  const prevC = randn([N, H], rng); // [N, H]
  const { Wx, Wh } = weights(rng, D, H, 4, gain);
  return { x, prevH, prevC, Wx, Wh, b: randn([4 * H], rng, { std: 0.3 * gain }) };
}

/** An LSTM sequence's inputs from `seed`. */
export function lstmSequenceInputs(
  seed: number,
  N: number,
  T: number,
  D: number,
  H: number,
): LstmSequenceInputs {
  const rng = new Rng(seed);
  const x = randn([N, T, D], rng); // [N, T, D]
  const h0 = randn([N, H], rng, { std: 0.5 }); // [N, H]
  const c0 = randn([N, H], rng); // [N, H]
  const { Wx, Wh } = weights(rng, D, H, 4, 1);
  return { x, h0, c0, Wx, Wh, b: randn([4 * H], rng, { std: 0.3 }) };
}

/** One GRU step's inputs from `seed`; `gain` scales the weights. */
export function gruStepInputs(
  seed: number,
  N: number,
  D: number,
  H: number,
  gain = 1,
): GruStepInputs {
  const rng = new Rng(seed);
  const x = randn([N, D], rng); // [N, D]
  const prevH = randn([N, H], rng, { std: 0.5 }); // [N, H]
  const { Wx, Wh } = weights(rng, D, H, 3, gain);
  const bx = randn([3 * H], rng, { std: 0.3 * gain }); // [3H]
  return { x, prevH, Wx, Wh, bx, bh: randn([3 * H], rng, { std: 0.3 * gain }) };
}

/** A GRU sequence's inputs from `seed`. */
export function gruSequenceInputs(
  seed: number,
  N: number,
  T: number,
  D: number,
  H: number,
): GruSequenceInputs {
  const rng = new Rng(seed);
  const x = randn([N, T, D], rng); // [N, T, D]
  const h0 = randn([N, H], rng, { std: 0.5 }); // [N, H]
  const { Wx, Wh } = weights(rng, D, H, 3, 1);
  const bx = randn([3 * H], rng, { std: 0.3 }); // [3H]
  return { x, h0, Wx, Wh, bx, bh: randn([3 * H], rng, { std: 0.3 }) };
}

/** A standard normal tensor of `shape` from `seed`: upstream gradients, wrong-sized inputs. */
export function normal(seed: number, shape: readonly number[], std = 1): Tensor {
  return randn(shape, new Rng(seed), { std });
}
