/**
 * Gradient clipping by the global norm (Pascanu, Mikolov & Bengio 2013, algorithm 1).
 *
 * Chapter 1, "Exploding gradients and clipping" —
 * packages/rnn/README.md#exploding-gradients-and-clipping
 */
import { notImplemented } from '@rnn-course/core';
import type { Tensor } from '@rnn-course/core';

/**
 * Rescales all gradients together, eq. 1.12:
 *
 *   ‖g‖ = sqrt(Σ_k Σ_i g_k[i]²),   g_k ← g_k · min(1, maxNorm / (‖g‖ + 1e-6))
 *
 * One norm over every tensor, one factor for every tensor: the update keeps its direction
 * and only its length is capped. Clipping each tensor by its own norm would change the direction.
 *
 * Chapter 1, "Exploding gradients and clipping" —
 * packages/rnn/README.md#exploding-gradients-and-clipping
 *
 * @param grads   named gradients of any shapes, e.g. `{ dWx [D, H], dWh [H, H], db [H] }`
 * @param maxNorm the largest global norm allowed, > 0
 * @returns new tensors under the same names (same shapes), and `totalNorm`, the global norm
 *   before clipping. The inputs are not changed.
 * @throws RangeError naming `clipGradNorm` when `maxNorm` is not a positive number (0, negative,
 *   NaN)
 */
export function clipGradNorm(
  grads: Readonly<Record<string, Tensor>>,
  maxNorm: number,
): { grads: Record<string, Tensor>; totalNorm: number } {
  // TODO: one norm over every entry of every tensor, one factor, new scaled tensors.
  notImplemented('rnn/clip-grad-norm');
}
