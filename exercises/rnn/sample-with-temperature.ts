/**
 * Drawing the next character from the model's scores, with a temperature.
 *
 * Chapter 1, "Sampling with temperature" — packages/rnn/README.md#sampling-with-temperature
 */
import { notImplemented } from '@rnn-course/core';
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
  // TODO: a stable softmax of logits / τ, one rng.uniform(), walk the cumulative sum.
  notImplemented('rnn/sample-with-temperature');
}
