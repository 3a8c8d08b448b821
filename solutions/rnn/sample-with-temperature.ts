/**
 * Drawing the next character from the model's scores, with a temperature.
 *
 * Chapter 1, "Sampling with temperature" — packages/rnn/README.md#sampling-with-temperature
 */
import { ShapeError, assertShape } from '@rnn-course/core';
import type { Rng, Tensor } from '@rnn-course/core';

/**
 * Draws one index from p = softmax(logits / τ), eq. 1.13, by inverting the cumulative
 * distribution: with u = rng.uniform() in [0, 1), returns the first i with u < p_0 + … + p_i.
 *
 * τ < 1 sharpens the distribution (τ → 0 approaches argmax), τ > 1 flattens it (τ → ∞
 * approaches uniform). Exactly one `rng.uniform()` is drawn per call, so a seeded generator
 * gives the same samples on every machine.
 *
 * Chapter 1, "Sampling with temperature" — packages/rnn/README.md#sampling-with-temperature
 *
 * @param logits      `[V]` unnormalised scores
 * @param temperature τ > 0
 * @param rng         the seeded generator, advanced by one draw
 * @returns an index in `[0, V)`
 * @throws ShapeError naming `sampleWithTemperature` when `logits` is not `[V]` with V >= 1
 * @throws RangeError naming `sampleWithTemperature` when `temperature` is not a positive finite
 *   number
 */
export function sampleWithTemperature(logits: Tensor, temperature: number, rng: Rng): number {
  // BEGIN SOLUTION: a stable softmax of logits / τ, one rng.uniform(), walk the cumulative sum.
  assertShape('sampleWithTemperature', logits, [null], 'logits');
  const V = logits.shape[0];
  if (V < 1) throw new ShapeError('sampleWithTemperature', 'logits [V] with V >= 1', logits.shape);
  if (!(temperature > 0) || !Number.isFinite(temperature)) {
    throw new RangeError(
      `sampleWithTemperature: temperature must be > 0 and finite, received ${temperature}`,
    );
  }
  // Stable softmax of z = logits / τ: subtract the max so the largest exponent is 0.
  const z = Array.from(logits.data, (v) => v / temperature);
  const max = Math.max(...z);
  const e = z.map((v) => Math.exp(v - max));
  const total = e.reduce((s, v) => s + v, 0);
  const u = rng.uniform();
  let cdf = 0;
  for (let i = 0; i < V; i++) {
    cdf += e[i] / total;
    if (u < cdf) return i;
  }
  // Rounding can leave the last cdf a hair below 1; u then belongs to the last index with p > 0.
  // The walk back stops at the latest: e at the maximum is exp(0) = 1.
  let last = V - 1;
  while (e[last] === 0) last--;
  return last;
  // END SOLUTION
}
