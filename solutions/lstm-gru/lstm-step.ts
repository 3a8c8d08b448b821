/**
 * One step of an LSTM, forward and backward, written by hand (CS231n style).
 *
 * Chapter 2, "The LSTM cell" and "Backward through the LSTM".
 * Row-vector convention: `x [N, D]`, `Wx [D, 4H]`; the gates are the blocks of H columns in
 * PyTorch's order i, f, g, o.
 */
import {
  ShapeError,
  add,
  assertShape,
  concat,
  formatShape,
  matmul,
  mul,
  narrow,
  onesLike,
  sigmoid,
  square,
  sub,
  sum,
  tanh,
  transpose,
} from '@rnn-course/core';
import type { Tensor } from '@rnn-course/core';

/** What `lstmStepBackward` needs from the forward pass. */
export interface LstmStepCache {
  readonly x: Tensor; // [N, D]
  readonly prevH: Tensor; // [N, H]
  readonly prevC: Tensor; // [N, H]
  readonly Wx: Tensor; // [D, 4H]
  readonly Wh: Tensor; // [H, 4H]
  readonly i: Tensor; // [N, H] input gate
  readonly f: Tensor; // [N, H] forget gate
  readonly g: Tensor; // [N, H] candidate
  readonly o: Tensor; // [N, H] output gate
  readonly tanhC: Tensor; // [N, H] tanh(c_t)
}

/** The gradients of one step, one per input of `lstmStepForward`. */
export interface LstmStepGrads {
  dx: Tensor; // [N, D]
  dprevH: Tensor; // [N, H]
  dprevC: Tensor; // [N, H]
  dWx: Tensor; // [D, 4H]
  dWh: Tensor; // [H, 4H]
  db: Tensor; // [4H]
}

/**
 * One LSTM step, eqs. 2.1–2.4:
 *
 *   a = x Wx + h_{t−1} Wh + b,  i = σ(a^i), f = σ(a^f), g = tanh(a^g), o = σ(a^o),
 *   c_t = f ⊙ c_{t−1} + i ⊙ g,  h_t = o ⊙ tanh(c_t)
 *
 * Chapter 2, "The LSTM cell" — packages/lstm-gru/README.md#the-lstm-cell
 *
 * @param x     `[N, D]` the inputs at this time step
 * @param prevH `[N, H]` the previous hidden state h_{t−1}
 * @param prevC `[N, H]` the previous cell state c_{t−1}
 * @param Wx    `[D, 4H]` input weights, gate blocks i, f, g, o
 * @param Wh    `[H, 4H]` recurrent weights, same blocks
 * @param b     `[4H]` bias
 * @returns `nextH [N, H]` = h_t, `nextC [N, H]` = c_t, and the cache for `lstmStepBackward`
 * @throws ShapeError naming `lstmStepForward` when the shapes disagree
 */
export function lstmStepForward(
  x: Tensor,
  prevH: Tensor,
  prevC: Tensor,
  Wx: Tensor,
  Wh: Tensor,
  b: Tensor,
): { nextH: Tensor; nextC: Tensor; cache: LstmStepCache } {
  assertShape('lstmStepForward', x, [null, null], 'x');
  const [N, D] = x.shape as [number, number];
  assertShape('lstmStepForward', Wx, [D, null], 'Wx');
  const H = (Wx.shape[1] as number) / 4;
  if (!Number.isInteger(H) || H < 1) {
    throw new ShapeError('lstmStepForward', `Wx [${D}, 4H]`, formatShape(Wx.shape));
  }
  assertShape('lstmStepForward', Wh, [H, 4 * H], 'Wh');
  assertShape('lstmStepForward', b, [4 * H], 'b');
  assertShape('lstmStepForward', prevH, [N, H], 'prevH');
  assertShape('lstmStepForward', prevC, [N, H], 'prevC');

  // eq. 2.1: all four pre-activations in one product each; b is broadcast over the batch.
  const a = add(add(matmul(x, Wx), matmul(prevH, Wh)), b); // [N, 4H]
  // eq. 2.2: the blocks of H columns, in PyTorch's order i, f, g, o.
  const i = sigmoid(narrow(a, 1, 0, H)); // [N, H]
  const f = sigmoid(narrow(a, 1, H, H)); // [N, H]
  const g = tanh(narrow(a, 1, 2 * H, H)); // [N, H]
  const o = sigmoid(narrow(a, 1, 3 * H, H)); // [N, H]
  // eq. 2.3: the cell state is updated by addition, not by a matrix product.
  const nextC = add(mul(f, prevC), mul(i, g)); // [N, H]
  // eq. 2.4: the output gate reads the squashed *new* cell state.
  const tanhC = tanh(nextC); // [N, H]
  const nextH = mul(o, tanhC); // [N, H]
  return { nextH, nextC, cache: { x, prevH, prevC, Wx, Wh, i, f, g, o, tanhC } };
}

/**
 * Backward pass of one LSTM step, eqs. 2.5–2.8.
 *
 * Chapter 2, "Backward through the LSTM" —
 * packages/lstm-gru/README.md#backward-through-the-lstm
 *
 * @param dnextH `[N, H]` the gradient of the loss with respect to h_t
 * @param dnextC `[N, H]` the gradient with respect to c_t arriving from outside this step's
 *   output (from step t+1, or from a loss on c_t)
 * @param cache  from `lstmStepForward`
 * @returns `dx [N, D]`, `dprevH [N, H]`, `dprevC [N, H]`, `dWx [D, 4H]`, `dWh [H, 4H]`, `db [4H]`
 */
export function lstmStepBackward(
  dnextH: Tensor,
  dnextC: Tensor,
  cache: LstmStepCache,
): LstmStepGrads {
  const { x, prevH, prevC, Wx, Wh, i, f, g, o, tanhC } = cache;
  assertShape('lstmStepBackward', dnextH, i.shape, 'dnextH');
  assertShape('lstmStepBackward', dnextC, i.shape, 'dnextC');

  // eq. 2.5: c_t reaches the loss twice, through h_t = o ⊙ tanh(c_t) and directly (dnextC).
  const dc = add(dnextC, mul(mul(dnextH, o), sub(onesLike(tanhC), square(tanhC)))); // [N, H]
  // eq. 2.6: each factor of a product gets the upstream gradient times the other factor.
  const dO = mul(dnextH, tanhC); // [N, H] (`do` is a keyword in TypeScript)
  const di = mul(dc, g); // [N, H]
  const dg = mul(dc, i); // [N, H]
  const df = mul(dc, prevC); // [N, H]
  const dprevC = mul(dc, f); // [N, H]: the constant error carousel, eq. 2.10
  // eq. 2.7: through the nonlinearities, σ' = σ(1 − σ) and tanh' = 1 − tanh², both read off the
  // gate values the forward kept (never recomputed from the pre-activations).
  const dai = mul(di, mul(i, sub(onesLike(i), i))); // [N, H]
  const daf = mul(df, mul(f, sub(onesLike(f), f))); // [N, H]
  const dag = mul(dg, sub(onesLike(g), square(g))); // [N, H]
  const dao = mul(dO, mul(o, sub(onesLike(o), o))); // [N, H]
  const da = concat([dai, daf, dag, dao], 1); // [N, 4H], blocks i, f, g, o as in the forward

  // eq. 2.8: a = x Wx + h_{t−1} Wh + b is affine, as in chapter 1's eq. 1.3.
  const dx = matmul(da, transpose(Wx)); // [N, 4H]·[4H, D] = [N, D]
  const dprevH = matmul(da, transpose(Wh)); // [N, 4H]·[4H, H] = [N, H]
  const dWx = matmul(transpose(x), da); // [D, N]·[N, 4H] = [D, 4H]
  const dWh = matmul(transpose(prevH), da); // [H, N]·[N, 4H] = [H, 4H]
  const db = sum(da, 0); // [4H]
  return { dx, dprevH, dprevC, dWx, dWh, db };
}
