/**
 * Small helpers shared by the tests of chapter 2: seeded inputs, autograd gradients of a
 * reference function, the CS231n relative error, and the PyTorch fixtures.
 */
import { readFileSync } from 'node:fs';
import { expect } from 'vitest';
import { add, maxRelError, mul, randn, sum, tensor } from '@rnn-course/core';
import type { NestedArray, Rng, Tensor } from '@rnn-course/core';
import type { StateDict } from '../src/index';

/** A `[...shape]` tensor of N(0, std²) draws. */
export function randnT(shape: readonly number[], rng: Rng, std = 1): Tensor {
  return randn(shape, rng, { std });
}

/**
 * Gradients of sum(fn(...inputs) ⊙ dout) by the core's autograd, on fresh copies of the inputs,
 * named 'd' + input name. `fn` returns one tensor, or several whose upstream gradients are the
 * matching entries of `dout`.
 */
export function autogradGrads(
  fn: (...inputs: Tensor[]) => Tensor | Tensor[],
  inputs: Record<string, Tensor>,
  dout: Tensor | Tensor[],
): Record<string, Tensor> {
  const leaves = Object.fromEntries(
    Object.entries(inputs).map(([k, v]) => {
      const c = v.detach().clone();
      c.requiresGrad = true;
      return [k, c];
    }),
  );
  const out = fn(...Object.values(leaves));
  const outs = Array.isArray(out) ? out : [out];
  const douts = Array.isArray(dout) ? dout : [dout];
  outs
    .map((o, i) => sum(mul(o, douts[i] as Tensor)))
    .reduce((a, b) => add(a, b))
    .backward();
  return Object.fromEntries(Object.entries(leaves).map(([k, v]) => [`d${k}`, v.grad ?? tensor(0)]));
}

/** Asserts max |a − b| / max(1e-8, |a| + |b|) <= tol, naming what is compared; returns it. */
export function expectRel(
  actual: Tensor | number,
  expected: Tensor | number,
  tol: number,
  what: string,
): number {
  const a = typeof actual === 'number' ? tensor(actual) : actual;
  const e = typeof expected === 'number' ? tensor(expected) : expected;
  expect(a.shape, `${what}: shape`).toEqual(e.shape);
  const err = maxRelError(a, e);
  expect(err, `${what}: relative error`).toBeLessThanOrEqual(tol);
  return err;
}

/** One case of a fixture file written by fixtures/make_fixtures.py. */
export interface FixtureCase {
  name: string;
  config: { N: number; T: number; D: number; H: number; seed: number; weightScale: number };
  stateDict: StateDict;
  x: NestedArray;
  h0: NestedArray;
  c0?: NestedArray;
  lossWeights: { output: NestedArray; h_n: NestedArray; c_n?: NestedArray };
  output: NestedArray;
  h_n: NestedArray;
  c_n?: NestedArray;
  loss: number;
  grad: Record<string, NestedArray>;
}

/** The cases of fixtures/lstm.json or fixtures/gru.json. */
export function readFixtures(kind: 'lstm' | 'gru'): { torch: string; cases: FixtureCase[] } {
  const url = new URL(`../fixtures/${kind}.json`, import.meta.url);
  return JSON.parse(readFileSync(url, 'utf8')) as { torch: string; cases: FixtureCase[] };
}
