import { describe, expect, it } from 'vitest';
import { Rng } from '@rnn-course/core';
import { DIRECTIONS, addingProblem, copyTask, movingShapeClips } from '../src/tasks';

describe('addingProblem', () => {
  it('marks one step in each half and targets the sum of the two marked values', () => {
    const { x, y } = addingProblem(50, 9, new Rng(1));
    expect(x.shape).toEqual([50, 9, 2]);
    expect(y.shape).toEqual([50, 1]);
    for (let n = 0; n < 50; n++) {
      const marked: number[] = [];
      let sum = 0;
      for (let t = 0; t < 9; t++) {
        const v = x.get(n, t, 0);
        expect(v).toBeGreaterThanOrEqual(0);
        expect(v).toBeLessThan(1);
        if (x.get(n, t, 1) === 1) {
          marked.push(t);
          sum += v;
        } else expect(x.get(n, t, 1)).toBe(0);
      }
      expect(marked).toHaveLength(2);
      expect(marked[0]!).toBeLessThan(4); // first half: 0..3
      expect(marked[1]!).toBeGreaterThanOrEqual(4);
      expect(y.get(n, 0)).toBe(sum);
    }
  });

  it('is fixed by the seed, and the constant guess 1 has a mean squared error near 1/6', () => {
    const a = addingProblem(4000, 20, new Rng(7));
    const b = addingProblem(4000, 20, new Rng(7));
    expect(Array.from(a.x.data)).toEqual(Array.from(b.x.data));
    const mse = Array.from(a.y.data).reduce((s, v) => s + (v - 1) ** 2, 0) / 4000;
    expect(mse).toBeGreaterThan(0.15);
    expect(mse).toBeLessThan(0.18);
  });

  it('refuses a sequence too short to have two halves', () => {
    expect(() => addingProblem(2, 1, new Rng(0))).toThrow(/length must be an integer >= 2/);
  });
});

describe('copyTask', () => {
  it('writes the K symbols back exactly `lag` steps after reading them, after the delimiter', () => {
    const [S, K, lag] = [5, 3, 10];
    const { x, targets, mask } = copyTask(20, S, K, lag, new Rng(2));
    expect(x.shape).toEqual([20, lag + K, S + 2]);
    for (let n = 0; n < 20; n++) {
      const ids = Array.from({ length: lag + K }, (_, t) => {
        const row = Array.from({ length: S + 2 }, (_, d) => x.get(n, t, d));
        expect(row.reduce((a, b) => a + b, 0)).toBe(1); // one-hot
        return row.indexOf(1);
      });
      expect(ids[lag - 1]).toBe(S + 1); // the delimiter
      for (let j = 0; j < K; j++) {
        expect(ids[j]!).toBeLessThan(S);
        expect(targets[n]![j + lag]).toBe(ids[j]);
        expect(mask[n]![j + lag]).toBe(1);
      }
      expect(mask[n]!.reduce((a, b) => a + b, 0)).toBe(K);
      expect(ids.slice(K, lag - 1).every((id) => id === S)).toBe(true); // blanks between
    }
  });

  it('with minLag, each sequence has its own delay, and every delay of the range occurs', () => {
    const [S, K, lag, minLag] = [4, 2, 9, 3];
    const { x, targets } = copyTask(200, S, K, lag, new Rng(4), minLag);
    const delays = new Set<number>();
    for (let n = 0; n < 200; n++) {
      const ids = Array.from({ length: lag + K }, (_, t) =>
        Array.from({ length: S + 2 }, (_, d) => x.get(n, t, d)).indexOf(1),
      );
      const first = ids.findIndex((id) => id < S); // where the symbols start
      const delay = lag - first;
      expect(delay).toBeGreaterThanOrEqual(minLag);
      expect(delay).toBeLessThanOrEqual(lag);
      delays.add(delay);
      for (let j = 0; j < K; j++) expect(targets[n]![lag + j]).toBe(ids[first + j]); // ℓ steps later
      expect(ids[lag - 1]).toBe(S + 1);
    }
    expect(delays.size).toBe(lag - minLag + 1);
  });

  it('refuses a lag that leaves no room for the delimiter', () => {
    expect(() => copyTask(1, 4, 3, 3, new Rng(0))).toThrow(/lag >= count \+ 1/);
    expect(() => copyTask(1, 4, 3, 6, new Rng(0), 3)).toThrow(/minLag must be an integer in 4..6/);
  });
});

describe('movingShapeClips', () => {
  it('moves one shape one pixel per frame in the labelled direction, inside the grid', () => {
    const G = 10;
    const T = 6;
    const clips = movingShapeClips({ count: 40, frames: T, size: G, noise: 0 }, new Rng(3));
    expect(clips.x.shape).toEqual([40, T, G * G]);
    const step = { right: [0, 1], left: [0, -1], down: [1, 0], up: [-1, 0] } as const;
    for (let n = 0; n < 40; n++) {
      const centre = (t: number): [number, number] => {
        let [r, c, m] = [0, 0, 0];
        for (let k = 0; k < G * G; k++) {
          const v = clips.x.get(n, t, k);
          r += v * Math.floor(k / G);
          c += v * (k % G);
          m += v;
        }
        expect(m).toBeGreaterThanOrEqual(4); // the whole shape is inside every frame
        return [r / m, c / m];
      };
      const [dr, dc] = step[DIRECTIONS[clips.labels[n]!]!];
      for (let t = 1; t < T; t++) {
        const [r0, c0] = centre(t - 1);
        const [r1, c1] = centre(t);
        expect(r1 - r0).toBeCloseTo(dr, 10);
        expect(c1 - c0).toBeCloseTo(dc, 10);
      }
    }
    expect(new Set(clips.labels).size).toBe(4);
  });

  it('refuses a grid too small for the clip', () => {
    expect(() => movingShapeClips({ count: 1, frames: 9, size: 10 }, new Rng(0))).toThrow(
      /at least 11 pixels/,
    );
  });
});
