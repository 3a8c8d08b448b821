/**
 * Beam search with length normalisation, on the hand-written decoder step.
 *
 * Chapter 3, "Beam search" — packages/seq2seq-attention/README.md#beam-search
 */
import { concat, gatherRows, narrow } from '@rnn-course/core';
import type { Tensor } from '@rnn-course/core';
import { decoderStepForward } from './decoder-step';
import { encoderForward } from './seq2seq-loss';
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
  // BEGIN SOLUTION: extend every live hypothesis by every token, keep the best K − (finished) extensions, set finished ones aside, score with eq. 3.18, sort.
  const { beamWidth: K, maxLength, alpha = 1 } = options;
  if (!Number.isInteger(K) || K < 1) {
    throw new RangeError(`beamSearch: beamWidth must be an integer >= 1, received ${K}`);
  }
  if (!Number.isInteger(maxLength) || maxLength < 1) {
    throw new RangeError(`beamSearch: maxLength must be an integer >= 1, received ${maxLength}`);
  }
  const { params, config } = model;
  const { memory, s0 } = encoderForward(model, [source], [source.length]);
  const score = (logProb: number, length: number): number => logProb / length ** alpha;
  let live: { ids: number[]; logProb: number; s: Tensor }[] = [{ ids: [], logProb: 0, s: s0 }];
  const finished: Hypothesis[] = [];
  for (let t = 0; t < maxLength && finished.length < K && live.length > 0; t++) {
    const B = live.length;
    const repeat = (x: Tensor): Tensor => concat(new Array<Tensor>(B).fill(x), 0);
    const step = decoderStepForward(
      gatherRows(
        params.Et,
        live.map((h) => h.ids.at(-1) ?? config.sos),
      ), // [B, E]
      concat(
        live.map((h) => h.s),
        0,
      ), // [B, Hd]
      {
        outputs: repeat(memory.outputs),
        mask: repeat(memory.mask),
        summary: repeat(memory.summary),
      },
      params,
      config.attention,
    );
    const V = step.logits.shape[1] as number;
    const candidates: { b: number; v: number; logProb: number }[] = [];
    for (let b = 0; b < B; b++) {
      // log softmax(z) = z − logsumexp(z), with the maximum taken out first.
      const z = step.logits.data.subarray(b * V, (b + 1) * V);
      let m = -Infinity;
      for (const zv of z) m = Math.max(m, zv);
      let total = 0;
      for (const zv of z) total += Math.exp(zv - m);
      const logZ = m + Math.log(total);
      for (let v = 0; v < V; v++) {
        candidates.push({ b, v, logProb: live[b]!.logProb + (z[v]! - logZ) });
      }
    }
    candidates.sort((p, q) => q.logProb - p.logProb); // stable: ties keep (b, v) order
    const next: typeof live = [];
    for (const c of candidates.slice(0, K - finished.length)) {
      const ids = live[c.b]!.ids;
      if (c.v === config.eos) {
        // Finished: set aside, never dropped, scored with eos counted in its length.
        finished.push({
          ids: [...ids],
          logProb: c.logProb,
          score: score(c.logProb, ids.length + 1),
          finished: true,
        });
      } else {
        next.push({ ids: [...ids, c.v], logProb: c.logProb, s: narrow(step.nextS, 0, c.b, 1) });
      }
    }
    live = next;
  }
  for (const h of live) {
    finished.push({
      ids: h.ids,
      logProb: h.logProb,
      score: score(h.logProb, h.ids.length),
      finished: false,
    });
  }
  // Hypotheses of different lengths are compared by their normalised scores, not by logProb.
  return finished.sort(
    (p, q) => Number(q.finished) - Number(p.finished) || q.score - p.score || q.logProb - p.logProb,
  );
  // END SOLUTION
}
