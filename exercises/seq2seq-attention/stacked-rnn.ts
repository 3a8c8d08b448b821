/**
 * A stack of vanilla RNN layers with dropout between them, forward and backward, written by
 * hand around chapter 1's RNN (its forward from `@rnn-course/rnn`, its BPTT by the core's
 * `vjp`; see bidirectional-rnn.ts).
 *
 * Chapter 3, "Deep RNNs" — packages/seq2seq-attention/README.md#deep-rnns
 */
import { notImplemented } from '@rnn-course/core';
import type { Rng, Tensor } from '@rnn-course/core';
import { rnn } from '@rnn-course/rnn';

/** One layer's weights: `Wx [D_l, H]`, `Wh [H, H]`, `b [H]`. */
export interface RnnLayerParams {
  Wx: Tensor;
  Wh: Tensor;
  b: Tensor;
}

/** One layer's gradients. */
export interface RnnLayerGrads {
  dWx: Tensor;
  dWh: Tensor;
  db: Tensor;
}

/** What `stackedRnnBackward` needs. */
export interface StackedRnnCache {
  // TODO: the fields your stackedRnnBackward reads, filled in by your stackedRnnForward.
}

/**
 * eq. 3.5: layer 0 reads x, layer l >= 1 reads d^(l) ⊙ h^(l−1), with d^(l) drawn by
 * `dropoutMask([N, T, H], p, rng)` for l = 1, …, L−1 in that order (none without rng or when
 * p = 0).
 *
 * @param x      `[N, T, D]`
 * @param h0     L initial states `[N, H]`
 * @param layers L layers, `Wx [D, H]` for layer 0 and `[H, H]` above
 * @param p      drop probability between layers
 * @param rng    draws the masks; omit for evaluation
 * @returns `h [N, T, H]`, the top layer's states, and the cache
 * @throws ShapeError naming `stackedRnnForward` when `x` is not [N, T, D], when `layers` is empty
 *   or a layer's weights do not fit the layer below, or when `h0` does not hold one [N, H] state
 *   per layer
 */
export function stackedRnnForward(
  x: Tensor,
  h0: readonly Tensor[],
  layers: readonly RnnLayerParams[],
  p = 0,
  rng?: Rng,
): { h: Tensor; cache: StackedRnnCache } {
  // TODO: check the shapes, then layer by layer: dropout on the input of layers above the first, chapter 1's RNN (eq. 3.5).
  notImplemented('seq2seq-attention/stacked-rnn-forward');
}

/**
 * eq. 3.6: from the top layer down, chapter 1's BPTT gives each layer's weight gradients and
 * the gradient of its input; through the dropout below it that is d^(l) ⊙ dx^(l), the
 * gradient of the layer below's outputs.
 *
 * @param dh `[N, T, H]` upstream gradient of the top layer's states
 * @returns `dx [N, T, D]`, `dh0` (L × `[N, H]`) and `dlayers` (L × { dWx, dWh, db })
 * @throws ShapeError naming `stackedRnnBackward` when `dh` is not [N, T, H], the shape of the top
 *   layer's states
 */
export function stackedRnnBackward(
  dh: Tensor,
  cache: StackedRnnCache,
): { dx: Tensor; dh0: Tensor[]; dlayers: RnnLayerGrads[] } {
  // TODO: from the top layer down: BPTT of each layer, then through the dropout mask below it (eq. 3.6).
  notImplemented('seq2seq-attention/stacked-rnn-backward');
}
