/**
 * A vanilla RNN over a whole sequence: the step of `rnn-step.ts` unrolled through time, and
 * backpropagation through time (BPTT) written by hand.
 *
 * Chapter 1, "The forward pass" and "Backpropagation through time".
 */
import { notImplemented } from '@rnn-course/core';
import type { Tensor } from '@rnn-course/core';

/**
 * What `rnnBackward` needs from the forward pass. The fields are yours to choose: the grader hands
 * the cache your forward returns to your backward, unread.
 */
export interface RnnCache {
  // TODO: the fields your rnnBackward reads, filled in by your rnnForward.
}

/** The gradients of a sequence, one per input of `rnnForward`. */
export interface RnnGrads {
  dx: Tensor; // [N, T, D]
  dh0: Tensor; // [N, H]
  dWx: Tensor; // [D, H]
  dWh: Tensor; // [H, H]
  db: Tensor; // [H]
}

/**
 * Runs the RNN over a sequence, eq. 1.1 at every step: h_t = tanh(x_t Wx + h_{t−1} Wh + b),
 * starting from h_{−1} = h0. The same weights are used at every step.
 *
 * Chapter 1, "The forward pass" — packages/rnn/README.md#the-forward-pass
 *
 * @param x  `[N, T, D]` the input sequence
 * @param h0 `[N, H]` the initial hidden state
 * @param Wx `[D, H]`, Wh `[H, H]`, b `[H]` the shared parameters
 * @returns `h [N, T, H]`, the hidden state at every step, and the cache for `rnnBackward`
 * @throws ShapeError naming `rnnForward` and the argument when `x` is not [N, T, D] with T >= 1,
 *   or when `Wx`, `Wh`, `b` or `h0` does not fit x and the others
 */
export function rnnForward(
  x: Tensor,
  h0: Tensor,
  Wx: Tensor,
  Wh: Tensor,
  b: Tensor,
): { h: Tensor; cache: RnnCache } {
  // TODO: call your rnnStepForward for t = 0 … T−1; keep every h_t and each step's cache.
  notImplemented('rnn/rnn-forward');
}

/**
 * Backpropagation through time (eqs. 1.4–1.5), walking the steps from T−1 down to 0.
 *
 * `dh[:, t, :]` is only the gradient that reaches h_t from the loss at step t. The total
 * gradient of h_t also collects what flows back from step t+1 (eq. 1.4), and every parameter
 * gradient is a sum over time, because the same weights act at every step (eq. 1.5).
 *
 * Chapter 1, "Backpropagation through time" —
 * packages/rnn/README.md#backpropagation-through-time
 *
 * @param dh    `[N, T, H]` upstream gradient of the loss with respect to every hidden state
 * @param cache from `rnnForward`
 * @returns `dx [N, T, D]`, `dh0 [N, H]`, `dWx [D, H]`, `dWh [H, H]`, `db [H]`
 * @throws ShapeError naming `rnnBackward` when `dh` is not [N, T, H], the shape of the forward's h
 */
export function rnnBackward(dh: Tensor, cache: RnnCache): RnnGrads {
  // TODO: loop t = T−1 … 0 calling your rnnStepBackward; carry dprevH into step t−1.
  notImplemented('rnn/rnn-backward');
}
