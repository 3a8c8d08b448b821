/**
 * Central differences, (f(x + h e_i) - f(x - h e_i)) / 2h, one element of x at a time, written
 * as a generator so that the caller evaluates f however it must: `numericalGradient` calls f
 * directly; the grader awaits a learner's function that runs in another process. Each `yield`
 * hands control back with x perturbed; the caller sends f's value at that point with `next`.
 */
import { Tensor } from './tensor';

/**
 * Perturbs x.data in place, one element at a time (x + h e_i, then x - h e_i), yielding after
 * each perturbation for the value of f there, and returns df/dx, the shape of x. Every element
 * is restored after its two evaluations, and also when the caller stops early or f throws
 * (`return` or `throw` on the generator).
 *
 * @param x the tensor to differentiate against, any shape
 * @param h the step, 1e-5 by default: truncation error O(h²), rounding error O(1e-16 / h)
 */
export function* centralDifferences(x: Tensor, h = 1e-5): Generator<void, Tensor, number> {
  const grad = new Float64Array(x.size);
  const xs = x.data;
  for (let i = 0; i < xs.length; i++) {
    const old = xs[i];
    try {
      xs[i] = old + h;
      const fPlus = yield;
      xs[i] = old - h;
      const fMinus = yield;
      grad[i] = (fPlus - fMinus) / (2 * h);
    } finally {
      xs[i] = old;
    }
  }
  return new Tensor(grad, x.shape);
}
