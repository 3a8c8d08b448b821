/**
 * Which implementation a lab runs (`--impl`): the chapter's reference (gradients by the core's
 * autograd) or the worked solutions (Jacobians derived by hand). The learner's own exercise
 * files are not part of this chapter yet, so `--impl exercises` is refused with a message.
 */
import type { Tensor } from '@rnn-course/core';
import type { Impl } from '@rnn-course/lab';
import * as reference from '../src/index';

/** The path-length functions (eq. 4.15 and the RNN product of Jacobians). */
export interface PathLengthImpl {
  impl: Impl;
  rnnPathLengthGradient(x: Tensor, h0: Tensor, Wx: Tensor, Wh: Tensor, b: Tensor): number;
  selfAttentionPathLengthGradient(x: Tensor, Wq: Tensor, Wk: Tensor, Wv: Tensor): number;
  /** Whose code it is, for the lab's log. */
  report: string;
}

/**
 * @param impl reference | solutions
 * @throws Error for `exercises`, which this chapter does not have yet
 */
export async function loadPathLength(impl: Impl): Promise<PathLengthImpl> {
  if (impl === 'reference') {
    return { impl, ...reference, report: 'reference implementation (gradients by autograd)' };
  }
  if (impl === 'solutions') {
    const s = await import('../../../solutions/transformer-bridge/path-length');
    return {
      impl,
      rnnPathLengthGradient: s.rnnPathLengthGradient,
      selfAttentionPathLengthGradient: s.selfAttentionPathLengthGradient,
      report: 'worked solutions (solutions/transformer-bridge/path-length.ts)',
    };
  }
  throw new Error(
    "chapter 4's exercise files are not in this version of the course yet: " +
      'use --impl reference or --impl solutions',
  );
}
