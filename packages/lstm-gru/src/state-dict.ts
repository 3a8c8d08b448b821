/**
 * PyTorch `state_dict`s of one-layer `torch.nn.LSTM` and `torch.nn.GRU` layers, as JSON of
 * nested arrays, into and out of the course's layout.
 *
 * PyTorch computes `x W_ihᵀ + b_ih + h W_hhᵀ + b_hh` and stores `weight_ih_l0 [4H, D]`,
 * `weight_hh_l0 [4H, H]` (3H for the GRU) and two biases; the course computes `x Wx + h Wh + b`
 * with `Wx [D, 4H]`, `Wh [H, 4H]`. So (eq. 2.20):
 *
 *   Wx = weight_ih_l0ᵀ,  Wh = weight_hh_l0ᵀ,
 *   LSTM: b = bias_ih_l0 + bias_hh_l0 (only their sum ever enters the cell);
 *   GRU:  bx = bias_ih_l0, bh = bias_hh_l0 (kept apart: bh's n block sits inside r ⊙ (...)).
 *
 * The gate blocks need no reordering: both use i, f, g, o for the LSTM and r, z, n for the GRU.
 *
 * Chapter 2, "Loading and saving PyTorch weights" —
 * packages/lstm-gru/README.md#loading-and-saving-pytorch-weights
 */
import {
  ShapeError,
  add,
  assertShape,
  formatShape,
  noGrad,
  tensor,
  transpose,
  zeros,
} from '@rnn-course/core';
import type { NestedArray, Tensor } from '@rnn-course/core';
import type { GruParams, LstmParams } from './params';

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

type Key = (typeof STATE_DICT_KEYS)[number];

/**
 * Reads the four tensors of a one-layer state_dict, checking the keys and each shape against
 * the layer's: `weight_ih_l0 [G·H, D]`, `weight_hh_l0 [G·H, H]`, biases `[G·H]`, where G is the
 * number of gate blocks (4 for the LSTM, 3 for the GRU).
 */
function readLayer(
  op: string,
  stateDict: StateDict,
  sizes: LayerSizes,
  gates: number,
): Record<Key, Tensor> {
  const { inputSize: D, hiddenSize: H } = sizes;
  if (!Number.isInteger(D) || D < 1 || !Number.isInteger(H) || H < 1) {
    throw new RangeError(
      `${op}: inputSize and hiddenSize must be integers >= 1, received ${D} and ${H}`,
    );
  }
  const keys = Object.keys(stateDict);
  const unexpected = keys.filter((k) => !(STATE_DICT_KEYS as readonly string[]).includes(k));
  if (unexpected.length > 0) {
    throw new Error(
      `${op}: unexpected key(s) ${unexpected.map((k) => `'${k}'`).join(', ')}: a one-layer ` +
        `state_dict has exactly ${STATE_DICT_KEYS.join(', ')}`,
    );
  }
  const expected: Record<Key, number[]> = {
    weight_ih_l0: [gates * H, D],
    weight_hh_l0: [gates * H, H],
    bias_ih_l0: [gates * H],
    bias_hh_l0: [gates * H],
  };
  const out = {} as Record<Key, Tensor>;
  for (const key of STATE_DICT_KEYS) {
    const value = stateDict[key];
    if (value === undefined) {
      throw new Error(
        `${op}: missing key '${key}': a one-layer state_dict has ${STATE_DICT_KEYS.join(', ')}`,
      );
    }
    let t: Tensor;
    try {
      t = tensor(value);
    } catch (error) {
      throw new ShapeError(
        op,
        `${key} ${formatShape(expected[key])} of numbers`,
        (error as Error).message,
      );
    }
    const want = expected[key];
    if (t.ndim !== want.length || t.shape.some((d, i) => d !== want[i])) {
      throw new ShapeError(
        op,
        `${key} ${formatShape(want)} (PyTorch layout for D = ${D}, H = ${H})`,
        `${key} ${formatShape(t.shape)}`,
      );
    }
    out[key] = t;
  }
  return out;
}

/** Checks `Wx [D, G·H]`, `Wh [H, G·H]` and each bias `[G·H]`, H read from Wh. */
function checkLayout(
  op: string,
  gates: number,
  Wx: Tensor,
  Wh: Tensor,
  biases: Record<string, Tensor>,
): void {
  assertShape(op, Wh, [null, null], 'Wh');
  const H = Wh.shape[0] as number;
  assertShape(op, Wh, [H, gates * H], 'Wh');
  assertShape(op, Wx, [null, gates * H], 'Wx');
  for (const [name, b] of Object.entries(biases)) assertShape(op, b, [gates * H], name);
}

/** A new leaf with the values of `t`, ready to train. */
function leaf(t: Tensor): Tensor {
  const p = t.detach().clone();
  p.requiresGrad = true;
  return p;
}

/**
 * Loads a one-layer `torch.nn.LSTM` state_dict into the course's layout (eq. 2.20).
 *
 * @param stateDict `weight_ih_l0 [4H, D]`, `weight_hh_l0 [4H, H]`, `bias_ih_l0 [4H]`,
 *   `bias_hh_l0 [4H]`, nested arrays
 * @param sizes     the layer's D and H
 * @returns `Wx [D, 4H]`, `Wh [H, 4H]`, `b [4H]` = b_ih + b_hh, new leaves with `requiresGrad`
 * @throws ShapeError naming the key, the expected and the received shape; Error for a missing
 *   or an unexpected key
 */
export function lstmFromStateDict(stateDict: StateDict, sizes: LayerSizes): LstmParams {
  const sd = readLayer('lstmFromStateDict', stateDict, sizes, 4);
  return noGrad(() => ({
    Wx: leaf(transpose(sd.weight_ih_l0)), // [4H, D] -> [D, 4H]
    Wh: leaf(transpose(sd.weight_hh_l0)), // [4H, H] -> [H, 4H]
    b: leaf(add(sd.bias_ih_l0, sd.bias_hh_l0)), // [4H]
  }));
}

/**
 * Saves an LSTM layer as a PyTorch state_dict. PyTorch adds its two biases, so the whole of b
 * goes into `bias_ih_l0` and `bias_hh_l0` is zeros: `torch.nn.LSTM` then computes the same
 * outputs, and `lstmFromStateDict` gives b back exactly.
 *
 * @param params `Wx [D, 4H]`, `Wh [H, 4H]`, `b [4H]`
 * @returns `weight_ih_l0 [4H, D]`, `weight_hh_l0 [4H, H]`, `bias_ih_l0 [4H]`, `bias_hh_l0 [4H]`
 */
export function lstmToStateDict(params: LstmParams): StateDict {
  const { Wx, Wh, b } = params;
  checkLayout('lstmToStateDict', 4, Wx, Wh, { b });
  return noGrad(() => ({
    weight_ih_l0: transpose(Wx).toArray(), // [D, 4H] -> [4H, D]
    weight_hh_l0: transpose(Wh).toArray(), // [H, 4H] -> [4H, H]
    bias_ih_l0: b.toArray(), // [4H]
    bias_hh_l0: zeros(b.shape).toArray(), // [4H]
  }));
}

/**
 * Loads a one-layer `torch.nn.GRU` state_dict into the course's layout (eq. 2.20); the two
 * biases stay apart.
 *
 * @param stateDict `weight_ih_l0 [3H, D]`, `weight_hh_l0 [3H, H]`, `bias_ih_l0 [3H]`,
 *   `bias_hh_l0 [3H]`, nested arrays
 * @param sizes     the layer's D and H
 * @returns `Wx [D, 3H]`, `Wh [H, 3H]`, `bx [3H]`, `bh [3H]`, new leaves with `requiresGrad`
 * @throws ShapeError naming the key, the expected and the received shape; Error for a missing
 *   or an unexpected key
 */
export function gruFromStateDict(stateDict: StateDict, sizes: LayerSizes): GruParams {
  const sd = readLayer('gruFromStateDict', stateDict, sizes, 3);
  return noGrad(() => ({
    Wx: leaf(transpose(sd.weight_ih_l0)), // [3H, D] -> [D, 3H]
    Wh: leaf(transpose(sd.weight_hh_l0)), // [3H, H] -> [H, 3H]
    bx: leaf(sd.bias_ih_l0), // [3H]
    bh: leaf(sd.bias_hh_l0), // [3H]
  }));
}

/**
 * Saves a GRU layer as a PyTorch state_dict.
 *
 * @param params `Wx [D, 3H]`, `Wh [H, 3H]`, `bx [3H]`, `bh [3H]`
 * @returns `weight_ih_l0 [3H, D]`, `weight_hh_l0 [3H, H]`, `bias_ih_l0 [3H]`, `bias_hh_l0 [3H]`
 */
export function gruToStateDict(params: GruParams): StateDict {
  const { Wx, Wh, bx, bh } = params;
  checkLayout('gruToStateDict', 3, Wx, Wh, { bx, bh });
  return noGrad(() => ({
    weight_ih_l0: transpose(Wx).toArray(), // [D, 3H] -> [3H, D]
    weight_hh_l0: transpose(Wh).toArray(), // [H, 3H] -> [3H, H]
    bias_ih_l0: bx.toArray(), // [3H]
    bias_hh_l0: bh.toArray(), // [3H]
  }));
}
