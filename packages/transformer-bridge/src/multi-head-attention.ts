/**
 * Multi-head attention (Vaswani et al. 2017, sec. 3.2.2), laid out as PyTorch's
 * `nn.MultiheadAttention` so that its weights load from a PyTorch `state_dict`.
 *
 * With model width E and h heads of width dk = E / h:
 *
 *   Q = query Wq + bq,  K = key Wk + bk,  V = value Wv + bv        [N, T, E]      (eq. 4.1)
 *   head i sees columns i·dk … (i+1)·dk − 1 of Q, K and V            [N, h, T, dk]
 *   head_i = Attention(Q_i, K_i, V_i)                                 (eqs. 4.2–4.4)
 *   out = concat(head_0, …, head_{h−1}) Wo + bo                       [N, Tq, E]     (eq. 4.7)
 *
 * PyTorch's layout: `in_proj_weight [3E, E]` stacks the q, k and v projections as row blocks
 * (rows 0..E−1 are q, E..2E−1 are k, 2E..3E−1 are v), `in_proj_bias [3E]` likewise, and
 * `out_proj.weight [E, E]`, `out_proj.bias [E]`. PyTorch multiplies by the transpose
 * (`x Wᵀ`), so `Wq` here is the transpose of the first row block. PyTorch splits heads by
 * viewing the E projected features as h consecutive groups of dk, which is what `splitHeads`
 * does; `mergeHeads` concatenates them back in the same order before `out_proj`.
 *
 * Chapter 4, "Multi-head attention" — packages/transformer-bridge/README.md#multi-head-attention
 */
import {
  ShapeError,
  add,
  assertShape,
  concat,
  matmul,
  permute,
  randu,
  reshape,
  tensor,
  zeros,
} from '@rnn-course/core';
import type { NestedArray, Rng, Tensor } from '@rnn-course/core';
import {
  assertMaskShape,
  attentionShapes,
  scaledDotProductAttention,
} from './scaled-dot-product-attention';
import { linearWeightIn, linearWeightOut, parameter, stateTensor } from './state-dict';
import type { StateDict } from './state-dict';

/** The eight parameters of a multi-head attention layer of width E. */
export interface MultiHeadAttentionParams {
  Wq: Tensor; // [E, E]
  Wk: Tensor; // [E, E]
  Wv: Tensor; // [E, E]
  bq: Tensor; // [E]
  bk: Tensor; // [E]
  bv: Tensor; // [E]
  Wo: Tensor; // [E, E]
  bo: Tensor; // [E]
}

/** The parameters in a fixed order (Wq, Wk, Wv, bq, bk, bv, Wo, bo), for an optimiser. */
export function multiHeadAttentionParameters(p: MultiHeadAttentionParams): Tensor[] {
  return [p.Wq, p.Wk, p.Wv, p.bq, p.bk, p.bv, p.Wo, p.bo];
}

/** E and dk = E / h, checking every parameter's shape and that h divides E. */
function widths(op: string, p: MultiHeadAttentionParams, numHeads: number): [number, number] {
  assertShape(op, p.Wq, [null, null], 'Wq');
  const E = p.Wq.shape[0] as number;
  for (const name of ['Wq', 'Wk', 'Wv', 'Wo'] as const) assertShape(op, p[name], [E, E], name);
  for (const name of ['bq', 'bk', 'bv', 'bo'] as const) assertShape(op, p[name], [E], name);
  if (!Number.isInteger(numHeads) || numHeads < 1 || E % numHeads !== 0) {
    throw new RangeError(
      `${op}: numHeads must be an integer >= 1 that divides E = ${E}, received ${numHeads}`,
    );
  }
  return [E, E / numHeads];
}

/**
 * Splits the features of every position into h heads: head i takes features i·dk … (i+1)·dk − 1.
 *
 * @param x `[N, T, E]` with E = h·dk
 * @returns `[N, h, T, dk]`
 */
export function splitHeads(x: Tensor, numHeads: number): Tensor {
  assertShape('splitHeads', x, [null, null, null], 'x');
  const [N, T, E] = x.shape as [number, number, number];
  if (!Number.isInteger(numHeads) || numHeads < 1 || E % numHeads !== 0) {
    throw new ShapeError('splitHeads', `x [N, T, E] with E divisible by ${numHeads}`, x.shape);
  }
  const heads = reshape(x, [N, T, numHeads, E / numHeads]); // [N, T, h, dk]
  return permute(heads, [0, 2, 1, 3]); // [N, h, T, dk]
}

/**
 * The inverse of `splitHeads`: the heads' outputs side by side, head 0 first.
 *
 * @param x `[N, h, T, dk]`
 * @returns `[N, T, h·dk]`
 */
export function mergeHeads(x: Tensor): Tensor {
  assertShape('mergeHeads', x, [null, null, null, null], 'x');
  const [N, h, T, dk] = x.shape as [number, number, number, number];
  const byPosition = permute(x, [0, 2, 1, 3]); // [N, T, h, dk]
  return reshape(byPosition, [N, T, h * dk]); // [N, T, E]
}

/** A 0/1 mask that broadcasts to `[N, Tq, Tk]`, given the head axis: `[N, 1, Tq, Tk]`. */
function headMask(op: string, mask: Tensor, N: number, Tq: number, Tk: number): Tensor {
  assertMaskShape(op, mask, [N, Tq, Tk]);
  if (mask.ndim < 3) return mask; // [Tq, Tk] or [Tk] already broadcast over N and h
  const [m0, m1, m2] = mask.shape as [number, number, number];
  return reshape(mask, [m0, 1, m1, m2]); // [N, Tq, Tk] -> [N, 1, Tq, Tk]
}

/**
 * eq. 4.7: multi-head attention of `query` over `key`/`value` (self-attention when all three
 * are the same tensor).
 *
 * @param query    `[N, Tq, E]`
 * @param key      `[N, Tk, E]`
 * @param value    `[N, Tk, E]`
 * @param p        the eight parameters (E = width of query)
 * @param numHeads h, which must divide E
 * @param mask     optional 0/1 constant that broadcasts to `[N, Tq, Tk]` (1 = may attend), the
 *   same for every head
 * @returns `out [N, Tq, E]` and every head's attention weights `weights [N, h, Tq, Tk]` (PyTorch
 *   returns their mean over the heads unless `average_attn_weights=False`)
 * @throws ShapeError naming `multiHeadAttention` when the shapes disagree
 */
export function multiHeadAttention(
  query: Tensor,
  key: Tensor,
  value: Tensor,
  p: MultiHeadAttentionParams,
  numHeads: number,
  mask?: Tensor,
): { out: Tensor; weights: Tensor } {
  const op = 'multiHeadAttention';
  const [E] = widths(op, p, numHeads);
  assertShape(op, query, [null, null, E], 'query');
  const N = query.shape[0] as number;
  assertShape(op, key, [N, null, E], 'key');
  const Tk = key.shape[1] as number;
  assertShape(op, value, [N, Tk, E], 'value');
  const Tq = query.shape[1] as number;

  // eq. 4.1: the three projections, then h heads of dk features each.
  const Q = splitHeads(add(matmul(query, p.Wq), p.bq), numHeads); // [N, Tq, E] -> [N, h, Tq, dk]
  const K = splitHeads(add(matmul(key, p.Wk), p.bk), numHeads); // [N, Tk, E] -> [N, h, Tk, dk]
  const V = splitHeads(add(matmul(value, p.Wv), p.bv), numHeads); // [N, Tk, E] -> [N, h, Tk, dk]
  const m = mask === undefined ? undefined : headMask(op, mask, N, Tq, Tk);
  // eqs. 4.2–4.4 in every head at once: the head axis is one more batch axis.
  const { out: heads, weights } = scaledDotProductAttention(Q, K, V, m); // [N, h, Tq, dk]
  // eq. 4.7: the heads side by side, mixed by the output projection.
  const out = add(matmul(mergeHeads(heads), p.Wo), p.bo); // [N, Tq, E]·[E, E] = [N, Tq, E]
  return { out, weights };
}

/**
 * One step of causal self-attention during generation, with a key/value cache: the new
 * position's query attends to the keys and values of every position so far, which are kept
 * (projected and split into heads) instead of being recomputed. The cache grows by one
 * position per step: this is the memory a transformer decoder holds per generated token.
 *
 * @param x     `[N, 1, E]` the new position's input
 * @param cache the keys and values of the earlier positions, `K, V [N, h, t, dk]`, or null at
 *   the first position
 * @returns `out [N, 1, E]` (the same as row t of `multiHeadAttention` over positions 0..t with
 *   a causal mask) and the cache extended to `[N, h, t + 1, dk]`
 */
export function multiHeadAttentionStep(
  x: Tensor,
  p: MultiHeadAttentionParams,
  numHeads: number,
  cache: { K: Tensor; V: Tensor } | null,
): { out: Tensor; cache: { K: Tensor; V: Tensor } } {
  const op = 'multiHeadAttentionStep';
  const [E] = widths(op, p, numHeads);
  assertShape(op, x, [null, 1, E], 'x');
  const q = splitHeads(add(matmul(x, p.Wq), p.bq), numHeads); // [N, h, 1, dk]
  const k = splitHeads(add(matmul(x, p.Wk), p.bk), numHeads); // [N, h, 1, dk]
  const v = splitHeads(add(matmul(x, p.Wv), p.bv), numHeads); // [N, h, 1, dk]
  if (cache !== null) attentionShapes(op, q, cache.K, cache.V);
  const K = cache === null ? k : concat([cache.K, k], 2); // [N, h, t + 1, dk]
  const V = cache === null ? v : concat([cache.V, v], 2); // [N, h, t + 1, dk]
  // No mask: the cache holds only positions 0..t, all of which position t may see.
  const { out: heads } = scaledDotProductAttention(q, K, V); // [N, h, 1, dk]
  const out = add(matmul(mergeHeads(heads), p.Wo), p.bo); // [N, 1, E]
  return { out, cache: { K, V } };
}

/**
 * Initial parameters as PyTorch's `nn.MultiheadAttention`: the stacked input projection
 * `[3E, E]` Glorot-uniform (bound √(6 / (E + 3E))), the output projection U(−1/√E, 1/√E) (the
 * default of `nn.Linear`), every bias 0.
 *
 * @param E the model width
 * @returns trainable leaves
 */
export function initMultiHeadAttention(E: number, rng: Rng): MultiHeadAttentionParams {
  const a = Math.sqrt(6 / (E + 3 * E)); // xavier_uniform_ of in_proj_weight [3E, E]
  const inProj = (): Tensor => randu([E, E], rng, { low: -a, high: a, requiresGrad: true });
  const k = 1 / Math.sqrt(E);
  const bias = (): Tensor => zeros([E], { requiresGrad: true });
  return {
    Wq: inProj(),
    Wk: inProj(),
    Wv: inProj(),
    bq: bias(),
    bk: bias(),
    bv: bias(),
    Wo: randu([E, E], rng, { low: -k, high: k, requiresGrad: true }),
    bo: bias(),
  };
}

/**
 * Loads the parameters of a PyTorch `nn.MultiheadAttention(E, h)` (with `bias=True` and equal
 * query, key and value widths) from its `state_dict` as JSON: `in_proj_weight [3E, E]`,
 * `in_proj_bias [3E]`, `out_proj.weight [E, E]`, `out_proj.bias [E]`. The row blocks of
 * `in_proj_weight` are transposed into `Wq`, `Wk`, `Wv [E, E]`.
 *
 * @param sd     the state_dict; keys may carry a prefix, e.g. `self_attn.`
 * @param prefix prepended to every key (default none)
 * @returns trainable leaves
 * @throws ShapeError naming the key and both shapes when an entry is missing or misshapen
 */
export function multiHeadAttentionFromStateDict(
  sd: StateDict,
  prefix = '',
): MultiHeadAttentionParams {
  const op = 'multiHeadAttentionFromStateDict';
  // E is read off the output bias; every other entry is checked against it.
  const raw = sd[`${prefix}out_proj.bias`];
  const E = Array.isArray(raw) ? raw.length : 0;
  const outBias = stateTensor(op, sd, `${prefix}out_proj.bias`, [E]); // [E]
  const inW = stateTensor(op, sd, `${prefix}in_proj_weight`, [3 * E, E]); // [3E, E]
  const inB = stateTensor(op, sd, `${prefix}in_proj_bias`, [3 * E]); // [3E]
  // Row block j of in_proj_weight is the [E, E] PyTorch weight of q (j = 0), k (1), v (2).
  const block = (j: number): StateDict => ({
    w: (inW.toArray() as NestedArray[]).slice(j * E, (j + 1) * E),
  });
  return {
    Wq: linearWeightIn(op, block(0), 'w', [E, E]),
    Wk: linearWeightIn(op, block(1), 'w', [E, E]),
    Wv: linearWeightIn(op, block(2), 'w', [E, E]),
    bq: parameter(tensor(Array.from(inB.data.subarray(0, E)))),
    bk: parameter(tensor(Array.from(inB.data.subarray(E, 2 * E)))),
    bv: parameter(tensor(Array.from(inB.data.subarray(2 * E, 3 * E)))),
    Wo: linearWeightIn(op, sd, `${prefix}out_proj.weight`, [E, E]),
    bo: parameter(outBias),
  };
}

/**
 * The inverse of `multiHeadAttentionFromStateDict`: a PyTorch `nn.MultiheadAttention`
 * state_dict as JSON (load it with `torch.tensor` per entry and `load_state_dict`).
 *
 * @returns `in_proj_weight [3E, E]`, `in_proj_bias [3E]`, `out_proj.weight [E, E]`,
 *   `out_proj.bias [E]`, keys prefixed by `prefix`
 */
export function multiHeadAttentionToStateDict(p: MultiHeadAttentionParams, prefix = ''): StateDict {
  const rows = (W: Tensor): NestedArray[] => linearWeightOut(W) as NestedArray[];
  const inBias = concat([p.bq.detach(), p.bk.detach(), p.bv.detach()], 0); // [3E]
  return {
    [`${prefix}in_proj_weight`]: [...rows(p.Wq), ...rows(p.Wk), ...rows(p.Wv)], // [3E, E]
    [`${prefix}in_proj_bias`]: inBias.toArray(),
    [`${prefix}out_proj.weight`]: linearWeightOut(p.Wo),
    [`${prefix}out_proj.bias`]: p.bo.detach().toArray(),
  };
}
