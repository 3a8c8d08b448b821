/**
 * One step of a gated recurrent unit (Cho et al. 2014) in the form PyTorch's `torch.nn.GRU` and
 * cuDNN compute: the reset gate multiplies the recurrent product *after* the matrix product,
 * r ⊙ (h_{t−1} Wh^n + bh^n), and there are two bias vectors, one beside each product. As a
 * differentiable function of the core, its gradients come from autograd.
 *
 * Gate order r, z, n: the three gates are the three blocks of H columns of `Wx [D, 3H]`,
 * `Wh [H, 3H]`, `bx [3H]` and `bh [3H]`.
 *
 * Chapter 2, "The GRU" — packages/lstm-gru/README.md#the-gru
 */
import {
  ShapeError,
  add,
  assertShape,
  formatShape,
  matmul,
  mul,
  narrow,
  sigmoid,
  sub,
  tanh,
} from '@rnn-course/core';
import type { Tensor } from '@rnn-course/core';

/**
 * eqs. 2.12–2.14 from the two affine parts: the gates and the new hidden state. Shared by
 * `gruStep` and `gru` (which computes the input part for all steps at once).
 *
 * @param ax    `[N, 3H]` x_t Wx + bx, blocks r, z, n
 * @param ah    `[N, 3H]` h_{t−1} Wh + bh, blocks r, z, n
 * @param prevH `[N, H]` h_{t−1}
 * @returns `[N, H]` h_t
 */
export function gruGates(ax: Tensor, ah: Tensor, prevH: Tensor): Tensor {
  const H = prevH.shape[1] as number;
  const r = sigmoid(add(narrow(ax, 1, 0, H), narrow(ah, 1, 0, H))); // [N, H] reset gate, eq. 2.12
  const z = sigmoid(add(narrow(ax, 1, H, H), narrow(ah, 1, H, H))); // [N, H] update gate
  const hn = narrow(ah, 1, 2 * H, H); // [N, H] h_{t−1} Wh^n + bh^n, the product r resets
  const n = tanh(add(narrow(ax, 1, 2 * H, H), mul(r, hn))); // [N, H] candidate, eq. 2.13
  return add(mul(sub(1, z), n), mul(z, prevH)); // eq. 2.14: (1 − z) ⊙ n + z ⊙ h_{t−1}
}

/**
 * eqs. 2.12–2.14: one GRU step.
 *
 *   r = σ(x Wx^r + bx^r + h Wh^r + bh^r),  z = σ(x Wx^z + bx^z + h Wh^z + bh^z)
 *   n = tanh(x Wx^n + bx^n + r ⊙ (h Wh^n + bh^n)),  h_t = (1 − z) ⊙ n + z ⊙ h_{t−1}
 *
 * @param x     `[N, D]` inputs at this step
 * @param prevH `[N, H]` previous hidden state h_{t−1}
 * @param Wx    `[D, 3H]` input weights, gate blocks r, z, n
 * @param Wh    `[H, 3H]` recurrent weights, same blocks
 * @param bx    `[3H]` input bias (PyTorch's b_ih)
 * @param bh    `[3H]` recurrent bias (PyTorch's b_hh); its n block stays inside the reset product
 * @returns `[N, H]` the next hidden state h_t
 * @throws ShapeError naming `gruStep` and both shapes when the shapes disagree
 */
export function gruStep(
  x: Tensor,
  prevH: Tensor,
  Wx: Tensor,
  Wh: Tensor,
  bx: Tensor,
  bh: Tensor,
): Tensor {
  const { H } = checkGruShapes('gruStep', [null, null], x, Wx, Wh, bx, bh);
  assertShape('gruStep', prevH, [x.shape[0] as number, H], 'prevH');
  const ax = add(matmul(x, Wx), bx); // [N, 3H]
  const ah = add(matmul(prevH, Wh), bh); // [N, 3H]
  return gruGates(ax, ah, prevH);
}

/**
 * Checks `x` against `xShape` (its last axis is D) and the weights against D and H, where H is
 * a third of the columns of Wx. Used by `gruStep` (x `[N, D]`) and `gru` (x `[N, T, D]`).
 *
 * @returns D and H
 */
export function checkGruShapes(
  op: string,
  xShape: readonly null[],
  x: Tensor,
  Wx: Tensor,
  Wh: Tensor,
  bx: Tensor,
  bh: Tensor,
): { D: number; H: number } {
  assertShape(op, x, xShape, 'x');
  const D = x.shape[x.ndim - 1] as number;
  assertShape(op, Wx, [D, null], 'Wx');
  const H = (Wx.shape[1] as number) / 3;
  if (!Number.isInteger(H) || H < 1) {
    throw new ShapeError(op, `Wx [${D}, 3H] (3H columns, H >= 1)`, formatShape(Wx.shape));
  }
  assertShape(op, Wh, [H, 3 * H], 'Wh');
  assertShape(op, bx, [3 * H], 'bx');
  assertShape(op, bh, [3 * H], 'bh');
  return { D, H };
}
