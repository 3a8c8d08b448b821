/**
 * Which implementation a lab trains on (`--impl`): the chapter's reference (gradients by the
 * core's autograd), the worked solutions, or the learner's own exercise files. Solutions and
 * exercises are found through the chapter's manifest and hold hand-written forward/backward
 * pairs; `modelWithLayers` makes each pair one node of the autograd graph (the core's
 * `customOp`), so the training loop is the same for all three.
 *
 * An exercise that is still a stub falls back to the reference, and the lab says which did.
 */
import type { Impl } from '@rnn-course/lab';
import { loadFunctions } from '@rnn-course/grader';
import {
  clipGradNorm as referenceClip,
  hiddenGradientNorms as referenceNorms,
  modelWithLayers,
  referenceLayers,
} from '../src/index';
import type { RnnLayers } from '../src/index';

/** The exercise functions, typed by the exercise files themselves. */
type Functions = typeof import('@target/rnn/word-embedding') &
  typeof import('@target/rnn/rnn') &
  typeof import('@target/rnn/temporal-affine') &
  typeof import('@target/rnn/temporal-softmax-loss') &
  typeof import('@target/rnn/clip-grad-norm') &
  typeof import('@target/rnn/hidden-gradient-norms');

/** What a lab can run on. */
export interface LabImpl {
  impl: Impl;
  layers: RnnLayers;
  /** eq. 1.12: named gradients -> clipped copies and the norm before clipping. */
  clipGradNorm: Functions['clipGradNorm'];
  /** eqs. 1.14–1.15: `x [1, T, D], h0 [1, H], Wx, Wh, b` -> T norms. */
  hiddenGradientNorms: Functions['hiddenGradientNorms'];
  /** One line per piece of code: whose it is (for the lab's log). */
  report: string[];
}

/** The pieces the labs use, in the order they report them, and the functions of each. */
const PIECES: ReadonlyArray<readonly [string, readonly (keyof Functions)[]]> = [
  ['word embedding', ['wordEmbeddingForward', 'wordEmbeddingBackward']],
  ['RNN forward/backward', ['rnnForward', 'rnnBackward']],
  ['temporal affine', ['temporalAffineForward', 'temporalAffineBackward']],
  ['softmax loss', ['temporalSoftmaxLossAndGrad']],
  ['clipping', ['clipGradNorm']],
  ['gradient norms', ['hiddenGradientNorms']],
];

/**
 * Loads the layers, the clipping function and the gradient-norm function of `impl`.
 *
 * @param impl reference | solutions | exercises
 * @returns the pieces, and a report of whose code each one is
 */
export async function loadImpl(impl: Impl): Promise<LabImpl> {
  if (impl === 'reference') {
    return {
      impl,
      layers: referenceLayers,
      clipGradNorm: referenceClip,
      hiddenGradientNorms: referenceNorms,
      report: ['reference implementation (gradients by autograd)'],
    };
  }
  const loaded = await loadFunctions('rnn', impl);
  // The manifest names the functions; their types are those of the exercise files.
  const fns = loaded.functions as Partial<Functions>;
  const report = PIECES.map(([piece, names]) => {
    const mine: readonly string[] = names;
    const missing = loaded.notImplemented.filter((e) => mine.includes(e.functionName));
    return missing.length === 0
      ? `${piece}: ${impl}/rnn`
      : `${piece}: reference (${missing.map((e) => e.id).join(', ')} not implemented yet in ${impl}/rnn)`;
  });
  return {
    impl,
    layers: modelWithLayers(fns),
    clipGradNorm: fns.clipGradNorm ?? referenceClip,
    hiddenGradientNorms: fns.hiddenGradientNorms ?? referenceNorms,
    report,
  };
}
