/**
 * Beam search with length normalisation, on the hand-written decoder step.
 *
 * Chapter 3, "Beam search" — packages/seq2seq-attention/README.md#beam-search
 */
import { notImplemented } from '@rnn-course/core';
import type { Seq2Seq } from './seq2seq-loss';

/** One output of the search. */
export interface Hypothesis {
  ids: number[]; // without eos
  logProb: number; // log p(ids, eos | x), or log p(ids | x) if unfinished
  score: number; // eq. 3.18
  finished: boolean;
}

/**
 * Beam search for one source sequence.
 *
 * Every live hypothesis is extended by every token, with log p = its log p + log softmax(z)[v];
 * of all extensions, the K − (number finished) best are kept (ties: earlier hypothesis, then
 * lower id). One that ends in eos is finished and kept aside; the others are the next live
 * hypotheses. The search stops with K finished or after `maxLength` steps; live hypotheses are
 * then returned unfinished. Each gets the score logProb / |Y|^α (eq. 3.18, |Y| counting eos),
 * and the result lists the finished ones before the unfinished, each group by score (ties:
 * log-probability).
 *
 * @param source  one source sequence (ids, no padding)
 * @param options beamWidth K >= 1, maxLength >= 1, alpha (default 1)
 * @returns up to K hypotheses, best first
 * @throws RangeError naming `beamSearch` when `beamWidth` or `maxLength` is not an integer >= 1
 */
export function beamSearch(
  model: Seq2Seq,
  source: readonly number[],
  options: { beamWidth: number; maxLength: number; alpha?: number },
): Hypothesis[] {
  // TODO: extend every live hypothesis by every token, keep the best K − (finished) extensions, set finished ones aside, score with eq. 3.18, sort.
  notImplemented('seq2seq-attention/beam-search');
}
