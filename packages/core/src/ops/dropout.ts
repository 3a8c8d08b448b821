/**
 * Inverted dropout (Srivastava et al. 2014, "Dropout: a simple way to prevent neural networks
 * from overfitting"): during training each unit is kept with probability 1 − p and scaled by
 * 1 / (1 − p), so its expected value is unchanged and nothing needs rescaling at test time.
 *
 * The mask is drawn from the course's seeded `Rng`, one `uniform()` per element in row-major
 * order (kept when u >= p), so that two implementations given generators in the same state draw
 * the same mask.
 */
import type { Rng } from '../random';
import { Tensor, shapeSize } from '../tensor';
import type { Shape } from '../tensor';
import { mul } from './elementwise';

/**
 * A dropout mask: entries 0 (dropped, probability p) or 1 / (1 − p) (kept).
 *
 * @param shape the mask's shape
 * @param p     drop probability in [0, 1); p = 0 gives all ones and draws nothing
 * @param rng   one `uniform()` per element, row-major
 * @returns a constant tensor of `shape` (no gradient)
 */
export function dropoutMask(shape: Shape, p: number, rng: Rng): Tensor {
  if (!(p >= 0 && p < 1)) {
    throw new RangeError(`dropoutMask: p must be in [0, 1), received ${p}`);
  }
  const data = new Float64Array(shapeSize(shape, 'dropoutMask'));
  if (p === 0) return new Tensor(data.fill(1), shape);
  const keep = 1 / (1 - p);
  for (let i = 0; i < data.length; i++) data[i] = rng.uniform() >= p ? keep : 0;
  return new Tensor(data, shape);
}

/**
 * x ⊙ mask with a fresh `dropoutMask(x.shape, p, rng)`; the gradient is dout ⊙ mask.
 *
 * @param x any shape
 * @returns `{ out, mask }`, both of x's shape (the mask for a caller that needs it again)
 */
export function dropout(x: Tensor, p: number, rng: Rng): { out: Tensor; mask: Tensor } {
  const mask = dropoutMask(x.shape, p, rng);
  return { out: mul(x, mask), mask };
}
