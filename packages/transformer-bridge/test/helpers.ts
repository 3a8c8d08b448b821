/**
 * Small helpers shared by this chapter's tests: seeded inputs, autograd gradients of a
 * reference function, the CS231n relative error as an assertion, and the parameters of the
 * reference layers flattened under the gradient names of the exercises.
 */
import { expect } from 'vitest';
import { maxRelError, mul, numericalGradientOfOutput, randn, sum, tensor } from '@rnn-course/core';
import type { Rng, Tensor } from '@rnn-course/core';
import type { MultiHeadAttentionParams, TransformerEncoderBlockParams } from '../src/index';

/** A `[...shape]` tensor of N(0, std²) draws. */
export function randnT(shape: readonly number[], rng: Rng, std = 1): Tensor {
  return randn(shape, rng, { std });
}

/**
 * Gradients of sum(fn(...inputs) ⊙ dout) by the core's autograd, on fresh copies of the inputs,
 * named 'd' + input name.
 */
export function autogradGrads(
  fn: (...inputs: Tensor[]) => Tensor,
  inputs: Record<string, Tensor>,
  dout: Tensor,
): Record<string, Tensor> {
  const leaves = Object.fromEntries(
    Object.entries(inputs).map(([k, v]) => {
      const c = v.detach().clone();
      c.requiresGrad = true;
      return [k, c];
    }),
  );
  sum(mul(fn(...Object.values(leaves)), dout)).backward();
  return Object.fromEntries(Object.entries(leaves).map(([k, v]) => [`d${k}`, v.grad ?? tensor(0)]));
}

/** Central differences (h = 1e-5) of sum(f() ⊙ dout) for every input, named 'd' + name. */
export function numericGrads(
  f: () => Tensor,
  inputs: Record<string, Tensor>,
  dout: Tensor,
): Record<string, Tensor> {
  return Object.fromEntries(
    Object.entries(inputs).map(([k, x]) => [`d${k}`, numericalGradientOfOutput(f, x, dout, 1e-5)]),
  );
}

/** Asserts max |a − b| / max(1e-8, |a| + |b|) <= tol, naming what is compared. */
export function expectRel(
  actual: Tensor | number,
  expected: Tensor | number,
  tol: number,
  what: string,
): void {
  const a = typeof actual === 'number' ? tensor(actual) : actual;
  const e = typeof expected === 'number' ? tensor(expected) : expected;
  expect(a.shape, `${what}: shape`).toEqual(e.shape);
  const err = maxRelError(a, e);
  expect(err, `${what}: relative error`).toBeLessThanOrEqual(tol);
}

/**
 * Gradients that are zero in exact arithmetic, compared by size instead of relative error:
 * the key bias bk adds the same q·bk to every score of a query, and the softmax over the keys
 * does not change when all its inputs shift together, so dL/dbk = 0 (eq. 4.6); computed, it
 * is rounding noise of about 1e-16, whose relative error between two derivations means
 * nothing.
 */
export const ZERO_GRADIENTS: readonly string[] = ['dbk'];

/**
 * Largest absolute value a gradient that is zero in exact arithmetic may have: rounding of
 * about 1e-16 for a computed gradient; about 1e-16 / h = 1e-11 for a central difference.
 */
export const ZERO_TOL = { computed: 1e-12, numeric: 1e-9 };

/**
 * Asserts every gradient of `expected` is in `actual` and agrees to `tol` (relative error);
 * those in ZERO_GRADIENTS must instead be below `zeroTol` in both.
 */
export function expectGrads(
  actual: Record<string, Tensor>,
  expected: Record<string, Tensor>,
  tol: number,
  who = '',
  zeroTol = ZERO_TOL.computed,
): void {
  for (const [name, e] of Object.entries(expected)) {
    const a = actual[name];
    const what = `${who} ${name}`.trim();
    expect(a, `${what} returned`).toBeDefined();
    if (ZERO_GRADIENTS.includes(name)) {
      expect((a as Tensor).shape, `${what}: shape`).toEqual(e.shape);
      for (const t of [a as Tensor, e]) {
        const largest = Math.max(...Array.from(t.data, Math.abs));
        expect(largest, `${what}: zero in exact arithmetic`).toBeLessThanOrEqual(zeroTol);
      }
      continue;
    }
    expectRel(a as Tensor, e, tol, what);
  }
}

/** Random attention parameters of width E (biases nonzero, so that their gradients matter). */
export function randomAttention(E: number, rng: Rng): MultiHeadAttentionParams {
  const w = (): Tensor => randnT([E, E], rng, 1 / Math.sqrt(E));
  const b = (): Tensor => randnT([E], rng, 0.5);
  return { Wq: w(), Wk: w(), Wv: w(), bq: b(), bk: b(), bv: b(), Wo: w(), bo: b() };
}

/** Random block parameters (γ near 1, β near 0, all nonzero). */
export function randomBlock(E: number, F: number, rng: Rng): TransformerEncoderBlockParams {
  const gamma = (): Tensor => {
    const t = randnT([E], rng, 0.3);
    for (let i = 0; i < E; i++) t.data[i]! += 1;
    return t;
  };
  return {
    attn: randomAttention(E, rng),
    gamma1: gamma(),
    beta1: randnT([E], rng, 0.3),
    ffn: {
      W1: randnT([E, F], rng, 1 / Math.sqrt(E)),
      b1: randnT([F], rng, 0.3),
      W2: randnT([F, E], rng, 1 / Math.sqrt(F)),
      b2: randnT([E], rng, 0.3),
    },
    gamma2: gamma(),
    beta2: randnT([E], rng, 0.3),
  };
}

/** A block's parameters flattened under the exercise's names (Wq … bo, gamma1, …, beta2). */
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
