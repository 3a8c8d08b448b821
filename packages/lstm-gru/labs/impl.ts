/**
 * Which implementation a lab of chapter 2 trains on (`--impl`): the chapter's reference
 * (gradients by the core's autograd), the worked solutions, or the learner's own exercise files.
 * Solutions and exercises are found through the chapter's manifest and hold hand-written
 * forward/backward pairs of the LSTM and the GRU over a sequence; `modelWithGatedLayers` makes
 * each pair one node of the autograd graph (the core's `customOp`), so the training loop is the
 * same for all three. Chapter 1's layers (embedding, read-out, loss, the vanilla RNN) stay the
 * reference's: chapter 1's labs train on a learner's versions of those.
 *
 * A cell whose exercises are still stubs, or do not pass their graders, falls back to the
 * reference, and the lab says which did and why.
 */
import { loadFunctions, pieceReport } from '@rnn-course/grader';
import type { Impl } from '@rnn-course/lab';
import { modelWithGatedLayers, referenceGatedLayers } from '../src/index';
import type { GatedExerciseLayers, GatedLayers } from '../src/index';

/** What a lab can run on. */
export interface LabImpl {
  impl: Impl;
  layers: GatedLayers;
  /** One line per piece of code: whose it is (for the lab's log). */
  report: string[];
}

/** The pieces the labs use, in the order they report them, and the functions of each. */
const PIECES: ReadonlyArray<readonly [string, readonly (keyof GatedExerciseLayers)[]]> = [
  ['LSTM forward/backward', ['lstmForward', 'lstmBackward']],
  ['GRU forward/backward', ['gruForward', 'gruBackward']],
];

/**
 * Loads the layers of `impl`. The learner's functions are checked by their graders first (see
 * the grader's `loadFunctions`): a cell whose functions do not all pass runs on the reference,
 * and the report says which exercise failed and how.
 *
 * @param impl   reference | solutions | exercises
 * @param folder where that implementation is (default: the course's folder of that name)
 * @returns the layers, and a report of whose code each one is, and why
 */
export async function loadImpl(impl: Impl, folder: string = impl): Promise<LabImpl> {
  if (impl === 'reference') {
    return {
      impl,
      layers: referenceGatedLayers,
      report: ['reference implementation (gradients by autograd)'],
    };
  }
  const loaded = await loadFunctions('lstm-gru', folder);
  // The manifest names the functions; their signatures are those of GatedExerciseLayers.
  const fns = loaded.functions as Partial<GatedExerciseLayers>;
  const where = `${folder}/lstm-gru`;
  return {
    impl,
    layers: modelWithGatedLayers(fns),
    report: [
      ...PIECES.map(([piece, names]) => pieceReport(piece, names, where, loaded)),
      'vanilla RNN, embedding, read-out and loss: the reference',
    ],
  };
}
