/**
 * A stack of vanilla RNN layers with dropout between them, forward and backward, written by
 * hand around chapter 1's RNN (its forward from `@rnn-course/rnn`, its BPTT by the core's
 * `vjp`; see bidirectional-rnn.ts).
 *
 * Chapter 3, "Deep RNNs" — packages/seq2seq-attention/README.md#deep-rnns
 */
import { ShapeError, assertShape, dropoutMask, mul, vjp } from '@rnn-course/core';
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
  // BEGIN SOLUTION: the fields your stackedRnnBackward reads, filled in by your stackedRnnForward.
  /** the input each layer read (after dropout for l >= 1): `[N, T, D_l]` */
  readonly inputs: readonly Tensor[];
  /** the dropout mask applied below layer l (undefined for layer 0 and without dropout) */
  readonly masks: readonly (Tensor | undefined)[];
  readonly h0: readonly Tensor[];
  readonly layers: readonly RnnLayerParams[];
  // END SOLUTION
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
  // BEGIN SOLUTION: check the shapes, then layer by layer: dropout on the input of layers above the first, chapter 1's RNN (eq. 3.5).
  const op = 'stackedRnnForward';
  assertShape(op, x, [null, null, null], 'x');
  const [N, T, D] = x.shape as [number, number, number];
  if (layers.length === 0) throw new ShapeError(op, 'layers: at least one layer', 'no layers');
  if (h0.length !== layers.length) {
    throw new ShapeError(
      op,
      `h0: one initial state per layer (${layers.length})`,
      `${h0.length} initial states`,
    );
  }
  const inputs: Tensor[] = [];
  const masks: (Tensor | undefined)[] = [];
  let input = x; // [N, T, D_l]
  let size = D;
  layers.forEach((layer, l) => {
    assertShape(op, layer.Wx, [size, null], `layers[${l}].Wx`);
    const H = layer.Wx.shape[1] as number;
    assertShape(op, layer.Wh, [H, H], `layers[${l}].Wh`);
    assertShape(op, layer.b, [H], `layers[${l}].b`);
    assertShape(op, h0[l] as Tensor, [N, H], `h0[${l}]`);
    // Dropout on the connection going up, never on the recurrent one (Zaremba et al. 2014).
    const mask =
      l > 0 && rng !== undefined && p > 0 ? dropoutMask([N, T, size], p, rng) : undefined;
    if (mask !== undefined) input = mul(input, mask); // [N, T, H]
    inputs.push(input);
    masks.push(mask);
    input = rnn(input, h0[l] as Tensor, layer.Wx, layer.Wh, layer.b); // [N, T, H]
    size = H;
  });
  return { h: input, cache: { inputs, masks, h0, layers } };
  // END SOLUTION
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
  // BEGIN SOLUTION: from the top layer down: BPTT of each layer, then through the dropout mask below it (eq. 3.6).
  const { inputs, masks, h0, layers } = cache;
  const L = layers.length;
  const top = inputs[L - 1] as Tensor;
  const H = layers[L - 1]!.Wx.shape[1] as number;
  assertShape('stackedRnnBackward', dh, [top.shape[0]!, top.shape[1]!, H], 'dh');
  const dh0 = new Array<Tensor>(L);
  const dlayers = new Array<RnnLayerGrads>(L);
  let dout = dh; // gradient of layer l's outputs
  for (let l = L - 1; l >= 0; l--) {
    const { Wx, Wh, b } = layers[l]!;
    const g = vjp(rnn, { x: inputs[l]!, h0: h0[l]!, Wx, Wh, b }, dout);
    dh0[l] = g.dh0 as Tensor;
    dlayers[l] = { dWx: g.dWx as Tensor, dWh: g.dWh as Tensor, db: g.db as Tensor };
    const mask = masks[l];
    dout = mask === undefined ? (g.dx as Tensor) : mul(g.dx as Tensor, mask); // [N, T, D_l]
  }
  return { dx: dout, dh0, dlayers };
  // END SOLUTION
}
