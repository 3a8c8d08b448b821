/**
 * Clipping by the global norm (Pascanu, Mikolov & Bengio 2013, algorithm 1), on named
 * gradients. To clip the `.grad` of trained parameters in place, the labs use the core's
 * `clipGradNormInPlace(params, maxNorm)`, which applies the same rule.
 *
 * Chapter 1, "Exploding gradients and clipping" —
 * packages/rnn/README.md#exploding-gradients-and-clipping
 */
import { noGrad, scale, square, sum } from '@rnn-course/core';
import type { Tensor } from '@rnn-course/core';

/**
 * eq. 1.12: ‖g‖ = sqrt(Σ_k ‖g_k‖²), every g_k scaled by min(1, maxNorm / (‖g‖ + 1e-6)).
 *
 * @param grads   named gradients of any shapes
 * @param maxNorm > 0
 * @returns new tensors under the same names, and the global norm before clipping
 * @throws RangeError when maxNorm is not positive
 */
export function clipGradNorm(
  grads: Readonly<Record<string, Tensor>>,
  maxNorm: number,
): { grads: Record<string, Tensor>; totalNorm: number } {
  if (!(maxNorm > 0))
    throw new RangeError(`clipGradNorm: maxNorm must be > 0, received ${maxNorm}`);
  return noGrad(() => {
    const totalNorm = Math.sqrt(
      Object.values(grads).reduce((s, g) => s + sum(square(g)).item(), 0),
    );
    const factor = Math.min(1, maxNorm / (totalNorm + 1e-6));
    const clipped: Record<string, Tensor> = {};
    for (const [name, g] of Object.entries(grads)) clipped[name] = scale(g, factor);
    return { grads: clipped, totalNorm };
  });
}
