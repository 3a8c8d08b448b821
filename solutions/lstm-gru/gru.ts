/**
 * A GRU over a whole sequence: the step of `gru-step.ts` unrolled through time, and
 * backpropagation through time written by hand.
 *
 * Chapter 2, "The GRU" and "Backward through the GRU".
 */
import {
  ShapeError,
  add,
  assertShape,
  formatShape,
  stepsToSequence,
  timeStep,
  zeros,
} from '@rnn-course/core';
import type { Tensor } from '@rnn-course/core';
import { gruStepBackward, gruStepForward } from './gru-step';
import type { GruStepCache } from './gru-step';

/** What `gruBackward` needs: the cache of every step, in time order. */
export interface GruCache {
  readonly steps: readonly GruStepCache[]; // T caches
  readonly shape: {
    readonly N: number;
    readonly T: number;
    readonly D: number;
    readonly H: number;
  };
}

/** The gradients of a sequence, one per input of `gruForward`. */
export interface GruGrads {
  dx: Tensor; // [N, T, D]
  dh0: Tensor; // [N, H]
  dWx: Tensor; // [D, 3H]
  dWh: Tensor; // [H, 3H]
  dbx: Tensor; // [3H]
  dbh: Tensor; // [3H]
}

/**
 * Runs the GRU over a sequence, eqs. 2.12–2.14 at every step, from h_{−1} = h0, with the same
 * weights at every step.
 *
 * Chapter 2, "The GRU" — packages/lstm-gru/README.md#the-gru
 *
 * @param x  `[N, T, D]` the input sequence
 * @param h0 `[N, H]` the initial hidden state
 * @param Wx `[D, 3H]`, Wh `[H, 3H]`, bx `[3H]`, bh `[3H]` the shared parameters, blocks r, z, n
 * @returns `h [N, T, H]`, the hidden state at every step, and the cache for `gruBackward`
 * @throws ShapeError naming `gruForward` when the shapes disagree
 */
export function gruForward(
  x: Tensor,
  h0: Tensor,
  Wx: Tensor,
  Wh: Tensor,
  bx: Tensor,
  bh: Tensor,
): { h: Tensor; cache: GruCache } {
  assertShape('gruForward', x, [null, null, null], 'x');
  const [N, T, D] = x.shape as [number, number, number];
  if (T < 1) throw new ShapeError('gruForward', 'x [N, T >= 1, D]', x.shape);
  assertShape('gruForward', Wx, [D, null], 'Wx');
  const H = (Wx.shape[1] as number) / 3;
  if (!Number.isInteger(H) || H < 1) {
    throw new ShapeError('gruForward', `Wx [${D}, 3H]`, formatShape(Wx.shape));
  }
  assertShape('gruForward', h0, [N, H], 'h0');

  const hs: Tensor[] = [];
  const steps: GruStepCache[] = [];
  let prevH = h0; // [N, H]
  for (let t = 0; t < T; t++) {
    const step = gruStepForward(timeStep(x, t), prevH, Wx, Wh, bx, bh); // checks Wh, bx, bh
    hs.push(step.nextH);
    steps.push(step.cache);
    prevH = step.nextH;
  }
  const h = stepsToSequence(hs); // T × [N, H] -> [N, T, H]
  return { h, cache: { steps, shape: { N, T, D, H } } };
}

/**
 * Backpropagation through time for the GRU, walking the steps from T−1 down to 0: the gradient
 * of h_t is what the loss sends to step t plus what step t+1 carries back (eq. 2.9 with the
 * hidden state only), and the shared weights' gradients add up over the steps.
 *
 * Chapter 2, "Backward through the GRU" — packages/lstm-gru/README.md#backward-through-the-gru
 *
 * @param dh    `[N, T, H]` upstream gradient with respect to every hidden state
 * @param cache from `gruForward`
 * @returns `dx [N, T, D]`, `dh0 [N, H]`, `dWx [D, 3H]`, `dWh [H, 3H]`, `dbx [3H]`, `dbh [3H]`
 */
export function gruBackward(dh: Tensor, cache: GruCache): GruGrads {
  const { N, T, D, H } = cache.shape;
  assertShape('gruBackward', dh, [N, T, H], 'dh');

  let dWx = zeros([D, 3 * H]);
  let dWh = zeros([H, 3 * H]);
  let dbx = zeros([3 * H]);
  let dbh = zeros([3 * H]);
  const dxs = new Array<Tensor>(T);
  let dnextH = zeros([N, H]); // arriving at h_t from step t+1; nothing after the last step
  for (let t = T - 1; t >= 0; t--) {
    const g = gruStepBackward(add(timeStep(dh, t), dnextH), cache.steps[t] as GruStepCache);
    dxs[t] = g.dx; // [N, D]
    dWx = add(dWx, g.dWx);
    dWh = add(dWh, g.dWh);
    dbx = add(dbx, g.dbx);
    dbh = add(dbh, g.dbh);
    dnextH = g.dprevH; // flows into step t−1
  }
  const dx = stepsToSequence(dxs); // T × [N, D] -> [N, T, D]
  return { dx, dh0: dnextH, dWx, dWh, dbx, dbh };
}
