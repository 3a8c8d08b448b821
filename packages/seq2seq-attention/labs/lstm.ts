/**
 * A small LSTM layer (Hochreiter & Schmidhuber 1997; with the forget gate of Gers, Schmidhuber
 * & Cummins 2000), for the speech lab's bidirectional recogniser, built from the core's ops so
 * that autograd differentiates it. Gates in PyTorch's order i, f, g, o: blocks of H columns of
 * `Wx [D, 4H]`, `Wh [H, 4H]` and `b [4H]`.
 *
 *   i, f, o = σ(·),  g = tanh(·)   of   x_t Wx + h_{t−1} Wh + b
 *   c_t = f ⊙ c_{t−1} + i ⊙ g,     h_t = o ⊙ tanh(c_t)
 *
 * Chapter 2 (packages/lstm-gru) teaches the LSTM and exports its reference `lstm`; this lab will
 * switch to it when that chapter lands. Until then this file is the lab's own, not a chapter-3
 * API.
 */
import {
  add,
  matmul,
  mul,
  narrow,
  sigmoid,
  stepsToSequence,
  tanh,
  timeStep,
  uniformRnnInit,
} from '@rnn-course/core';
import type { Rng, Tensor } from '@rnn-course/core';

/** One LSTM layer's weights: `Wx [D, 4H]`, `Wh [H, 4H]`, `b [4H]`, gates i, f, g, o. */
export interface LstmParams {
  Wx: Tensor;
  Wh: Tensor;
  b: Tensor;
}

/** Fresh weights, U(−1/√H, 1/√H) as PyTorch's `nn.LSTM`. */
export function createLstm(D: number, H: number, rng: Rng): LstmParams {
  return {
    Wx: uniformRnnInit([D, 4 * H], H, rng),
    Wh: uniformRnnInit([H, 4 * H], H, rng),
    b: uniformRnnInit([4 * H], H, rng),
  };
}

/**
 * The LSTM over a sequence from zero initial states.
 *
 * @param x `[N, T, D]`
 * @returns `[N, T, H]` the hidden state at every step
 */
export function lstmSequence(x: Tensor, p: LstmParams): Tensor {
  const [N, T] = x.shape as [number, number, number];
  const H = p.Wh.shape[0] as number;
  const inputs = add(matmul(x, p.Wx), p.b); // [N, T, 4H], every step's input part at once
  let h: Tensor | undefined; // [N, H]
  let c: Tensor | undefined; // [N, H]
  const hs: Tensor[] = [];
  for (let t = 0; t < T; t++) {
    const a = h === undefined ? timeStep(inputs, t) : add(timeStep(inputs, t), matmul(h, p.Wh)); // [N, 4H]
    const i = sigmoid(narrow(a, 1, 0, H)); // [N, H]
    const f = sigmoid(narrow(a, 1, H, H));
    const g = tanh(narrow(a, 1, 2 * H, H));
    const o = sigmoid(narrow(a, 1, 3 * H, H));
    c = c === undefined ? mul(i, g) : add(mul(f, c), mul(i, g)); // c_{−1} = 0
    h = mul(o, tanh(c));
    hs.push(h);
  }
  if (hs.length === 0)
    throw new RangeError(`lstmSequence: x needs T >= 1 steps, received ${N}×${T}`);
  return stepsToSequence(hs); // [N, T, H]
}
