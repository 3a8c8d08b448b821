/**
 * Greedy decoding: at every step the decoder's most probable token is taken and fed back as
 * the next input, until the end token or a length limit. Cheap, but a choice made early is
 * never revisited.
 *
 * Chapter 3, "Greedy decoding" — packages/seq2seq-attention/README.md#greedy-decoding
 */
import { gatherRows, noGrad } from '@rnn-course/core';
import type { Tensor } from '@rnn-course/core';
import { decoderStep } from './decoder-step';
import { encode } from './seq2seq';
import type { Seq2Seq } from './seq2seq';

/** What greedy decoding returns for each source sequence. */
export interface GreedyResult {
  /** N id sequences, without the end token */
  ids: number[][];
  /** per sequence, the attention weights of every emitted token (eos excluded): [steps][S] */
  weights: number[][][];
}

/** The first index of the largest entry of row n of a `[N, V]` matrix. */
export function argmaxRow(m: Tensor, n: number): number {
  const V = m.shape[1] as number;
  let best = 0;
  for (let v = 1; v < V; v++) if (m.data[n * V + v]! > m.data[n * V + best]!) best = v;
  return best;
}

/**
 * ŷ_t = argmax_v p(v | ŷ_{<t}, x), fed back as the next input; a
 * sequence stops at eos, and all of them at `maxLength` steps. Ties go to the lower id.
 *
 * @param source    `[N][S]` padded source ids
 * @param lengths   N lengths in 1..S
 * @param maxLength the most tokens to emit per sequence, eos included
 * @returns the ids (eos dropped) and the attention weights of each emitted token
 */
export function greedyDecode(
  model: Seq2Seq,
  source: readonly (readonly number[])[],
  lengths: readonly number[],
  maxLength: number,
): GreedyResult {
  if (!Number.isInteger(maxLength) || maxLength < 1) {
    throw new RangeError(`greedyDecode: maxLength must be an integer >= 1, received ${maxLength}`);
  }
  const { params, config } = model;
  return noGrad(() => {
    const memory = encode(model, source, lengths);
    const N = source.length;
    const S = source[0]?.length ?? 0;
    const ids: number[][] = source.map(() => []);
    const weights: number[][][] = source.map(() => []);
    const done = new Array<boolean>(N).fill(false);
    let previous = new Array<number>(N).fill(config.sos); // the tokens fed at this step
    let s = memory.s0; // [N, Hd]
    for (let t = 0; t < maxLength && done.includes(false); t++) {
      const step = decoderStep(
        gatherRows(params.Et, previous),
        s,
        memory,
        params,
        config.attention,
      );
      s = step.nextS; // [N, Hd]
      previous = previous.map((_, n) => {
        const id = argmaxRow(step.logits, n); // the model's own prediction is the next input
        if (!done[n]) {
          if (id === config.eos) done[n] = true;
          else {
            ids[n]!.push(id);
            weights[n]!.push(Array.from(step.weights.data.subarray(n * S, (n + 1) * S)));
          }
        }
        return id;
      });
    }
    return { ids, weights };
  });
}
