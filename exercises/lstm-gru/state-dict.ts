/**
 * What the LSTM's and the GRU's state_dict exercises share: a PyTorch `state_dict` as JSON, the
 * sizes of the layer it is loaded into, and its four keys. The loaders and savers themselves are
 * `lstmLoadStateDict` / `lstmStateDict` in `lstm.ts` and `gruLoadStateDict` / `gruStateDict` in
 * `gru.ts`, named after PyTorch's `load_state_dict()` and `state_dict()`.
 *
 * PyTorch computes x W_ihᵀ + b_ih + h W_hhᵀ + b_hh and stores `weight_ih_l0 [G·H, D]`,
 * `weight_hh_l0 [G·H, H]`, `bias_ih_l0 [G·H]`, `bias_hh_l0 [G·H]` (G = 4 gate blocks for the
 * LSTM, 3 for the GRU). The course computes x Wx + h Wh + b, so (eq. 2.20) Wx = weight_ih_l0ᵀ,
 * Wh = weight_hh_l0ᵀ; the LSTM's b = bias_ih_l0 + bias_hh_l0, the GRU keeps bx and bh apart.
 *
 * Chapter 2, "Loading and saving PyTorch weights" —
 * packages/lstm-gru/README.md#loading-and-saving-pytorch-weights
 */
import type { NestedArray } from '@rnn-course/core';

/** A PyTorch `state_dict` as JSON: parameter name -> nested arrays of numbers. */
export type StateDict = Record<string, NestedArray>;

/** The sizes of the layer the weights are loaded into (PyTorch's argument names). */
export interface LayerSizes {
  inputSize: number; // D
  hiddenSize: number; // H
}

/** The four keys of a one-layer recurrent layer with biases, in PyTorch's order. */
export const STATE_DICT_KEYS = [
  'weight_ih_l0',
  'weight_hh_l0',
  'bias_ih_l0',
  'bias_hh_l0',
] as const;

/** One of the four keys. */
export type StateDictKey = (typeof STATE_DICT_KEYS)[number];

// TODO: helpers shared by your loaders and savers in lstm.ts and gru.ts, if you want any.
