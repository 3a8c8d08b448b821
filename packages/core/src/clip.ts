/**
 * Gradient clipping by global norm (Pascanu, Mikolov & Bengio 2013, "On the difficulty of
 * training recurrent neural networks", Algorithm 1): when the norm of all gradients together
 * exceeds a threshold, rescale them so that it equals the threshold. The direction of the
 * update is kept; only its length is capped, which tames exploding gradients in RNNs.
 */
import type { Tensor } from './tensor';

/**
 * Scales every `p.grad` in place by min(1, maxNorm / (‖g‖ + 1e-6)), where ‖g‖ is the
 * Euclidean norm of all the gradients concatenated (PyTorch's `clip_grad_norm_`). Chapter 1's
 * `clipGradNorm` applies the same rule to named gradients and returns new tensors instead.
 * Parameters whose `.grad` is null are skipped.
 *
 * @param params tensors of any shapes whose `.grad` was filled by `backward()`
 * @param maxNorm the largest allowed global norm, > 0
 * @returns the global norm before clipping
 */
export function clipGradNormInPlace(params: readonly Tensor[], maxNorm: number): number {
  if (!(maxNorm > 0)) {
    throw new RangeError(`clipGradNormInPlace: maxNorm must be > 0, received ${maxNorm}`);
  }
  let sumSquares = 0;
  for (const p of params) {
    if (p.grad === null) continue;
    for (const g of p.grad.data) sumSquares += g * g;
  }
  const totalNorm = Math.sqrt(sumSquares);
  const coef = maxNorm / (totalNorm + 1e-6);
  if (coef < 1) {
    for (const p of params) {
      if (p.grad === null) continue;
      const g = p.grad.data;
      for (let i = 0; i < g.length; i++) g[i] *= coef;
    }
  }
  return totalNorm;
}
