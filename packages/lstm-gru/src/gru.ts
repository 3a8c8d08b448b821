/**
 * The GRU unrolled over a sequence from an initial hidden state h0, as PyTorch's
 * `torch.nn.GRU(batch_first=True)` with one layer. Autograd through it is backpropagation
 * through time.
 *
 * Chapter 2, "The GRU" — packages/lstm-gru/README.md#the-gru
 */
import { ShapeError, add, assertShape, matmul, stepsToSequence, timeStep } from '@rnn-course/core';
import type { Tensor } from '@rnn-course/core';
import { checkGruShapes, gruGates } from './gru-step';

/**
 * Runs eqs. 2.12–2.14 for t = 0 … T−1 from h_{−1} = h0. The input part x_t Wx + bx does not
 * depend on the previous step, so it is one matrix product for all T steps; h_{t−1} Wh + bh
 * stays inside the loop.
 *
 * @param x  `[N, T, D]` inputs, T >= 1
 * @param h0 `[N, H]` initial hidden state
 * @param Wx `[D, 3H]`, Wh `[H, 3H]`, bx `[3H]`, bh `[3H]`: gate blocks r, z, n
 * @returns `[N, T, H]` the hidden state at every step (the last one is PyTorch's h_n)
 * @throws ShapeError naming `gru` and both shapes when the shapes disagree
 */
export function gru(x: Tensor, h0: Tensor, Wx: Tensor, Wh: Tensor, bx: Tensor, bh: Tensor): Tensor {
  const { H } = checkGruShapes('gru', [null, null, null], x, Wx, Wh, bx, bh);
  const [N, T] = x.shape as [number, number, number];
  if (T < 1) throw new ShapeError('gru', 'x [N, T >= 1, D]', x.shape);
  assertShape('gru', h0, [N, H], 'h0');
  const xw = add(matmul(x, Wx), bx); // [N, T, D]·[D, 3H] + [3H] -> [N, T, 3H]
  const hs: Tensor[] = [];
  let h = h0; // [N, H]
  for (let t = 0; t < T; t++) {
    const ah = add(matmul(h, Wh), bh); // [N, 3H]
    h = gruGates(timeStep(xw, t), ah, h); // [N, H]
    hs.push(h);
  }
  return stepsToSequence(hs); // T × [N, H] -> [N, T, H]
}
