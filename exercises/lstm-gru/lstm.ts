/**
 * An LSTM layer: the step of `lstm-step.ts` unrolled through time, backpropagation through time
 * written by hand, with the cell state's gradient carried from each step to the one before it,
 * and the layer's weights in and out of PyTorch's `state_dict` (as `torch.nn.LSTM`'s
 * `load_state_dict()` and `state_dict()`).
 *
 * Chapter 2, "The LSTM cell", "Backward through the LSTM" and "Loading and saving PyTorch
 * weights".
 */
import { notImplemented } from '@rnn-course/core';
import type { Tensor } from '@rnn-course/core';
import type { LayerSizes, StateDict } from './state-dict';

/**
 * What `lstmBackward` needs from the forward pass. The fields are yours to choose: the grader
 * hands the cache your forward returns to your backward, unread.
 */
export interface LstmCache {
  // TODO: the fields your lstmBackward reads, filled in by your lstmForward.
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
  // TODO: your lstmStepForward at every step from (h0, c0); return { h, c, cache }.
  notImplemented('lstm-gru/lstm-forward');
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
  // TODO: steps T−1 down to 0, carrying dprevH and dprevC (eq. 2.9); the six gradients.
  notImplemented('lstm-gru/lstm-backward');
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
  // TODO: check the keys and every shape, then eq. 2.20; return { Wx, Wh, b }.
  notImplemented('lstm-gru/lstm-load-state-dict');
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
  // TODO: check the layout, then eq. 2.20 backwards into nested arrays; the four keys.
  notImplemented('lstm-gru/lstm-state-dict');
}
