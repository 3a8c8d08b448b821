/**
 * Which implementation a lab of chapter 2 trains on (`--impl`): the chapter's reference
 * (gradients by the core's autograd) or the worked solutions (hand-written forward/backward
 * pairs, each made one node of the autograd graph by `modelWithGatedLayers`), so the training
 * loop is the same for both. Chapter 1's layers (embedding, read-out, loss, the vanilla RNN)
 * stay the reference's.
 *
 * The learner's own cells (`--impl exercises`) arrive with the chapter's exercises; until then
 * that choice stops with a message saying so.
 */
import type { Impl } from '@rnn-course/lab';
import { modelWithGatedLayers, referenceGatedLayers } from '../src/index';
import type { GatedLayers } from '../src/index';

/** What a lab can run on. */
export interface LabImpl {
  impl: Impl;
  layers: GatedLayers;
  /** One line per piece of code: whose it is (for the lab's log). */
  report: string[];
}

/**
 * Loads the layers of `impl`.
 *
 * @param impl reference | solutions (exercises: not yet, see the module comment)
 * @returns the layers, and a report of whose code each one is
 */
export async function loadImpl(impl: Impl): Promise<LabImpl> {
  if (impl === 'reference') {
    return {
      impl,
      layers: referenceGatedLayers,
      report: ['reference implementation (gradients by autograd)'],
    };
  }
  if (impl === 'solutions') {
    // Static paths, so that the typechecker and the test runner's bundler both see the files.
    const [lstm, gru] = await Promise.all([
      import('../../../solutions/lstm-gru/lstm'),
      import('../../../solutions/lstm-gru/gru'),
    ]);
    return {
      impl,
      layers: modelWithGatedLayers({ ...lstm, ...gru }),
      report: [
        'LSTM forward/backward: solutions/lstm-gru/lstm.ts',
        'GRU forward/backward: solutions/lstm-gru/gru.ts',
        'vanilla RNN, embedding, read-out and loss: the reference',
      ],
    };
  }
  throw new Error(
    "--impl exercises: chapter 2's exercises are not published yet; " +
      'use --impl reference (the default) or --impl solutions',
  );
}
