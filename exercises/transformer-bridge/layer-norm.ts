/**
 * Layer normalisation, forward and backward, written by hand (CS231n style).
 *
 * Chapter 4, "Residual connections and layer normalisation" —
 * packages/transformer-bridge/README.md#residual-connections-and-layer-normalisation
 */
import { notImplemented } from '@rnn-course/core';
import type { Tensor } from '@rnn-course/core';

/** What `layerNormBackward` needs from the forward pass. */
export interface LayerNormCache {
  // TODO: the fields your layerNormBackward reads, filled in by your layerNormForward.
}

/** The gradients with respect to the three inputs. */
export interface LayerNormGrads {
  dx: Tensor; // [..., D]
  dgamma: Tensor; // [D]
  dbeta: Tensor; // [D]
}

/**
 * eq. 4.10: out = γ ⊙ x̂ + β with x̂ = (x − μ) / √(σ² + eps), where μ and σ² are the mean and
 * the biased variance (divided by D) of the D features of each position, as `nn.LayerNorm`.
 *
 * Chapter 4, "Residual connections and layer normalisation" —
 * packages/transformer-bridge/README.md#residual-connections-and-layer-normalisation
 *
 * @param x     `[..., D]`, e.g. `[N, T, D]`: every position is normalised on its own
 * @param gamma `[D]` scale
 * @param beta  `[D]` shift
 * @param eps   added to the variance, PyTorch's default 1e-5
 * @returns `out` (the shape of x) and the cache for `layerNormBackward`
 * @throws ShapeError naming the function when `gamma` or `beta` is not `[D]`
 */
export function layerNormForward(
  x: Tensor,
  gamma: Tensor,
  beta: Tensor,
  eps = 1e-5,
): { out: Tensor; cache: LayerNormCache } {
  // TODO: check the shapes, normalise each position over its D features, scale and shift.
  notImplemented('transformer-bridge/layer-norm-forward');
}

/**
 * Backward pass of layer normalisation, eq. 4.11:
 * dx = (1/σ) (dx̂ − mean(dx̂) − x̂ ⊙ mean(dx̂ ⊙ x̂)), with dx̂ = dout ⊙ γ and the means over the
 * features of each position.
 *
 * Chapter 4, "Residual connections and layer normalisation" —
 * packages/transformer-bridge/README.md#residual-connections-and-layer-normalisation
 *
 * @param dout  gradient with respect to `out`, the shape of x
 * @param cache from `layerNormForward`
 * @returns `dx` (the shape of x), `dgamma [D]`, `dbeta [D]`
 * @throws ShapeError naming the function when `dout` is not the shape of x
 */
export function layerNormBackward(dout: Tensor, cache: LayerNormCache): LayerNormGrads {
  // TODO: dbeta and dgamma sum over the positions; dx by eq. 4.11.
  notImplemented('transformer-bridge/layer-norm-backward');
}
