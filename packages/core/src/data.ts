/**
 * Seeded shuffling and mini-batching. The order comes from the core's `Rng` (a Fisher–Yates
 * shuffle), so one seed gives one sequence of batches on every machine.
 */
import type { Rng } from './random';

/**
 * A random permutation of 0..n-1.
 *
 * @param n number of items, an integer >= 0
 * @returns an array of length n holding each of 0..n-1 once
 */
export function shuffledIndices(n: number, rng: Rng): number[] {
  if (!Number.isInteger(n) || n < 0) {
    throw new RangeError(`shuffledIndices: n must be an integer >= 0, received ${n}`);
  }
  const indices = Array.from({ length: n }, (_, i) => i);
  return rng.shuffle(indices);
}

/**
 * Splits `items` into consecutive mini-batches of `batchSize` (the last one may be smaller).
 * With an `rng`, the items are shuffled first (one new permutation per call, so calling it once
 * per epoch gives a fresh order each epoch); without one, the order is kept.
 *
 * @param items any array, length L; not modified
 * @param batchSize an integer >= 1
 * @returns ceil(L / batchSize) arrays that together hold every item once
 */
export function batches<T>(items: readonly T[], batchSize: number, rng?: Rng): T[][] {
  if (!Number.isInteger(batchSize) || batchSize < 1) {
    throw new RangeError(`batches: batchSize must be an integer >= 1, received ${batchSize}`);
  }
  const order = rng ? shuffledIndices(items.length, rng) : items.map((_, i) => i);
  const out: T[][] = [];
  for (let start = 0; start < order.length; start += batchSize) {
    out.push(order.slice(start, start + batchSize).map((i) => items[i] as T));
  }
  return out;
}
