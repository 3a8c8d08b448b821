/**
 * Seeded synthetic sequence tasks for the labs on long-term memory: each needs the model to
 * carry one piece of information across a chosen number of steps (the lag), so accuracy
 * against lag measures how far back a recurrent cell can learn to remember.
 *
 * - the adding problem (Hochreiter & Schmidhuber 1997), in the simplified form of later
 *   benchmarks, one mark in each half: add the two marked numbers of a sequence;
 * - the copy task (the copying memory benchmark of Arjovsky, Shah & Bengio 2016, with fewer
 *   symbols): read a few symbols, wait, then write them back in order;
 * - moving-shape clips: a small shape moving across a grid, one direction per clip, for
 *   classifying motion from a sequence of frames.
 *
 * Every generator draws from the core's `Rng` only, so a seed fixes every number.
 */
import { Tensor } from '@rnn-course/core';
import type { Rng } from '@rnn-course/core';

/** A batch of the adding problem. */
export interface AddingBatch {
  /** `[N, T, 2]`: channel 0 the values, uniform in [0, 1); channel 1 the markers (two 1s). */
  x: Tensor;
  /** `[N, 1]`: the sum of the two marked values, in [0, 2). */
  y: Tensor;
}

/**
 * The adding problem: a sequence of T random numbers, two of them marked, one in the first half
 * and one in the second; the target is their sum. To answer, the model must keep the first
 * marked value for at least T/2 steps while ignoring everything unmarked.
 *
 * Predicting the mean, 1, gives a mean squared error of 1/6 (the variance of the sum of two
 * uniforms); Hochreiter & Schmidhuber count an answer as right when its absolute error is
 * below 0.04, which the constant guess achieves for about 8% of the sequences.
 *
 * @param batchSize N
 * @param length    T >= 2
 * @returns `x [N, T, 2]` and `y [N, 1]`
 */
export function addingProblem(batchSize: number, length: number, rng: Rng): AddingBatch {
  if (!Number.isInteger(length) || length < 2) {
    throw new RangeError(`addingProblem: length must be an integer >= 2, received ${length}`);
  }
  const [N, T] = [batchSize, length];
  const x = new Float64Array(N * T * 2);
  const y = new Float64Array(N);
  const half = Math.floor(T / 2);
  for (let n = 0; n < N; n++) {
    for (let t = 0; t < T; t++) x[(n * T + t) * 2] = rng.uniform();
    const first = rng.int(half); // in the first half
    const second = half + rng.int(T - half); // in the second half
    for (const t of [first, second]) x[(n * T + t) * 2 + 1] = 1;
    y[n] = (x[(n * T + first) * 2] as number) + (x[(n * T + second) * 2] as number);
  }
  return { x: new Tensor(x, [N, T, 2]), y: new Tensor(y, [N, 1]) };
}

/** A batch of the copy task. */
export interface CopyBatch {
  /** `[N, T, S + 2]` one-hot: the S symbols, then the blank (S) and the delimiter (S + 1). */
  x: Tensor;
  /** `[N][T]` the target at every step: the blank, except the K copied symbols at the end. */
  targets: number[][];
  /** `[N][T]` 1 at the K positions where the copy is written, 0 elsewhere. */
  mask: number[][];
}

/**
 * The copy task: K random symbols (out of S), then blanks, then a delimiter; after the
 * delimiter the model must write the K symbols back, in order. A sequence with delay ℓ is
 *
 *   blank × (lag − ℓ), s_1 … s_K, blank × (ℓ − K − 1), delimiter, blank × K
 *
 * of length T = lag + K for every ℓ, so symbol s_j must be written exactly ℓ steps after it was
 * read, always at the last K steps. Only those K positions count (the mask); guessing gets 1/S
 * of them right. With `minLag` < `lag` each sequence draws its own delay ℓ uniformly from
 * minLag … lag (training on every delay up to the longest, as the adding problem's random marks
 * do); by default every delay is `lag`.
 *
 * @param batchSize N
 * @param symbols   S >= 2, the alphabet
 * @param count     K >= 1, symbols to copy
 * @param lag       the longest delay, >= K + 1
 * @param minLag    the shortest delay, K + 1 … lag (default `lag`)
 * @returns one-hot inputs `x [N, lag + K, S + 2]`, targets and mask `[N][lag + K]`
 */
export function copyTask(
  batchSize: number,
  symbols: number,
  count: number,
  lag: number,
  rng: Rng,
  minLag = lag,
): CopyBatch {
  if (!Number.isInteger(symbols) || symbols < 2) {
    throw new RangeError(`copyTask: symbols must be an integer >= 2, received ${symbols}`);
  }
  if (!Number.isInteger(count) || count < 1 || !Number.isInteger(lag) || lag < count + 1) {
    throw new RangeError(
      `copyTask: needs count >= 1 and lag >= count + 1, received count ${count}, lag ${lag}`,
    );
  }
  if (!Number.isInteger(minLag) || minLag < count + 1 || minLag > lag) {
    throw new RangeError(
      `copyTask: minLag must be an integer in ${count + 1}..${lag}, received ${minLag}`,
    );
  }
  const [N, S, K] = [batchSize, symbols, count];
  const T = lag + K;
  const D = S + 2;
  const blank = S;
  const delimiter = S + 1;
  const x = new Float64Array(N * T * D);
  const targets: number[][] = [];
  const mask: number[][] = [];
  for (let n = 0; n < N; n++) {
    const delay = minLag + rng.int(lag - minLag + 1); // ℓ in minLag..lag
    const start = lag - delay; // leading blanks
    const seq = Array.from({ length: K }, () => rng.int(S));
    const inputs = new Array<number>(T).fill(blank);
    seq.forEach((s, j) => (inputs[start + j] = s));
    inputs[lag - 1] = delimiter; // the step before the first write
    const target = new Array<number>(T).fill(blank);
    const m = new Array<number>(T).fill(0);
    seq.forEach((s, j) => {
      target[lag + j] = s;
      m[lag + j] = 1;
    });
    inputs.forEach((id, t) => (x[(n * T + t) * D + id] = 1));
    targets.push(target);
    mask.push(m);
  }
  return { x: new Tensor(x, [N, T, D]), targets, mask };
}

/** The four directions of motion of `movingShapeClips`, in label order. */
export const DIRECTIONS = ['right', 'left', 'down', 'up'] as const;

/** Options of `movingShapeClips`. */
export interface ClipOptions {
  /** Number of clips N. */
  count: number;
  /** Frames per clip T (default 8). */
  frames?: number;
  /** Side of the square grid G, in pixels (default 10). */
  size?: number;
  /** Standard deviation of the Gaussian pixel noise (default 0.2). */
  noise?: number;
}

/** A batch of clips. */
export interface Clips {
  /** `[N, T, G·G]`: every frame flattened row by row, values about 0 (empty) to 1 (shape). */
  x: Tensor;
  /** `[N]` direction labels: indices into `DIRECTIONS`. */
  labels: number[];
  /** G, the side of a frame. */
  size: number;
}

/** The shapes a clip may show, as (row, column) offsets of their pixels. */
const SHAPES: readonly (readonly [number, number])[][] = [
  [
    [0, 0],
    [0, 1],
    [1, 0],
    [1, 1],
  ], // a 2 × 2 square
  [
    [0, 1],
    [1, 0],
    [1, 1],
    [1, 2],
    [2, 1],
  ], // a plus
  [
    [0, 0],
    [1, 0],
    [1, 1],
    [2, 1],
  ], // a skewed bar
];

/**
 * Synthetic video in miniature: in each clip one of three small shapes moves one pixel per
 * frame in one of four directions (right, left, down, up) across a G × G grid, starting where
 * it stays inside the grid for all T frames; every pixel gets Gaussian noise. A single frame
 * says nothing about the direction, and the mean of the frames cannot tell right from left:
 * only the order of the frames can.
 *
 * @returns `x [N, T, G·G]`, `labels [N]` (indices into `DIRECTIONS`), and G
 */
export function movingShapeClips(options: ClipOptions, rng: Rng): Clips {
  const { count: N } = options;
  const T = options.frames ?? 8;
  const G = options.size ?? 10;
  const noise = options.noise ?? 0.2;
  const extent = 3; // every shape fits in 3 × 3
  if (!Number.isInteger(G) || G < extent + T - 1) {
    throw new RangeError(
      `movingShapeClips: a ${T}-frame clip needs a grid of at least ${extent + T - 1} pixels, received ${G}`,
    );
  }
  const D = G * G;
  const x = new Float64Array(N * T * D);
  const labels: number[] = [];
  const steps: readonly (readonly [number, number])[] = [
    [0, 1],
    [0, -1],
    [1, 0],
    [-1, 0],
  ]; // (row, column) per frame for right, left, down, up
  for (let n = 0; n < N; n++) {
    const label = rng.int(DIRECTIONS.length);
    const shape = SHAPES[rng.int(SHAPES.length)] as (readonly [number, number])[];
    const [dr, dc] = steps[label] as readonly [number, number];
    // Along the motion the start leaves room for T − 1 moves; across it, anywhere that fits.
    const span = G - extent + 1;
    const travel = span - (T - 1);
    const along = rng.int(travel);
    const across = rng.int(span);
    const r0 = dr === 0 ? across : dr > 0 ? along : G - extent - along;
    const c0 = dc === 0 ? across : dc > 0 ? along : G - extent - along;
    for (let t = 0; t < T; t++) {
      const base = (n * T + t) * D;
      for (let k = 0; k < D; k++) x[base + k] = noise * rng.normal();
      for (const [r, c] of shape) x[base + (r0 + r + dr * t) * G + (c0 + c + dc * t)]! += 1;
    }
    labels.push(label);
  }
  return { x: new Tensor(x, [N, T, D]), labels, size: G };
}
