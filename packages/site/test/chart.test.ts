import { describe, expect, test } from 'vitest';
import { linearScale, niceTicks, polyline, runningMean } from '../lab/chart';

describe('niceTicks', () => {
  test('covers the range with steps of 1, 2 or 5 times a power of ten', () => {
    expect(niceTicks(2.1, 4.4, 5)).toEqual([2, 2.5, 3, 3.5, 4, 4.5]);
    expect(niceTicks(0, 100, 6)).toEqual([0, 20, 40, 60, 80, 100]);
    expect(niceTicks(0, 37, 6)).toEqual([0, 10, 20, 30, 40]);
  });

  test('a single value is its own tick; a reversed range is an error', () => {
    expect(niceTicks(3, 3)).toEqual([3]);
    expect(() => niceTicks(4, 3)).toThrow('niceTicks: expected finite lo ≤ hi');
  });
});

describe('linearScale', () => {
  test('maps the domain onto the range, flipped ranges included', () => {
    const y = linearScale([0, 10], [200, 0]);
    expect(y(0)).toBe(200);
    expect(y(2.5)).toBe(150);
    expect(linearScale([1, 1], [0, 100])(7)).toBe(50);
  });
});

describe('runningMean', () => {
  test('averages over the window, fewer points at the start', () => {
    const points: [number, number][] = [
      [1, 4],
      [2, 2],
      [3, 6],
      [4, 0],
    ];
    expect(runningMean(points, 2)).toEqual([
      [1, 4],
      [2, 3],
      [3, 4],
      [4, 3],
    ]);
  });
});

describe('polyline', () => {
  test('writes x,y pairs through the scales', () => {
    expect(
      polyline(
        [
          [0, 1],
          [2, 3],
        ],
        (v) => v * 10,
        (v) => -v,
      ),
    ).toBe('0.0,-1.0 20.0,-3.0');
  });
});
