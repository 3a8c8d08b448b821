/**
 * Loading and saving one-layer PyTorch `state_dict`s (JSON of nested arrays) for the LSTM and
 * the GRU, in and out of the course's layout.
 *
 * PyTorch computes x W_ihᵀ + b_ih + h W_hhᵀ + b_hh and stores `weight_ih_l0 [G·H, D]`,
 * `weight_hh_l0 [G·H, H]`, `bias_ih_l0 [G·H]`, `bias_hh_l0 [G·H]` (G = 4 gates for the LSTM,
 * 3 for the GRU). The course computes x Wx + h Wh + b, so (eq. 2.20) Wx = weight_ih_l0ᵀ,
 * Wh = weight_hh_l0ᵀ; the LSTM's b = bias_ih_l0 + bias_hh_l0, the GRU keeps bx and bh apart.
 *
 * Chapter 2, "Loading and saving PyTorch weights" —
 * packages/lstm-gru/README.md#loading-and-saving-pytorch-weights
 */
import {
  ShapeError,
  add,
  assertShape,
  formatShape,
  fromData,
  tensor,
  transpose,
  zeros,
} from '@rnn-course/core';
import type { NestedArray, Tensor } from '@rnn-course/core';

/** A PyTorch `state_dict` as JSON: parameter name -> nested arrays of numbers. */
export type StateDict = Record<string, NestedArray>;

/** The sizes of the layer the weights are loaded into. */
export interface LayerSizes {
  inputSize: number; // D
  hiddenSize: number; // H
}

const KEYS = ['weight_ih_l0', 'weight_hh_l0', 'bias_ih_l0', 'bias_hh_l0'] as const;

/**
 * The tensor under `key`, checked against `expected`. A missing key, or a value that is not a
 * rectangular array of numbers, or a shape that disagrees, throws an error naming the key; the
 * shape error names both shapes.
 */
function read(op: string, stateDict: StateDict, key: string, expected: number[]): Tensor {
  const value = stateDict[key];
  if (value === undefined) {
    throw new Error(`${op}: missing key '${key}' (expected ${KEYS.join(', ')})`);
  }
  let t: Tensor;
  try {
    t = tensor(value);
  } catch (error) {
    throw new ShapeError(op, `${key} ${formatShape(expected)}`, (error as Error).message);
  }
  const same = t.ndim === expected.length && t.shape.every((d, i) => d === expected[i]);
  if (!same) {
    throw new ShapeError(op, `${key} ${formatShape(expected)}`, `${key} ${formatShape(t.shape)}`);
  }
  return t;
}

/** Reads the four tensors for G gate blocks, refusing keys of other layers. */
function readAll(
  op: string,
  stateDict: StateDict,
  sizes: LayerSizes,
  G: number,
): Record<(typeof KEYS)[number], Tensor> {
  const { inputSize: D, hiddenSize: H } = sizes;
  for (const key of Object.keys(stateDict)) {
    if (!(KEYS as readonly string[]).includes(key)) {
      throw new Error(`${op}: unexpected key '${key}' (expected ${KEYS.join(', ')})`);
    }
  }
  return {
    weight_ih_l0: read(op, stateDict, 'weight_ih_l0', [G * H, D]),
    weight_hh_l0: read(op, stateDict, 'weight_hh_l0', [G * H, H]),
    bias_ih_l0: read(op, stateDict, 'bias_ih_l0', [G * H]),
    bias_hh_l0: read(op, stateDict, 'bias_hh_l0', [G * H]),
  };
}

/** A trainable copy: a new leaf with `requiresGrad`. */
function param(t: Tensor): Tensor {
  return fromData(t.data, t.shape, { requiresGrad: true });
}

/** Checks the course's layout before saving: `Wh [H, G·H]`, `Wx [D, G·H]`, biases `[G·H]`. */
function checkLayout(op: string, G: number, Wx: Tensor, Wh: Tensor, biases: Tensor[]): void {
  assertShape(op, Wh, [null, null], 'Wh');
  const H = Wh.shape[0] as number;
  assertShape(op, Wh, [H, G * H], 'Wh');
  assertShape(op, Wx, [null, G * H], 'Wx');
  for (const b of biases) assertShape(op, b, [G * H], 'bias');
}

/**
 * Loads a one-layer `torch.nn.LSTM` state_dict (eq. 2.20).
 *
 * @param stateDict `weight_ih_l0 [4H, D]`, `weight_hh_l0 [4H, H]`, `bias_ih_l0 [4H]`,
 *   `bias_hh_l0 [4H]`
 * @param sizes     D and H of the layer
 * @returns `Wx [D, 4H]`, `Wh [H, 4H]`, `b [4H]`, trainable
 * @throws ShapeError naming the key and both shapes; Error for a missing or unexpected key
 */
export function lstmFromStateDict(
  stateDict: StateDict,
  sizes: LayerSizes,
): { Wx: Tensor; Wh: Tensor; b: Tensor } {
  const sd = readAll('lstmFromStateDict', stateDict, sizes, 4);
  return {
    Wx: param(transpose(sd.weight_ih_l0)), // [4H, D] -> [D, 4H]
    Wh: param(transpose(sd.weight_hh_l0)), // [4H, H] -> [H, 4H]
    // Only the sum of PyTorch's two biases enters the cell, so one vector holds it.
    b: param(add(sd.bias_ih_l0, sd.bias_hh_l0)), // [4H]
  };
}

/**
 * Saves an LSTM layer as a PyTorch state_dict: b in `bias_ih_l0`, zeros in `bias_hh_l0` (their
 * sum is b, which is all PyTorch uses).
 *
 * @param params `Wx [D, 4H]`, `Wh [H, 4H]`, `b [4H]`
 * @returns the four keys in PyTorch's layout, as nested arrays
 */
export function lstmToStateDict(params: { Wx: Tensor; Wh: Tensor; b: Tensor }): StateDict {
  const { Wx, Wh, b } = params;
  checkLayout('lstmToStateDict', 4, Wx, Wh, [b]);
  return {
    weight_ih_l0: transpose(Wx.detach()).toArray(), // [D, 4H] -> [4H, D]
    weight_hh_l0: transpose(Wh.detach()).toArray(), // [H, 4H] -> [4H, H]
    bias_ih_l0: b.toArray(), // [4H]
    bias_hh_l0: zeros(b.shape).toArray(), // [4H]
  };
}

/**
 * Loads a one-layer `torch.nn.GRU` state_dict (eq. 2.20); the two biases stay apart, because
 * bh's n block is multiplied by the reset gate and bx's is not.
 *
 * @param stateDict `weight_ih_l0 [3H, D]`, `weight_hh_l0 [3H, H]`, `bias_ih_l0 [3H]`,
 *   `bias_hh_l0 [3H]`
 * @param sizes     D and H of the layer
 * @returns `Wx [D, 3H]`, `Wh [H, 3H]`, `bx [3H]`, `bh [3H]`, trainable
 * @throws ShapeError naming the key and both shapes; Error for a missing or unexpected key
 */
export function gruFromStateDict(
  stateDict: StateDict,
  sizes: LayerSizes,
): { Wx: Tensor; Wh: Tensor; bx: Tensor; bh: Tensor } {
  const sd = readAll('gruFromStateDict', stateDict, sizes, 3);
  return {
    Wx: param(transpose(sd.weight_ih_l0)), // [3H, D] -> [D, 3H]
    Wh: param(transpose(sd.weight_hh_l0)), // [3H, H] -> [H, 3H]
    bx: param(sd.bias_ih_l0), // [3H]
    bh: param(sd.bias_hh_l0), // [3H]
  };
}

/**
 * Saves a GRU layer as a PyTorch state_dict.
 *
 * @param params `Wx [D, 3H]`, `Wh [H, 3H]`, `bx [3H]`, `bh [3H]`
 * @returns the four keys in PyTorch's layout, as nested arrays
 */
export function gruToStateDict(params: {
  Wx: Tensor;
  Wh: Tensor;
  bx: Tensor;
  bh: Tensor;
}): StateDict {
  const { Wx, Wh, bx, bh } = params;
  checkLayout('gruToStateDict', 3, Wx, Wh, [bx, bh]);
  return {
    weight_ih_l0: transpose(Wx.detach()).toArray(), // [D, 3H] -> [3H, D]
    weight_hh_l0: transpose(Wh.detach()).toArray(), // [H, 3H] -> [3H, H]
    bias_ih_l0: bx.toArray(), // [3H]
    bias_hh_l0: bh.toArray(), // [3H]
  };
}
