/**
 * A seeded generator positioned at a chosen draw. Some promises are about draws a seed almost
 * never gives: a sampler must answer an index of nonzero probability even when rounding leaves
 * its cumulative sum a hair below u, which takes u within 2^-53 of 1. `rngBefore(u)` is a real
 * core `Rng` (so it travels wherever the learner's code runs, like any generator) whose next
 * `uniform()` returns exactly `u`.
 *
 * The core's generator is xoshiro128** (Blackman & Vigna 2018): each 32-bit output is
 * rotl(s1 · 5, 7) · 9 of the state (s0, s1, s2, s3), and `uniform()` takes the top 27 bits of one
 * output and the top 26 of the next. Both multipliers are odd, so invertible modulo 2^32: the
 * first output fixes s1, and the second, which reads s1 ⊕ s2 ⊕ s0 after one step, fixes s2 once
 * s0 is 0.
 */
import { Rng } from '@rnn-course/core';

/** 2^53: `uniform()` returns multiples of 2^-53. */
const TWO_53 = 9007199254740992;

/**
 * A generator whose next `uniform()` is `u`; later draws are whatever follows.
 *
 * @param u in [0, 1), a multiple of 2^-53 (every number `uniform()` can return is)
 * @throws RangeError when u cannot be drawn
 */
export function rngBefore(u: number): Rng {
  const k = u * TWO_53;
  if (!(u >= 0 && u < 1) || !Number.isInteger(k)) {
    throw new RangeError(`rngBefore: u must be a multiple of 2^-53 in [0, 1), received ${u}`);
  }
  const a = Math.floor(k / 67108864); // top 27 bits: the first output >>> 5
  const b = k % 67108864; // low 26 bits: the second output >>> 6
  const first = ((a << 5) | 31) >>> 0; // the bits uniform() drops may be anything
  const second = ((b << 6) | 63) >>> 0;
  const s1 = stateFor(first);
  const s2 = (s1 ^ stateFor(second)) | 0; // with s0 = 0 the next s1 is s1 ^ s2
  const rng = new Rng(0);
  Object.assign(rng as unknown as Record<string, number>, { s0: 0, s1, s2, s3: 1 });
  return rng;
}

/** The s1 whose output rotl(s1 · 5, 7) · 9 is `output`. */
function stateFor(output: number): number {
  const times5 = rotr(Math.imul(output, inverse(9)) >>> 0, 7);
  return Math.imul(times5, inverse(5)) | 0;
}

/** The inverse of an odd number modulo 2^32 (Newton's iteration doubles the correct bits). */
function inverse(odd: number): number {
  let x = odd;
  for (let i = 0; i < 5; i++) x = Math.imul(x, 2 - Math.imul(odd, x));
  return x;
}

function rotr(x: number, r: number): number {
  return ((x >>> r) | (x << (32 - r))) >>> 0;
}
