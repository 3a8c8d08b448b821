/**
 * The four layers a model of this chapter is made of, as differentiable functions, so that a
 * model can run on either implementation:
 *
 * - `referenceLayers`: this package's functions, differentiated by the core's autograd;
 * - `modelWithLayers(fns)`: hand-written forward/backward pairs (the solutions, or the learner's
 *   own exercise code), each pair made one node of the autograd graph with the core's
 *   `customOp`. A pair that is not given falls back to the reference.
 */
import { customOp, fromData, scale } from '@rnn-course/core';
import type { Tensor } from '@rnn-course/core';
import { wordEmbedding } from './word-embedding';
import { rnn } from './rnn';
import { temporalAffine } from './temporal-affine';
import { temporalSoftmaxLoss } from './temporal-softmax-loss';

type Ids = readonly (readonly number[])[];

/** The differentiable layers of a model, all batch-first, named as the reference names them. */
export interface RnnLayers {
  /** eq. 1.6: ids `[N][T]`, `W [V, D]` -> `[N, T, D]` */
  wordEmbedding(ids: Ids, W: Tensor): Tensor;
  /** eq. 1.1 unrolled: `x [N, T, D]`, `h0 [N, H]` -> `[N, T, H]` */
  rnn(x: Tensor, h0: Tensor, Wx: Tensor, Wh: Tensor, b: Tensor): Tensor;
  /** eq. 1.8: `x [N, T, H]`, `W [H, V]`, `b [V]` -> `[N, T, V]` */
  temporalAffine(x: Tensor, W: Tensor, b: Tensor): Tensor;
  /** eq. 1.10: `logits [N, T, V]`, targets `[N][T]`, mask `[N][T]` -> scalar */
  temporalSoftmaxLoss(logits: Tensor, targets: Ids, mask?: Ids): Tensor;
}

/** The reference layers: gradients by autograd. */
export const referenceLayers: RnnLayers = {
  wordEmbedding,
  rnn,
  temporalAffine,
  temporalSoftmaxLoss,
};

/**
 * The exercise functions, as in exercises/rnn and solutions/rnn (same names and signatures).
 * Caches are opaque here: each backward receives the cache its own forward returned (method
 * syntax, so a backward typed with its own cache fits).
 */
export interface ExerciseLayers {
  wordEmbeddingForward(ids: Ids, W: Tensor): { out: Tensor; cache: unknown };
  wordEmbeddingBackward(dout: Tensor, cache: unknown): { dW: Tensor };
  rnnForward(
    x: Tensor,
    h0: Tensor,
    Wx: Tensor,
    Wh: Tensor,
    b: Tensor,
  ): { h: Tensor; cache: unknown };
  rnnBackward(
    dh: Tensor,
    cache: unknown,
  ): { dx: Tensor; dh0: Tensor; dWx: Tensor; dWh: Tensor; db: Tensor };
  temporalAffineForward(x: Tensor, W: Tensor, b: Tensor): { out: Tensor; cache: unknown };
  temporalAffineBackward(dout: Tensor, cache: unknown): { dx: Tensor; dW: Tensor; db: Tensor };
  temporalSoftmaxLossAndGrad(
    logits: Tensor,
    targets: Ids,
    mask: Ids,
  ): { loss: number; dlogits: Tensor };
}

/**
 * Builds a model's layers from hand-written forward/backward pairs (the solutions' or the
 * learner's, as a lab loads them). Each pair becomes one `customOp` node: the forward runs the
 * given code, the backward hands the node's upstream gradient and the forward's cache to the
 * given backward. Pairs not given (both halves are needed) use the reference.
 *
 * @param fns any subset of the exercise functions
 * @returns layers to give to `CharRnn` or `RnnRegressor`
 */
export function modelWithLayers(fns: Partial<ExerciseLayers>): RnnLayers {
  const layers: RnnLayers = { ...referenceLayers };
  const { wordEmbeddingForward, wordEmbeddingBackward } = fns;
  if (wordEmbeddingForward && wordEmbeddingBackward) {
    // The ids are not a tensor, so the node is made per call, with the ids in its closure.
    layers.wordEmbedding = (ids, W) =>
      customOp({
        name: 'wordEmbedding',
        inputs: ['W'],
        forward: (Wd) => wordEmbeddingForward(ids, Wd),
        backward: (dout, cache) => ({ dW: wordEmbeddingBackward(dout, cache).dW }),
      })(W);
  }
  const { rnnForward, rnnBackward } = fns;
  if (rnnForward && rnnBackward) {
    const op = customOp({
      name: 'rnn',
      inputs: ['x', 'h0', 'Wx', 'Wh', 'b'],
      forward: (x, h0, Wx, Wh, b) => {
        const { h, cache } = rnnForward(x, h0, Wx, Wh, b);
        return { out: h, cache };
      },
      backward: (dh, cache) => ({ ...rnnBackward(dh, cache) }),
    });
    layers.rnn = (x, h0, Wx, Wh, b) => op(x, h0, Wx, Wh, b);
  }
  const { temporalAffineForward, temporalAffineBackward } = fns;
  if (temporalAffineForward && temporalAffineBackward) {
    const op = customOp({
      name: 'temporalAffine',
      inputs: ['x', 'W', 'b'],
      forward: (x, W, b) => temporalAffineForward(x, W, b),
      backward: (dout, cache) => ({ ...temporalAffineBackward(dout, cache) }),
    });
    layers.temporalAffine = (x, W, b) => op(x, W, b);
  }
  const lossAndGrad = fns.temporalSoftmaxLossAndGrad;
  if (lossAndGrad) {
    layers.temporalSoftmaxLoss = (logits, targets, mask) =>
      customOp({
        name: 'temporalSoftmaxLoss',
        inputs: ['logits'],
        forward: (z) => {
          const m = mask ?? targets.map((r) => r.map(() => 1));
          const { loss, dlogits } = lossAndGrad(z, targets, m);
          return { out: fromData([loss], []), cache: dlogits }; // scalar
        },
        // The loss is a scalar, so its upstream gradient is a number that scales dL/dlogits.
        backward: (dout, dlogits: Tensor) => ({ dlogits: scale(dlogits, dout.item()) }),
      })(logits);
  }
  return layers;
}
