/**
 * Small helpers shared by the tests of the reference: seeded inputs, autograd gradients of a
 * reference function, and the CS231n relative error.
 */
import { expect } from 'vitest';
import { maxRelError, mul, randn, sum, tensor } from '@rnn-course/core';
import type { Rng, Tensor } from '@rnn-course/core';

/** A `[...shape]` tensor of N(0, std²) draws. */
export function randnT(shape: readonly number[], rng: Rng, std = 1): Tensor {
  return randn(shape, rng, { std });
}

/** `[N][T]` integer ids in `[0, V)`. */
export function randomIds(N: number, T: number, V: number, rng: Rng): number[][] {
  return Array.from({ length: N }, () => Array.from({ length: T }, () => rng.int(V)));
}

/**
 * Gradients of sum(fn(...inputs) ⊙ dout) by the core's autograd, on fresh copies of the inputs,
 * named 'd' + input name.
 */
export function autogradGrads(
  fn: (...inputs: Tensor[]) => Tensor,
  inputs: Record<string, Tensor>,
  dout?: Tensor,
): Record<string, Tensor> {
  const leaves = Object.fromEntries(
    Object.entries(inputs).map(([k, v]) => {
      const c = v.detach().clone();
      c.requiresGrad = true;
      return [k, c];
    }),
  );
  const out = fn(...Object.values(leaves));
  (dout === undefined ? out : sum(mul(out, dout))).backward();
  return Object.fromEntries(Object.entries(leaves).map(([k, v]) => [`d${k}`, v.grad ?? tensor(0)]));
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
