/**
 * One step of a long short-term memory cell (Hochreiter & Schmidhuber 1997, with the forget gate
 * of Gers, Schmidhuber & Cummins 2000), as a differentiable function of the core: its gradients
 * come from the core's autograd, independently of the hand-written backward of the exercises.
 *
 * Gate order i, f, g, o, as PyTorch's `torch.nn.LSTM`: the four gates are the four blocks of H
 * columns of `Wx [D, 4H]`, `Wh [H, 4H]` and `b [4H]`.
 *
 * Chapter 2, "The LSTM cell" — packages/lstm-gru/README.md#the-lstm-cell
 */
import {
  ShapeError,
  add,
  assertShape,
  formatShape,
  matmul,
  mul,
  narrow,
  sigmoid,
  tanh,
} from '@rnn-course/core';
import type { Tensor } from '@rnn-course/core';

/** The state an LSTM step hands to the next: the hidden state and the cell state. */
export interface LstmState {
  nextH: Tensor; // [N, H]
  nextC: Tensor; // [N, H]
}

/**
 * eqs. 2.2–2.3 from the pre-activations: the gates and the new cell state, and the output gate
 * that eq. 2.4 applies to it.
 *
 * @param a     `[N, 4H]` pre-activations of eq. 2.1, blocks i, f, g, o
 * @param prevC `[N, H]` previous cell state c_{t−1}
 * @returns `nextC [N, H]` = c_t and `o [N, H]`, the output gate
 */
export function lstmCellUpdate(a: Tensor, prevC: Tensor): { nextC: Tensor; o: Tensor } {
  const H = prevC.shape[1] as number;
  const i = sigmoid(narrow(a, 1, 0, H)); // [N, H] input gate, eq. 2.2
  const f = sigmoid(narrow(a, 1, H, H)); // [N, H] forget gate
  const g = tanh(narrow(a, 1, 2 * H, H)); // [N, H] candidate
  const o = sigmoid(narrow(a, 1, 3 * H, H)); // [N, H] output gate
  const nextC = add(mul(f, prevC), mul(i, g)); // eq. 2.3: the additive update
  return { nextC, o };
}

/**
 * eqs. 2.2–2.4 from the pre-activations: the new cell state and the new hidden state. Shared by
 * `lstmStep` and `lstm` (which computes the input half of eq. 2.1 for all steps at once).
 *
 * @param a     `[N, 4H]` pre-activations of eq. 2.1, blocks i, f, g, o
 * @param prevC `[N, H]` previous cell state c_{t−1}
 * @returns `nextH [N, H]` = h_t and `nextC [N, H]` = c_t
 */
export function lstmGates(a: Tensor, prevC: Tensor): LstmState {
  const { nextC, o } = lstmCellUpdate(a, prevC);
  const nextH = mul(o, tanh(nextC)); // eq. 2.4: tanh of the new cell state c_t
  return { nextH, nextC };
}

/**
 * eqs. 2.1–2.4: one LSTM step.
 *
 *   a_t = x_t Wx + h_{t−1} Wh + b,  i, f, o = σ(a^i), σ(a^f), σ(a^o),  g = tanh(a^g)
 *   c_t = f ⊙ c_{t−1} + i ⊙ g,      h_t = o ⊙ tanh(c_t)
 *
 * @param x     `[N, D]` inputs at this step
 * @param prevH `[N, H]` previous hidden state h_{t−1}
 * @param prevC `[N, H]` previous cell state c_{t−1}
 * @param Wx    `[D, 4H]` input weights, gate blocks i, f, g, o
 * @param Wh    `[H, 4H]` recurrent weights, same blocks
 * @param b     `[4H]` bias (PyTorch's b_ih + b_hh, eq. 2.20)
 * @returns `nextH [N, H]` and `nextC [N, H]`
 * @throws ShapeError naming `lstmStep` and both shapes when the shapes disagree
 */
export function lstmStep(
  x: Tensor,
  prevH: Tensor,
  prevC: Tensor,
  Wx: Tensor,
  Wh: Tensor,
  b: Tensor,
): LstmState {
  const { H } = checkLstmShapes('lstmStep', [null, null], x, Wx, Wh, b);
  const N = x.shape[0] as number;
  assertShape('lstmStep', prevH, [N, H], 'prevH');
  assertShape('lstmStep', prevC, [N, H], 'prevC');
  const a = add(add(matmul(x, Wx), matmul(prevH, Wh)), b); // eq. 2.1: [N, 4H]
  return lstmGates(a, prevC);
}

/**
 * Checks `x` against `xShape` (its last axis is D) and the weights against D and H, where H is
 * a quarter of the columns of Wx. Used by `lstmStep` (x `[N, D]`) and `lstm` (x `[N, T, D]`).
 *
 * @returns D and H
 */
export function checkLstmShapes(
  op: string,
  xShape: readonly null[],
  x: Tensor,
  Wx: Tensor,
  Wh: Tensor,
  b: Tensor,
): { D: number; H: number } {
  assertShape(op, x, xShape, 'x');
  const D = x.shape[x.ndim - 1] as number;
  assertShape(op, Wx, [D, null], 'Wx');
  const H = (Wx.shape[1] as number) / 4;
  if (!Number.isInteger(H) || H < 1) {
    throw new ShapeError(op, `Wx [${D}, 4H] (4H columns, H >= 1)`, formatShape(Wx.shape));
  }
  assertShape(op, Wh, [H, 4 * H], 'Wh');
  assertShape(op, b, [4 * H], 'b');
  return { D, H };
}
