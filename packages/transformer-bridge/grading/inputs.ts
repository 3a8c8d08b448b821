/**
 * Seeded inputs for the chapter's suites (and its tests). Queries and keys have unit variance,
 * so that scaled scores have variance about 1 (eq. 4.5) and no softmax saturates: every
 * gradient is of order 0.01 to 1, and a wrong term cannot hide behind a weight that is nearly
 * 0 or 1. Biases are nonzero, so that their gradients matter; layer-norm scales sit near 1.
 */
import { Rng, randn, type Tensor } from '@rnn-course/core';
import type {
  MultiHeadAttentionParams,
  TransformerEncoderBlockParams,
} from '@rnn-course/transformer-bridge';

/** A tensor of N(0, std²) draws from `seed`: upstream gradients, queries, inputs. */
export function normal(seed: number, shape: readonly number[], std = 1): Tensor {
  return randn(shape, new Rng(seed), { std });
}

/** The inputs of scaled dot-product attention. */
export interface AttentionInputs {
  Q: Tensor; // [...lead, Tq, dk]
  K: Tensor; // [...lead, Tk, dk]
  V: Tensor; // [...lead, Tk, dv]
}

/**
 * Q, K, V from `seed`, with leading (batch) axes `lead`: `[N]` for one head, `[N, h]` for
 * several.
 */
export function attentionInputs(
  seed: number,
  lead: readonly number[],
  Tq: number,
  Tk: number,
  dk: number,
  dv: number,
): AttentionInputs {
  const rng = new Rng(seed);
  return {
    Q: randn([...lead, Tq, dk], rng), // [..., Tq, dk]
    K: randn([...lead, Tk, dk], rng), // [..., Tk, dk]
    V: randn([...lead, Tk, dv], rng), // [..., Tk, dv]
  };
}

/** Random attention parameters of width E: weights of std 1/√E, biases of std 0.5. */
export function randomAttention(E: number, rng: Rng): MultiHeadAttentionParams {
  const w = (): Tensor => randn([E, E], rng, { std: 1 / Math.sqrt(E) }); // [E, E]
  const b = (): Tensor => randn([E], rng, { std: 0.5 }); // [E]
  return { Wq: w(), Wk: w(), Wv: w(), bq: b(), bk: b(), bv: b(), Wo: w(), bo: b() };
}

/** Random block parameters of width E and feed-forward width F (γ near 1, β near 0). */
export function randomBlock(E: number, F: number, rng: Rng): TransformerEncoderBlockParams {
  const gamma = (): Tensor => {
    const t = randn([E], rng, { std: 0.3 }); // [E]
    for (let i = 0; i < E; i++) t.data[i]! += 1;
    return t;
  };
  return {
    attn: randomAttention(E, rng),
    gamma1: gamma(),
    beta1: randn([E], rng, { std: 0.3 }),
    ffn: {
      W1: randn([E, F], rng, { std: 1 / Math.sqrt(E) }), // [E, F]
      b1: randn([F], rng, { std: 0.3 }), // [F]
      W2: randn([F, E], rng, { std: 1 / Math.sqrt(F) }), // [F, E]
      b2: randn([E], rng, { std: 0.3 }), // [E]
    },
    gamma2: gamma(),
    beta2: randn([E], rng, { std: 0.3 }),
  };
}

/** A block's parameters flattened under the names of its gradients (Wq … bo, gamma1, …, beta2). */
export function blockInputs(p: TransformerEncoderBlockParams): Record<string, Tensor> {
  const { W1, b1, W2, b2 } = p.ffn;
  return {
    ...p.attn,
    gamma1: p.gamma1,
    beta1: p.beta1,
    W1,
    b1,
    W2,
    b2,
    gamma2: p.gamma2,
    beta2: p.beta2,
  };
}

/** The inverse of `blockInputs`. */
export function blockFrom(t: Record<string, Tensor>): TransformerEncoderBlockParams {
  const g = (k: string): Tensor => t[k] as Tensor;
  return {
    attn: {
      Wq: g('Wq'),
      Wk: g('Wk'),
      Wv: g('Wv'),
      bq: g('bq'),
      bk: g('bk'),
      bv: g('bv'),
      Wo: g('Wo'),
      bo: g('bo'),
    },
    gamma1: g('gamma1'),
    beta1: g('beta1'),
    ffn: { W1: g('W1'), b1: g('b1'), W2: g('W2'), b2: g('b2') },
    gamma2: g('gamma2'),
    beta2: g('beta2'),
  };
}

/** The eight attention parameters from a record holding them (and perhaps other tensors). */
export function attentionFrom(t: Record<string, Tensor>): MultiHeadAttentionParams {
  const g = (k: string): Tensor => t[k] as Tensor;
  return {
    Wq: g('Wq'),
    Wk: g('Wk'),
    Wv: g('Wv'),
    bq: g('bq'),
    bk: g('bk'),
    bv: g('bv'),
    Wo: g('Wo'),
    bo: g('bo'),
  };
}
