/**
 * One step of an attention decoder (Luong et al. 2015's order: recur, attend, combine),
 * forward and backward, written by hand. The recurrent step is chapter 1's (`rnnStep` from
 * `@rnn-course/rnn`, its backward by the core's `vjp`).
 *
 * Chapter 3, "A decoder step with attention" —
 * packages/seq2seq-attention/README.md#a-decoder-step-with-attention
 */
import { ShapeError, notImplemented } from '@rnn-course/core';
import type { Tensor } from '@rnn-course/core';

/** 'additive' (Bahdanau), 'dot' and 'general' (Luong), or 'none' (the fixed summary). */
export type AttentionKind = 'additive' | 'dot' | 'general' | 'none';

/** What the encoder hands to the decoder. */
export interface EncoderMemory {
  outputs: Tensor; // [N, S, Hc]
  mask: Tensor; // [N, S]
  summary: Tensor; // [N, Hc]
}

/** The decoder's weights; which attention weights are needed depends on the kind. */
export interface DecoderParams {
  Wx: Tensor; // [E, Hd]
  Wh: Tensor; // [Hd, Hd]
  b: Tensor; // [Hd]
  Wc: Tensor; // [Hc + Hd, Hd]
  bc: Tensor; // [Hd]
  Wy: Tensor; // [Hd, V]
  by: Tensor; // [V]
  Wq?: Tensor; // [Hd, A]
  Wk?: Tensor; // [Hc, A]
  v?: Tensor; // [A]
  Wa?: Tensor; // [Hd, Hc]
}

/** What `decoderStepBackward` needs. */
export interface DecoderStepCache {
  // TODO: the fields your decoderStepBackward reads, filled in by your decoderStepForward.
}

/** The gradients of one step. Attention weights appear only for their kind. */
export interface DecoderStepGrads {
  dx: Tensor; // [N, E]
  dprevS: Tensor; // [N, Hd]
  doutputs: Tensor; // [N, S, Hc], zeros for 'none'
  dsummary: Tensor; // [N, Hc], zeros unless 'none'
  dWx: Tensor;
  dWh: Tensor;
  db: Tensor;
  dWc: Tensor;
  dbc: Tensor;
  dWy: Tensor;
  dby: Tensor;
  dWq?: Tensor;
  dWk?: Tensor;
  dv?: Tensor;
  dWa?: Tensor;
}

function need(params: DecoderParams, name: 'Wq' | 'Wk' | 'v' | 'Wa', kind: string): Tensor {
  const t = params[name];
  if (t === undefined) {
    throw new ShapeError(
      'decoderStepForward',
      `params.${name} for ${kind} attention`,
      'no such parameter',
    );
  }
  return t;
}

/**
 * eqs. 3.8–3.9: s_t = tanh(x_t Wx + s_{t−1} Wh + b); c_t, α_t from attention with query s_t
 * over the encoder's outputs (or c_t = the summary for 'none'); h̃_t = tanh([c_t ; s_t] Wc + bc);
 * z_t = h̃_t Wy + by.
 *
 * @param x      `[N, E]` the embedding of y_{t−1}
 * @param prevS  `[N, Hd]`
 * @param memory outputs `[N, S, Hc]`, mask `[N, S]`, summary `[N, Hc]`
 * @returns `nextS [N, Hd]`, `logits [N, V]`, `weights [N, S]`, `context [N, Hc]`, the cache
 * @throws ShapeError naming `decoderStepForward` when `prevS` is not 2-D, or when `x`, `memory` or
 *   `params` does not fit prevS and the others (including an attention weight its kind needs)
 */
export function decoderStepForward(
  x: Tensor,
  prevS: Tensor,
  memory: EncoderMemory,
  params: DecoderParams,
  kind: AttentionKind,
): {
  nextS: Tensor;
  logits: Tensor;
  weights: Tensor;
  context: Tensor;
  cache: DecoderStepCache;
} {
  // TODO: check the shapes, the RNN step (eq. 3.8), attention with query s_t (or the summary for 'none'), the attentional state and the scores (eq. 3.9).
  notImplemented('seq2seq-attention/decoder-step-forward');
}

/**
 * The backward of one step, from the scores' gradient and the gradient arriving at s_t from
 * the next step: back through the output layer and the tanh of eq. 3.9, split [c_t ; s_t],
 * back through the attention (its query is s_t, its keys and values the encoder's outputs),
 * and finally chapter 1's RNN step with the total gradient of s_t.
 *
 * @param dlogits `[N, V]` gradient of this step's scores
 * @param dnextS  `[N, Hd]` gradient reaching s_t from step t + 1 (zeros at the last step)
 * @returns the gradients of x, s_{t−1}, the encoder's outputs and summary, and every weight
 * @throws ShapeError naming `decoderStepBackward` when `dlogits` is not [N, V] or `dnextS` is not
 *   [N, Hd]
 */
export function decoderStepBackward(
  dlogits: Tensor,
  dnextS: Tensor,
  cache: DecoderStepCache,
): DecoderStepGrads {
  // TODO: back through the scores and the tanh of eq. 3.9, split [c_t ; s_t], back through the attention, then the RNN step with the total gradient of s_t.
  notImplemented('seq2seq-attention/decoder-step-backward');
}
