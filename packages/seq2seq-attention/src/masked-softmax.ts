/**
 * Softmax over the valid positions of each row, exactly zero on padded ones: attention must
 * never put weight on a padding token, and a row with no valid position at all (an empty
 * source) gets all-zero weights instead of 0/0.
 *
 * Chapter 3, "Padding and masks" — packages/seq2seq-attention/README.md#padding-and-masks
 */
import {
  ShapeError,
  Tensor,
  add,
  div,
  exp,
  formatShape,
  mul,
  sameShape,
  sub,
  sum,
} from '@rnn-course/core';

/**
 * eq. 3.11: α_{n,t} = m_{n,t} exp(e_{n,t} − c_n) / Σ_u m_{n,u} exp(e_{n,u} − c_n), along the last
 * axis, where c_n is the largest valid score of the line (so every exponent is <= 0) and a line
 * whose mask is all zeros gives all zeros.
 *
 * Built from the core's ops, so the gradient (eq. 3.12) comes from autograd. Subtracting c_n
 * does not change the value; c_n is taken as a constant, which does not change the gradient
 * either, since the softmax is invariant to a shift of its line.
 *
 * @param scores `[N, T]` (or any `[..., T]`), finite
 * @param mask   the shape of scores, 1 where a position counts and 0 where it is padding
 * @returns the weights, the shape of scores; each line sums to 1, or to 0 when fully masked
 * @throws ShapeError naming `maskedSoftmax` when the shapes differ; RangeError when the mask
 *   holds anything but 0 and 1
 */
export function maskedSoftmax(scores: Tensor, mask: Tensor): Tensor {
  if (scores.ndim < 1 || !sameShape(scores.shape, mask.shape)) {
    throw new ShapeError(
      'maskedSoftmax',
      `scores [..., T] and mask of the same shape`,
      `scores ${formatShape(scores.shape)} and mask ${formatShape(mask.shape)}`,
    );
  }
  const T = scores.shape[scores.ndim - 1] as number;
  const lines = T === 0 ? 0 : scores.size / T;
  const shift = new Float64Array(scores.size); // c_n at every position of line n
  const empty = new Float64Array(lines); // 1 for a line with no valid position
  for (let l = 0; l < lines; l++) {
    let c = -Infinity;
    for (let t = 0; t < T; t++) {
      const m = mask.data[l * T + t]!;
      if (m !== 0 && m !== 1) {
        throw new RangeError(`maskedSoftmax: mask values must be 0 or 1, received ${m}`);
      }
      if (m === 1) c = Math.max(c, scores.data[l * T + t]!);
    }
    if (c === -Infinity) {
      empty[l] = 1;
      c = 0;
    }
    shift.fill(c, l * T, (l + 1) * T);
  }
  const lineShape = [...scores.shape.slice(0, -1), 1];
  // Padded positions get −∞ before the exponential, so e^(−∞) = 0 puts exactly no weight there.
  const minusInf = new Tensor(
    Float64Array.from(mask.data, (m) => (m === 1 ? 0 : -Infinity)),
    scores.shape,
  );
  const shifted = add(mul(sub(scores, new Tensor(shift, scores.shape)), mask), minusInf); // [..., T]
  const e = exp(shifted); // [..., T], 0 on padding
  // A fully masked line divides 0 by 1 instead of by 0.
  const denominator = add(sum(e, -1, true), new Tensor(empty, lineShape)); // [..., 1]
  return div(e, denominator); // [..., T]
}
