/**
 * An LSTM layer: the step of `lstm-step.ts` unrolled through time, backpropagation through time
 * written by hand, with the cell state's gradient carried from each step to the one before it,
 * and the layer's weights in and out of PyTorch's `state_dict` (as `torch.nn.LSTM`'s
 * `load_state_dict()` and `state_dict()`).
 *
 * Chapter 2, "The LSTM cell", "Backward through the LSTM" and "Loading and saving PyTorch
 * weights".
 */
import {
  ShapeError,
  add,
  assertShape,
  formatShape,
  noGrad,
  stepsToSequence,
  timeStep,
  transpose,
  zeros,
} from '@rnn-course/core';
import type { Tensor } from '@rnn-course/core';
import { lstmStepBackward, lstmStepForward } from './lstm-step';
import type { LstmStepCache } from './lstm-step';
import { checkLayout, readStateDict, trainable } from './state-dict';
import type { LayerSizes, StateDict } from './state-dict';

/**
 * What `lstmBackward` needs from the forward pass. The fields are yours to choose: the grader
 * hands the cache your forward returns to your backward, unread.
 */
export interface LstmCache {
  // BEGIN SOLUTION: the fields your lstmBackward reads, filled in by your lstmForward.
  readonly steps: readonly LstmStepCache[]; // T caches
  readonly shape: {
    readonly N: number;
    readonly T: number;
    readonly D: number;
    readonly H: number;
  };
  // END SOLUTION
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

/** An LSTM layer's parameters in the course's layout, gate blocks i, f, g, o. */
export interface LstmParams {
  Wx: Tensor; // [D, 4H]
  Wh: Tensor; // [H, 4H]
  b: Tensor; // [4H]
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
 * @throws ShapeError naming `lstmForward` when `x`, `h0`, `c0`, `Wx`, `Wh` or `b` does not fit
 *   (T >= 1)
 */
export function lstmForward(
  x: Tensor,
  h0: Tensor,
  c0: Tensor,
  Wx: Tensor,
  Wh: Tensor,
  b: Tensor,
): { h: Tensor; c: Tensor; cache: LstmCache } {
  // BEGIN SOLUTION: your lstmStepForward at every step from (h0, c0); return { h, c, cache }.
  assertShape('lstmForward', x, [null, null, null], 'x');
  const [N, T, D] = x.shape as [number, number, number];
  if (T < 1) throw new ShapeError('lstmForward', 'x [N, T >= 1, D]', x.shape);
  assertShape('lstmForward', Wx, [D, null], 'Wx');
  const H = (Wx.shape[1] as number) / 4;
  if (!Number.isInteger(H) || H < 1) {
    throw new ShapeError('lstmForward', `Wx [${D}, 4H]`, formatShape(Wx.shape));
  }
  assertShape('lstmForward', Wh, [H, 4 * H], 'Wh');
  assertShape('lstmForward', b, [4 * H], 'b');
  assertShape('lstmForward', h0, [N, H], 'h0');
  assertShape('lstmForward', c0, [N, H], 'c0');

  const hs: Tensor[] = [];
  const cs: Tensor[] = [];
  const steps: LstmStepCache[] = [];
  let prevH = h0; // [N, H]
  let prevC = c0; // [N, H]
  for (let t = 0; t < T; t++) {
    const step = lstmStepForward(timeStep(x, t), prevH, prevC, Wx, Wh, b);
    hs.push(step.nextH);
    cs.push(step.nextC);
    steps.push(step.cache);
    prevH = step.nextH;
    prevC = step.nextC;
  }
  const h = stepsToSequence(hs); // T × [N, H] -> [N, T, H]
  const c = stepsToSequence(cs); // T × [N, H] -> [N, T, H]
  return { h, c, cache: { steps, shape: { N, T, D, H } } };
  // END SOLUTION
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
 * @throws ShapeError naming `lstmBackward` when `dh` or `dc` is not `[N, T, H]`
 */
export function lstmBackward(dh: Tensor, dc: Tensor, cache: LstmCache): LstmGrads {
  // BEGIN SOLUTION: steps T−1 down to 0, carrying dprevH and dprevC (eq. 2.9); the six gradients.
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
  // END SOLUTION
}

/**
 * Loads a one-layer `torch.nn.LSTM` state_dict into the course's layout, eq. 2.20:
 * Wx = weight_ih_l0ᵀ, Wh = weight_hh_l0ᵀ, b = bias_ih_l0 + bias_hh_l0 (only their sum ever
 * enters the cell).
 *
 * Chapter 2, "Loading and saving PyTorch weights" —
 * packages/lstm-gru/README.md#loading-and-saving-pytorch-weights
 *
 * @param stateDict `weight_ih_l0 [4H, D]`, `weight_hh_l0 [4H, H]`, `bias_ih_l0 [4H]`,
 *   `bias_hh_l0 [4H]`, nested arrays of numbers, exactly these four keys
 * @param sizes     the layer's `inputSize` D and `hiddenSize` H
 * @returns `Wx [D, 4H]`, `Wh [H, 4H]`, `b [4H]`: new tensors with `requiresGrad`, ready to train
 * @throws ShapeError naming `lstmLoadStateDict`, the key, the expected and the received shape
 *   when a value of `stateDict` does not fit the layer
 * @throws Error naming the key when `stateDict` misses one of the four keys or has another
 * @throws RangeError when `sizes` are not integers >= 1
 */
export function lstmLoadStateDict(stateDict: StateDict, sizes: LayerSizes): LstmParams {
  // BEGIN SOLUTION: check the keys and every shape, then eq. 2.20; return { Wx, Wh, b }.
  const sd = readStateDict('lstmLoadStateDict', stateDict, sizes, 4);
  return noGrad(() => ({
    Wx: trainable(transpose(sd.weight_ih_l0)), // [4H, D] -> [D, 4H]
    Wh: trainable(transpose(sd.weight_hh_l0)), // [4H, H] -> [H, 4H]
    b: trainable(add(sd.bias_ih_l0, sd.bias_hh_l0)), // [4H]: PyTorch adds its two biases
  }));
  // END SOLUTION
}

/**
 * Saves an LSTM layer as a PyTorch state_dict, eq. 2.20 read backwards. PyTorch adds its two
 * biases, so all of b goes into `bias_ih_l0` and `bias_hh_l0` is zeros: `torch.nn.LSTM` then
 * computes the same outputs, and `lstmLoadStateDict` gives b back exactly.
 *
 * Chapter 2, "Loading and saving PyTorch weights" —
 * packages/lstm-gru/README.md#loading-and-saving-pytorch-weights
 *
 * @param params `Wx [D, 4H]`, `Wh [H, 4H]`, `b [4H]`
 * @returns `weight_ih_l0 [4H, D]`, `weight_hh_l0 [4H, H]`, `bias_ih_l0 [4H]`, `bias_hh_l0 [4H]`
 *   as nested arrays, in that order
 * @throws ShapeError naming `lstmStateDict` when `Wx`, `Wh` or `b` does not fit the layout
 */
export function lstmStateDict(params: LstmParams): StateDict {
  // BEGIN SOLUTION: check the layout, then eq. 2.20 backwards into nested arrays; the four keys.
  const { Wx, Wh, b } = params;
  checkLayout('lstmStateDict', 4, params, { b });
  return noGrad(() => ({
    weight_ih_l0: transpose(Wx).toArray(), // [D, 4H] -> [4H, D]
    weight_hh_l0: transpose(Wh).toArray(), // [H, 4H] -> [4H, H]
    bias_ih_l0: b.toArray(), // [4H]: the whole of b ...
    bias_hh_l0: zeros(b.shape).toArray(), // [4H]: ... so that the sum PyTorch uses is b
  }));
  // END SOLUTION
}
