/**
 * One step of a vanilla RNN, forward and backward, written by hand (CS231n style).
 *
 * Chapter 1, "The forward pass" and "Backpropagation through time".
 * Row-vector convention: a batch of inputs is `x [N, D]`, `Wx` is `[D, H]`.
 */
import {
  add,
  assertShape,
  matmul,
  mul,
  onesLike,
  square,
  sub,
  sum,
  tanh,
  transpose,
} from '@rnn-course/core';
import type { Tensor } from '@rnn-course/core';

/**
 * What `rnnStepBackward` needs from the forward pass. The fields are yours to choose: the grader
 * hands the cache your forward returns to your backward, unread.
 */
export interface RnnStepCache {
  // BEGIN SOLUTION: the fields your rnnStepBackward reads, filled in by your rnnStepForward.
  readonly x: Tensor; // [N, D]
  readonly prevH: Tensor; // [N, H]
  readonly Wx: Tensor; // [D, H]
  readonly Wh: Tensor; // [H, H]
  readonly nextH: Tensor; // [N, H]
  // END SOLUTION
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
  // BEGIN SOLUTION: compute the pre-activation, apply tanh, return { nextH, cache }.
  assertShape('rnnStepForward', x, [null, null], 'x');
  const [N, D] = x.shape;
  assertShape('rnnStepForward', Wx, [D, null], 'Wx');
  const H = Wx.shape[1];
  assertShape('rnnStepForward', Wh, [H, H], 'Wh');
  assertShape('rnnStepForward', b, [H], 'b');
  assertShape('rnnStepForward', prevH, [N, H], 'prevH');

  // eq. 1.1: the pre-activation a_t = x_t Wx + h_{t−1} Wh + b, b broadcast over the batch.
  const a = add(add(matmul(x, Wx), matmul(prevH, Wh)), b); // [N, H]
  const nextH = tanh(a); // [N, H]
  return { nextH, cache: { x, prevH, Wx, Wh, nextH } };
  // END SOLUTION
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
  // BEGIN SOLUTION: backpropagate through tanh, then through the affine pre-activation.
  const { x, prevH, Wx, Wh, nextH } = cache;
  assertShape('rnnStepBackward', dnextH, nextH.shape, 'dnextH');

  // eq. 1.2: tanh'(a) = 1 − tanh(a)² = 1 − h_t², so the derivative is read off the output
  // h_t that the forward already computed, not recomputed from the pre-activation.
  const da = mul(dnextH, sub(onesLike(nextH), square(nextH))); // [N, H]

  // eq. 1.3: a = x Wx + h_{t−1} Wh + b is affine, so each input's gradient is da times the
  // transpose of what multiplies it.
  const dx = matmul(da, transpose(Wx)); // [N, H]·[H, D] = [N, D]
  const dprevH = matmul(da, transpose(Wh)); // [N, H]·[H, H] = [N, H]
  const dWx = matmul(transpose(x), da); // [D, N]·[N, H] = [D, H]
  const dWh = matmul(transpose(prevH), da); // [H, N]·[N, H] = [H, H], uses h_{t−1}, not h_t
  // b is broadcast to every row of the batch, so its gradient sums over the batch.
  const db = sum(da, 0); // [H]
  return { dx, dprevH, dWx, dWh, db };
  // END SOLUTION
}
