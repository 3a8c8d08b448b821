/**
 * The path-length experiment, recurrent side: how strongly does the last hidden state of a
 * vanilla RNN (chapter 1, eq. 1.1) depend on the first input? The signal crosses T − 1
 * recurrent steps, each multiplying the gradient by one more Jacobian. Measured here with the
 * core's autograd, one backward pass per output feature, independently of the exercise's
 * hand-written product of Jacobians.
 *
 * Chapter 4, "Path length, measured" — packages/transformer-bridge/README.md#path-length-measured
 */
import { assertShape } from '@rnn-course/core';
import type { Tensor } from '@rnn-course/core';
import { rnn } from '@rnn-course/rnn';
import { lastOverFirstNorm } from './jacobian-norm';

/**
 * ‖∂h_{T−1}/∂x_0‖_F of a vanilla RNN (eq. 1.1) started from h0.
 *
 * @param x  `[1, T, D]`
 * @param h0 `[1, H]`, Wx `[D, H]`, Wh `[H, H]`, b `[H]`
 * @returns the Frobenius norm of the `[H, D]` Jacobian
 * @throws ShapeError naming `rnnPathLengthGradient` when x is not `[1, T, D]`
 */
export function rnnPathLengthGradient(
  x: Tensor,
  h0: Tensor,
  Wx: Tensor,
  Wh: Tensor,
  b: Tensor,
): number {
  assertShape('rnnPathLengthGradient', x, [1, null, null], 'x');
  return lastOverFirstNorm((xs) => rnn(xs, h0.detach(), Wx.detach(), Wh.detach(), b.detach()), x);
}
