/**
 * A vanilla RNN over a whole sequence: the step of `rnn-step.ts` unrolled through time, and
 * backpropagation through time (BPTT) written by hand.
 *
 * Chapter 1, "The forward pass" and "Backpropagation through time".
 */
import { ShapeError, add, assertShape, stepsToSequence, timeStep, zeros } from '@rnn-course/core';
import type { Tensor } from '@rnn-course/core';
import { rnnStepBackward, rnnStepForward } from './rnn-step';
import type { RnnStepCache } from './rnn-step';

/**
 * What `rnnBackward` needs from the forward pass. The fields are yours to choose: the grader hands
 * the cache your forward returns to your backward, unread.
 */
export interface RnnCache {
  // BEGIN SOLUTION: the fields your rnnBackward reads, filled in by your rnnForward.
  readonly steps: readonly RnnStepCache[]; // T caches
  readonly shape: {
    readonly N: number;
    readonly T: number;
    readonly D: number;
    readonly H: number;
  };
  // END SOLUTION
}

/** The gradients of a sequence, one per input of `rnnForward`. */
export interface RnnGrads {
  dx: Tensor; // [N, T, D]
  dh0: Tensor; // [N, H]
  dWx: Tensor; // [D, H]
  dWh: Tensor; // [H, H]
  db: Tensor; // [H]
}

/**
 * Runs the RNN over a sequence, eq. 1.1 at every step: h_t = tanh(x_t Wx + h_{t−1} Wh + b),
 * starting from h_{−1} = h0. The same weights are used at every step.
 *
 * Chapter 1, "The forward pass" — packages/rnn/README.md#the-forward-pass
 *
 * @param x  `[N, T, D]` the input sequence
 * @param h0 `[N, H]` the initial hidden state
 * @param Wx `[D, H]`, Wh `[H, H]`, b `[H]` the shared parameters
 * @returns `h [N, T, H]`, the hidden state at every step, and the cache for `rnnBackward`
 * @throws ShapeError naming `rnnForward` and the argument when `x` is not [N, T, D] with T >= 1,
 *   or when `Wx`, `Wh`, `b` or `h0` does not fit x and the others
 */
export function rnnForward(
  x: Tensor,
  h0: Tensor,
  Wx: Tensor,
  Wh: Tensor,
  b: Tensor,
): { h: Tensor; cache: RnnCache } {
  // BEGIN SOLUTION: call your rnnStepForward for t = 0 … T−1; keep every h_t and each step's cache.
  assertShape('rnnForward', x, [null, null, null], 'x');
  const [N, T, D] = x.shape;
  if (T < 1) throw new ShapeError('rnnForward', 'x [N, T >= 1, D]', x.shape);
  assertShape('rnnForward', Wx, [D, null], 'Wx');
  const H = Wx.shape[1];
  assertShape('rnnForward', Wh, [H, H], 'Wh');
  assertShape('rnnForward', b, [H], 'b');
  assertShape('rnnForward', h0, [N, H], 'h0');

  const hs: Tensor[] = [];
  const steps: RnnStepCache[] = [];
  let prevH = h0; // [N, H]
  for (let t = 0; t < T; t++) {
    const { nextH, cache } = rnnStepForward(timeStep(x, t), prevH, Wx, Wh, b); // [N, H]
    hs.push(nextH);
    steps.push(cache);
    prevH = nextH;
  }
  const h = stepsToSequence(hs); // T × [N, H] -> [N, T, H]
  return { h, cache: { steps, shape: { N, T, D, H } } };
  // END SOLUTION
}

/**
 * Backpropagation through time (eqs. 1.4–1.5), walking the steps from T−1 down to 0.
 *
 * `dh[:, t, :]` is only the gradient that reaches h_t from the loss at step t. The total
 * gradient of h_t also collects what flows back from step t+1 (eq. 1.4), and every parameter
 * gradient is a sum over time, because the same weights act at every step (eq. 1.5).
 *
 * Chapter 1, "Backpropagation through time" —
 * packages/rnn/README.md#backpropagation-through-time
 *
 * @param dh    `[N, T, H]` upstream gradient of the loss with respect to every hidden state
 * @param cache from `rnnForward`
 * @returns `dx [N, T, D]`, `dh0 [N, H]`, `dWx [D, H]`, `dWh [H, H]`, `db [H]`
 * @throws ShapeError naming `rnnBackward` when `dh` is not [N, T, H], the shape of the forward's h
 */
export function rnnBackward(dh: Tensor, cache: RnnCache): RnnGrads {
  // BEGIN SOLUTION: loop t = T−1 … 0 calling your rnnStepBackward; carry dprevH into step t−1.
  const { N, T, D, H } = cache.shape;
  assertShape('rnnBackward', dh, [N, T, H], 'dh');

  let dWx = zeros([D, H]);
  let dWh = zeros([H, H]);
  let db = zeros([H]);
  const dxs: Tensor[] = new Array<Tensor>(T);
  let dnext = zeros([N, H]); // gradient arriving at h_t from step t+1; none after the last step
  for (let t = T - 1; t >= 0; t--) {
    // eq. 1.4: dL/dh_t = (loss at t) + (carried back from t+1).
    const dht = add(timeStep(dh, t), dnext); // [N, H]
    const g = rnnStepBackward(dht, cache.steps[t]);
    dxs[t] = g.dx; // [N, D]
    // eq. 1.5: the weights are shared across time, so their gradients add up over the steps.
    dWx = add(dWx, g.dWx);
    dWh = add(dWh, g.dWh);
    db = add(db, g.db);
    dnext = g.dprevH; // flows into step t−1
  }
  const dx = stepsToSequence(dxs); // T × [N, D] -> [N, T, D]
  // What is left after step 0 is the gradient of h_{−1} = h0.
  return { dx, dh0: dnext, dWx, dWh, db };
  // END SOLUTION
}
