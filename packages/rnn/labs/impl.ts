/**
 * Which implementation a lab trains on (`--impl`): the chapter's reference (gradients by the
 * core's autograd), the worked solutions, or the learner's own exercise files. Solutions and
 * exercises are hand-written forward/backward pairs; `modelWithLayers` makes each pair one
 * node of the autograd graph (the core's `customOp`), so the training loop is the same for all
 * three.
 *
 * An exercise that is still a stub throws the core's NotImplementedError; such a layer falls
 * back to the reference, and the lab says which ones did.
 */
import { NotImplementedError, Rng, randn, tensor, zeros } from '@rnn-course/core';
import type { Tensor } from '@rnn-course/core';
import type { Impl } from '@rnn-course/lab';
import {
  clipGradNorm as referenceClip,
  hiddenGradientNorms as referenceNorms,
  modelWithLayers,
  referenceLayers,
} from '../src/index';
import type { ExerciseLayers, RnnLayers } from '../src/index';

/** Named gradients -> clipped copies and the norm before clipping (eq. 1.12). */
type ClipFn = (
  grads: Readonly<Record<string, Tensor>>,
  maxNorm: number,
) => { grads: Record<string, Tensor>; totalNorm: number };

/** `hiddenGradientNorms(x [1, T, D], h0 [1, H], Wx, Wh, b)` -> T norms (eqs. 1.14–1.15). */
type NormsFn = (x: Tensor, h0: Tensor, Wx: Tensor, Wh: Tensor, b: Tensor) => number[];

/** What a lab can run on. */
export interface LabImpl {
  impl: Impl;
  layers: RnnLayers;
  clipGradNorm: ClipFn;
  hiddenGradientNorms: NormsFn;
  /** One line per piece of code: whose it is (for the lab's log). */
  report: string[];
}

/** Calls `probe`; false (not implemented) when it throws NotImplementedError. */
function implemented(probe: () => unknown): boolean {
  try {
    probe();
    return true;
  } catch (error) {
    if (error instanceof NotImplementedError) return false;
    throw error;
  }
}

type Folder = ExerciseLayers & { clipGradNorm: ClipFn; hiddenGradientNorms: NormsFn };

// Static paths (not a template string), so that the typechecker and the bundler of the test
// runner both see the files: the repository's solutions/rnn and exercises/rnn.
async function importSolutions(): Promise<Folder> {
  const parts = await Promise.all([
    import('../../../solutions/rnn/rnn'),
    import('../../../solutions/rnn/word-embedding'),
    import('../../../solutions/rnn/temporal-affine'),
    import('../../../solutions/rnn/temporal-softmax-loss'),
    import('../../../solutions/rnn/clip-grad-norm'),
    import('../../../solutions/rnn/hidden-gradient-norms'),
  ]);
  return Object.assign({}, ...parts) as Folder;
}

async function importExercises(): Promise<Folder> {
  const parts = await Promise.all([
    import('../../../exercises/rnn/rnn'),
    import('../../../exercises/rnn/word-embedding'),
    import('../../../exercises/rnn/temporal-affine'),
    import('../../../exercises/rnn/temporal-softmax-loss'),
    import('../../../exercises/rnn/clip-grad-norm'),
    import('../../../exercises/rnn/hidden-gradient-norms'),
  ]);
  return Object.assign({}, ...parts) as Folder;
}

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
  const fns = impl === 'solutions' ? await importSolutions() : await importExercises();
  // Tiny probes: N = 1, T = 2, D = 2, H = 3, V = 4.
  const rng = new Rng(0);
  const x = randn([1, 2, 2], rng);
  const W = randn([4, 2], rng);
  const ids = [[0, 3]];
  const ok = {
    embedding: implemented(() =>
      fns.wordEmbeddingBackward(randn([1, 2, 2], rng), fns.wordEmbeddingForward(ids, W).cache),
    ),
    rnn: implemented(() =>
      fns.rnnBackward(
        randn([1, 2, 3], rng),
        fns.rnnForward(x, zeros([1, 3]), randn([2, 3], rng), randn([3, 3], rng), zeros([3])).cache,
      ),
    ),
    affine: implemented(() =>
      fns.temporalAffineBackward(
        randn([1, 2, 4], rng),
        fns.temporalAffineForward(randn([1, 2, 3], rng), randn([3, 4], rng), zeros([4])).cache,
      ),
    ),
    loss: implemented(() => fns.temporalSoftmaxLossAndGrad(randn([1, 2, 4], rng), ids, [[1, 1]])),
    clip: implemented(() => fns.clipGradNorm({ a: tensor([3, 4]) }, 1)),
    norms: implemented(() =>
      fns.hiddenGradientNorms(x, zeros([1, 3]), randn([2, 3], rng), randn([3, 3], rng), zeros([3])),
    ),
  };
  const layers = modelWithLayers({
    ...(ok.embedding
      ? {
          wordEmbeddingForward: fns.wordEmbeddingForward,
          wordEmbeddingBackward: fns.wordEmbeddingBackward,
        }
      : {}),
    ...(ok.rnn ? { rnnForward: fns.rnnForward, rnnBackward: fns.rnnBackward } : {}),
    ...(ok.affine
      ? {
          temporalAffineForward: fns.temporalAffineForward,
          temporalAffineBackward: fns.temporalAffineBackward,
        }
      : {}),
    ...(ok.loss ? { temporalSoftmaxLossAndGrad: fns.temporalSoftmaxLossAndGrad } : {}),
  });
  const whose = (done: boolean, what: string, ids: string): string =>
    done
      ? `${what}: ${impl}/rnn`
      : `${what}: reference (${ids} not implemented yet in ${impl}/rnn)`;
  return {
    impl,
    layers,
    clipGradNorm: ok.clip ? fns.clipGradNorm : referenceClip,
    hiddenGradientNorms: ok.norms ? fns.hiddenGradientNorms : referenceNorms,
    report: [
      whose(ok.embedding, 'embedding', 'rnn/word-embedding-forward, -backward'),
      whose(ok.rnn, 'RNN forward/backward', 'rnn/rnn-forward, -backward'),
      whose(ok.affine, 'temporal affine', 'rnn/temporal-affine-forward, -backward'),
      whose(ok.loss, 'softmax loss', 'rnn/temporal-softmax-loss-and-grad'),
      whose(ok.clip, 'clipping', 'rnn/clip-grad-norm'),
      whose(ok.norms, 'gradient norms', 'rnn/hidden-gradient-norms'),
    ],
  };
}
