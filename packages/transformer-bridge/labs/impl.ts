/**
 * Which implementation a lab runs (`--impl`): the chapter's reference (gradients by the core's
 * autograd), the worked solutions, or the learner's own exercise files (Jacobians derived by
 * hand). Solutions and exercises are found through the chapter's manifest (`loadFunctions`);
 * an exercise that is still a stub falls back to the reference, and the lab says which did.
 */
import { loadFunctions } from '@rnn-course/grader';
import type { Impl } from '@rnn-course/lab';
import * as reference from '../src/index';

/** The exercise functions, typed by the exercise files themselves. */
type Functions = typeof import('@target/transformer-bridge/rnn-path-length-gradient') &
  typeof import('@target/transformer-bridge/self-attention-path-length-gradient');

/** The path-length functions (the RNN's product of Jacobians and eq. 4.15). */
export interface PathLengthImpl {
  impl: Impl;
  rnnPathLengthGradient: Functions['rnnPathLengthGradient'];
  selfAttentionPathLengthGradient: Functions['selfAttentionPathLengthGradient'];
  /** One line per function: whose code it is (for the lab's log). */
  report: string[];
}

/**
 * Loads the two path-length functions of `impl`, each from the reference when `impl` has not
 * implemented it yet.
 *
 * @param impl reference | solutions | exercises
 * @returns the functions, and a report of whose code each one is
 */
export async function loadPathLength(impl: Impl): Promise<PathLengthImpl> {
  if (impl === 'reference') {
    return {
      impl,
      rnnPathLengthGradient: reference.rnnPathLengthGradient,
      selfAttentionPathLengthGradient: reference.selfAttentionPathLengthGradient,
      report: ['reference implementation (gradients by autograd)'],
    };
  }
  const loaded = await loadFunctions('transformer-bridge', impl);
  // The manifest names the functions; their types are those of the exercise files.
  const fns = loaded.functions as Partial<Functions>;
  const names = ['rnnPathLengthGradient', 'selfAttentionPathLengthGradient'] as const;
  const report = names.map((name) => {
    const missing = loaded.notImplemented.find((e) => e.functionName === name);
    return missing === undefined
      ? `${name}: ${impl}/transformer-bridge (Jacobian derived by hand)`
      : `${name}: reference (${missing.id} not implemented yet in ${impl}/transformer-bridge)`;
  });
  return {
    impl,
    rnnPathLengthGradient: fns.rnnPathLengthGradient ?? reference.rnnPathLengthGradient,
    selfAttentionPathLengthGradient:
      fns.selfAttentionPathLengthGradient ?? reference.selfAttentionPathLengthGradient,
    report,
  };
}
