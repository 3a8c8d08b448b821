/**
 * TEMPORARY: a local LSTM for this chapter's labs, until chapter 2's package
 * `@rnn-course/lstm-gru` is merged. It has that package's signatures (`lstm(x, h0, c0, Wx, Wh,
 * b) -> { h, c }`, `lstmParams(D, H, rng, { forgetBias })`), so replacing it is a change of
 * import. Not part of the chapter's public API, not graded.
 *
 * The cell is PyTorch's (gates i, f, g, o in blocks of H columns of `Wx [D, 4H]`):
 *   a = x_t Wx + h_{t−1} Wh + b;  i, f, o = σ(a_i), σ(a_f), σ(a_o);  g = tanh(a_g)
 *   c_t = f ⊙ c_{t−1} + i ⊙ g;    h_t = o ⊙ tanh(c_t)
 * (Hochreiter & Schmidhuber 1997, with the forget gate of Gers et al. 2000.)
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

/** The three parameters of an LSTM layer. */
export interface LstmParams {
  Wx: Tensor; // [D, 4H]
  Wh: Tensor; // [H, 4H]
  b: Tensor; // [4H]
}

/**
 * PyTorch's initialisation, U(−1/√H, 1/√H) for every entry, optionally with the forget gate's
 * bias block set to `forgetBias` (Jozefowicz et al. 2015 recommend 1).
 *
 * @returns `Wx [D, 4H]`, `Wh [H, 4H]`, `b [4H]`, trainable leaves
 */
export function lstmParams(
  inputSize: number,
  hiddenSize: number,
  rng: Rng,
  opts: { forgetBias?: number } = {},
): LstmParams {
  const H = hiddenSize;
  const b = uniformRnnInit([4 * H], H, rng);
  if (opts.forgetBias !== undefined) b.data.fill(opts.forgetBias, H, 2 * H);
  return {
    Wx: uniformRnnInit([inputSize, 4 * H], H, rng),
    Wh: uniformRnnInit([H, 4 * H], H, rng),
    b,
  };
}

/**
 * The LSTM unrolled over a sequence from (h0, c0).
 *
 * @param x  `[N, T, D]`
 * @param h0 `[N, H]`, c0 `[N, H]`
 * @returns `h [N, T, H]` and `c [N, T, H]`
 */
export function lstm(
  x: Tensor,
  h0: Tensor,
  c0: Tensor,
  Wx: Tensor,
  Wh: Tensor,
  b: Tensor,
): { h: Tensor; c: Tensor } {
  const T = x.shape[1] as number;
  const H = Wh.shape[0] as number;
  const xw = add(matmul(x, Wx), b); // [N, T, 4H], the input half of every step at once
  const hs: Tensor[] = [];
  const cs: Tensor[] = [];
  let h = h0; // [N, H]
  let c = c0; // [N, H]
  for (let t = 0; t < T; t++) {
    const a = add(timeStep(xw, t), matmul(h, Wh)); // [N, 4H]
    const gate = (k: number): Tensor => narrow(a, 1, k * H, H); // [N, H], block k of i, f, g, o
    c = add(mul(sigmoid(gate(1)), c), mul(sigmoid(gate(0)), tanh(gate(2)))); // [N, H]
    h = mul(sigmoid(gate(3)), tanh(c)); // [N, H]
    hs.push(h);
    cs.push(c);
  }
  return { h: stepsToSequence(hs), c: stepsToSequence(cs) }; // [N, T, H]
}
