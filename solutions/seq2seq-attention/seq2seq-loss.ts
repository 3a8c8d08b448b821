/**
 * The teacher-forced loss of an encoder-decoder model with attention, and its gradient with
 * respect to every weight, written by hand: the forward runs the encoder and then the decoder
 * step by step on the true previous tokens; the backward walks the decoder's steps in reverse,
 * collects the gradient that each step sends into the encoder's outputs, and takes it through
 * the encoder. Chapter 1's pieces (embeddings, the softmax loss) have their backward taken from
 * the core's `vjp`.
 *
 * Chapter 3, "Encoder-decoder models" and "Teacher forcing" —
 * packages/seq2seq-attention/README.md#teacher-forcing-and-exposure-bias
 */
import {
  ShapeError,
  add,
  embedding,
  fromData,
  matmul,
  mul,
  onesLike,
  sequenceMask,
  square,
  stack,
  sub,
  sum,
  tanh,
  tensor,
  timeStep,
  transpose,
  vjp,
  zeros,
} from '@rnn-course/core';
import type { Tensor } from '@rnn-course/core';
import { temporalSoftmaxLoss } from '@rnn-course/rnn';
import { bidirectionalRnnBackward, bidirectionalRnnForward } from './bidirectional-rnn';
import type { BidirectionalRnnCache, BidirectionalRnnParams } from './bidirectional-rnn';
import { decoderStepBackward, decoderStepForward } from './decoder-step';
import type {
  AttentionKind,
  DecoderParams,
  DecoderStepCache,
  DecoderStepGrads,
  EncoderMemory,
} from './decoder-step';

/** Sizes, attention kind and special tokens of a model. */
export interface Seq2SeqConfig {
  sourceVocab: number;
  targetVocab: number;
  embedDim: number;
  encoderHidden: number; // H per direction
  decoderHidden: number; // Hd
  attention: AttentionKind;
  attentionDim: number;
  sos: number;
  eos: number;
}

/** Every weight of the model. */
export interface Seq2SeqParams extends BidirectionalRnnParams, DecoderParams {
  Es: Tensor; // [Vs, E]
  Et: Tensor; // [Vt, E]
  Winit: Tensor; // [2H, Hd]
  binit: Tensor; // [Hd]
}

/** A model: sizes and weights. */
export interface Seq2Seq {
  config: Seq2SeqConfig;
  params: Seq2SeqParams;
}

/** Padded source and target ids; every target ends with eos and its length counts it. */
export interface Seq2SeqBatch {
  source: readonly (readonly number[])[]; // [N][S]
  sourceLengths: readonly number[];
  target: readonly (readonly number[])[]; // [N][L]
  targetLengths: readonly number[];
}

/** What `encoderBackward` needs. */
export interface EncoderCache {
  readonly source: readonly (readonly number[])[];
  readonly lengths: readonly number[];
  readonly rnn: BidirectionalRnnCache;
  readonly summary: Tensor; // [N, 2H]
  readonly s0: Tensor; // [N, Hd]
  readonly H: number;
}

/**
 * The encoder: embeddings of the source, the bidirectional RNN (eqs. 3.1–3.3), the summary
 * c = [h→_{len−1} ; h←_0] and the decoder's initial state s_{−1} = tanh(c Winit + binit)
 * (eq. 3.7).
 *
 * @param source  `[N][S]` padded ids
 * @param lengths N lengths in 0..S
 * @returns the memory (`outputs [N, S, 2H]`, `mask [N, S]`, `summary [N, 2H]`), `s0 [N, Hd]`
 *   and the cache
 */
export function encoderForward(
  model: Seq2Seq,
  source: readonly (readonly number[])[],
  lengths: readonly number[],
): { memory: EncoderMemory; s0: Tensor; cache: EncoderCache } {
  const { params, config } = model;
  const N = source.length;
  const S = source[0]?.length ?? 0;
  if (N === 0 || S === 0 || lengths.length !== N) {
    throw new ShapeError(
      'encoderForward',
      'source [N >= 1][S >= 1] with N lengths',
      `source [${N}][${S}] with ${lengths.length} lengths`,
    );
  }
  const H = config.encoderHidden;
  const x = embedding(params.Es, source); // [N, S, E]
  const h0 = zeros([N, H]); // [N, H]
  const { h: outputs, cache: rnn } = bidirectionalRnnForward(x, h0, h0, params, lengths); // [N, S, 2H]
  const mask = sequenceMask(lengths, S); // [N, S]
  // c_n = [h→ at position len_n − 1 ; h← at position 0]: both have read the whole sequence.
  const rows = lengths.map((len, n) => {
    if (len === 0) return new Array<number>(2 * H).fill(0); // an empty source: c = 0
    const at = (t: number, from: number): number[] =>
      Array.from(outputs.data.subarray((n * S + t) * 2 * H + from, (n * S + t) * 2 * H + from + H));
    return [...at(len - 1, 0), ...at(0, H)];
  });
  const summary = tensor(rows); // [N, 2H]
  const s0 = tanh(add(matmul(summary, params.Winit), params.binit)); // [N, Hd]
  return {
    memory: { outputs, mask, summary },
    s0,
    cache: { source, lengths, rnn, summary, s0, H },
  };
}

/**
 * The encoder's backward: through s_{−1} = tanh(c Winit + binit) into c; c's two halves go back
 * to the positions they were read from (len − 1 for the forward half, 0 for the backward one)
 * and join the gradient of the outputs; then the bidirectional RNN and the embeddings.
 *
 * @param doutputs `[N, S, 2H]` from the attention at every decoder step
 * @param dsummary `[N, 2H]` from the decoder steps that read c directly ('none')
 * @param ds0      `[N, Hd]` what the first decoder step sends back to s_{−1}
 */
export function encoderBackward(
  model: Seq2Seq,
  doutputs: Tensor,
  dsummary: Tensor,
  ds0: Tensor,
  cache: EncoderCache,
): Record<string, Tensor> {
  const { params } = model;
  const { source, lengths, rnn, summary, s0, H } = cache;
  const [N, S] = doutputs.shape as [number, number, number];
  const da = mul(ds0, sub(onesLike(s0), square(s0))); // [N, Hd], through the tanh
  const dWinit = matmul(transpose(summary), da); // [2H, Hd]
  const dbinit = sum(da, 0); // [Hd]
  const dc = add(dsummary, matmul(da, transpose(params.Winit))).data; // [N, 2H]
  const dout = doutputs.data.slice(); // [N, S, 2H]
  lengths.forEach((len, n) => {
    if (len === 0) return;
    for (let j = 0; j < H; j++) {
      dout[(n * S + len - 1) * 2 * H + j]! += dc[n * 2 * H + j]!; // forward half, at len − 1
      dout[n * S * 2 * H + H + j]! += dc[n * 2 * H + H + j]!; // backward half, at 0
    }
  });
  const g = bidirectionalRnnBackward(fromData(dout, [N, S, 2 * H]), rnn);
  const { dEs } = vjp((W) => embedding(W, source), { Es: params.Es }, g.dx);
  return {
    dEs: dEs as Tensor,
    dWxf: g.dWxf,
    dWhf: g.dWhf,
    dbf: g.dbf,
    dWxb: g.dWxb,
    dWhb: g.dWhb,
    dbb: g.dbb,
    dWinit,
    dbinit,
  };
}

/** The weight gradients of the model, keyed 'd' + the weight's name. */
export type Seq2SeqGrads = Record<string, Tensor>;

/**
 * eq. 3.10 under teacher forcing, and its gradient.
 *
 * Forward: the encoder; then for t = 0 … L−1 the decoder step (eqs. 3.8–3.9) reads the
 * embedding of the true previous token (sos at t = 0) and s_{t−1}; the loss is chapter 1's
 * temporal softmax loss, (1/N) Σ_n Σ_t m_{n,t} (−log softmax(z_{n,t})[y_{n,t}]).
 *
 * Backward: for t = L−1 … 0, each step's backward gets dz_t and the gradient that step t + 1
 * sent to s_t; the weights are shared across steps, so their gradients add up; every step's
 * gradient of the encoder's outputs adds up too, and with what reaches s_{−1} it goes through
 * the encoder. That is how the decoder's errors reach the encoder's weights.
 *
 * @returns `loss` and `grads` for every weight of the model (dEs, dWxf, …, dWy, dby)
 * @throws ShapeError naming `seq2seqLossAndGrad` when the target rows or lengths of `batch` do not
 *   match its sources
 */
export function seq2seqLossAndGrad(
  model: Seq2Seq,
  batch: Seq2SeqBatch,
): { loss: number; grads: Seq2SeqGrads } {
  // BEGIN SOLUTION: the encoder; the decoder steps fed the true previous tokens; the loss; then the steps backwards, summing the weights' gradients and the encoder outputs' gradient, and through the encoder (eq. 3.10).
  const { params, config } = model;
  const N = batch.source.length;
  const L = batch.target[0]?.length ?? 0;
  if (batch.target.length !== N || batch.targetLengths.length !== N || L === 0) {
    throw new ShapeError(
      'seq2seqLossAndGrad',
      `batch.target [${N}][L >= 1] and ${N} batch.targetLengths (one per source)`,
      `target [${batch.target.length}][${L}] and ${batch.targetLengths.length} lengths`,
    );
  }

  // Forward.
  const enc = encoderForward(model, batch.source, batch.sourceLengths);
  // Teacher forcing: the input at step t is the true y_{t−1}, never the model's own guess.
  const inputIds = batch.target.map((row) => [config.sos, ...row.slice(0, -1)]); // [N][L]
  const inputs = embedding(params.Et, inputIds); // [N, L, E]
  const caches: DecoderStepCache[] = [];
  const logits: Tensor[] = [];
  let s = enc.s0; // [N, Hd]
  for (let t = 0; t < L; t++) {
    const step = decoderStepForward(timeStep(inputs, t), s, enc.memory, params, config.attention);
    caches.push(step.cache);
    logits.push(step.logits); // [N, V]
    s = step.nextS;
  }
  const z = stack(logits, 1); // [N, L, V]
  const mask = batch.targetLengths.map((len) =>
    Array.from({ length: L }, (_, t) => (t < len ? 1 : 0)),
  ); // [N][L]
  const loss = temporalSoftmaxLoss(z, batch.target, mask).item();
  const { dz } = vjp((x) => temporalSoftmaxLoss(x, batch.target, mask), { z }); // chapter 1's eq. 1.11

  // Backward through the decoder, last step first.
  const grads: Seq2SeqGrads = {};
  const addGrad = (name: string, g: Tensor | undefined): void => {
    if (g === undefined) return;
    grads[name] = grads[name] === undefined ? g : add(grads[name] as Tensor, g);
  };
  const [, S, Hc] = enc.memory.outputs.shape as [number, number, number];
  let doutputs = zeros([N, S, Hc]);
  let dsummary = zeros([N, Hc]);
  let ds = zeros(s.shape); // nothing flows into s_{L−1} from after the last step
  const dinputs = new Array<Tensor>(L);
  for (let t = L - 1; t >= 0; t--) {
    const g: DecoderStepGrads = decoderStepBackward(timeStep(dz as Tensor, t), ds, caches[t]!);
    for (const name of [
      'dWx',
      'dWh',
      'db',
      'dWc',
      'dbc',
      'dWy',
      'dby',
      'dWq',
      'dWk',
      'dv',
      'dWa',
    ] as const) {
      addGrad(name, g[name]);
    }
    doutputs = add(doutputs, g.doutputs); // every step attends to the same outputs
    dsummary = add(dsummary, g.dsummary);
    dinputs[t] = g.dx; // [N, E]
    ds = g.dprevS; // into step t − 1; after step 0 it is the gradient of s_{−1}
  }
  const { dEt } = vjp((W) => embedding(W, inputIds), { Et: params.Et }, stack(dinputs, 1));
  grads.dEt = dEt as Tensor;
  Object.assign(grads, encoderBackward(model, doutputs, dsummary, ds, enc.cache));
  return { loss, grads };
  // END SOLUTION
}
