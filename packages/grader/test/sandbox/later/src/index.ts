/** The reference package of the sandbox tests' second chapter. */
import { rnnStep } from '@rnn-course/rnn';

/** Chapter 1's step, re-exported: a later chapter builds on the earlier one. */
export const laterStep = rnnStep;
