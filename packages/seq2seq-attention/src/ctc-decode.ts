/**
 * Reading labels off a CTC network's outputs. Best-path (greedy) decoding takes the most
 * probable symbol at every frame and collapses the path; prefix beam search (Hannun et al.
 * 2014, "First-pass large vocabulary continuous speech recognition using bi-directional
 * recurrent DNNs") keeps the K most probable label prefixes, each with the probability of the
 * paths that read as it and end in a blank and of those that end in a label, so that the many
 * paths of one labelling are summed rather than competing.
 *
 * Chapter 3, "Decoding CTC outputs" — packages/seq2seq-attention/README.md#decoding-ctc-outputs
 */
import { assertShape } from '@rnn-course/core';
import type { Tensor } from '@rnn-course/core';
import { logAddExp } from './ctc-loss';

/**
 * The many-to-one map B of eq. 3.20: merge runs of the same symbol, then drop blanks, so
 * `a a - a b b -` reads as `a a b`. (Merging after removing the blanks would read `a b`.)
 *
 * @param path one symbol per frame
 */
export function collapsePath(path: readonly number[], blank = 0): number[] {
  const out: number[] = [];
  let previous = -1;
  for (const k of path) {
    if (k !== previous && k !== blank) out.push(k);
    previous = k;
  }
  return out;
}

/**
 * Best-path decoding: π_t = argmax_k y_t(k) at every frame (ties to the lower id), then B(π).
 *
 * @param logProbs     `[N, T, C]`
 * @param inputLengths N frame counts (default T)
 * @returns N label sequences
 */
export function ctcGreedyDecode(
  logProbs: Tensor,
  inputLengths?: readonly number[],
  blank = 0,
): number[][] {
  assertShape('ctcGreedyDecode', logProbs, [null, null, null], 'logProbs');
  const [N, T, C] = logProbs.shape as [number, number, number];
  return Array.from({ length: N }, (_, n) => {
    const Tn = inputLengths?.[n] ?? T;
    const path: number[] = [];
    for (let t = 0; t < Tn; t++) {
      const row = (n * T + t) * C;
      let best = 0;
      for (let k = 1; k < C; k++)
        if (logProbs.data[row + k]! > logProbs.data[row + best]!) best = k;
      path.push(best);
    }
    return collapsePath(path, blank);
  });
}

/** One labelling found by prefix beam search. */
export interface CtcHypothesis {
  labels: number[];
  /** log of the total probability of the paths that read as `labels` (within the beam) */
  logProb: number;
}

/**
 * Prefix beam search (eq. 3.24) for one sequence, without a language model.
 *
 * For each prefix ℓ it keeps p_b (paths read as ℓ ending in a blank) and p_nb (ending in ℓ's
 * last label). At frame t, with y = y_t:
 *
 *   blank:                 p_b(ℓ)   += (p_b(ℓ) + p_nb(ℓ)) y(blank)
 *   k = last label of ℓ:   p_nb(ℓ)  += p_nb(ℓ) y(k)          (the same label, merged)
 *                          p_nb(ℓk) += p_b(ℓ) y(k)           (a new label, after a blank)
 *   any other label k:     p_nb(ℓk) += (p_b(ℓ) + p_nb(ℓ)) y(k)
 *
 * and then keeps the K prefixes of highest p_b + p_nb (ties: the shorter, then the smaller
 * labels). In log space.
 *
 * @param logProbs `[T, C]` one sequence's log-probabilities
 * @returns up to K labellings, most probable first
 */
export function ctcPrefixBeamSearch(
  logProbs: Tensor,
  beamWidth: number,
  blank = 0,
): CtcHypothesis[] {
  assertShape('ctcPrefixBeamSearch', logProbs, [null, null], 'logProbs');
  if (!Number.isInteger(beamWidth) || beamWidth < 1) {
    throw new RangeError(
      `ctcPrefixBeamSearch: beamWidth must be an integer >= 1, received ${beamWidth}`,
    );
  }
  const [T, C] = logProbs.shape as [number, number];
  type Beam = { labels: number[]; pb: number; pnb: number };
  const key = (labels: readonly number[]): string => labels.join(',');
  let beams: Beam[] = [{ labels: [], pb: 0, pnb: -Infinity }];
  for (let t = 0; t < T; t++) {
    const next = new Map<string, Beam>();
    const at = (labels: number[]): Beam => {
      const k = key(labels);
      let b = next.get(k);
      if (b === undefined) {
        b = { labels, pb: -Infinity, pnb: -Infinity };
        next.set(k, b);
      }
      return b;
    };
    for (const beam of beams) {
      const total = logAddExp(beam.pb, beam.pnb);
      const last = beam.labels.at(-1);
      for (let k = 0; k < C; k++) {
        const y = logProbs.data[t * C + k]!;
        if (k === blank) {
          const same = at(beam.labels);
          same.pb = logAddExp(same.pb, total + y);
        } else if (k === last) {
          const same = at(beam.labels);
          same.pnb = logAddExp(same.pnb, beam.pnb + y);
          const longer = at([...beam.labels, k]);
          longer.pnb = logAddExp(longer.pnb, beam.pb + y);
        } else {
          const longer = at([...beam.labels, k]);
          longer.pnb = logAddExp(longer.pnb, total + y);
        }
      }
    }
    // A prefix no path reaches (a repeat with no blank between yet) is not a hypothesis.
    const reachable = [...next.values()].filter((b) => logAddExp(b.pb, b.pnb) > -Infinity);
    beams = rank(reachable).slice(0, beamWidth);
  }
  return rank(beams).map((b) => ({ labels: b.labels, logProb: logAddExp(b.pb, b.pnb) }));
}

/** Most probable first; ties: shorter, then smaller labels in order. */
function rank<B extends { labels: number[]; pb: number; pnb: number }>(beams: B[]): B[] {
  const lexical = (a: number[], b: number[]): number => {
    for (let i = 0; i < Math.min(a.length, b.length); i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
    return a.length - b.length;
  };
  return beams.sort(
    (a, b) => logAddExp(b.pb, b.pnb) - logAddExp(a.pb, a.pnb) || lexical(a.labels, b.labels),
  );
}
