/**
 * Layer normalisation, forward and backward, written by hand (CS231n style).
 *
 * Chapter 4, "Residual connections and layer normalisation" —
 * packages/transformer-bridge/README.md#residual-connections-and-layer-normalisation
 */
import {
  ShapeError,
  add,
  assertShape,
  div,
  formatShape,
  mean,
  mul,
  reshape,
  sqrt,
  square,
  sub,
  sum,
} from '@rnn-course/core';
import type { Tensor } from '@rnn-course/core';

/** What `layerNormBackward` needs from the forward pass. */
export interface LayerNormCache {
  // BEGIN SOLUTION: the fields your layerNormBackward reads, filled in by your layerNormForward.
  readonly xhat: Tensor; // [..., D], the normalised input
  readonly invStd: Tensor; // [..., 1], 1/√(σ² + eps) of each position
  readonly gamma: Tensor; // [D]
  // END SOLUTION
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
  // BEGIN SOLUTION: check the shapes, normalise each position over its D features, scale and shift.
  if (x.ndim < 1) throw new ShapeError('layerNormForward', 'x [..., D]', x.shape);
  const D = x.shape[x.ndim - 1] as number;
  assertShape('layerNormForward', gamma, [D], 'gamma');
  assertShape('layerNormForward', beta, [D], 'beta');
  // Statistics over the features (last axis) of each position, not over the batch.
  const mu = mean(x, -1, true); // [..., 1]
  const xc = sub(x, mu); // [..., D]
  const variance = mean(square(xc), -1, true); // [..., 1], biased: Σ/D
  const invStd = div(1, sqrt(add(variance, eps))); // [..., 1]
  const xhat = mul(xc, invStd); // [..., D]
  const out = add(mul(xhat, gamma), beta); // [..., D], γ and β broadcast over positions
  return { out, cache: { xhat, invStd, gamma } };
  // END SOLUTION
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
  // BEGIN SOLUTION: dbeta and dgamma sum over the positions; dx by eq. 4.11.
  const { xhat, invStd, gamma } = cache;
  if (dout.ndim !== xhat.ndim || dout.shape.some((d, i) => d !== xhat.shape[i])) {
    throw new ShapeError(
      'layerNormBackward',
      `dout ${formatShape(xhat.shape)}`,
      formatShape(dout.shape),
    );
  }
  const D = xhat.shape[xhat.ndim - 1] as number;
  // γ and β are shared by every position: their gradients sum over all of them.
  const rows = (t: Tensor): Tensor => reshape(t, [-1, D]); // [P, D], P positions
  const dbeta = sum(rows(dout), 0); // [D]
  const dgamma = sum(rows(mul(dout, xhat)), 0); // [D]
  // Through x̂ = (x − μ)/σ: μ and σ depend on every feature of the position, which adds the
  // two mean terms (eq. 4.11).
  const dxhat = mul(dout, gamma); // [..., D]
  const meanDxhat = mean(dxhat, -1, true); // [..., 1]
  const meanDxhatXhat = mean(mul(dxhat, xhat), -1, true); // [..., 1]
  const dx = mul(sub(sub(dxhat, meanDxhat), mul(xhat, meanDxhatXhat)), invStd); // [..., D]
  return { dx, dgamma, dbeta };
  // END SOLUTION
}
