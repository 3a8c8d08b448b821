/**
 * Issue row 1: patches Math.abs and Number.isFinite when imported, so that a comparison done in
 * the same realm would find every difference zero and every value finite; then returns zeros.
 */
import { zeros, type Tensor } from '@rnn-course/core';

Math.abs = () => 0;
Number.isFinite = () => true;

/** Zeros of the right shape, hoping the comparison is blind. */
export function rnnStepForward(x: Tensor, _prevH: Tensor, Wx: Tensor): { nextH: Tensor } {
  return { nextH: zeros([x.shape[0] as number, Wx.shape[1] as number]) };
}

/** What Math.abs and Number.isFinite say in the sandbox after the patch. */
export function patchedHere(): [number, boolean] {
  return [Math.abs(-3), Number.isFinite(Number.NaN)];
}
