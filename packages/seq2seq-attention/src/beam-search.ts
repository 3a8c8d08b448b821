/**
 * Beam search: keep the K most probable partial translations at every step instead of one,
 * extend each by every token, keep the K best extensions. A hypothesis that emits the end token
 * is finished and set aside (not dropped); the search ends when K hypotheses are finished or at
 * the length limit. Finished hypotheses of different lengths are ranked by their length-
 * normalised score, since a raw log-probability favours short outputs: every extra token adds a
 * negative term. This is the search of Stanford CS224n's neural machine translation assignment;
 * Wu et al. (2016) use the same normalisation with a softer length penalty.
 *
 * Chapter 3, "Beam search" — packages/seq2seq-attention/README.md#beam-search
 */
import { concat, gatherRows, logSoftmax, narrow, noGrad } from '@rnn-course/core';
import type { Tensor } from '@rnn-course/core';
import { decoderStep } from './decoder-step';
import type { EncoderMemory } from './decoder-step';
import { encode } from './seq2seq';
import type { Seq2Seq } from './seq2seq';

/** Options of `beamSearch`. */
export interface BeamSearchOptions {
  /** K, the number of hypotheses kept (K = 1 is greedy decoding) */
  beamWidth: number;
  /** the most tokens a hypothesis may emit, eos included */
  maxLength: number;
  /** α of eq. 3.18: 0 ranks by the raw log-probability, 1 by the mean per token (default 1) */
  alpha?: number;
}

/** One output of the search. */
export interface Hypothesis {
  /** the emitted ids, without the end token */
  ids: number[];
  /** log p(ids, eos | x) for a finished hypothesis, log p(ids | x) for an unfinished one */
  logProb: number;
  /** eq. 3.18: logProb / |Y|^α, |Y| the number of emitted tokens, eos included */
  score: number;
  /** true when it ended with eos; false when the length limit stopped it */
  finished: boolean;
}

/**
 * eq. 3.18: the length-normalised score logProb / |Y|^α.
 *
 * @param length |Y| >= 1, tokens emitted including eos
 */
export function normalisedScore(logProb: number, length: number, alpha: number): number {
  return logProb / length ** alpha;
}

/**
 * Beam search for one source sequence.
 *
 * At each step every live hypothesis is extended by every token; of all extensions the
 * K − (number finished) with the highest log-probability are kept (ties: the earlier
 * hypothesis, then the lower id). An extension ending in eos is finished; the others stay live.
 * The search stops when K hypotheses are finished or after `maxLength` steps; live hypotheses
 * left then are returned as unfinished, after every finished one. Within each group the order
 * is by score (eq. 3.18), ties by log-probability.
 *
 * @param source one source sequence, ids (no padding)
 * @returns up to K hypotheses, best first
 */
export function beamSearch(
  model: Seq2Seq,
  source: readonly number[],
  options: BeamSearchOptions,
): Hypothesis[] {
  const { beamWidth: K, maxLength, alpha = 1 } = options;
  if (!Number.isInteger(K) || K < 1) {
    throw new RangeError(`beamSearch: beamWidth must be an integer >= 1, received ${K}`);
  }
  if (!Number.isInteger(maxLength) || maxLength < 1) {
    throw new RangeError(`beamSearch: maxLength must be an integer >= 1, received ${maxLength}`);
  }
  const { params, config } = model;
  return noGrad(() => {
    const encoded = encode(model, [source], [source.length]);
    type Live = { ids: number[]; logProb: number; s: Tensor }; // s: [1, Hd]
    let live: Live[] = [{ ids: [], logProb: 0, s: encoded.s0 }];
    const finished: Hypothesis[] = [];
    for (let t = 0; t < maxLength && finished.length < K && live.length > 0; t++) {
      const B = live.length;
      const memory = repeatMemory(encoded, B); // [B, S, Hc], [B, S], [B, Hc]
      const previous = live.map((h) => h.ids.at(-1) ?? config.sos);
      const step = decoderStep(
        gatherRows(params.Et, previous), // [B, E]
        concat(
          live.map((h) => h.s),
          0,
        ), // [B, Hd]
        memory,
        params,
        config.attention,
      );
      const logp = logSoftmax(step.logits, -1); // [B, V]
      const V = logp.shape[1] as number;
      const candidates: { b: number; v: number; logProb: number }[] = [];
      for (let b = 0; b < B; b++) {
        for (let v = 0; v < V; v++) {
          candidates.push({ b, v, logProb: live[b]!.logProb + logp.data[b * V + v]! });
        }
      }
      // Stable sort: equal log-probabilities keep the order (hypothesis, then id).
      candidates.sort((p, q) => q.logProb - p.logProb);
      const next: Live[] = [];
      for (const c of candidates.slice(0, K - finished.length)) {
        const ids = live[c.b]!.ids;
        if (c.v === config.eos) {
          const score = normalisedScore(c.logProb, ids.length + 1, alpha);
          finished.push({ ids: [...ids], logProb: c.logProb, score, finished: true });
        } else {
          next.push({ ids: [...ids, c.v], logProb: c.logProb, s: narrow(step.nextS, 0, c.b, 1) }); // [1, Hd]
        }
      }
      live = next;
    }
    for (const h of live) {
      const score = normalisedScore(h.logProb, h.ids.length, alpha);
      finished.push({ ids: h.ids, logProb: h.logProb, score, finished: false });
    }
    // Finished before unfinished, then by score; the sort is stable for exact ties.
    return finished.sort(
      (p, q) =>
        Number(q.finished) - Number(p.finished) || q.score - p.score || q.logProb - p.logProb,
    );
  });
}

/** The encoder's memory of one sequence, repeated for B hypotheses. */
function repeatMemory(m: EncoderMemory, B: number): EncoderMemory {
  const rep = (t: Tensor): Tensor => concat(new Array<Tensor>(B).fill(t), 0);
  const memory: EncoderMemory = {
    outputs: rep(m.outputs),
    mask: rep(m.mask),
    summary: rep(m.summary),
  };
  if (m.projectedKeys !== undefined) memory.projectedKeys = rep(m.projectedKeys);
  return memory;
}
