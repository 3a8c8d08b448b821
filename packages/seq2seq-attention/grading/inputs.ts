/**
 * Seeded inputs for chapter 3's suites, and the variants of the reference that the usual
 * mistakes compute (so that a failure can say which mistake it looks like). The weight scales
 * keep tanh away from saturation, so every gradient is of order 0.01 to 1 and a wrong term
 * cannot hide behind a derivative that is nearly zero.
 */
import {
  Rng,
  concat,
  gatherRows,
  logSoftmax,
  noGrad,
  randn,
  reverseSequence,
  sequenceMask,
  stack,
  type Tensor,
} from '@rnn-course/core';
import { isTensor } from '@rnn-course/grader/testing';
import { rnn, temporalSoftmaxLoss } from '@rnn-course/rnn';
import {
  createSeq2Seq,
  decoderStep,
  encode,
  type AttentionKind,
  type BidirectionalRnnParams,
  type Seq2Seq,
  type EncoderMemory,
  type Seq2SeqBatch,
} from '@rnn-course/seq2seq-attention';

/** A standard normal tensor of `shape` from `seed`, times `std`. */
export function normal(seed: number, shape: readonly number[], std = 1): Tensor {
  return randn(shape, new Rng(seed), { std });
}

/** Query, keys, values and a mask for attention over N rows of the given lengths. */
export interface AttentionInputs {
  query: Tensor; // [N, Hq]
  keys: Tensor; // [N, T, Hk]
  values: Tensor; // [N, T, Hv]
  mask: Tensor; // [N, T]
}

/** Attention inputs from `seed`: rows of `lengths` (padding after), T positions. */
export function attentionInputs(
  seed: number,
  lengths: readonly number[],
  T: number,
  Hq: number,
  Hk: number,
  Hv: number,
): AttentionInputs {
  const rng = new Rng(seed);
  const N = lengths.length;
  return {
    query: randn([N, Hq], rng), // [N, Hq]
    keys: randn([N, T, Hk], rng), // [N, T, Hk]
    values: randn([N, T, Hv], rng), // [N, T, Hv]
    mask: sequenceMask(lengths, T), // [N, T]
  };
}

/** The inputs of a bidirectional RNN: x [N, T, D], h0f and h0b [N, H], six weights. */
export interface BidirectionalInputs extends BidirectionalRnnParams {
  x: Tensor;
  h0f: Tensor;
  h0b: Tensor;
}

/** Bidirectional RNN inputs from `seed`. */
export function bidirectionalInputs(
  seed: number,
  N: number,
  T: number,
  D: number,
  H: number,
): BidirectionalInputs {
  const rng = new Rng(seed);
  const w = (shape: number[], fanIn: number) => randn(shape, rng, { std: 0.6 / Math.sqrt(fanIn) });
  return {
    x: randn([N, T, D], rng), // [N, T, D]
    h0f: randn([N, H], rng, { std: 0.5 }), // [N, H]
    h0b: randn([N, H], rng, { std: 0.5 }), // [N, H]
    Wxf: w([D, H], D),
    Whf: w([H, H], H),
    bf: randn([H], rng, { std: 0.2 }),
    Wxb: w([D, H], D),
    Whb: w([H, H], H),
    bb: randn([H], rng, { std: 0.2 }),
  };
}

/** The six weights of a bidirectional RNN out of its inputs. */
export function paramsOf(p: BidirectionalRnnParams): BidirectionalRnnParams {
  const { Wxf, Whf, bf, Wxb, Whb, bb } = p;
  return { Wxf, Whf, bf, Wxb, Whb, bb };
}

/**
 * What a bidirectional RNN computes when the backward direction's states are not reversed back
 * (`reverseBack` false) or when the reversals ignore the lengths (`useLengths` false).
 */
export function bidirectionalVariant(
  p: BidirectionalInputs,
  lengths: readonly number[] | undefined,
  variant: { reverseBack: boolean; useLengths: boolean },
): Tensor {
  const lens = variant.useLengths ? lengths : undefined;
  const hf = rnn(p.x, p.h0f, p.Wxf, p.Whf, p.bf); // [N, T, H]
  const hbReversed = rnn(reverseSequence(p.x, lens), p.h0b, p.Wxb, p.Whb, p.bb); // [N, T, H]
  const hb = variant.reverseBack ? reverseSequence(hbReversed, lens) : hbReversed; // [N, T, H]
  return concat([hf, hb], 2); // [N, T, 2H]
}

/** Layers of a stacked RNN: x [N, T, D], L initial states and L layers of H units. */
export function stackedInputs(seed: number, N: number, T: number, D: number, H: number, L: number) {
  const rng = new Rng(seed);
  const x = randn([N, T, D], rng); // [N, T, D]
  const h0 = Array.from({ length: L }, () => randn([N, H], rng, { std: 0.5 })); // L × [N, H]
  const layers = Array.from({ length: L }, (_, l) => {
    const below = l === 0 ? D : H;
    return {
      Wx: randn([below, H], rng, { std: 0.7 / Math.sqrt(below) }), // [D_l, H]
      Wh: randn([H, H], rng, { std: 0.6 / Math.sqrt(H) }), // [H, H]
      b: randn([H], rng, { std: 0.2 }), // [H]
    };
  });
  return { x, h0, layers };
}

/**
 * A small model: Vs = 7, Vt = 6 (pad 0, sos 1, eos 2), E = 3, H = 2 per direction, Hd = 4 (so
 * that dot attention fits: Hc = 2H = Hd), A = 3.
 */
export function smallModel(kind: AttentionKind, seed: number): Seq2Seq {
  return createSeq2Seq(
    {
      sourceVocab: 7,
      targetVocab: 6,
      embedDim: 3,
      encoderHidden: 2,
      decoderHidden: 4,
      attention: kind,
      attentionDim: 3,
      sos: 1,
      eos: 2,
    },
    new Rng(seed),
  );
}

/** A padded batch: sources of lengths 4, 2, 1 and targets (eos = 2 last) of lengths 3, 2, 1. */
export const BATCH: Seq2SeqBatch = {
  source: [
    [3, 4, 5, 6],
    [6, 3, 0, 0],
    [5, 0, 0, 0],
  ],
  sourceLengths: [4, 2, 1],
  target: [
    [3, 4, 2],
    [5, 2, 0],
    [2, 0, 0],
  ],
  targetLengths: [3, 2, 1],
};

/**
 * The masked loss of eq. 3.10 when the decoder reads `inputs(t, previousLogits)` at step t: the
 * reference's layers, so that the suites can tell which inputs a wrong loss was computed from.
 */
export function lossWithInputs(
  model: Seq2Seq,
  batch: Seq2SeqBatch,
  inputs: (t: number, previous: Tensor | undefined) => number[],
): number {
  return noGrad(() => {
    const { params, config } = model;
    const L = batch.target[0]!.length;
    const enc = encode(model, batch.source, batch.sourceLengths);
    let s = enc.s0; // [N, Hd]
    let previous: Tensor | undefined;
    const logits: Tensor[] = [];
    for (let t = 0; t < L; t++) {
      const x = gatherRows(params.Et, inputs(t, previous)); // [N, E]
      const step = decoderStep(x, s, enc, params, config.attention);
      s = step.nextS;
      previous = step.logits;
      logits.push(step.logits); // [N, V]
    }
    const mask = batch.targetLengths.map((len) =>
      Array.from({ length: L }, (_, t) => (t < len ? 1 : 0)),
    );
    return temporalSoftmaxLoss(stack(logits, 1), batch.target, mask).item();
  });
}

/** The index of the largest entry of each row of `z [N, V]`. */
export function argmaxRows(z: Tensor): number[] {
  const [N, V] = z.shape as [number, number];
  return Array.from({ length: N }, (_, n) => {
    let best = 0;
    for (let v = 1; v < V; v++) if (z.data[n * V + v]! > z.data[n * V + best]!) best = v;
    return best;
  });
}

/** log-softmax over the last axis of N(0, std²) draws, as a constant: CTC's log-probabilities. */
export function logProbs(seed: number, shape: readonly number[], std = 2): Tensor {
  return noGrad(() => logSoftmax(normal(seed, shape, std), -1));
}

/** Padded positions with weight, if any, as a sentence. */
export function paddingWithWeight(weights: unknown, mask: Tensor): string | undefined {
  if (!isTensor(weights) || weights.size !== mask.size) return undefined;
  const at = [...mask.data.keys()].filter((i) => mask.data[i] === 0 && weights.data[i] !== 0);
  if (at.length === 0) return undefined;
  const T = mask.shape[1] as number;
  const where = at.slice(0, 3).map((i) => `[${Math.floor(i / T)}, ${i % T}]`);
  return (
    `Padded positions receive attention weight (at ${where.join(', ')}): the softmax must use the ` +
    'mask, so that padding gets exactly 0 and the context is built from real positions only.'
  );
}

/** x [N, E], prevS [N, Hd] and a memory over S = 4 positions with lengths 4, 2, 1. */
export function stepInputs(seed: number, N = 3, S = 4, lengths = [4, 2, 1]) {
  const rng = new Rng(seed);
  const memory: EncoderMemory = {
    outputs: randn([N, S, 4], rng), // [N, S, Hc]
    mask: sequenceMask(lengths, S), // [N, S]
    summary: randn([N, 4], rng), // [N, Hc]
  };
  return { x: randn([N, 3], rng), prevS: randn([N, 4], rng, { std: 0.5 }), memory };
}
