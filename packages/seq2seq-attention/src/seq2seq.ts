/**
 * An encoder-decoder (sequence-to-sequence) model (Cho et al. 2014; Sutskever, Vinyals & Le
 * 2014) with optional attention (Bahdanau et al. 2014; Luong et al. 2015): a bidirectional RNN
 * encodes the source, and an RNN decoder writes the target one token at a time, attending to
 * the encoder's outputs or, without attention, reading only a fixed summary of them.
 *
 * Chapter 3, "Encoder-decoder models" —
 * packages/seq2seq-attention/README.md#encoder-decoder-models
 */
import {
  ShapeError,
  add,
  assertShape,
  concat,
  embedding,
  matmul,
  mul,
  narrow,
  randu,
  reshape,
  sequenceMask,
  stack,
  sum,
  tanh,
  tensor,
  timeStep,
  uniformRnnInit,
  xavierUniform,
  zeros,
} from '@rnn-course/core';
import type { Rng, Tensor } from '@rnn-course/core';
import { temporalSoftmaxLoss } from '@rnn-course/rnn';
import { bidirectionalRnn } from './bidirectional-rnn';
import type { BidirectionalRnnParams } from './bidirectional-rnn';
import { decoderStep } from './decoder-step';
import type { AttentionKind, DecoderParams, EncoderMemory } from './decoder-step';

/** Sizes and special tokens of a model. */
export interface Seq2SeqConfig {
  /** Vs, the source vocabulary's size */
  sourceVocab: number;
  /** Vt, the target vocabulary's size, special tokens included */
  targetVocab: number;
  /** E, the size of a token's embedding (source and target) */
  embedDim: number;
  /** H, the hidden size of each direction of the encoder (its outputs have Hc = 2H) */
  encoderHidden: number;
  /** Hd, the decoder's hidden size */
  decoderHidden: number;
  /** which attention the decoder uses ('dot' needs Hd = 2H) */
  attention: AttentionKind;
  /** A, the size of additive attention's hidden layer */
  attentionDim: number;
  /** the target id that starts decoding */
  sos: number;
  /** the target id that ends a target sequence */
  eos: number;
}

/** Every weight of the model, by the chapter's names. */
export interface Seq2SeqParams extends BidirectionalRnnParams, DecoderParams {
  /** `[Vs, E]` source embeddings */
  Es: Tensor;
  /** `[Vt, E]` target embeddings */
  Et: Tensor;
  /** eq. 3.7: `Winit [2H, Hd]`, `binit [Hd]` */
  Winit: Tensor;
  binit: Tensor;
}

/** A model: its sizes and its weights. */
export interface Seq2Seq {
  config: Seq2SeqConfig;
  params: Seq2SeqParams;
}

/** A batch of padded source and target sequences. */
export interface Seq2SeqBatch {
  /** `[N][S]` source ids, padded to the longest */
  source: readonly (readonly number[])[];
  /** N lengths in 1..S */
  sourceLengths: readonly number[];
  /** `[N][L]` target ids ending with eos, padded to the longest (any id may pad) */
  target: readonly (readonly number[])[];
  /** N lengths in 1..L, the eos included */
  targetLengths: readonly number[];
}

/**
 * A model with fresh weights: recurrent weights U(−1/√H, 1/√H) as PyTorch's `nn.RNN`,
 * embeddings and projections Glorot-uniform, biases of the output layers zero.
 *
 * @param config sizes, attention kind and special tokens
 * @param rng    draws every weight, in a fixed order
 */
export function createSeq2Seq(config: Seq2SeqConfig, rng: Rng): Seq2Seq {
  const {
    sourceVocab: Vs,
    targetVocab: Vt,
    embedDim: E,
    encoderHidden: H,
    decoderHidden: Hd,
    attention,
    attentionDim: A,
  } = config;
  const Hc = 2 * H;
  if (attention === 'dot' && Hd !== Hc) {
    throw new ShapeError(
      'createSeq2Seq',
      `decoderHidden = 2 × encoderHidden = ${Hc} for dot attention`,
      `decoderHidden ${Hd}`,
    );
  }
  const params: Seq2SeqParams = {
    Es: xavierUniform([Vs, E], rng),
    Wxf: uniformRnnInit([E, H], H, rng),
    Whf: uniformRnnInit([H, H], H, rng),
    bf: uniformRnnInit([H], H, rng),
    Wxb: uniformRnnInit([E, H], H, rng),
    Whb: uniformRnnInit([H, H], H, rng),
    bb: uniformRnnInit([H], H, rng),
    Winit: xavierUniform([Hc, Hd], rng),
    binit: zeros([Hd], { requiresGrad: true }),
    Et: xavierUniform([Vt, E], rng),
    Wx: uniformRnnInit([E, Hd], Hd, rng),
    Wh: uniformRnnInit([Hd, Hd], Hd, rng),
    b: uniformRnnInit([Hd], Hd, rng),
    Wc: xavierUniform([Hc + Hd, Hd], rng),
    bc: zeros([Hd], { requiresGrad: true }),
    Wy: xavierUniform([Hd, Vt], rng),
    by: zeros([Vt], { requiresGrad: true }),
  };
  if (attention === 'additive') {
    params.Wq = xavierUniform([Hd, A], rng);
    params.Wk = xavierUniform([Hc, A], rng);
    const bound = Math.sqrt(6 / (A + 1)); // Glorot-uniform for v seen as an [A, 1] matrix
    params.v = randu([A], rng, { low: -bound, high: bound, requiresGrad: true });
  } else if (attention === 'general') {
    params.Wa = xavierUniform([Hd, Hc], rng);
  }
  return { config, params };
}

/** The model's weights by name, in a fixed order (for an optimiser or a checkpoint). */
export function seq2seqParameters(model: Seq2Seq): [string, Tensor][] {
  return Object.entries(model.params).filter((e): e is [string, Tensor] => e[1] !== undefined);
}

/** The encoder's memory and the decoder's initial state. */
export interface Encoded extends EncoderMemory {
  /** `[N, Hd]` s_{−1} = tanh(c Winit + binit) (eq. 3.7) */
  s0: Tensor;
}

/**
 * Runs the encoder: embeddings, the bidirectional RNN (eqs. 3.1–3.3), the summary
 * c = [h→_{len−1} ; h←_0] and the decoder's initial state (eq. 3.7).
 *
 * @param source  `[N][S]` padded source ids
 * @param lengths N lengths in 0..S
 * @returns `outputs [N, S, 2H]`, `mask [N, S]`, `summary [N, 2H]`, `s0 [N, Hd]`
 */
export function encode(
  model: Seq2Seq,
  source: readonly (readonly number[])[],
  lengths: readonly number[],
): Encoded {
  const { params, config } = model;
  const N = source.length;
  const S = source[0]?.length ?? 0;
  if (N === 0 || S === 0 || lengths.length !== N) {
    throw new ShapeError(
      'encode',
      `source [N >= 1][S >= 1] with N lengths`,
      `source [${N}][${S}] with ${lengths.length} lengths`,
    );
  }
  const H = config.encoderHidden;
  const x = embedding(params.Es, source); // [N, S, E]
  const h0 = zeros([N, H]); // [N, H], both directions start from zeros
  const outputs = bidirectionalRnn(x, h0, h0, params, lengths); // [N, S, 2H]
  const mask = sequenceMask(lengths, S); // [N, S]
  // c = [h→ at the last real position ; h← at position 0], eq. 3.7; zeros for an empty source.
  const last = tensor(
    lengths.map((len) => Array.from({ length: S }, (_, t) => (t === len - 1 ? 1 : 0))),
  ); // [N, S], one-hot at len − 1
  const forwardLast = sum(mul(narrow(outputs, 2, 0, H), reshape(last, [N, S, 1])), 1); // [N, H]
  const nonEmpty = tensor(lengths.map((len) => [len > 0 ? 1 : 0])); // [N, 1]
  const backwardFirst = mul(timeStep(narrow(outputs, 2, H, H), 0), nonEmpty); // [N, H]
  const summary = concat([forwardLast, backwardFirst], 1); // [N, 2H]
  const s0 = tanh(add(matmul(summary, params.Winit), params.binit)); // [N, Hd]
  // Additive attention's keys Wk do not depend on the decoder's state: once per source.
  if (config.attention === 'additive' && params.Wk !== undefined) {
    return { outputs, mask, summary, s0, projectedKeys: matmul(outputs, params.Wk) }; // [N, S, A]
  }
  return { outputs, mask, summary, s0 };
}

/**
 * The decoder's inputs under teacher forcing: the start token, then the target shifted right,
 * y_{t−1} at step t (the last target token, eos, is never an input).
 *
 * @param target `[N][L]`
 * @returns `[N][L]`: [sos, y_0, …, y_{L−2}] per row
 */
export function decoderInputs(target: readonly (readonly number[])[], sos: number): number[][] {
  return target.map((row) => [sos, ...row.slice(0, -1)]);
}

/**
 * eq. 3.10, the teacher-forced loss: the decoder reads the true previous token at every step,
 * and L = (1/N) Σ_n Σ_t m_{n,t} (−log softmax(z_{n,t})[y_{n,t}]) over the real target
 * positions (chapter 1's temporal softmax loss).
 *
 * @returns a scalar tensor; `.backward()` fills every weight's gradient
 * @throws ShapeError naming `seq2seqLoss` when the batch's sizes disagree
 */
export function seq2seqLoss(model: Seq2Seq, batch: Seq2SeqBatch): Tensor {
  const { logits, mask } = teacherForcedLogits(model, batch);
  return temporalSoftmaxLoss(logits, batch.target, mask);
}

/**
 * The decoder's scores at every target step under teacher forcing (eqs. 3.7–3.9).
 *
 * @returns `logits [N, L, Vt]`, `weights [N, L, S]` (the attention at every step) and the
 *   target mask `[N][L]`
 */
export function teacherForcedLogits(
  model: Seq2Seq,
  batch: Seq2SeqBatch,
): { logits: Tensor; weights: Tensor; mask: number[][] } {
  const { params, config } = model;
  const N = batch.source.length;
  const L = batch.target[0]?.length ?? 0;
  if (batch.target.length !== N || batch.targetLengths.length !== N || L === 0) {
    throw new ShapeError(
      'seq2seqLoss',
      `target [${N}][L >= 1] and ${N} target lengths (one per source)`,
      `target [${batch.target.length}][${L}] and ${batch.targetLengths.length} lengths`,
    );
  }
  const memory = encode(model, batch.source, batch.sourceLengths);
  const inputs = embedding(params.Et, decoderInputs(batch.target, config.sos)); // [N, L, E]
  let s = memory.s0; // [N, Hd]
  const logits: Tensor[] = [];
  const weights: Tensor[] = [];
  for (let t = 0; t < L; t++) {
    const step = decoderStep(timeStep(inputs, t), s, memory, params, config.attention);
    logits.push(step.logits); // [N, Vt]
    weights.push(step.weights); // [N, S]
    s = step.nextS; // [N, Hd]
  }
  const mask = batch.targetLengths.map((len) =>
    Array.from({ length: L }, (_, t) => (t < len ? 1 : 0)),
  );
  assertShape('seq2seqLoss', logits[0] as Tensor, [N, config.targetVocab], 'logits');
  return { logits: stack(logits, 1), weights: stack(weights, 1), mask }; // [N, L, Vt], [N, L, S]
}
