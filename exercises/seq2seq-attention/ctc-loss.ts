/**
 * The CTC loss (Graves et al. 2006) and its gradient, written by hand in log space.
 *
 * Chapter 3, "Connectionist temporal classification" —
 * packages/seq2seq-attention/README.md#connectionist-temporal-classification
 */
import { Tensor, notImplemented } from '@rnn-course/core';

// TODO: helpers of your own, such as log(e^a + e^b) exact for −∞ and never overflowing.

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
  // TODO: check the inputs; per sequence: the extended labels, alpha and beta in log space, −ln p, and the gradient (eqs. 3.20–3.23).
  notImplemented('seq2seq-attention/ctc-loss-and-grad');
}
