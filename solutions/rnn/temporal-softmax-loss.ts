/**
 * Softmax cross-entropy at every time step, with a mask for padded positions.
 *
 * Chapter 1, "The loss: cross-entropy over time" —
 * packages/rnn/README.md#the-loss-cross-entropy-over-time
 */
import { ShapeError, assertShape, fromData } from '@rnn-course/core';
import type { Tensor } from '@rnn-course/core';

/**
 * Loss and its gradient, eqs. 1.10–1.11:
 *
 *   p_{n,t} = softmax(y_{n,t}),   L = (1/N) Σ_n Σ_t m_{n,t} · (−log p_{n,t}[target_{n,t}])
 *
 * summed over time and over unmasked positions, divided by the batch size N only (not by the
 * number of unmasked positions): the CS231n convention, stated in the chapter.
 * The softmax subtracts each row's maximum first, so logits of ±1e4 do not overflow.
 *
 * Chapter 1, "The loss: cross-entropy over time" —
 * packages/rnn/README.md#the-loss-cross-entropy-over-time
 *
 * @param logits  `[N, T, V]` scores
 * @param targets `number[][]` of shape `[N][T]`, integers in `[0, V)`
 * @param mask    `number[][]` of shape `[N][T]`, 1 where the position counts, 0 where it does not
 * @returns `loss` (a number) and `dlogits [N, T, V]` = dL/dlogits
 * @throws ShapeError naming `temporalSoftmaxLossAndGrad` and the argument when `logits` is not
 *   3-D, or when `targets` or `mask` is not `[N][T]` (a missing row, or a row of another length)
 * @throws RangeError naming `temporalSoftmaxLossAndGrad` when a target of `targets` is not an
 *   integer in `[0, V)`
 */
export function temporalSoftmaxLossAndGrad(
  logits: Tensor,
  targets: readonly (readonly number[])[],
  mask: readonly (readonly number[])[],
): { loss: number; dlogits: Tensor } {
  // BEGIN SOLUTION: per (n, t): a stable softmax, −log p[target] and its gradient, masked, over N.
  assertShape('temporalSoftmaxLossAndGrad', logits, [null, null, null], 'logits');
  const [N, T, V] = logits.shape;
  checkGrid('targets', targets, N, T);
  checkGrid('mask', mask, N, T);

  const z = logits.data;
  const dlogits = new Float64Array(N * T * V); // [N, T, V]
  let loss = 0;
  for (let n = 0; n < N; n++) {
    for (let t = 0; t < T; t++) {
      const m = mask[n][t];
      const y = targets[n][t];
      if (!Number.isInteger(y) || y < 0 || y >= V) {
        throw new RangeError(
          `temporalSoftmaxLossAndGrad: targets[${n}][${t}] = ${y} is not an integer in [0, ${V})`,
        );
      }
      const row = (n * T + t) * V;
      // Stable softmax: softmax(z) = softmax(z − max z), so every exponent is <= 0.
      let max = -Infinity;
      for (let v = 0; v < V; v++) max = Math.max(max, z[row + v]);
      let sumExp = 0;
      for (let v = 0; v < V; v++) sumExp += Math.exp(z[row + v] - max);
      const logSumExp = max + Math.log(sumExp);
      // −log p[y] = log Σ exp(z) − z[y], computed in log space so p[y] ≈ 0 stays finite.
      loss += (m * (logSumExp - z[row + y])) / N;
      // eq. 1.11: dL/dz = m (p − onehot(y)) / N.
      for (let v = 0; v < V; v++) {
        const p = Math.exp(z[row + v] - logSumExp);
        dlogits[row + v] = (m * (p - (v === y ? 1 : 0))) / N;
      }
    }
  }
  return { loss, dlogits: fromData(dlogits, [N, T, V]) };
  // END SOLUTION
}

// BEGIN SOLUTION
/** Checks that a `number[][]` argument is `[N][T]`. */
function checkGrid(name: string, grid: readonly (readonly number[])[], N: number, T: number): void {
  if (grid.length !== N || grid.some((row) => row.length !== T)) {
    const rows = grid.map((row) => row.length).join(', ');
    throw new ShapeError(
      'temporalSoftmaxLossAndGrad',
      `${name} [${N}][${T}]`,
      `rows of length ${rows}`,
    );
  }
}
// END SOLUTION
