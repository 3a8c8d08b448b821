/**
 * Points reward correct work only: every exercise of chapter 3, replaced by an implementation
 * that does nothing (returns an input, zeros, a constant, [], undefined, or refuses every
 * input), scores 0 points when graded with the chapter's suites.
 */
import { describeDoNothing } from '@rnn-course/grader/mistakes';

describeDoNothing('seq2seq-attention');
