/**
 * One step of a vanilla RNN, forward and backward, written by hand (CS231n style).
 *
 * Chapter 1, "The forward pass" and "Backpropagation through time".
 * Row-vector convention: a batch of inputs is `x [N, D]`, `Wx` is `[D, H]`.
 */
import { notImplemented } from '@rnn-course/core';
import type { Tensor } from '@rnn-course/core';

/**
 * What `rnnStepBackward` needs from the forward pass. The fields are yours to choose: the grader
 * hands the cache your forward returns to your backward, unread.
 */
export interface RnnStepCache {
  // TODO: the fields your rnnStepBackward reads, filled in by your rnnStepForward.
}

/** The gradients of one step, one per input of `rnnStepForward`. */
export interface RnnStepGrads {
  dx: Tensor; // [N, D]
  dprevH: Tensor; // [N, H]
  dWx: Tensor; // [D, H]
  dWh: Tensor; // [H, H]
  db: Tensor; // [H]
}

/**
 * One RNN step, eq. 1.1: h_t = tanh(x_t Wx + h_{t−1} Wh + b).
 *
 * Chapter 1, "The forward pass" — packages/rnn/README.md#the-forward-pass
 *
 * @param x     `[N, D]` the inputs at this time step
 * @param prevH `[N, H]` the previous hidden state h_{t−1}
 * @param Wx    `[D, H]` input-to-hidden weights
 * @param Wh    `[H, H]` hidden-to-hidden weights
 * @param b     `[H]` bias
 * @returns `nextH [N, H]` = h_t, and the cache for `rnnStepBackward`
 * @throws ShapeError naming `rnnStepForward` and the argument when `x` is not 2-D, or when `Wx`,
 *   `Wh`, `b` or `prevH` does not fit x and the others
 */
export function rnnStepForward(
  x: Tensor,
  prevH: Tensor,
  Wx: Tensor,
  Wh: Tensor,
  b: Tensor,
): { nextH: Tensor; cache: RnnStepCache } {
  // TODO: compute the pre-activation, apply tanh, return { nextH, cache }.
  notImplemented('rnn/rnn-step-forward');
}

/**
 * Backward pass of one RNN step (eqs. 1.2–1.3).
 *
 * Chapter 1, "Backpropagation through time" —
 * packages/rnn/README.md#backpropagation-through-time
 *
 * @param dnextH `[N, H]` the gradient of the loss with respect to h_t
 * @param cache  from `rnnStepForward`
 * @returns `dx [N, D]`, `dprevH [N, H]`, `dWx [D, H]`, `dWh [H, H]`, `db [H]`
 * @throws ShapeError naming `rnnStepBackward` when `dnextH` is not [N, H], the shape of the step's
 *   output
 */
export function rnnStepBackward(dnextH: Tensor, cache: RnnStepCache): RnnStepGrads {
  // TODO: backpropagate through tanh, then through the affine pre-activation.
  notImplemented('rnn/rnn-step-backward');
}
