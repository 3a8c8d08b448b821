/**
 * Helpers shared by the tests of the reference and the solutions: seeded inputs, masks from
 * lengths, the CS231n relative error, and central differences of a function of named inputs.
 */
import { expect } from 'vitest';
import { maxRelError, numericalGradientOfOutput, randn, tensor } from '@rnn-course/core';
import type { Rng, Tensor } from '@rnn-course/core';

/** A `[...shape]` tensor of N(0, std²) draws. */
export function randnT(shape: readonly number[], rng: Rng, std = 1): Tensor {
  return randn(shape, rng, { std });
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
  expect(maxRelError(a, e), `${what}: relative error`).toBeLessThanOrEqual(tol);
}

/** Asserts every gradient of `expected` is in `actual` and agrees within tol. */
export function expectGrads(
  actual: Readonly<Record<string, Tensor | undefined>>,
  expected: Readonly<Record<string, Tensor>>,
  tol: number,
  who: string,
): void {
  for (const [name, e] of Object.entries(expected)) {
    const a = actual[name];
    expect(a, `${who}: ${name} returned`).toBeDefined();
    expectRel(a as Tensor, e, tol, `${who} ${name}`);
  }
}

/**
 * Central differences (h = 1e-5) of sum(f() ⊙ dout) with respect to every named input, keyed
 * 'd' + name; f reads the inputs by closure (their data is perturbed in place and restored).
 */
export function numericGrads(
  f: () => Tensor,
  inputs: Readonly<Record<string, Tensor>>,
  dout: Tensor,
): Record<string, Tensor> {
  return Object.fromEntries(
    Object.entries(inputs).map(([k, x]) => [`d${k}`, numericalGradientOfOutput(f, x, dout, 1e-5)]),
  );
}
