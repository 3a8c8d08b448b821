/**
 * One step of a GRU, forward and backward, written by hand (CS231n style), in PyTorch's form:
 * two bias vectors, and the reset gate applied to the recurrent product h_{t−1} Wh^n + bh^n.
 *
 * Chapter 2, "The GRU" and "Backward through the GRU".
 * Row-vector convention: `x [N, D]`, `Wx [D, 3H]`; the gates are the blocks of H columns in
 * PyTorch's order r, z, n.
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

/** What `gruStepBackward` needs from the forward pass. */
export interface GruStepCache {
  readonly x: Tensor; // [N, D]
  readonly prevH: Tensor; // [N, H]
  readonly Wx: Tensor; // [D, 3H]
  readonly Wh: Tensor; // [H, 3H]
  readonly r: Tensor; // [N, H] reset gate
  readonly z: Tensor; // [N, H] update gate
  readonly n: Tensor; // [N, H] candidate
  readonly hn: Tensor; // [N, H] h_{t−1} Wh^n + bh^n, the product the reset gate scales
}

/** The gradients of one step, one per input of `gruStepForward`. */
export interface GruStepGrads {
  dx: Tensor; // [N, D]
  dprevH: Tensor; // [N, H]
  dWx: Tensor; // [D, 3H]
  dWh: Tensor; // [H, 3H]
  dbx: Tensor; // [3H]
  dbh: Tensor; // [3H]
}

/**
 * One GRU step, eqs. 2.12–2.14:
 *
 *   r = σ(x Wx^r + bx^r + h_{t−1} Wh^r + bh^r),  z = σ(x Wx^z + bx^z + h_{t−1} Wh^z + bh^z),
 *   n = tanh(x Wx^n + bx^n + r ⊙ (h_{t−1} Wh^n + bh^n)),  h_t = (1 − z) ⊙ n + z ⊙ h_{t−1}
 *
 * Chapter 2, "The GRU" — packages/lstm-gru/README.md#the-gru
 *
 * @param x     `[N, D]` the inputs at this time step
 * @param prevH `[N, H]` the previous hidden state h_{t−1}
 * @param Wx    `[D, 3H]` input weights, gate blocks r, z, n
 * @param Wh    `[H, 3H]` recurrent weights, same blocks
 * @param bx    `[3H]` input bias (PyTorch's b_ih)
 * @param bh    `[3H]` recurrent bias (PyTorch's b_hh)
 * @returns `nextH [N, H]` = h_t and the cache for `gruStepBackward`
 * @throws ShapeError naming `gruStepForward` when the shapes disagree
 */
export function gruStepForward(
  x: Tensor,
  prevH: Tensor,
  Wx: Tensor,
  Wh: Tensor,
  bx: Tensor,
  bh: Tensor,
): { nextH: Tensor; cache: GruStepCache } {
  assertShape('gruStepForward', x, [null, null], 'x');
  const [N, D] = x.shape as [number, number];
  assertShape('gruStepForward', Wx, [D, null], 'Wx');
  const H = (Wx.shape[1] as number) / 3;
  if (!Number.isInteger(H) || H < 1) {
    throw new ShapeError('gruStepForward', `Wx [${D}, 3H]`, formatShape(Wx.shape));
  }
  assertShape('gruStepForward', Wh, [H, 3 * H], 'Wh');
  assertShape('gruStepForward', bx, [3 * H], 'bx');
  assertShape('gruStepForward', bh, [3 * H], 'bh');
  assertShape('gruStepForward', prevH, [N, H], 'prevH');

  // The two affine parts stay apart: the reset gate scales only the recurrent one's n block.
  const ax = add(matmul(x, Wx), bx); // [N, 3H]
  const ah = add(matmul(prevH, Wh), bh); // [N, 3H]
  // eq. 2.12: the gates r and z see the sum of both parts.
  const r = sigmoid(add(narrow(ax, 1, 0, H), narrow(ah, 1, 0, H))); // [N, H]
  const z = sigmoid(add(narrow(ax, 1, H, H), narrow(ah, 1, H, H))); // [N, H]
  // eq. 2.13: the reset gate multiplies h_{t−1} Wh^n + bh^n, after the product (PyTorch, cuDNN).
  const hn = narrow(ah, 1, 2 * H, H); // [N, H]
  const n = tanh(add(narrow(ax, 1, 2 * H, H), mul(r, hn))); // [N, H]
  // eq. 2.14: z keeps the old state, 1 − z lets the candidate in.
  const nextH = add(mul(sub(onesLike(z), z), n), mul(z, prevH)); // [N, H]
  return { nextH, cache: { x, prevH, Wx, Wh, r, z, n, hn } };
}

/**
 * Backward pass of one GRU step, eqs. 2.15–2.18.
 *
 * Chapter 2, "Backward through the GRU" — packages/lstm-gru/README.md#backward-through-the-gru
 *
 * @param dnextH `[N, H]` the gradient of the loss with respect to h_t
 * @param cache  from `gruStepForward`
 * @returns `dx [N, D]`, `dprevH [N, H]`, `dWx [D, 3H]`, `dWh [H, 3H]`, `dbx [3H]`, `dbh [3H]`
 */
export function gruStepBackward(dnextH: Tensor, cache: GruStepCache): GruStepGrads {
  const { x, prevH, Wx, Wh, r, z, n, hn } = cache;
  assertShape('gruStepBackward', dnextH, z.shape, 'dnextH');

  // eq. 2.15: h_t = (1 − z) ⊙ n + z ⊙ h_{t−1} is linear in n and in h_{t−1}, and in z.
  const dn = mul(dnextH, sub(onesLike(z), z)); // [N, H]
  const dz = mul(dnextH, sub(prevH, n)); // [N, H]
  const dprevHDirect = mul(dnextH, z); // [N, H]: the path around every weight
  // eq. 2.16: through tanh, then the product r ⊙ hn.
  const dan = mul(dn, sub(onesLike(n), square(n))); // [N, H]
  const dr = mul(dan, hn); // [N, H]
  const dhn = mul(dan, r); // [N, H]
  // eq. 2.17: through the sigmoids, σ' = σ(1 − σ) from the kept gate values.
  const dar = mul(dr, mul(r, sub(onesLike(r), r))); // [N, H]
  const daz = mul(dz, mul(z, sub(onesLike(z), z))); // [N, H]
  // eq. 2.18: r and z get the same gradient in both affine parts; the n block differs: the
  // input part's is dan, the recurrent part's went through the reset gate, dhn = dan ⊙ r.
  const dax = concat([dar, daz, dan], 1); // [N, 3H], gradient of x Wx + bx
  const dah = concat([dar, daz, dhn], 1); // [N, 3H], gradient of h_{t−1} Wh + bh

  const dx = matmul(dax, transpose(Wx)); // [N, 3H]·[3H, D] = [N, D]
  const dWx = matmul(transpose(x), dax); // [D, N]·[N, 3H] = [D, 3H]
  const dbx = sum(dax, 0); // [3H]
  const dprevH = add(dprevHDirect, matmul(dah, transpose(Wh))); // [N, H]: both paths
  const dWh = matmul(transpose(prevH), dah); // [H, N]·[N, 3H] = [H, 3H]
  const dbh = sum(dah, 0); // [3H]
  return { dx, dprevH, dWx, dWh, dbx, dbh };
}
