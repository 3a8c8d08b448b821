/**
 * The RNN unrolled over a sequence: eq. 1.1 at every step with shared weights. Autograd
 * through this function is backpropagation through time.
 *
 * Chapter 1, "The forward pass" — packages/rnn/README.md#the-forward-pass
 */
import { ShapeError, assertShape, stepsToSequence, timeStep } from '@rnn-course/core';
import type { Tensor } from '@rnn-course/core';
import { rnnStep } from './rnn-step';

/**
 * Runs `rnnStep` for t = 0 … T−1 from h_{−1} = h0.
 *
 * @param x  `[N, T, D]` inputs, T >= 1
 * @param h0 `[N, H]` initial hidden state
 * @param Wx `[D, H]`, Wh `[H, H]`, b `[H]` shared by every step
 * @returns `[N, T, H]` the hidden state at every step
 * @throws ShapeError naming `rnn` when x is not `[N, T, D]` with T >= 1
 */
export function rnn(x: Tensor, h0: Tensor, Wx: Tensor, Wh: Tensor, b: Tensor): Tensor {
  assertShape('rnn', x, [null, null, null], 'x');
  const T = x.shape[1];
  if (T < 1) throw new ShapeError('rnn', 'x [N, T >= 1, D]', x.shape);
  const hs: Tensor[] = [];
  let h = h0; // [N, H]
  for (let t = 0; t < T; t++) {
    h = rnnStep(timeStep(x, t), h, Wx, Wh, b); // [N, H]
    hs.push(h);
  }
  return stepsToSequence(hs); // T × [N, H] -> [N, T, H]
}
