/**
 * An honest RNN step whose strings and comments talk about imports, which must not matter:
 * import { rnnStep } from '@rnn-course/rnn';
 * const fs = require('node:fs');
 */
import {
  add,
  matmul,
  mul,
  notImplemented,
  onesLike,
  reshape,
  square,
  sub,
  sum,
  tanh,
  Tensor,
  transpose,
} from '@rnn-course/core';

/** Text that mentions imports; only parsed code counts. */
export const NOTE = "import { rnnStep } from '@rnn-course/rnn'; await import('node:fs')";

/** What the backward needs; `replay` is a closure, which only the sandbox can keep. */
export interface StepCache {
  readonly x: Tensor; // [N, D]
  readonly prevH: Tensor; // [N, H]
  readonly Wx: Tensor; // [D, H]
  readonly Wh: Tensor; // [H, H]
  readonly replay: () => Tensor; // returns nextH [N, H]
}

/** eq. 1.1: h_t = tanh(x Wx + h_{t-1} Wh + b). */
export function rnnStepForward(
  x: Tensor,
  prevH: Tensor,
  Wx: Tensor,
  Wh: Tensor,
  b: Tensor,
): { nextH: Tensor; cache: StepCache } {
  const nextH = tanh(add(add(matmul(x, Wx), matmul(prevH, Wh)), b)); // [N, H]
  return { nextH, cache: { x, prevH, Wx, Wh, replay: () => nextH } };
}

/** eqs. 1.2-1.3, reading nextH back through the cache's closure. */
export function rnnStepBackward(dnextH: Tensor, cache: StepCache): Record<string, Tensor> {
  const nextH = cache.replay(); // [N, H]
  const da = mul(dnextH, sub(onesLike(nextH), square(nextH))); // [N, H]
  return {
    dx: matmul(da, transpose(cache.Wx)), // [N, D]
    dprevH: matmul(da, transpose(cache.Wh)), // [N, H]
    dWx: matmul(transpose(cache.x), da), // [D, H]
    dWh: matmul(transpose(cache.prevH), da), // [H, H]
    db: sum(da, 0), // [H]
  };
}

/** True for a tensor of the core every learner file shares. */
export function isCoreTensor(t: unknown): boolean {
  return t instanceof Tensor;
}

/** A stub that has not been written. */
export function notYet(): never {
  notImplemented('rnn/rnn-step-forward');
}

/** A ShapeError thrown by the core, called from here. */
export function squareMatmul(x: Tensor): Tensor {
  return matmul(x, x);
}

/** Throws from this file, at a known line. */
export function throwsHere(): never {
  throw new RangeError('throwsHere: no good');
}

/** Writes into its input and returns it: a mutation and an alias. */
export function mutates(x: Tensor): Tensor {
  x.data[2] = 42;
  return x;
}

/** A view of the input: a new tensor over the same values. */
export function view(x: Tensor): Tensor {
  return reshape(x, [x.size]);
}

/** Changes a number of the ids it was given. */
export function touchesIds(ids: number[][]): number {
  (ids[0] as number[])[1] = 9;
  return ids.length;
}

/** A promise, settled later. */
export async function later(n: number): Promise<number> {
  await null;
  return n * 2;
}

/** A closure the trusted side can call back. */
export function counter(): () => number {
  let n = 0;
  return () => ++n;
}

/** Plain data of every kind the channel carries. */
export function kinds(): unknown {
  return {
    numbers: [NaN, -0, Infinity, 1.5],
    text: 'text',
    nothing: null,
    missing: undefined,
    big: 12n,
    typed: new Int32Array([1, -2]),
    map: new Map([['a', 1]]),
    set: new Set([2, 3]),
    nested: { list: [[1], [2, 3]] },
  };
}
