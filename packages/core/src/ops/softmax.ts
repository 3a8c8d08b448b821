/**
 * Softmax and log-softmax along one axis, computed stably: subtracting the maximum first,
 * softmax(x)_k = e^(x_k - m) / Σ_j e^(x_j - m) with m = max_j x_j, so no exponent is positive
 * and the sum is at least 1. They stay finite for logits of ±1e4 (and beyond).
 *
 * Backward (y = softmax(x), s = logSoftmax(x), g the upstream gradient):
 *   softmax:    dx = y ⊙ (g - Σ_k g_k y_k)
 *   logSoftmax: dx = g - softmax(x) · Σ_k g_k
 */
import { accumulate, record } from '../autograd';
import { outputBuffer } from '../buffers';
import { Tensor, normalizeAxis, shapeSize } from '../tensor';

/** Calls fn(base, stride) for every line along `axis`: elements base + k * stride, k < d. */
function forEachLine(
  shape: readonly number[],
  axis: number,
  fn: (base: number, stride: number, d: number) => void,
): void {
  const d = shape[axis];
  const outer = shapeSize(shape.slice(0, axis));
  const inner = shapeSize(shape.slice(axis + 1));
  for (let o = 0; o < outer; o++) for (let i = 0; i < inner; i++) fn(o * d * inner + i, inner, d);
}

/**
 * Writes softmax (or, with `takeLog`, log-softmax) of every line along `axis` of x into out
 * (both of x's shape). Shared with crossEntropy.
 */
export function softmaxInto(
  x: Float64Array,
  shape: readonly number[],
  axis: number,
  out: Float64Array,
  takeLog = false,
): void {
  forEachLine(shape, axis, (base, stride, d) => {
    let m = -Infinity;
    for (let k = 0; k < d; k++) m = Math.max(m, x[base + k * stride]);
    if (m === -Infinity) m = 0; // an all -inf line: leave it -inf instead of NaN
    let s = 0; // Σ_j e^(x_j - m), at least 1
    for (let k = 0; k < d; k++) s += Math.exp(x[base + k * stride] - m);
    const logS = Math.log(s);
    for (let k = 0; k < d; k++) {
      const at = base + k * stride;
      // (x - m) first: subtracting the large m before log s keeps the small digits
      out[at] = takeLog ? x[at] - m - logS : Math.exp(x[at] - m) / s;
    }
  });
}

/**
 * Softmax along `axis` (default the last): nonnegative values summing to 1 on each line.
 *
 * @param a shape [..., V, ...]
 * @returns shape of a
 */
export function softmax(a: Tensor, axis = -1): Tensor {
  const ax = normalizeAxis('softmax', axis, a.ndim);
  const y = outputBuffer(a.size);
  softmaxInto(a.data, a.shape, ax, y);
  return record(new Tensor(y, a.shape), 'softmax', [a], (g) => {
    const ga = outputBuffer(a.size); // every line is written below
    forEachLine(a.shape, ax, (base, stride, d) => {
      let dot = 0; // Σ_k g_k y_k
      for (let k = 0; k < d; k++) dot += g[base + k * stride] * y[base + k * stride];
      for (let k = 0; k < d; k++) {
        const at = base + k * stride;
        ga[at] = y[at] * (g[at] - dot);
      }
    });
    accumulate(a, ga, true);
  });
}

/**
 * log(softmax(a)) along `axis` (default the last), computed as x - logsumexp(x) without
 * forming softmax first, so it is finite even where softmax underflows to 0.
 *
 * @param a shape [..., V, ...]
 * @returns shape of a
 */
export function logSoftmax(a: Tensor, axis = -1): Tensor {
  const ax = normalizeAxis('logSoftmax', axis, a.ndim);
  const s = outputBuffer(a.size);
  softmaxInto(a.data, a.shape, ax, s, true);
  return record(new Tensor(s, a.shape), 'logSoftmax', [a], (g) => {
    const ga = outputBuffer(a.size); // every line is written below
    forEachLine(a.shape, ax, (base, stride, d) => {
      let total = 0; // Σ_k g_k
      for (let k = 0; k < d; k++) total += g[base + k * stride];
      for (let k = 0; k < d; k++) {
        const at = base + k * stride;
        ga[at] = g[at] - Math.exp(s[at]) * total;
      }
    });
    accumulate(a, ga, true);
  });
}
