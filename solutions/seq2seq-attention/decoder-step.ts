/**
 * One step of an attention decoder (Luong et al. 2015's order: recur, attend, combine),
 * forward and backward, written by hand. The recurrent step is chapter 1's (`rnnStep` from
 * `@rnn-course/rnn`, its backward by the core's `vjp`).
 *
 * Chapter 3, "A decoder step with attention" —
 * packages/seq2seq-attention/README.md#a-decoder-step-with-attention
 */
import {
  ShapeError,
  add,
  assertShape,
  concat,
  matmul,
  mul,
  narrow,
  onesLike,
  square,
  sub,
  sum,
  tanh,
  transpose,
  vjp,
  zeros,
  zerosLike,
} from '@rnn-course/core';
import type { Tensor } from '@rnn-course/core';
import { rnnStep } from '@rnn-course/rnn';
import { additiveAttentionBackward, additiveAttentionForward } from './additive-attention';
import type { AdditiveAttentionCache } from './additive-attention';
import {
  multiplicativeAttentionBackward,
  multiplicativeAttentionForward,
} from './multiplicative-attention';
import type { MultiplicativeAttentionCache } from './multiplicative-attention';

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
  // BEGIN SOLUTION: the fields your decoderStepBackward reads, filled in by your decoderStepForward.
  readonly x: Tensor; // [N, E]
  readonly prevS: Tensor; // [N, Hd]
  readonly params: DecoderParams;
  readonly kind: AttentionKind;
  readonly attention: AdditiveAttentionCache | MultiplicativeAttentionCache | undefined;
  readonly combined: Tensor; // [N, Hc + Hd], [c_t ; s_t]
  readonly attentional: Tensor; // [N, Hd], h̃_t
  readonly Hc: number;
  readonly S: number;
  // END SOLUTION
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
  // BEGIN SOLUTION: check the shapes, the RNN step (eq. 3.8), attention with query s_t (or the summary for 'none'), the attentional state and the scores (eq. 3.9).
  const op = 'decoderStepForward';
  assertShape(op, prevS, [null, null], 'prevS');
  const [N, Hd] = prevS.shape as [number, number];
  assertShape(op, memory.outputs, [N, null, null], 'memory.outputs');
  const [, S, Hc] = memory.outputs.shape as [number, number, number];
  assertShape(op, memory.summary, [N, Hc], 'memory.summary');
  assertShape(op, params.Wc, [Hc + Hd, Hd], 'params.Wc');
  assertShape(op, params.bc, [Hd], 'params.bc');
  assertShape(op, params.Wy, [Hd, null], 'params.Wy');
  assertShape(op, params.by, [params.Wy.shape[1] as number], 'params.by');
  assertShape(op, params.Wx, [null, Hd], 'params.Wx');
  assertShape(op, params.Wh, [Hd, Hd], 'params.Wh');
  assertShape(op, params.b, [Hd], 'params.b');
  assertShape(op, x, [N, params.Wx.shape[0] as number], 'x');
  assertShape(op, memory.mask, [N, S], 'memory.mask');

  const nextS = rnnStep(x, prevS, params.Wx, params.Wh, params.b); // eq. 3.8, [N, Hd]
  const { outputs, mask } = memory;
  let context: Tensor; // [N, Hc]
  let weights: Tensor; // [N, S]
  let attention: DecoderStepCache['attention'];
  if (kind === 'additive') {
    const Wq = need(params, 'Wq', kind);
    const Wk = need(params, 'Wk', kind);
    const v = need(params, 'v', kind);
    ({
      context,
      weights,
      cache: attention,
    } = additiveAttentionForward(nextS, outputs, outputs, mask, Wq, Wk, v));
  } else if (kind === 'dot' || kind === 'general') {
    const Wa = kind === 'general' ? need(params, 'Wa', kind) : undefined;
    ({
      context,
      weights,
      cache: attention,
    } = multiplicativeAttentionForward(nextS, outputs, outputs, mask, Wa));
  } else {
    context = memory.summary; // the same fixed context at every step
    weights = zerosLike(mask);
    attention = undefined;
  }
  const combined = concat([context, nextS], 1); // [N, Hc + Hd]
  const attentional = tanh(add(matmul(combined, params.Wc), params.bc)); // eq. 3.9, h̃_t [N, Hd]
  const logits = add(matmul(attentional, params.Wy), params.by); // [N, V]
  return {
    nextS,
    logits,
    weights,
    context,
    cache: { x, prevS, params, kind, attention, combined, attentional, Hc, S },
  };
  // END SOLUTION
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
  // BEGIN SOLUTION: back through the scores and the tanh of eq. 3.9, split [c_t ; s_t], back through the attention, then the RNN step with the total gradient of s_t.
  const { x, prevS, params, kind, combined, attentional, Hc, S } = cache;
  const [N, Hd] = prevS.shape as [number, number];
  assertShape('decoderStepBackward', dlogits, [N, params.Wy.shape[1] as number], 'dlogits');
  assertShape('decoderStepBackward', dnextS, [N, Hd], 'dnextS');
  // z = h̃ Wy + by
  const dWy = matmul(transpose(attentional), dlogits); // [Hd, N]·[N, V] -> [Hd, V]
  const dby = sum(dlogits, 0); // [V]
  const dattentional = matmul(dlogits, transpose(params.Wy)); // [N, Hd]
  // h̃ = tanh(a), a = [c ; s] Wc + bc: tanh' = 1 − h̃²
  const da = mul(dattentional, sub(onesLike(attentional), square(attentional))); // [N, Hd]
  const dWc = matmul(transpose(combined), da); // [Hc + Hd, Hd]
  const dbc = sum(da, 0); // [Hd]
  const dcombined = matmul(da, transpose(params.Wc)); // [N, Hc + Hd]
  const dcontext = narrow(dcombined, 1, 0, Hc); // [N, Hc]
  // s_t reaches the loss three ways: the next step, the combination, and the attention's query.
  let ds = add(dnextS, narrow(dcombined, 1, Hc, Hd)); // [N, Hd]
  const grads: Partial<DecoderStepGrads> = {};
  let doutputs: Tensor;
  let dsummary: Tensor;
  if (kind === 'additive') {
    const g = additiveAttentionBackward(dcontext, cache.attention as AdditiveAttentionCache);
    ds = add(ds, g.dquery);
    doutputs = add(g.dkeys, g.dvalues); // the outputs are both keys and values
    dsummary = zerosLike(dcontext);
    Object.assign(grads, { dWq: g.dWq, dWk: g.dWk, dv: g.dv });
  } else if (kind === 'dot' || kind === 'general') {
    const g = multiplicativeAttentionBackward(
      dcontext,
      cache.attention as MultiplicativeAttentionCache,
    );
    ds = add(ds, g.dquery);
    doutputs = add(g.dkeys, g.dvalues);
    dsummary = zerosLike(dcontext);
    if (g.dWa !== undefined) grads.dWa = g.dWa;
  } else {
    doutputs = zeros([N, S, Hc]); // without attention the outputs reach s_t only via the summary
    dsummary = dcontext;
  }
  // Chapter 1's RNN step, eq. 3.8, with the total gradient of s_t.
  const r = vjp(rnnStep, { x, prevH: prevS, Wx: params.Wx, Wh: params.Wh, b: params.b }, ds);
  return {
    dx: r.dx as Tensor,
    dprevS: r.dprevH as Tensor,
    doutputs,
    dsummary,
    dWx: r.dWx as Tensor,
    dWh: r.dWh as Tensor,
    db: r.db as Tensor,
    dWc,
    dbc,
    dWy,
    dby,
    ...grads,
  };
  // END SOLUTION
}
