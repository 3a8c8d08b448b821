/**
 * One step of an attention decoder, in the order of Luong et al. (2015): the recurrent state
 * moves first, then it queries the encoder's outputs, and the prediction is read from the state
 * together with the context it found.
 *
 * Chapter 3, "A decoder step with attention" —
 * packages/seq2seq-attention/README.md#a-decoder-step-with-attention
 */
import { ShapeError, add, assertShape, concat, matmul, tanh, zerosLike } from '@rnn-course/core';
import type { Tensor } from '@rnn-course/core';
import { rnnStep } from '@rnn-course/rnn';
import { additiveAttention } from './additive-attention';
import { multiplicativeAttention } from './multiplicative-attention';

/**
 * How the decoder finds its context: additive (Bahdanau) or multiplicative (Luong's dot and
 * general) attention, or none: the fixed summary of the encoder at every step (Cho et al. 2014).
 */
export type AttentionKind = 'additive' | 'dot' | 'general' | 'none';

/** What the encoder hands to the decoder. */
export interface EncoderMemory {
  /** `[N, S, Hc]` the encoder's output at every source position (keys and values) */
  outputs: Tensor;
  /** `[N, S]` 1 for real source positions, 0 for padding */
  mask: Tensor;
  /** `[N, Hc]` the fixed-size summary c of eq. 3.7, the context when there is no attention */
  summary: Tensor;
  /** `[N, S, A]` outputs Wk for additive attention, computed once for all the decoder's steps */
  projectedKeys?: Tensor;
}

/** The decoder's weights. Which attention weights are needed depends on the kind. */
export interface DecoderParams {
  /** eq. 3.8: `Wx [E, Hd]`, `Wh [Hd, Hd]`, `b [Hd]` */
  Wx: Tensor;
  Wh: Tensor;
  b: Tensor;
  /** eq. 3.9: `Wc [Hc + Hd, Hd]`, `bc [Hd]`, `Wy [Hd, V]`, `by [V]` */
  Wc: Tensor;
  bc: Tensor;
  Wy: Tensor;
  by: Tensor;
  /** additive attention (eq. 3.14): `Wq [Hd, A]`, `Wk [Hc, A]`, `v [A]` */
  Wq?: Tensor;
  Wk?: Tensor;
  v?: Tensor;
  /** general attention (eq. 3.16): `Wa [Hd, Hc]` */
  Wa?: Tensor;
}

/** What one decoder step produces. */
export interface DecoderStepOutput {
  /** `[N, Hd]` s_t, the new recurrent state */
  nextS: Tensor;
  /** `[N, V]` z_t, the scores of the next target token */
  logits: Tensor;
  /** `[N, S]` α_t (all zeros when the kind is 'none') */
  weights: Tensor;
  /** `[N, Hc]` c_t */
  context: Tensor;
}

/** The weight `name` of `params`, or an error saying which attention needs it. */
function need(params: DecoderParams, name: 'Wq' | 'Wk' | 'v' | 'Wa', kind: string): Tensor {
  const t = params[name];
  if (t === undefined) {
    throw new ShapeError('decoderStep', `${name} for ${kind} attention`, 'no such parameter');
  }
  return t;
}

/**
 * The context c_t of eq. 3.9 for the state `s`: attention over the memory, or its summary.
 *
 * @param s `[N, Hd]`
 * @returns `context [N, Hc]` and `weights [N, S]`
 */
export function attend(
  s: Tensor,
  memory: EncoderMemory,
  params: DecoderParams,
  kind: AttentionKind,
): { context: Tensor; weights: Tensor } {
  const { outputs, mask, summary } = memory;
  switch (kind) {
    case 'additive':
      return additiveAttention(
        s,
        outputs,
        outputs,
        mask,
        need(params, 'Wq', kind),
        need(params, 'Wk', kind),
        need(params, 'v', kind),
        memory.projectedKeys,
      );
    case 'dot':
      return multiplicativeAttention(s, outputs, outputs, mask);
    case 'general':
      return multiplicativeAttention(s, outputs, outputs, mask, need(params, 'Wa', kind));
    case 'none':
      return { context: summary, weights: zerosLike(mask) }; // the same c at every step
  }
}

/**
 * eqs. 3.8–3.9, one step:
 *
 *   s_t = tanh(x_t Wx + s_{t−1} Wh + b)          (chapter 1's RNN step)
 *   c_t, α_t = attention(s_t, memory)            (eqs. 3.11–3.16)
 *   h̃_t = tanh([c_t ; s_t] Wc + bc),  z_t = h̃_t Wy + by
 *
 * @param x      `[N, E]` the embedding of the previous target token y_{t−1}
 * @param prevS  `[N, Hd]` s_{t−1}
 * @param memory the encoder's outputs `[N, S, Hc]`, mask `[N, S]` and summary `[N, Hc]`
 * @param params the decoder's weights
 * @param kind   the attention to use
 * @returns `nextS [N, Hd]`, `logits [N, V]`, `weights [N, S]`, `context [N, Hc]`
 * @throws ShapeError naming `decoderStep` when the shapes disagree
 */
export function decoderStep(
  x: Tensor,
  prevS: Tensor,
  memory: EncoderMemory,
  params: DecoderParams,
  kind: AttentionKind,
): DecoderStepOutput {
  const op = 'decoderStep';
  assertShape(op, prevS, [null, null], 'prevS');
  const [N, Hd] = prevS.shape as [number, number];
  assertShape(op, memory.outputs, [N, null, null], 'memory.outputs');
  const Hc = memory.outputs.shape[2] as number;
  assertShape(op, memory.summary, [N, Hc], 'memory.summary');
  assertShape(op, params.Wc, [Hc + Hd, Hd], 'Wc');
  assertShape(op, params.bc, [Hd], 'bc');
  assertShape(op, params.Wy, [Hd, null], 'Wy');
  assertShape(op, params.by, [params.Wy.shape[1] as number], 'by');
  const nextS = rnnStep(x, prevS, params.Wx, params.Wh, params.b); // eq. 3.8, [N, Hd]
  const { context, weights } = attend(nextS, memory, params, kind); // [N, Hc], [N, S]
  const combined = concat([context, nextS], 1); // [N, Hc + Hd]
  const attentional = tanh(add(matmul(combined, params.Wc), params.bc)); // h̃_t, [N, Hd]
  const logits = add(matmul(attentional, params.Wy), params.by); // z_t, [N, V]
  return { nextS, logits, weights, context };
}
