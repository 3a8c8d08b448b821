/**
 * The reference as the tests import it: the package's public API, plus a log-softmax over the
 * last axis for building log-probabilities.
 */
import { logSoftmax, noGrad } from '@rnn-course/core';
import type { Tensor } from '@rnn-course/core';

export * from '../src/index';

/** log-softmax over the last axis, as a constant (the CTC tests differentiate with respect to it). */
export function logSoftmaxRows(logits: Tensor): Tensor {
  return noGrad(() => logSoftmax(logits, -1));
}
