/**
 * An LSTM over a whole sequence: the step of `lstm-step.ts` unrolled through time, and
 * backpropagation through time written by hand, with the cell state's gradient carried from
 * each step to the one before it.
 *
 * Chapter 2, "The LSTM cell" and "Backward through the LSTM".
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
import { lstmStepBackward, lstmStepForward } from './lstm-step';
import type { LstmStepCache } from './lstm-step';

/** What `lstmBackward` needs: the cache of every step, in time order. */
export interface LstmCache {
  readonly steps: readonly LstmStepCache[]; // T caches
  readonly shape: {
    readonly N: number;
    readonly T: number;
    readonly D: number;
    readonly H: number;
  };
}

/** The gradients of a sequence, one per input of `lstmForward`. */
export interface LstmGrads {
  dx: Tensor; // [N, T, D]
  dh0: Tensor; // [N, H]
  dc0: Tensor; // [N, H]
  dWx: Tensor; // [D, 4H]
  dWh: Tensor; // [H, 4H]
  db: Tensor; // [4H]
}

/**
 * Runs the LSTM over a sequence, eqs. 2.1–2.4 at every step, from (h_{−1}, c_{−1}) = (h0, c0),
 * with the same weights at every step.
 *
 * Chapter 2, "The LSTM cell" — packages/lstm-gru/README.md#the-lstm-cell
 *
 * @param x  `[N, T, D]` the input sequence
 * @param h0 `[N, H]` the initial hidden state
 * @param c0 `[N, H]` the initial cell state
 * @param Wx `[D, 4H]`, Wh `[H, 4H]`, b `[4H]` the shared parameters, gate blocks i, f, g, o
 * @returns `h [N, T, H]` and `c [N, T, H]`, the hidden and cell states at every step, and the
 *   cache for `lstmBackward`
 * @throws ShapeError naming `lstmForward` when the shapes disagree
 */
export function lstmForward(
  x: Tensor,
  h0: Tensor,
  c0: Tensor,
  Wx: Tensor,
  Wh: Tensor,
  b: Tensor,
): { h: Tensor; c: Tensor; cache: LstmCache } {
  assertShape('lstmForward', x, [null, null, null], 'x');
  const [N, T, D] = x.shape as [number, number, number];
  if (T < 1) throw new ShapeError('lstmForward', 'x [N, T >= 1, D]', x.shape);
  assertShape('lstmForward', Wx, [D, null], 'Wx');
  const H = (Wx.shape[1] as number) / 4;
  if (!Number.isInteger(H) || H < 1) {
    throw new ShapeError('lstmForward', `Wx [${D}, 4H]`, formatShape(Wx.shape));
  }
  assertShape('lstmForward', h0, [N, H], 'h0');
  assertShape('lstmForward', c0, [N, H], 'c0');

  const hs: Tensor[] = [];
  const cs: Tensor[] = [];
  const steps: LstmStepCache[] = [];
  let prevH = h0; // [N, H]
  let prevC = c0; // [N, H]
  for (let t = 0; t < T; t++) {
    const step = lstmStepForward(timeStep(x, t), prevH, prevC, Wx, Wh, b); // checks Wh, b
    hs.push(step.nextH);
    cs.push(step.nextC);
    steps.push(step.cache);
    prevH = step.nextH;
    prevC = step.nextC;
  }
  const h = stepsToSequence(hs); // T × [N, H] -> [N, T, H]
  const c = stepsToSequence(cs); // T × [N, H] -> [N, T, H]
  return { h, c, cache: { steps, shape: { N, T, D, H } } };
}

/**
 * Backpropagation through time for the LSTM, eq. 2.9, walking the steps from T−1 down to 0.
 *
 * Two gradients are carried from step t+1 back to step t: the hidden state's (through the
 * recurrent product, as in chapter 1) and the cell state's (through c_{t+1} = f ⊙ c_t + …,
 * the constant error carousel). Each adds to what the loss sends to that step directly.
 *
 * Chapter 2, "Backward through the LSTM" —
 * packages/lstm-gru/README.md#backward-through-the-lstm
 *
 * @param dh    `[N, T, H]` upstream gradient with respect to every hidden state
 * @param dc    `[N, T, H]` upstream gradient with respect to every cell state (zeros when the
 *   loss reads only h; a loss on PyTorch's c_n puts its gradient at t = T−1)
 * @param cache from `lstmForward`
 * @returns `dx [N, T, D]`, `dh0 [N, H]`, `dc0 [N, H]`, `dWx [D, 4H]`, `dWh [H, 4H]`, `db [4H]`
 */
export function lstmBackward(dh: Tensor, dc: Tensor, cache: LstmCache): LstmGrads {
  const { N, T, D, H } = cache.shape;
  assertShape('lstmBackward', dh, [N, T, H], 'dh');
  assertShape('lstmBackward', dc, [N, T, H], 'dc');

  let dWx = zeros([D, 4 * H]);
  let dWh = zeros([H, 4 * H]);
  let db = zeros([4 * H]);
  const dxs = new Array<Tensor>(T);
  let dnextH = zeros([N, H]); // arriving at h_t from step t+1; nothing after the last step
  let dnextC = zeros([N, H]); // arriving at c_t from step t+1
  for (let t = T - 1; t >= 0; t--) {
    // eq. 2.9: what the loss sends to step t, plus what step t+1 carries back.
    const g = lstmStepBackward(
      add(timeStep(dh, t), dnextH), // [N, H]
      add(timeStep(dc, t), dnextC), // [N, H]
      cache.steps[t] as LstmStepCache,
    );
    dxs[t] = g.dx; // [N, D]
    // The weights are shared across time: their gradients add up over the steps.
    dWx = add(dWx, g.dWx);
    dWh = add(dWh, g.dWh);
    db = add(db, g.db);
    dnextH = g.dprevH; // flows into step t−1
    dnextC = g.dprevC;
  }
  const dx = stepsToSequence(dxs); // T × [N, D] -> [N, T, D]
  // What is left after step 0 belongs to the initial states.
  return { dx, dh0: dnextH, dc0: dnextC, dWx, dWh, db };
}
