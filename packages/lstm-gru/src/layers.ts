/**
 * The layers the chapter's models are made of, as differentiable functions, so that a model can
 * run on either implementation (as chapter 1's `RnnLayers`, which these extend with the two
 * gated cells):
 *
 * - `referenceGatedLayers`: this package's `lstm` and `gru` and chapter 1's reference layers,
 *   differentiated by the core's autograd;
 * - `modelWithGatedLayers(fns)`: hand-written forward/backward pairs (the worked solutions, or a
 *   learner's exercise code), each pair made one node of the autograd graph with the core's
 *   `customOp`. A pair that is not given falls back to the reference.
 */
import { concat, customOp, narrow } from '@rnn-course/core';
import type { Tensor } from '@rnn-course/core';
import { modelWithLayers, referenceLayers } from '@rnn-course/rnn';
import type { ExerciseLayers, RnnLayers } from '@rnn-course/rnn';
import { gru } from './gru';
import { lstm } from './lstm';
import type { LstmOutputs } from './lstm';

/** Chapter 1's layers (wordEmbedding, rnn, temporalAffine, temporalSoftmaxLoss) and the two gated cells, all batch-first. */
export interface GatedLayers extends RnnLayers {
  /** eqs. 2.1–2.4 unrolled: `x [N, T, D]`, `h0, c0 [N, H]` -> `h, c [N, T, H]` */
  lstm(x: Tensor, h0: Tensor, c0: Tensor, Wx: Tensor, Wh: Tensor, b: Tensor): LstmOutputs;
  /** eqs. 2.12–2.14 unrolled: `x [N, T, D]`, `h0 [N, H]` -> `[N, T, H]` */
  gru(x: Tensor, h0: Tensor, Wx: Tensor, Wh: Tensor, bx: Tensor, bh: Tensor): Tensor;
}

/** The reference layers: gradients by autograd. */
export const referenceGatedLayers: GatedLayers = { ...referenceLayers, lstm, gru };

/**
 * The chapter's sequence functions, as in solutions/lstm-gru (same names and signatures).
 * Caches are opaque here: each backward receives the cache its own forward returned.
 */
export interface GatedExerciseLayers {
  lstmForward(
    x: Tensor,
    h0: Tensor,
    c0: Tensor,
    Wx: Tensor,
    Wh: Tensor,
    b: Tensor,
  ): { h: Tensor; c: Tensor; cache: unknown };
  lstmBackward(
    dh: Tensor,
    dc: Tensor,
    cache: never,
  ): { dx: Tensor; dh0: Tensor; dc0: Tensor; dWx: Tensor; dWh: Tensor; db: Tensor };
  gruForward(
    x: Tensor,
    h0: Tensor,
    Wx: Tensor,
    Wh: Tensor,
    bx: Tensor,
    bh: Tensor,
  ): { h: Tensor; cache: unknown };
  gruBackward(
    dh: Tensor,
    cache: never,
  ): { dx: Tensor; dh0: Tensor; dWx: Tensor; dWh: Tensor; dbx: Tensor; dbh: Tensor };
}

/**
 * Builds a model's layers from hand-written forward/backward pairs: chapter 1's (through its
 * `modelWithLayers`) and this chapter's. The LSTM node's output is h and c side by side,
 * `[N, T, 2H]`, so that a loss may depend on both: its backward splits the upstream gradient
 * into dh and dc for `lstmBackward(dh, dc, cache)`.
 *
 * @param fns any subset of the exercise functions of chapters 1 and 2
 * @returns layers to give to `RecurrentLayer`, `SequenceModel` or `CharModel`
 */
export function modelWithGatedLayers(
  fns: Partial<GatedExerciseLayers & ExerciseLayers>,
): GatedLayers {
  const layers: GatedLayers = { ...referenceGatedLayers, ...modelWithLayers(fns) };
  const { lstmForward, lstmBackward } = fns;
  if (lstmForward && lstmBackward) {
    const op = customOp({
      name: 'lstm',
      inputs: ['x', 'h0', 'c0', 'Wx', 'Wh', 'b'],
      forward: (x, h0, c0, Wx, Wh, b) => {
        const { h, c, cache } = lstmForward(
          x as Tensor,
          h0 as Tensor,
          c0 as Tensor,
          Wx as Tensor,
          Wh as Tensor,
          b as Tensor,
        );
        return { out: concat([h, c], 2), cache }; // [N, T, 2H]: h, then c
      },
      backward: (dout, cache) => {
        const H = (dout.shape[2] as number) / 2;
        const dh = narrow(dout, 2, 0, H); // [N, T, H]
        const dc = narrow(dout, 2, H, H); // [N, T, H]
        return { ...lstmBackward(dh, dc, cache as never) };
      },
    });
    layers.lstm = (x, h0, c0, Wx, Wh, b) => {
      const out = op(x, h0, c0, Wx, Wh, b); // [N, T, 2H]
      const H = h0.shape[1] as number;
      return { h: narrow(out, 2, 0, H), c: narrow(out, 2, H, H) }; // [N, T, H] each
    };
  }
  const { gruForward, gruBackward } = fns;
  if (gruForward && gruBackward) {
    const op = customOp({
      name: 'gru',
      inputs: ['x', 'h0', 'Wx', 'Wh', 'bx', 'bh'],
      forward: (x, h0, Wx, Wh, bx, bh) => {
        const { h, cache } = gruForward(
          x as Tensor,
          h0 as Tensor,
          Wx as Tensor,
          Wh as Tensor,
          bx as Tensor,
          bh as Tensor,
        );
        return { out: h, cache }; // [N, T, H]
      },
      backward: (dh, cache) => ({ ...gruBackward(dh, cache as never) }),
    });
    layers.gru = (x, h0, Wx, Wh, bx, bh) => op(x, h0, Wx, Wh, bx, bh);
  }
  return layers;
}
