/**
 * A learner file for the tests of `targetModule` and the helpers that call through it: an RNN
 * step, backward passes that write into what they are given, and a top-level side effect.
 */
import {
  add,
  matmul,
  mul,
  onesLike,
  square,
  sub,
  sum,
  tanh,
  transpose,
  type Tensor,
} from '@rnn-course/core';

/** Marks the global object of the process that imports this file. */
(globalThis as { wiringTopLevelRanIn?: number }).wiringTopLevelRanIn = process.pid;

/** The process this file's top level ran in. */
export function markedIn(): number | undefined {
  return (globalThis as { wiringTopLevelRanIn?: number }).wiringTopLevelRanIn;
}

interface StepCache {
  readonly x: Tensor;
  readonly prevH: Tensor;
  readonly Wx: Tensor;
  readonly Wh: Tensor;
  readonly nextH: Tensor;
}

/** eq. 1.1. */
export function rnnStepForward(x: Tensor, prevH: Tensor, Wx: Tensor, Wh: Tensor, b: Tensor) {
  const nextH = tanh(add(add(matmul(x, Wx), matmul(prevH, Wh)), b)); // [N, H]
  return { nextH, cache: { x, prevH, Wx, Wh, nextH } };
}

/** eqs. 1.2-1.3. */
export function rnnStepBackward(dnextH: Tensor, cache: StepCache): Record<string, Tensor> {
  const { x, prevH, Wx, Wh, nextH } = cache;
  const da = mul(dnextH, sub(onesLike(nextH), square(nextH))); // [N, H]
  return {
    dx: matmul(da, transpose(Wx)),
    dprevH: matmul(da, transpose(Wh)),
    dWx: matmul(transpose(x), da),
    dWh: matmul(transpose(prevH), da),
    db: sum(da, 0),
  };
}

/** A correct backward that computes da in place, in dnextH's own values. */
export function backwardScalesDout(dnextH: Tensor, cache: StepCache): Record<string, Tensor> {
  const h = cache.nextH.data;
  for (let i = 0; i < dnextH.size; i++) dnextH.data[i] *= 1 - h[i] * h[i];
  const da = dnextH; // [N, H]
  return {
    dx: matmul(da, transpose(cache.Wx)),
    dprevH: matmul(da, transpose(cache.Wh)),
    dWx: matmul(transpose(cache.x), da),
    dWh: matmul(transpose(cache.prevH), da),
    db: sum(da, 0),
  };
}

/** A backward that writes into the x its forward kept in the cache. */
export function backwardWritesCache(dnextH: Tensor, cache: StepCache): Record<string, Tensor> {
  cache.x.data[1] = 0;
  return rnnStepBackward(dnextH, cache);
}

/** A loss of a parameter record: sum(tanh(x W)²) / 2, for finite differences through a closure. */
export function lossOf(params: { W: Tensor }, x: Tensor): { loss: number } {
  const y = tanh(matmul(x, params.W)); // [N, H]
  return { loss: sum(square(y)).item() / 2 };
}
