/**
 * Wall-clock timing for the labs that measure speed: the median of several runs after a
 * warm-up, so that one run disturbed by another process (the machine is shared) does not set
 * the figure.
 */

/** The median of a non-empty list. */
export function median(values: readonly number[]): number {
  if (values.length === 0) throw new RangeError('median: needs at least one value');
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 === 1
    ? (s[mid] as number)
    : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
}

/**
 * Runs `run` once to warm up, then `repeats` times; each run returns the milliseconds of its
 * phases (e.g. forward and backward), and the result is the median of each phase.
 */
export function medianTimes<K extends string>(
  repeats: number,
  run: () => Record<K, number>,
): Record<K, number> {
  run();
  const samples = Array.from({ length: repeats }, run);
  const keys = Object.keys(samples[0] as object) as K[];
  return Object.fromEntries(keys.map((k) => [k, median(samples.map((s) => s[k]))])) as Record<
    K,
    number
  >;
}
