/**
 * A GRU layer: the step of `gru-step.ts` unrolled through time, backpropagation through time
 * written by hand, and the layer's weights in and out of PyTorch's `state_dict` (as
 * `torch.nn.GRU`'s `load_state_dict()` and `state_dict()`).
 *
 * Chapter 2, "The GRU", "Backward through the GRU" and "Loading and saving PyTorch weights".
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
import { gruStepBackward, gruStepForward } from './gru-step';
import type { GruStepCache } from './gru-step';
import { checkLayout, readStateDict, trainable } from './state-dict';
import type { LayerSizes, StateDict } from './state-dict';

/**
 * What `gruBackward` needs from the forward pass. The fields are yours to choose: the grader
 * hands the cache your forward returns to your backward, unread.
 */
export interface GruCache {
  // BEGIN SOLUTION: the fields your gruBackward reads, filled in by your gruForward.
  readonly steps: readonly GruStepCache[]; // T caches
  readonly shape: {
    readonly N: number;
    readonly T: number;
    readonly D: number;
    readonly H: number;
  };
  // END SOLUTION
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

/** A GRU layer's parameters in the course's layout, gate blocks r, z, n, two biases. */
export interface GruParams {
  Wx: Tensor; // [D, 3H]
  Wh: Tensor; // [H, 3H]
  bx: Tensor; // [3H]
  bh: Tensor; // [3H]
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
 * @throws ShapeError naming `gruForward` when `x`, `h0`, `Wx`, `Wh`, `bx` or `bh` does not fit
 *   (T >= 1)
 */
export function gruForward(
  x: Tensor,
  h0: Tensor,
  Wx: Tensor,
  Wh: Tensor,
  bx: Tensor,
  bh: Tensor,
): { h: Tensor; cache: GruCache } {
  // BEGIN SOLUTION: your gruStepForward at every step from h0; return { h, cache }.
  assertShape('gruForward', x, [null, null, null], 'x');
  const [N, T, D] = x.shape as [number, number, number];
  if (T < 1) throw new ShapeError('gruForward', 'x [N, T >= 1, D]', x.shape);
  assertShape('gruForward', Wx, [D, null], 'Wx');
  const H = (Wx.shape[1] as number) / 3;
  if (!Number.isInteger(H) || H < 1) {
    throw new ShapeError('gruForward', `Wx [${D}, 3H]`, formatShape(Wx.shape));
  }
  assertShape('gruForward', Wh, [H, 3 * H], 'Wh');
  assertShape('gruForward', bx, [3 * H], 'bx');
  assertShape('gruForward', bh, [3 * H], 'bh');
  assertShape('gruForward', h0, [N, H], 'h0');

  const hs: Tensor[] = [];
  const steps: GruStepCache[] = [];
  let prevH = h0; // [N, H]
  for (let t = 0; t < T; t++) {
    const step = gruStepForward(timeStep(x, t), prevH, Wx, Wh, bx, bh);
    hs.push(step.nextH);
    steps.push(step.cache);
    prevH = step.nextH;
  }
  const h = stepsToSequence(hs); // T × [N, H] -> [N, T, H]
  return { h, cache: { steps, shape: { N, T, D, H } } };
  // END SOLUTION
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
 * @throws ShapeError naming `gruBackward` when `dh` is not `[N, T, H]`
 */
export function gruBackward(dh: Tensor, cache: GruCache): GruGrads {
  // BEGIN SOLUTION: steps T−1 down to 0, carrying dprevH; return the six gradients.
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
  // END SOLUTION
}

/**
 * Loads a one-layer `torch.nn.GRU` state_dict into the course's layout, eq. 2.20:
 * Wx = weight_ih_l0ᵀ, Wh = weight_hh_l0ᵀ, bx = bias_ih_l0, bh = bias_hh_l0. The two biases stay
 * apart, because bh's n block is multiplied by the reset gate and bx's is not (eq. 2.13).
 *
 * Chapter 2, "Loading and saving PyTorch weights" —
 * packages/lstm-gru/README.md#loading-and-saving-pytorch-weights
 *
 * @param stateDict `weight_ih_l0 [3H, D]`, `weight_hh_l0 [3H, H]`, `bias_ih_l0 [3H]`,
 *   `bias_hh_l0 [3H]`, nested arrays of numbers, exactly these four keys
 * @param sizes     the layer's `inputSize` D and `hiddenSize` H
 * @returns `Wx [D, 3H]`, `Wh [H, 3H]`, `bx [3H]`, `bh [3H]`: new tensors with `requiresGrad`
 * @throws ShapeError naming `gruLoadStateDict`, the key, the expected and the received shape
 *   when a value of `stateDict` does not fit the layer
 * @throws Error naming the key when `stateDict` misses one of the four keys or has another
 * @throws RangeError when `sizes` are not integers >= 1
 */
export function gruLoadStateDict(stateDict: StateDict, sizes: LayerSizes): GruParams {
  // BEGIN SOLUTION: check the keys and every shape, then eq. 2.20; return { Wx, Wh, bx, bh }.
  const sd = readStateDict('gruLoadStateDict', stateDict, sizes, 3);
  return noGrad(() => ({
    Wx: trainable(transpose(sd.weight_ih_l0)), // [3H, D] -> [D, 3H]
    Wh: trainable(transpose(sd.weight_hh_l0)), // [3H, H] -> [H, 3H]
    bx: trainable(sd.bias_ih_l0), // [3H]
    bh: trainable(sd.bias_hh_l0), // [3H]: apart, its n block sits inside r ⊙ (...)
  }));
  // END SOLUTION
}

/**
 * Saves a GRU layer as a PyTorch state_dict, eq. 2.20 read backwards.
 *
 * Chapter 2, "Loading and saving PyTorch weights" —
 * packages/lstm-gru/README.md#loading-and-saving-pytorch-weights
 *
 * @param params `Wx [D, 3H]`, `Wh [H, 3H]`, `bx [3H]`, `bh [3H]`
 * @returns `weight_ih_l0 [3H, D]`, `weight_hh_l0 [3H, H]`, `bias_ih_l0 [3H]`, `bias_hh_l0 [3H]`
 *   as nested arrays, in that order
 * @throws ShapeError naming `gruStateDict` when `Wx`, `Wh`, `bx` or `bh` does not fit the layout
 */
export function gruStateDict(params: GruParams): StateDict {
  // BEGIN SOLUTION: check the layout, then eq. 2.20 backwards into nested arrays; the four keys.
  const { Wx, Wh, bx, bh } = params;
  checkLayout('gruStateDict', 3, params, { bx, bh });
  return noGrad(() => ({
    weight_ih_l0: transpose(Wx).toArray(), // [D, 3H] -> [3H, D]
    weight_hh_l0: transpose(Wh).toArray(), // [H, 3H] -> [3H, H]
    bias_ih_l0: bx.toArray(), // [3H]
    bias_hh_l0: bh.toArray(), // [3H]
  }));
  // END SOLUTION
}
