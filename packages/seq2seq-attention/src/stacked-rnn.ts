/**
 * Deep (stacked) RNNs: the hidden states of one recurrent layer are the inputs of the next, so
 * each layer sees a more processed sequence (Graves, Mohamed & Hinton 2013; Sutskever et al.
 * 2014 used four layers). Dropout between the layers (Zaremba, Sutskever & Vinyals 2014), on
 * the connections that go up and never on the recurrent ones, regularises the stack.
 *
 * Chapter 3, "Deep RNNs" — packages/seq2seq-attention/README.md#deep-rnns
 */
import { ShapeError, assertShape, dropoutMask, mul } from '@rnn-course/core';
import type { Rng, Tensor } from '@rnn-course/core';
import { rnn } from '@rnn-course/rnn';

/** One layer's weights (chapter 1, eq. 1.1): `Wx [D_l, H]`, `Wh [H, H]`, `b [H]`. */
export interface RnnLayerParams {
  Wx: Tensor;
  Wh: Tensor;
  b: Tensor;
}

/**
 * eq. 3.5: layer 0 reads x; layer l >= 1 reads d^(l) ⊙ h^(l−1), where d^(l) is an inverted
 * dropout mask `[N, T, H]` drawn with the core's `dropoutMask(…, p, rng)` for l = 1, …, L−1 in
 * that order. Without `rng` (evaluation) or with p = 0 nothing is dropped.
 *
 * @param x      `[N, T, D]`
 * @param h0     L initial states `[N, H]`, one per layer
 * @param layers L layers: layer 0 has `Wx [D, H]`, the others `Wx [H, H]`
 * @param p      drop probability between layers, in [0, 1)
 * @param rng    draws the masks; omit for evaluation
 * @returns `[N, T, H]`, the top layer's hidden states
 * @throws ShapeError naming `stackedRnn` when the shapes disagree
 */
export function stackedRnn(
  x: Tensor,
  h0: readonly Tensor[],
  layers: readonly RnnLayerParams[],
  p = 0,
  rng?: Rng,
): Tensor {
  const op = 'stackedRnn';
  assertShape(op, x, [null, null, null], 'x');
  const [N, T, D] = x.shape as [number, number, number];
  if (layers.length === 0 || h0.length !== layers.length) {
    throw new ShapeError(
      op,
      `at least one layer and one initial state per layer`,
      `${layers.length} layers and ${h0.length} initial states`,
    );
  }
  let input = x; // [N, T, D] for layer 0, [N, T, H] above
  let inputSize = D;
  layers.forEach((layer, l) => {
    assertShape(op, layer.Wx, [inputSize, null], `layers[${l}].Wx`);
    const H = layer.Wx.shape[1] as number;
    assertShape(op, layer.Wh, [H, H], `layers[${l}].Wh`);
    assertShape(op, layer.b, [H], `layers[${l}].b`);
    assertShape(op, h0[l] as Tensor, [N, H], `h0[${l}]`);
    if (l > 0 && rng !== undefined && p > 0) {
      input = mul(input, dropoutMask([N, T, inputSize], p, rng)); // [N, T, H]
    }
    input = rnn(input, h0[l] as Tensor, layer.Wx, layer.Wh, layer.b); // [N, T, H]
    inputSize = H;
  });
  return input;
}
