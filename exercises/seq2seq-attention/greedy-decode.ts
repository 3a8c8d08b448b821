/**
 * Greedy decoding with the hand-written decoder step.
 *
 * Chapter 3, "Greedy decoding" — packages/seq2seq-attention/README.md#greedy-decoding
 */
import { notImplemented } from '@rnn-course/core';
import type { Seq2Seq } from './seq2seq-loss';

/**
 * ŷ_t = argmax_v z_t[v] (the first index among equal scores), fed back as the input of step
 * t + 1: the decoder reads its own predictions, not the truth. A sequence stops at eos (not
 * included in its output), all of them after `maxLength` steps.
 *
 * @param source    `[N][S]` padded source ids
 * @param lengths   N lengths
 * @param maxLength the most tokens per sequence, eos included
 * @returns `ids` (N sequences) and, per sequence, the attention weights `[steps][S]` of each
 *   emitted token
 * @throws RangeError naming `greedyDecode` when `maxLength` is not an integer >= 1
 */
export function greedyDecode(
  model: Seq2Seq,
  source: readonly (readonly number[])[],
  lengths: readonly number[],
  maxLength: number,
): { ids: number[][]; weights: number[][][] } {
  // TODO: encode, then step the decoder from sos, feeding back the argmax of each step, until every sequence has emitted eos or maxLength steps.
  notImplemented('seq2seq-attention/greedy-decode');
}
