/**
 * Greedy decoding with the hand-written decoder step.
 *
 * Chapter 3, "Greedy decoding" — packages/seq2seq-attention/README.md#greedy-decoding
 */
import { gatherRows } from '@rnn-course/core';
import { decoderStepForward } from './decoder-step';
import { encoderForward } from './seq2seq-loss';
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
  // BEGIN SOLUTION: encode, then step the decoder from sos, feeding back the argmax of each step, until every sequence has emitted eos or maxLength steps.
  if (!Number.isInteger(maxLength) || maxLength < 1) {
    throw new RangeError(`greedyDecode: maxLength must be an integer >= 1, received ${maxLength}`);
  }
  const { params, config } = model;
  const { memory, s0 } = encoderForward(model, source, lengths);
  const N = source.length;
  const S = source[0]!.length;
  const V = config.targetVocab;
  const ids: number[][] = source.map(() => []);
  const weights: number[][][] = source.map(() => []);
  const done = new Array<boolean>(N).fill(false);
  let previous = new Array<number>(N).fill(config.sos);
  let s = s0; // [N, Hd]
  for (let t = 0; t < maxLength && done.includes(false); t++) {
    const step = decoderStepForward(
      gatherRows(params.Et, previous),
      s,
      memory,
      params,
      config.attention,
    );
    s = step.nextS;
    const next: number[] = [];
    for (let n = 0; n < N; n++) {
      const z = step.logits.data.subarray(n * V, (n + 1) * V);
      let best = 0;
      for (let v = 1; v < V; v++) if (z[v]! > z[best]!) best = v;
      next.push(best);
      if (done[n]) continue;
      if (best === config.eos) done[n] = true;
      else {
        ids[n]!.push(best);
        weights[n]!.push(Array.from(step.weights.data.subarray(n * S, (n + 1) * S)));
      }
    }
    previous = next;
  }
  return { ids, weights };
  // END SOLUTION
}
