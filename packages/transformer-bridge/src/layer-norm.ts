/**
 * Layer normalisation (Ba, Kiros & Hinton 2016): every position's feature vector is shifted to
 * mean 0 and scaled to variance 1, then scaled and shifted by learned γ and β. Unlike batch
 * normalisation it uses no statistics across the batch or across time, so it behaves the same
 * in training and at inference and for a batch of one.
 *
 * As PyTorch's `nn.LayerNorm`: the variance is the biased one (divided by D, not D − 1) and
 * eps = 1e-5 is added to it inside the square root.
 *
 * Chapter 4, "Residual connections and layer normalisation" —
 * packages/transformer-bridge/README.md#residual-connections-and-layer-normalisation
 */
import { add, assertShape, div, mean, mul, sqrt, square, sub } from '@rnn-course/core';
import type { Tensor } from '@rnn-course/core';

/** PyTorch's default eps of `nn.LayerNorm`. */
export const LAYER_NORM_EPS = 1e-5;

/**
 * eq. 4.10: y = γ ⊙ (x − μ) / √(σ² + eps) + β, with μ and σ² the mean and the biased variance
 * of the D features of each position.
 *
 * @param x     `[..., D]`, e.g. `[N, T, D]`
 * @param gamma `[D]` scale γ
 * @param beta  `[D]` shift β
 * @param eps   added to the variance (default 1e-5)
 * @returns the shape of x
 * @throws ShapeError naming `layerNorm` when gamma or beta is not `[D]`
 */
export function layerNorm(x: Tensor, gamma: Tensor, beta: Tensor, eps = LAYER_NORM_EPS): Tensor {
  if (x.ndim < 1) assertShape('layerNorm', x, [null], 'x');
  const D = x.shape[x.ndim - 1] as number;
  assertShape('layerNorm', gamma, [D], 'gamma');
  assertShape('layerNorm', beta, [D], 'beta');
  const mu = mean(x, -1, true); // [..., 1]
  const xc = sub(x, mu); // [..., D]
  const variance = mean(square(xc), -1, true); // [..., 1], biased: divided by D
  const xhat = div(xc, sqrt(add(variance, eps))); // [..., D]
  return add(mul(xhat, gamma), beta); // [..., D]
}
