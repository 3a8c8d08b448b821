/**
 * Wall-clock timing for the labs that measure speed, on a machine shared with other
 * processes. Another process can only slow a run down, never speed it up, so the fastest of
 * several runs (after a warm-up run, which also compiles the code) is the best estimate of what
 * the computation itself costs; the median would still carry the disturbance of a busy machine.
 */

/** The smallest value of a non-empty list. */
export function fastest(values: readonly number[]): number {
  if (values.length === 0) throw new RangeError('fastest: needs at least one value');
  return Math.min(...values);
}

/**
 * Runs `run` once to warm up, then `repeats` times; each run returns the milliseconds of its
 * phases (e.g. forward and backward), and the result is the fastest of each phase.
 */
export function fastestTimes<K extends string>(
  repeats: number,
  run: () => Record<K, number>,
): Record<K, number> {
  run();
  const samples = Array.from({ length: repeats }, run);
  const keys = Object.keys(samples[0] as object) as K[];
  return Object.fromEntries(keys.map((k) => [k, fastest(samples.map((s) => s[k]))])) as Record<
    K,
    number
  >;
}
