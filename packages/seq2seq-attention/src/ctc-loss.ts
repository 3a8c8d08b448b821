/**
 * Connectionist temporal classification (Graves, Fernández, Gomez & Schmidhuber 2006): a loss
 * for labelling a sequence of T frames with a shorter sequence of L labels when nobody has said
 * which frame belongs to which label. The network emits, at every frame, a distribution over
 * the labels plus a blank; a path (one symbol per frame) is read by merging repeated symbols and
 * then removing blanks; the probability of the labels is the sum over every path that reads as
 * them, computed by a forward (alpha) and a backward (beta) recursion over the extended label
 * sequence l' = (blank, l_1, blank, l_2, …, l_L, blank), in log space so that products of a
 * thousand probabilities do not underflow.
 *
 * This op is one node of the core's autograd graph: its forward runs the alpha recursion, its
 * backward the beta recursion and the gradient (eq. 3.23), like the core's `crossEntropy`.
 *
 * Chapter 3, "Connectionist temporal classification" —
 * packages/seq2seq-attention/README.md#connectionist-temporal-classification
 */
import { ShapeError, Tensor, accumulate, assertShape, formatShape, record } from '@rnn-course/core';

/** log(e^a + e^b) without overflow or underflow; −∞ is the log of 0. */
export function logAddExp(a: number, b: number): number {
  if (a === -Infinity) return b;
  if (b === -Infinity) return a;
  const m = Math.max(a, b);
  return m + Math.log(Math.exp(a - m) + Math.exp(b - m));
}

/** The extended label sequence l' of eq. 3.20: blanks around and between the labels. */
export function extendedLabels(labels: readonly number[], blank: number): number[] {
  const ext = [blank];
  for (const l of labels) ext.push(l, blank);
  return ext;
}

/** The alpha and beta tables of one sequence, in log space, and its log-likelihood. */
export interface CtcTables {
  /** `[T][S]` α_t(s) (eq. 3.21), S = 2L + 1 */
  alpha: Float64Array[];
  /** `[T][S]` β_t(s) (eq. 3.22): paths from (t, s) to the end, without the symbol at t */
  beta: Float64Array[];
  /** ln p(l | x) (eq. 3.23); −∞ when no path of T frames reads as l */
  logLikelihood: number;
}

/**
 * The recursions of eqs. 3.21–3.22 for one sequence.
 *
 *   α_0(0) = y_0(blank),  α_0(1) = y_0(l_1)
 *   α_t(s) = y_t(l'_s) · (α_{t−1}(s) + α_{t−1}(s−1) + [l'_s ≠ blank, l'_s ≠ l'_{s−2}] α_{t−1}(s−2))
 *   β_{T−1}(S−1) = β_{T−1}(S−2) = 1
 *   β_t(s) = Σ over s' ∈ {s, s+1, s+2 (same condition on l'_{s+2})} of y_{t+1}(l'_{s'}) β_{t+1}(s')
 *
 * all in log space (products become sums, sums become log-add-exp).
 *
 * @param logProbs log y, T rows of C values (row t at logProbs[t * C .. t * C + C))
 * @param T        the frames to use, >= 1
 * @param C        the number of symbols, the blank included
 * @param labels   the target labels, ids in 0..C−1 other than the blank
 */
export function ctcTables(
  logProbs: ArrayLike<number>,
  T: number,
  C: number,
  labels: readonly number[],
  blank: number,
): CtcTables {
  const ext = extendedLabels(labels, blank);
  const S = ext.length;
  const y = (t: number, s: number): number => logProbs[t * C + ext[s]!]!; // log y_t(l'_s)
  // The skip from s − 2 to s is allowed onto a label that differs from the label before it.
  const canSkip = (s: number): boolean => s >= 2 && ext[s] !== blank && ext[s] !== ext[s - 2];
  const alpha = Array.from({ length: T }, () => new Float64Array(S).fill(-Infinity));
  const beta = Array.from({ length: T }, () => new Float64Array(S).fill(-Infinity));
  alpha[0]![0] = y(0, 0);
  if (S > 1) alpha[0]![1] = y(0, 1);
  for (let t = 1; t < T; t++) {
    const prev = alpha[t - 1]!;
    const cur = alpha[t]!;
    for (let s = 0; s < S; s++) {
      let a = prev[s]!;
      if (s >= 1) a = logAddExp(a, prev[s - 1]!);
      if (canSkip(s)) a = logAddExp(a, prev[s - 2]!);
      cur[s] = a === -Infinity ? -Infinity : a + y(t, s);
    }
  }
  beta[T - 1]![S - 1] = 0;
  if (S > 1) beta[T - 1]![S - 2] = 0;
  for (let t = T - 2; t >= 0; t--) {
    const next = beta[t + 1]!;
    const cur = beta[t]!;
    for (let s = 0; s < S; s++) {
      let b = next[s]! + y(t + 1, s);
      if (s + 1 < S) b = logAddExp(b, next[s + 1]! + y(t + 1, s + 1));
      if (s + 2 < S && canSkip(s + 2)) b = logAddExp(b, next[s + 2]! + y(t + 1, s + 2));
      cur[s] = b;
    }
  }
  const end = alpha[T - 1]!;
  const logLikelihood = S > 1 ? logAddExp(end[S - 1]!, end[S - 2]!) : end[0]!;
  return { alpha, beta, logLikelihood };
}

/**
 * γ_t(k) = Σ_{s: l'_s = k} exp(α_t(s) + β_t(s) − ln p): the probability that frame t emits
 * symbol k, given the labels (the posterior of the alignment; it sums to 1 over k at every
 * frame). −γ is the gradient of −ln p with respect to the log-probabilities (eq. 3.23).
 *
 * @returns `[T * C]` row-major, zeros when no path exists
 */
export function ctcPosteriors(
  tables: CtcTables,
  labels: readonly number[],
  T: number,
  C: number,
  blank: number,
): Float64Array {
  const ext = extendedLabels(labels, blank);
  const gamma = new Float64Array(T * C);
  const lp = tables.logLikelihood;
  if (lp === -Infinity) return gamma;
  for (let t = 0; t < T; t++) {
    for (let s = 0; s < ext.length; s++) {
      const a = tables.alpha[t]![s]! + tables.beta[t]![s]!;
      if (a !== -Infinity) gamma[t * C + ext[s]!]! += Math.exp(a - lp);
    }
  }
  return gamma;
}

/** Options of `ctcLoss`; the defaults are PyTorch's. */
export interface CtcLossOptions {
  /** the blank's id (default 0) */
  blank?: number;
  /**
   * 'mean' (default): each sequence's loss divided by its number of labels (at least 1), then
   * averaged over the batch; 'sum': summed; 'none': one loss per sequence, shape `[N]`
   */
  reduction?: 'mean' | 'sum' | 'none';
  /** report an impossible labelling (ln p = −∞) as loss 0 instead of +∞ (default false) */
  zeroInfinity?: boolean;
}

/**
 * The CTC loss −ln p(l_n | x_n) of every sequence of a batch (eqs. 3.20–3.23), reduced.
 *
 * The gradient with respect to log y_t(k) is −γ_t(k) (eq. 3.23), times the reduction's factor,
 * for t < inputLengths[n], and 0 on the frames beyond. (PyTorch's `ctc_loss` returns
 * exp(log y) − γ instead: the gradient with respect to the logits under a log-softmax, which it
 * assumes; both give the same gradient for the logits.) An impossible labelling contributes no
 * gradient.
 *
 * @param logProbs     `[N, T, C]` log-probabilities over the C symbols (a log-softmax output)
 * @param targets      N label sequences (ragged), ids in 0..C−1 other than the blank
 * @param inputLengths N frame counts in 1..T (default: T for every sequence)
 * @returns a scalar (`[]`), or `[N]` for reduction 'none'
 * @throws ShapeError naming `ctcLoss` when the sizes disagree; RangeError for a bad label
 */
export function ctcLoss(
  logProbs: Tensor,
  targets: readonly (readonly number[])[],
  inputLengths?: readonly number[],
  options: CtcLossOptions = {},
): Tensor {
  const { blank = 0, reduction = 'mean', zeroInfinity = false } = options;
  assertShape('ctcLoss', logProbs, [null, null, null], 'logProbs');
  const [N, T, C] = logProbs.shape as [number, number, number];
  const lengths = inputLengths ?? new Array<number>(N).fill(T);
  if (targets.length !== N || lengths.length !== N) {
    throw new ShapeError(
      'ctcLoss',
      `${N} target sequences and ${N} input lengths (one per row of logProbs ${formatShape(logProbs.shape)})`,
      `${targets.length} target sequences and ${lengths.length} input lengths`,
    );
  }
  if (!Number.isInteger(blank) || blank < 0 || blank >= C) {
    throw new RangeError(`ctcLoss: blank ${blank} is outside 0..${C - 1}`);
  }
  const losses = new Float64Array(N);
  const gammas: Float64Array[] = [];
  for (let n = 0; n < N; n++) {
    const Tn = lengths[n]!;
    if (!Number.isInteger(Tn) || Tn < 1 || Tn > T) {
      throw new RangeError(`ctcLoss: input length ${Tn} of sequence ${n} is outside 1..${T}`);
    }
    targets[n]!.forEach((l, i) => {
      if (!Number.isInteger(l) || l < 0 || l >= C || l === blank) {
        throw new RangeError(
          `ctcLoss: label ${l} at [${n}][${i}] must be an id in 0..${C - 1} other than the blank ${blank}`,
        );
      }
    });
    const rows = logProbs.data.subarray(n * T * C, (n * T + Tn) * C);
    const tables = ctcTables(rows, Tn, C, targets[n]!, blank);
    const impossible = tables.logLikelihood === -Infinity;
    losses[n] = impossible && zeroInfinity ? 0 : -tables.logLikelihood;
    gammas.push(ctcPosteriors(tables, targets[n]!, Tn, C, blank));
  }
  // The factor each sequence's loss carries into the result.
  const weight = (n: number): number =>
    reduction === 'mean' ? 1 / (N * Math.max(1, targets[n]!.length)) : 1;
  let out: Tensor;
  if (reduction === 'none') {
    out = new Tensor(losses, [N]);
  } else if (reduction === 'sum' || reduction === 'mean') {
    let total = 0;
    for (let n = 0; n < N; n++) total += weight(n) * losses[n]!;
    out = new Tensor(new Float64Array([total]), []);
  } else {
    throw new RangeError(`ctcLoss: unknown reduction '${String(reduction)}'`);
  }
  return record(out, 'ctcLoss', [logProbs], (g) => {
    const grad = new Float64Array(logProbs.size);
    for (let n = 0; n < N; n++) {
      const scale = (reduction === 'none' ? g[n]! : g[0]!) * weight(n);
      const gamma = gammas[n]!; // [Tn * C]
      const base = n * T * C;
      for (let k = 0; k < gamma.length; k++) grad[base + k] = -scale * gamma[k]!; // eq. 3.23
    }
    accumulate(logProbs, grad);
  });
}
