/**
 * A GRU layer: the step of `gru-step.ts` unrolled through time, backpropagation through time
 * written by hand, and the layer's weights in and out of PyTorch's `state_dict` (as
 * `torch.nn.GRU`'s `load_state_dict()` and `state_dict()`).
 *
 * Chapter 2, "The GRU", "Backward through the GRU" and "Loading and saving PyTorch weights".
 */
import { notImplemented } from '@rnn-course/core';
import type { Tensor } from '@rnn-course/core';
import type { LayerSizes, StateDict } from './state-dict';

/**
 * What `gruBackward` needs from the forward pass. The fields are yours to choose: the grader
 * hands the cache your forward returns to your backward, unread.
 */
export interface GruCache {
  // TODO: the fields your gruBackward reads, filled in by your gruForward.
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
  // TODO: your gruStepForward at every step from h0; return { h, cache }.
  notImplemented('lstm-gru/gru-forward');
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
  // TODO: steps T−1 down to 0, carrying dprevH; return the six gradients.
  notImplemented('lstm-gru/gru-backward');
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
  // TODO: check the keys and every shape, then eq. 2.20; return { Wx, Wh, bx, bh }.
  notImplemented('lstm-gru/gru-load-state-dict');
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
  // TODO: check the layout, then eq. 2.20 backwards into nested arrays; the four keys.
  notImplemented('lstm-gru/gru-state-dict');
}
