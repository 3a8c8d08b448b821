/** A second learner file importing the first: both see the same core `Tensor` class. */
import { stack, Tensor, timeStep } from '@rnn-course/core';
import { isCoreTensor, rnnStepForward } from './rnn-step';

/** h_t for every step of x [N, T, D]; returns h [N, T, H]. */
export function rnnForward(x: Tensor, h0: Tensor, Wx: Tensor, Wh: Tensor, b: Tensor): Tensor {
  const T = x.shape[1] as number;
  const hs: Tensor[] = [];
  let h = h0; // [N, H]
  for (let t = 0; t < T; t++) {
    h = rnnStepForward(timeStep(x, t), h, Wx, Wh, b).nextH; // [N, H]
    hs.push(h);
  }
  return stack(hs, 1); // [N, T, H]
}

/** True when this file and rnn-step.ts agree that `t` is a core tensor. */
export function sameTensorClass(t: unknown): boolean {
  return t instanceof Tensor && isCoreTensor(t);
}
