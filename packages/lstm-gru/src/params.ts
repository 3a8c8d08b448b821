/**
 * The parameters of the three recurrent layers of the chapter: how PyTorch initialises them,
 * how many there are, and which hidden size gives two layers the same number of parameters.
 *
 * Sources:
 * - PyTorch, `torch.nn.RNN` / `LSTM` / `GRU` `reset_parameters`: every weight and every bias is
 *   drawn from U(−k, k) with k = 1/√H.
 * - Jozefowicz, Zaremba & Sutskever 2015, "An empirical exploration of recurrent network
 *   architectures", sec. 2.3 and 4: initialising the LSTM's forget-gate bias to 1 (or more)
 *   closes most of the gap between the LSTM and the best architectures they found.
 *
 * Chapter 2, "Counting parameters" — packages/lstm-gru/README.md#counting-parameters
 */
import { add, noGrad, randu, uniformRnnInit } from '@rnn-course/core';
import type { Rng, Tensor } from '@rnn-course/core';

/** The three cells of the chapter: chapter 1's vanilla RNN, the LSTM and the GRU. */
export type CellKind = 'rnn' | 'lstm' | 'gru';

/** The parameters of an LSTM layer in the course's layout (gate blocks i, f, g, o). */
export interface LstmParams {
  Wx: Tensor; // [D, 4H]
  Wh: Tensor; // [H, 4H]
  b: Tensor; // [4H]
}

/** The parameters of a GRU layer in the course's layout (gate blocks r, z, n). */
export interface GruParams {
  Wx: Tensor; // [D, 3H]
  Wh: Tensor; // [H, 3H]
  bx: Tensor; // [3H]
  bh: Tensor; // [3H]
}

/** Options of `lstmParams`. */
export interface LstmInitOptions {
  /**
   * When given, the forget block b[H : 2H] is set to this value instead of drawn. 1 is the
   * value Jozefowicz et al. (2015) recommend; PyTorch's default leaves it random (undefined).
   */
  forgetBias?: number;
}

/**
 * An LSTM layer initialised as `torch.nn.LSTM`: weights U(−1/√H, 1/√H). PyTorch has two bias
 * vectors, each drawn from the same uniform; our single b is their sum (eq. 2.20), so it is
 * drawn as the sum of two such draws and has the distribution of PyTorch's b_ih + b_hh.
 *
 * @param inputSize  D
 * @param hiddenSize H
 * @param rng        draws Wx, then Wh, then the two bias halves, in row-major order
 * @returns `Wx [D, 4H]`, `Wh [H, 4H]`, `b [4H]`, all `requiresGrad`
 */
export function lstmParams(
  inputSize: number,
  hiddenSize: number,
  rng: Rng,
  opts: LstmInitOptions = {},
): LstmParams {
  const H = hiddenSize;
  const Wx = uniformRnnInit([inputSize, 4 * H], H, rng);
  const Wh = uniformRnnInit([H, 4 * H], H, rng);
  const k = 1 / Math.sqrt(H);
  const b = noGrad(() =>
    add(randu([4 * H], rng, { low: -k, high: k }), randu([4 * H], rng, { low: -k, high: k })),
  ); // [4H] = b_ih + b_hh
  if (opts.forgetBias !== undefined) b.data.fill(opts.forgetBias, H, 2 * H); // the f block
  b.requiresGrad = true;
  return { Wx, Wh, b };
}

/**
 * A GRU layer initialised as `torch.nn.GRU`: every weight and both biases U(−1/√H, 1/√H).
 *
 * @param inputSize  D
 * @param hiddenSize H
 * @param rng        draws Wx, Wh, bx, bh in that order, row-major
 * @returns `Wx [D, 3H]`, `Wh [H, 3H]`, `bx [3H]`, `bh [3H]`, all `requiresGrad`
 */
export function gruParams(inputSize: number, hiddenSize: number, rng: Rng): GruParams {
  const H = hiddenSize;
  return {
    Wx: uniformRnnInit([inputSize, 3 * H], H, rng),
    Wh: uniformRnnInit([H, 3 * H], H, rng),
    bx: uniformRnnInit([3 * H], H, rng),
    bh: uniformRnnInit([3 * H], H, rng),
  };
}

/**
 * eq. 2.19: the parameters of one recurrent layer with input size D and hidden size H, in the
 * course's layout:
 *
 * - rnn:  DH + H² + H        (Wx, Wh, b)
 * - lstm: 4(DH + H² + H)     (four gates; PyTorch stores 4H more, its second bias)
 * - gru:  3(DH + H² + 2H)    (three gates, two biases, as PyTorch)
 */
export function recurrentParamCount(cell: CellKind, inputSize: number, hiddenSize: number): number {
  const D = inputSize;
  const H = hiddenSize;
  if (cell === 'rnn') return D * H + H * H + H;
  if (cell === 'lstm') return 4 * (D * H + H * H + H);
  if (cell === 'gru') return 3 * (D * H + H * H + 2 * H);
  throw new RangeError(`recurrentParamCount: unknown cell '${String(cell)}'`);
}

/**
 * The hidden size H that brings a model with `cell` closest to `target` parameters, when the
 * model is the recurrent layer plus an affine read-out of `outputSize` scores (H·K + K) plus
 * `fixed` parameters that do not depend on H (an embedding, say). Used to compare the three
 * cells at equal parameter counts.
 *
 * @returns the H in 1 … 4096 with the smallest |count(H) − target| (the smaller H on a tie)
 */
export function hiddenSizeForParams(
  cell: CellKind,
  inputSize: number,
  target: number,
  outputSize = 0,
  fixed = 0,
): number {
  const count = (H: number): number =>
    recurrentParamCount(cell, inputSize, H) +
    (outputSize > 0 ? H * outputSize + outputSize : 0) +
    fixed;
  let best = 1;
  for (let H = 2; H <= 4096; H++) {
    if (Math.abs(count(H) - target) < Math.abs(count(best) - target)) best = H;
    if (count(H) > target) break; // the count grows with H: nothing closer beyond
  }
  return best;
}
