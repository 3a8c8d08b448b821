/**
 * The arithmetic of the lab's loss chart: scales from data to pixels, round tick values, and
 * the running mean the chart draws through the noisy per-step losses.
 */

/** A map from `domain` to `range`, linear; a domain of zero width maps to the range's middle. */
export function linearScale(
  domain: readonly [number, number],
  range: readonly [number, number],
): (v: number) => number {
  const [d0, d1] = domain;
  const [r0, r1] = range;
  if (d1 === d0) return () => (r0 + r1) / 2;
  return (v) => r0 + ((v - d0) / (d1 - d0)) * (r1 - r0);
}

/**
 * About `count` round values (1, 2 or 5 times a power of ten apart) covering [lo, hi].
 *
 * @returns ascending ticks, the first ≤ lo and the last ≥ hi
 */
export function niceTicks(lo: number, hi: number, count = 5): number[] {
  if (!(Number.isFinite(lo) && Number.isFinite(hi)) || hi < lo || count < 1) {
    throw new RangeError(
      `niceTicks: expected finite lo ≤ hi and count ≥ 1, received ${lo}, ${hi}, ${count}`,
    );
  }
  if (hi === lo) return [lo];
  const raw = (hi - lo) / count;
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = ([1, 2, 5, 10].find((m) => m * power >= raw) ?? 10) * power;
  const ticks: number[] = [];
  for (let k = Math.floor(lo / step); k * step < hi + step / 2; k++) {
    ticks.push(Number((k * step).toPrecision(12)));
  }
  return ticks;
}

/**
 * The mean of each value and the `window - 1` before it (fewer at the start).
 *
 * @param points `[step, value]` in order
 */
export function runningMean(
  points: readonly (readonly [number, number])[],
  window: number,
): [number, number][] {
  const out: [number, number][] = [];
  let sum = 0;
  points.forEach(([step, value], i) => {
    sum += value;
    if (i >= window) sum -= (points[i - window] as readonly [number, number])[1];
    out.push([step, sum / Math.min(i + 1, window)]);
  });
  return out;
}

/** An SVG `points` attribute for a polyline through `points`. */
export function polyline(
  points: readonly (readonly [number, number])[],
  x: (v: number) => number,
  y: (v: number) => number,
): string {
  return points.map(([a, b]) => `${x(a).toFixed(1)},${y(b).toFixed(1)}`).join(' ');
}
