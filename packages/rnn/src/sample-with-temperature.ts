/**
 * Sampling from the model's scores with a temperature.
 *
 * Chapter 1, "Sampling with temperature" — packages/rnn/README.md#sampling-with-temperature
 */
import { assertShape, div, noGrad, softmax } from '@rnn-course/core';
import type { Rng, Tensor } from '@rnn-course/core';

/**
 * eq. 1.13: one draw from p = softmax(logits / τ) by inverse CDF: u = rng.uniform(), the first
 * i with u < p_0 + … + p_i. Exactly one `rng.uniform()` per call.
 *
 * @param logits      `[V]`
 * @param temperature τ > 0
 * @param rng         advanced by one draw
 * @returns an index in `[0, V)`
 * @throws RangeError when τ is not a positive finite number
 */
export function sampleWithTemperature(logits: Tensor, temperature: number, rng: Rng): number {
  assertShape('sampleWithTemperature', logits, [null], 'logits');
  if (!(temperature > 0) || !Number.isFinite(temperature)) {
    throw new RangeError(
      `sampleWithTemperature: temperature must be > 0 and finite, received ${temperature}`,
    );
  }
  const p = noGrad(() => softmax(div(logits, temperature), -1)).data; // [V], stable softmax
  const u = rng.uniform();
  let cdf = 0;
  let last = 0;
  for (let i = 0; i < p.length; i++) {
    if (p[i] > 0) last = i;
    cdf += p[i];
    if (u < cdf) return i;
  }
  return last; // rounding left the cdf a hair below 1
}
