/**
 * Which implementation a lab trains on (`--impl`): the chapter's reference (gradients by the
 * core's autograd), the worked solutions, or the learner's own exercise files. Solutions and
 * exercises are found through the chapter's manifest and hold hand-written forward/backward
 * pairs; `modelWithLayers` makes each pair one node of the autograd graph (the core's
 * `customOp`), so the training loop is the same for all three.
 *
 * An exercise that is still a stub, or that does not pass its grader, falls back to the
 * reference, and the lab says which did and why.
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
 * Loads the layers, the clipping function and the gradient-norm function of `impl`. The
 * learner's functions are checked by their graders first (see the grader's `loadFunctions`):
 * a piece whose functions do not all pass runs on the reference, and the report says which
 * exercise failed and how.
 *
 * @param impl   reference | solutions | exercises
 * @param folder where that implementation is (default: the course's folder of that name)
 * @returns the pieces, and a report of whose code each one is, and why
 */
export async function loadImpl(impl: Impl, folder: string = impl): Promise<LabImpl> {
  if (impl === 'reference') {
    return {
      impl,
      layers: referenceLayers,
      clipGradNorm: referenceClip,
      hiddenGradientNorms: referenceNorms,
      report: ['reference implementation (gradients by autograd)'],
    };
  }
  const loaded = await loadFunctions('rnn', folder);
  // The manifest names the functions; their types are those of the exercise files.
  const fns = loaded.functions as Partial<Functions>;
  const where = folder === impl ? `${impl}/rnn` : `${folder}/rnn`;
  const report = PIECES.map(([piece, names]) => pieceReport(piece, names, where, loaded));
  return {
    impl,
    layers: modelWithLayers(fns),
    clipGradNorm: fns.clipGradNorm ?? referenceClip,
    hiddenGradientNorms: fns.hiddenGradientNorms ?? referenceNorms,
    report,
  };
}

/**
 * One piece's line: whose code it runs and, when it falls back to the reference, which of its
 * exercises did not pass and why ("rnn/rnn-backward failed: dWh: wrong at time steps 0-3").
 */
function pieceReport(
  piece: string,
  names: readonly string[],
  where: string,
  loaded: Awaited<ReturnType<typeof loadFunctions>>,
): string {
  const failing = loaded.failing.filter((f) => names.includes(f.exercise.functionName));
  const missing = loaded.notImplemented.filter((e) => names.includes(e.functionName));
  if (failing.length === 0 && missing.length === 0) return `${piece}: ${where} (passes its grader)`;
  const ids = (es: readonly { id: string }[]): string =>
    `${es.map((e) => e.id).join(' and ')} ${es.length === 1 ? 'is' : 'are'}`;
  const reasons = [
    ...(missing.length > 0 ? [`${ids(missing)} not implemented yet`] : []),
    ...failing.map((f) => `${f.exercise.id} ${f.status} its grader`),
  ];
  // the gist of the grader's message, indented under the line: what is wrong, the diagnosis
  // (a question) and the hint to read
  const details = failing.flatMap((f) => gist(f.message).map((l) => `\n      ${l}`));
  const fix =
    failing.length > 0 ? `\n    fix it, then: npm run grade -- ${failing[0]?.exercise.id}` : '';
  return `${piece}: reference, not ${where}, because ${reasons.join(' and ')}${details.join('')}${fix}`;
}

/** The first line of a grader's message, its diagnosis (a line asking a question) and its hint. */
function gist(message: string): string[] {
  const lines = message.split('\n').filter((l) => l.trim() !== '');
  const rest = lines.slice(1).filter((l) => l.trim().endsWith('?') || l.startsWith('Read hint'));
  return [...lines.slice(0, 1), ...rest];
}
