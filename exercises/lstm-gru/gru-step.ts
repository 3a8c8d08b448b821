/**
 * One step of a GRU, forward and backward, written by hand (CS231n style), in PyTorch's form:
 * two bias vectors, and the reset gate applied to the recurrent product h_{t−1} Wh^n + bh^n.
 *
 * Chapter 2, "The GRU" and "Backward through the GRU".
 * Row-vector convention: `x [N, D]`, `Wx [D, 3H]`; the gates are the blocks of H columns in
 * PyTorch's order r, z, n.
 */
import { notImplemented } from '@rnn-course/core';
import type { Tensor } from '@rnn-course/core';

/**
 * What `gruStepBackward` needs from the forward pass. The fields are yours to choose: the grader
 * hands the cache your forward returns to your backward, unread.
 */
export interface GruStepCache {
  // TODO: the fields your gruStepBackward reads, filled in by your gruStepForward.
}

/** The gradients of one step, one per input of `gruStepForward`. */
export interface GruStepGrads {
  dx: Tensor; // [N, D]
  dprevH: Tensor; // [N, H]
  dWx: Tensor; // [D, 3H]
  dWh: Tensor; // [H, 3H]
  dbx: Tensor; // [3H]
  dbh: Tensor; // [3H]
}

/**
 * One GRU step, eqs. 2.12–2.14:
 *
 *   r = σ(x Wx^r + bx^r + h_{t−1} Wh^r + bh^r),  z = σ(x Wx^z + bx^z + h_{t−1} Wh^z + bh^z),
 *   n = tanh(x Wx^n + bx^n + r ⊙ (h_{t−1} Wh^n + bh^n)),  h_t = (1 − z) ⊙ n + z ⊙ h_{t−1}
 *
 * Chapter 2, "The GRU" — packages/lstm-gru/README.md#the-gru
 *
 * @param x     `[N, D]` the inputs at this time step
 * @param prevH `[N, H]` the previous hidden state h_{t−1}
 * @param Wx    `[D, 3H]` input weights, gate blocks r, z, n
 * @param Wh    `[H, 3H]` recurrent weights, same blocks
 * @param bx    `[3H]` input bias (PyTorch's b_ih)
 * @param bh    `[3H]` recurrent bias (PyTorch's b_hh)
 * @returns `nextH [N, H]` = h_t and the cache for `gruStepBackward`
 * @throws ShapeError naming `gruStepForward` when `x`, `prevH`, `Wx`, `Wh`, `bx` or `bh` does not
 *   fit
 */
export function gruStepForward(
  x: Tensor,
  prevH: Tensor,
  Wx: Tensor,
  Wh: Tensor,
  bx: Tensor,
  bh: Tensor,
): { nextH: Tensor; cache: GruStepCache } {
  // TODO: eqs. 2.12–2.14 after a shape check; return { nextH, cache }.
  notImplemented('lstm-gru/gru-step-forward');
}

/**
 * Backward pass of one GRU step, eqs. 2.15–2.18.
 *
 * Chapter 2, "Backward through the GRU" — packages/lstm-gru/README.md#backward-through-the-gru
 *
 * @param dnextH `[N, H]` the gradient of the loss with respect to h_t
 * @param cache  from `gruStepForward`
 * @returns `dx [N, D]`, `dprevH [N, H]`, `dWx [D, 3H]`, `dWh [H, 3H]`, `dbx [3H]`, `dbh [3H]`
 * @throws ShapeError naming `gruStepBackward` when `dnextH` is not `[N, H]`
 */
export function gruStepBackward(dnextH: Tensor, cache: GruStepCache): GruStepGrads {
  // TODO: eqs. 2.15–2.18, from h_t back to the inputs; return the six gradients.
  notImplemented('lstm-gru/gru-step-backward');
}
