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
import { ShapeError, assertShape, formatShape, fromData, tensor } from '@rnn-course/core';
import type { NestedArray, Tensor } from '@rnn-course/core';

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

// BEGIN SOLUTION: helpers shared by your loaders and savers in lstm.ts and gru.ts, if you want any.
/**
 * Reads the four tensors of a one-layer state_dict with `gates` blocks of H rows, checking the
 * sizes, the keys and every shape: `weight_ih_l0 [G·H, D]`, `weight_hh_l0 [G·H, H]`, biases
 * `[G·H]`.
 *
 * @throws RangeError naming `op` when `sizes` are not integers >= 1
 * @throws Error naming `op` and the key when a key is missing or unexpected
 * @throws ShapeError naming `op`, the key and both shapes when a value does not fit the layer
 */
export function readStateDict(
  op: string,
  stateDict: StateDict,
  sizes: LayerSizes,
  gates: number,
): Record<StateDictKey, Tensor> {
  const { inputSize: D, hiddenSize: H } = sizes;
  if (!Number.isInteger(D) || D < 1 || !Number.isInteger(H) || H < 1) {
    throw new RangeError(
      `${op}: sizes.inputSize and sizes.hiddenSize must be integers >= 1, received ${D} and ${H}`,
    );
  }
  const known: readonly string[] = STATE_DICT_KEYS;
  const unexpected = Object.keys(stateDict).filter((k) => !known.includes(k));
  if (unexpected.length > 0) {
    throw new Error(
      `${op}: stateDict has unexpected key(s) ${unexpected.map((k) => `'${k}'`).join(', ')}: a one-layer ` +
        `state_dict has exactly ${STATE_DICT_KEYS.join(', ')}`,
    );
  }
  const expected: Record<StateDictKey, number[]> = {
    weight_ih_l0: [gates * H, D],
    weight_hh_l0: [gates * H, H],
    bias_ih_l0: [gates * H],
    bias_hh_l0: [gates * H],
  };
  const out = {} as Record<StateDictKey, Tensor>;
  for (const key of STATE_DICT_KEYS) {
    const value = stateDict[key];
    if (value === undefined) {
      throw new Error(
        `${op}: stateDict is missing key '${key}': a one-layer state_dict has ${STATE_DICT_KEYS.join(', ')}`,
      );
    }
    const want = expected[key];
    let t: Tensor;
    try {
      t = tensor(value); // refuses a ragged array or one that holds something else than numbers
    } catch (error) {
      throw new ShapeError(
        op,
        `${key} ${formatShape(want)} of numbers`,
        `${key} in stateDict: ${(error as Error).message}`,
      );
    }
    if (t.ndim !== want.length || t.shape.some((d, i) => d !== want[i])) {
      throw new ShapeError(
        op,
        `${key} ${formatShape(want)} (PyTorch layout for D = ${D}, H = ${H})`,
        `${key} ${formatShape(t.shape)} in stateDict`,
      );
    }
    out[key] = t;
  }
  return out;
}

/**
 * Checks the course's layout before saving, H read from Wh: `Wh [H, G·H]`, `Wx [D, G·H]`, each
 * bias `[G·H]`.
 *
 * @throws ShapeError naming `op` and the parameter that does not fit
 */
export function checkLayout(
  op: string,
  gates: number,
  params: { Wx: Tensor; Wh: Tensor },
  biases: Record<string, Tensor>,
): void {
  const { Wx, Wh } = params;
  assertShape(op, Wh, [null, null], 'Wh');
  const H = Wh.shape[0] as number;
  assertShape(op, Wh, [H, gates * H], 'Wh');
  assertShape(op, Wx, [null, gates * H], 'Wx');
  for (const [name, b] of Object.entries(biases)) assertShape(op, b, [gates * H], name);
}

/** A new trainable leaf with the values of `t`. */
export function trainable(t: Tensor): Tensor {
  return fromData(t.data.slice(), t.shape, { requiresGrad: true });
}
// END SOLUTION
