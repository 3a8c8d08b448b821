/**
 * One step of an LSTM, forward and backward, written by hand (CS231n style).
 *
 * Chapter 2, "The LSTM cell" and "Backward through the LSTM".
 * Row-vector convention: `x [N, D]`, `Wx [D, 4H]`; the gates are the blocks of H columns in
 * PyTorch's order i, f, g, o.
 */
import { notImplemented } from '@rnn-course/core';
import type { Tensor } from '@rnn-course/core';

/**
 * What `lstmStepBackward` needs from the forward pass. The fields are yours to choose: the grader
 * hands the cache your forward returns to your backward, unread.
 */
export interface LstmStepCache {
  // TODO: the fields your lstmStepBackward reads, filled in by your lstmStepForward.
}

/** The gradients of one step, one per input of `lstmStepForward`. */
export interface LstmStepGrads {
  dx: Tensor; // [N, D]
  dprevH: Tensor; // [N, H]
  dprevC: Tensor; // [N, H]
  dWx: Tensor; // [D, 4H]
  dWh: Tensor; // [H, 4H]
  db: Tensor; // [4H]
}

/**
 * One LSTM step, eqs. 2.1–2.4:
 *
 *   a = x Wx + h_{t−1} Wh + b,  i = σ(a^i), f = σ(a^f), g = tanh(a^g), o = σ(a^o),
 *   c_t = f ⊙ c_{t−1} + i ⊙ g,  h_t = o ⊙ tanh(c_t)
 *
 * Chapter 2, "The LSTM cell" — packages/lstm-gru/README.md#the-lstm-cell
 *
 * @param x     `[N, D]` the inputs at this time step
 * @param prevH `[N, H]` the previous hidden state h_{t−1}
 * @param prevC `[N, H]` the previous cell state c_{t−1}
 * @param Wx    `[D, 4H]` input weights, gate blocks i, f, g, o
 * @param Wh    `[H, 4H]` recurrent weights, same blocks
 * @param b     `[4H]` bias
 * @returns `nextH [N, H]` = h_t, `nextC [N, H]` = c_t, and the cache for `lstmStepBackward`
 * @throws ShapeError naming `lstmStepForward` when `x`, `prevH`, `prevC`, `Wx`, `Wh` or `b` does
 *   not fit
 */
export function lstmStepForward(
  x: Tensor,
  prevH: Tensor,
  prevC: Tensor,
  Wx: Tensor,
  Wh: Tensor,
  b: Tensor,
): { nextH: Tensor; nextC: Tensor; cache: LstmStepCache } {
  // TODO: eqs. 2.1–2.4 after a shape check; return { nextH, nextC, cache }.
  notImplemented('lstm-gru/lstm-step-forward');
}

/**
 * Backward pass of one LSTM step, eqs. 2.5–2.8.
 *
 * Chapter 2, "Backward through the LSTM" —
 * packages/lstm-gru/README.md#backward-through-the-lstm
 *
 * @param dnextH `[N, H]` the gradient of the loss with respect to h_t
 * @param dnextC `[N, H]` the gradient with respect to c_t arriving from outside this step's
 *   output (from step t+1, or from a loss on c_t)
 * @param cache  from `lstmStepForward`
 * @returns `dx [N, D]`, `dprevH [N, H]`, `dprevC [N, H]`, `dWx [D, 4H]`, `dWh [H, 4H]`, `db [4H]`
 * @throws ShapeError naming `lstmStepBackward` when `dnextH` or `dnextC` is not `[N, H]`
 */
export function lstmStepBackward(
  dnextH: Tensor,
  dnextC: Tensor,
  cache: LstmStepCache,
): LstmStepGrads {
  // TODO: eqs. 2.5–2.8, from h_t and c_t back to the inputs; return the six gradients.
  notImplemented('lstm-gru/lstm-step-backward');
}
