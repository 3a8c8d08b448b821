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
