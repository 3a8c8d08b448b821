/**
 * One step of a vanilla RNN (Elman 1990), as a differentiable function of the core: its
 * gradients come from the core's autograd, independently of the hand-written backward that
 * the exercises ask for.
 *
 * Chapter 1, "The forward pass" — packages/rnn/README.md#the-forward-pass
 */
import { add, assertShape, matmul, tanh } from '@rnn-course/core';
import type { Tensor } from '@rnn-course/core';

/**
 * eq. 1.1: h_t = tanh(x_t Wx + h_{t−1} Wh + b).
 *
 * @param x     `[N, D]` inputs at this step
 * @param prevH `[N, H]` previous hidden state h_{t−1}
 * @param Wx    `[D, H]`
 * @param Wh    `[H, H]`
 * @param b     `[H]`
 * @returns `[N, H]` the next hidden state h_t
 * @throws ShapeError naming `rnnStep` when the shapes disagree
 */
export function rnnStep(x: Tensor, prevH: Tensor, Wx: Tensor, Wh: Tensor, b: Tensor): Tensor {
  assertShape('rnnStep', x, [null, null], 'x');
  const [N, D] = x.shape;
  assertShape('rnnStep', Wx, [D, null], 'Wx');
  const H = Wx.shape[1];
  assertShape('rnnStep', Wh, [H, H], 'Wh');
  assertShape('rnnStep', b, [H], 'b');
  assertShape('rnnStep', prevH, [N, H], 'prevH');
  return tanh(add(add(matmul(x, Wx), matmul(prevH, Wh)), b)); // [N, H]
}
