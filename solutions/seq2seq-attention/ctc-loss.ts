/**
 * The CTC loss (Graves et al. 2006) and its gradient, written by hand in log space.
 *
 * Chapter 3, "Connectionist temporal classification" —
 * packages/seq2seq-attention/README.md#connectionist-temporal-classification
 */
import { ShapeError, Tensor, assertShape, formatShape } from '@rnn-course/core';

// BEGIN SOLUTION: helpers of your own, such as log(e^a + e^b) exact for −∞ and never overflowing.
/** log(e^a + e^b), exact for −∞ (the log of 0) and never overflowing. */
function logAddExp(a: number, b: number): number {
  if (a === -Infinity) return b;
  if (b === -Infinity) return a;
  const m = Math.max(a, b);
  return m + Math.log1p(Math.exp(-Math.abs(a - b)));
}
// END SOLUTION

/**
 * −ln p(l_n | x_n) for every sequence (eqs. 3.20–3.23) and the gradient of the reduced loss
 * with respect to the log-probabilities.
 *
 * With l' = (blank, l_1, blank, …, l_L, blank) of length S = 2L + 1 and y_t(k) = e^{logProbs}:
 *
 *   α_0(0) = y_0(blank), α_0(1) = y_0(l_1)
 *   α_t(s) = y_t(l'_s) (α_{t−1}(s) + α_{t−1}(s−1) + [l'_s ≠ blank and l'_s ≠ l'_{s−2}] α_{t−1}(s−2))
 *   β_{T−1}(S−1) = β_{T−1}(S−2) = 1
 *   β_t(s) = y_{t+1}(l'_s) β_{t+1}(s) + y_{t+1}(l'_{s+1}) β_{t+1}(s+1)
 *            + [l'_{s+2} ≠ blank and l'_{s+2} ≠ l'_s] y_{t+1}(l'_{s+2}) β_{t+1}(s+2)
 *   p = α_{T−1}(S−1) + α_{T−1}(S−2);   ∂(−ln p)/∂ log y_t(k) = −Σ_{s: l'_s = k} α_t(s) β_t(s) / p
 *
 * all computed with logarithms, so that no product of T probabilities underflows.
 *
 * @param logProbs     `[N, T, C]` log-probabilities (a log-softmax output)
 * @param targets      N label sequences, ids in 0..C−1 other than the blank
 * @param inputLengths N frame counts in 1..T (default T); frames beyond get zero gradient
 * @param options      blank (default 0); reduction 'mean' (each loss divided by its number of
 *   labels, at least 1, then averaged: PyTorch's) or 'sum'
 * @returns `losses` (N numbers, +∞ for an impossible labelling), `loss` (reduced) and
 *   `dlogProbs [N, T, C]`, the gradient of `loss`
 * @throws ShapeError naming `ctcLossAndGrad` when `logProbs` is not [N, T, C], or when `targets`
 *   or `inputLengths` does not hold N entries
 * @throws RangeError naming `ctcLossAndGrad` when a label of `targets` is the blank or outside
 *   0..C−1, or when an entry of `inputLengths` is outside 1..T
 */
export function ctcLossAndGrad(
  logProbs: Tensor,
  targets: readonly (readonly number[])[],
  inputLengths?: readonly number[],
  options: { blank?: number; reduction?: 'mean' | 'sum' } = {},
): { loss: number; losses: number[]; dlogProbs: Tensor } {
  // BEGIN SOLUTION: check the inputs; per sequence: the extended labels, alpha and beta in log space, −ln p, and the gradient (eqs. 3.20–3.23).
  const { blank = 0, reduction = 'mean' } = options;
  assertShape('ctcLossAndGrad', logProbs, [null, null, null], 'logProbs');
  const [N, T, C] = logProbs.shape as [number, number, number];
  const lengths = inputLengths ?? new Array<number>(N).fill(T);
  if (targets.length !== N || lengths.length !== N) {
    throw new ShapeError(
      'ctcLossAndGrad',
      `${N} targets and ${N} inputLengths (logProbs ${formatShape(logProbs.shape)})`,
      `${targets.length} targets and ${lengths.length} inputLengths`,
    );
  }
  const lp = logProbs.data;
  const losses: number[] = [];
  const dlogProbs = new Float64Array(logProbs.size); // zero beyond each input length
  for (let n = 0; n < N; n++) {
    const Tn = lengths[n]!;
    if (!Number.isInteger(Tn) || Tn < 1 || Tn > T) {
      throw new RangeError(`ctcLossAndGrad: inputLengths[${n}] = ${Tn} is outside 1..${T}`);
    }
    const ext: number[] = [blank];
    for (const l of targets[n]!) {
      if (!Number.isInteger(l) || l < 0 || l >= C || l === blank) {
        throw new RangeError(
          `ctcLossAndGrad: targets[${n}] holds ${l}, not a non-blank id in 0..${C - 1} (blank ${blank})`,
        );
      }
      ext.push(l, blank);
    }
    const S = ext.length;
    const y = (t: number, s: number): number => lp[(n * T + t) * C + ext[s]!]!; // log y_t(l'_s)
    // A transition from s − 2 skips a blank; it is allowed only between two different labels.
    const skip = (s: number): boolean => s >= 2 && ext[s] !== blank && ext[s] !== ext[s - 2];

    const alpha = new Float64Array(Tn * S).fill(-Infinity); // [Tn, S]
    alpha[0] = y(0, 0);
    if (S > 1) alpha[1] = y(0, 1);
    for (let t = 1; t < Tn; t++) {
      for (let s = 0; s < S; s++) {
        let a = alpha[(t - 1) * S + s]!;
        if (s >= 1) a = logAddExp(a, alpha[(t - 1) * S + s - 1]!);
        if (skip(s)) a = logAddExp(a, alpha[(t - 1) * S + s - 2]!);
        alpha[t * S + s] = a + y(t, s);
      }
    }
    // β_t(s) here leaves out y_t(l'_s), so that α_t(s) + β_t(s) counts each path once.
    const beta = new Float64Array(Tn * S).fill(-Infinity); // [Tn, S]
    beta[(Tn - 1) * S + S - 1] = 0;
    if (S > 1) beta[(Tn - 1) * S + S - 2] = 0;
    for (let t = Tn - 2; t >= 0; t--) {
      for (let s = 0; s < S; s++) {
        let b = beta[(t + 1) * S + s]! + y(t + 1, s);
        if (s + 1 < S) b = logAddExp(b, beta[(t + 1) * S + s + 1]! + y(t + 1, s + 1));
        if (s + 2 < S && skip(s + 2))
          b = logAddExp(b, beta[(t + 1) * S + s + 2]! + y(t + 1, s + 2));
        beta[t * S + s] = b;
      }
    }
    const last = (Tn - 1) * S;
    const logP = S > 1 ? logAddExp(alpha[last + S - 1]!, alpha[last + S - 2]!) : alpha[last]!;
    losses.push(-logP);
    if (logP === -Infinity) continue; // no alignment of Tn frames exists: no gradient
    const factor = reduction === 'mean' ? 1 / (N * Math.max(1, targets[n]!.length)) : 1;
    for (let t = 0; t < Tn; t++) {
      for (let s = 0; s < S; s++) {
        const a = alpha[t * S + s]! + beta[t * S + s]!;
        if (a === -Infinity) continue;
        // eq. 3.23: −γ_t(k), summed over the positions s where l'_s = k.
        dlogProbs[(n * T + t) * C + ext[s]!]! -= factor * Math.exp(a - logP);
      }
    }
  }
  let loss = 0;
  losses.forEach((l, n) => {
    loss += reduction === 'mean' ? l / (N * Math.max(1, targets[n]!.length)) : l;
  });
  return { loss, losses, dlogProbs: new Tensor(dlogProbs, [N, T, C]) };
  // END SOLUTION
}
