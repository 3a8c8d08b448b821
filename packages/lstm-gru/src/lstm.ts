/**
 * The LSTM unrolled over a sequence, from an initial hidden state h0 and cell state c0, as
 * PyTorch's `torch.nn.LSTM(batch_first=True)` with one layer. Autograd through this function is
 * backpropagation through time, with the cell state's gradient carried from step to step.
 *
 * Chapter 2, "The LSTM cell" — packages/lstm-gru/README.md#the-lstm-cell
 */
import { ShapeError, add, assertShape, matmul, stepsToSequence, timeStep } from '@rnn-course/core';
import type { Tensor } from '@rnn-course/core';
import { checkLstmShapes, lstmGates } from './lstm-step';

/** Every hidden state and every cell state of a sequence. */
export interface LstmOutputs {
  h: Tensor; // [N, T, H]: h_0 … h_{T−1}; the last one is PyTorch's h_n
  c: Tensor; // [N, T, H]: c_0 … c_{T−1}; the last one is PyTorch's c_n
}

/**
 * Runs eqs. 2.1–2.4 for t = 0 … T−1 from (h_{−1}, c_{−1}) = (h0, c0), with the same weights at
 * every step. The input half of eq. 2.1, x_t Wx + b, does not depend on the previous step, so
 * it is computed for all T steps in one matrix product, as cuDNN does; only h_{t−1} Wh is left
 * inside the loop.
 *
 * @param x  `[N, T, D]` inputs, T >= 1
 * @param h0 `[N, H]` initial hidden state
 * @param c0 `[N, H]` initial cell state
 * @param Wx `[D, 4H]`, Wh `[H, 4H]`, b `[4H]`: gate blocks i, f, g, o
 * @returns `h [N, T, H]` and `c [N, T, H]`, both differentiable
 * @throws ShapeError naming `lstm` and both shapes when the shapes disagree
 */
export function lstm(
  x: Tensor,
  h0: Tensor,
  c0: Tensor,
  Wx: Tensor,
  Wh: Tensor,
  b: Tensor,
): LstmOutputs {
  const { H } = checkLstmShapes('lstm', [null, null, null], x, Wx, Wh, b);
  const [N, T] = x.shape as [number, number, number];
  if (T < 1) throw new ShapeError('lstm', 'x [N, T >= 1, D]', x.shape);
  assertShape('lstm', h0, [N, H], 'h0');
  assertShape('lstm', c0, [N, H], 'c0');
  const xw = add(matmul(x, Wx), b); // [N, T, D]·[D, 4H] + [4H] -> [N, T, 4H]
  const hs: Tensor[] = [];
  const cs: Tensor[] = [];
  let h = h0; // [N, H]
  let c = c0; // [N, H]
  for (let t = 0; t < T; t++) {
    const a = add(timeStep(xw, t), matmul(h, Wh)); // eq. 2.1: [N, 4H]
    const next = lstmGates(a, c);
    h = next.nextH; // [N, H]
    c = next.nextC; // [N, H]
    hs.push(h);
    cs.push(c);
  }
  return { h: stepsToSequence(hs), c: stepsToSequence(cs) }; // T × [N, H] -> [N, T, H]
}
