/**
 * What the state_dict suites share: seeded state_dicts and layers, the PyTorch fixtures
 * (packages/lstm-gru/fixtures, written by torch.nn.LSTM / torch.nn.GRU in float64), and the
 * usual mistakes of eq. 2.20.
 */
import { readFileSync } from 'node:fs';
import { Rng, fromData, randn, tensor, type NestedArray, type Tensor } from '@rnn-course/core';
import { expectThrows, fail, isTensor } from '@rnn-course/grader/testing';
import type { LayerSizes, StateDict } from '@rnn-course/lstm-gru';

/** The four keys of a one-layer state_dict, in PyTorch's order. */
export const KEYS = ['weight_ih_l0', 'weight_hh_l0', 'bias_ih_l0', 'bias_hh_l0'] as const;

/**
 * A seeded one-layer state_dict with `G` gate blocks (4 for the LSTM, 3 for the GRU), as
 * nested arrays: `weight_ih_l0 [G·H, D]`, `weight_hh_l0 [G·H, H]`, two different biases `[G·H]`.
 */
export function seededStateDict(seed: number, D: number, H: number, G: number): StateDict {
  const rng = new Rng(seed);
  return {
    weight_ih_l0: randn([G * H, D], rng).toArray(),
    weight_hh_l0: randn([G * H, H], rng).toArray(),
    bias_ih_l0: randn([G * H], rng).toArray(),
    bias_hh_l0: randn([G * H], rng).toArray(),
  };
}

/** One case of fixtures/<kind>.json: the state_dict, the inputs and torch's outputs. */
export interface TorchCase {
  readonly name: string;
  readonly config: { N: number; T: number; D: number; H: number };
  readonly stateDict: StateDict;
  readonly x: NestedArray;
  readonly h0: NestedArray;
  readonly c0?: NestedArray;
  readonly output: NestedArray;
}

/** The first case ("default") of the LSTM's or the GRU's PyTorch fixtures. */
export function torchCase(kind: 'lstm' | 'gru'): TorchCase {
  const url = new URL(`../fixtures/${kind}.json`, import.meta.url);
  const cases = (JSON.parse(readFileSync(url, 'utf8')) as { cases: TorchCase[] }).cases;
  return cases[0] as TorchCase;
}

/** The values of `key` in `sd` read the way eq. 2.20 must not: reshaped, not transposed. */
export function reshapedNotTransposed(value: NestedArray, shape: readonly number[]): Tensor {
  const t = tensor(value);
  return fromData(t.data, shape);
}

/**
 * Asserts that `value` is what a state_dict holds, JSON of nested arrays of numbers, with
 * exactly the four keys; returns each as a tensor. A Float64Array or a Tensor does not survive
 * JSON.stringify, which is how a state_dict reaches PyTorch.
 */
export function expectStateDict(
  value: unknown,
  what: string,
): Record<(typeof KEYS)[number], Tensor> {
  if (typeof value !== 'object' || value === null || Array.isArray(value) || isTensor(value)) {
    fail(
      what,
      `${what}: expected an object with keys ${KEYS.join(', ')}, received ${typeof value}`,
      {
        hint: 'layout',
      },
    );
  }
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record);
  const missing = KEYS.filter((k) => !keys.includes(k));
  const extra = keys.filter((k) => !(KEYS as readonly string[]).includes(k));
  if (missing.length > 0 || extra.length > 0) {
    fail(
      what,
      `${what}: expected exactly the keys ${KEYS.join(', ')}; ` +
        `missing: ${missing.join(', ') || 'none'}, unexpected: ${extra.join(', ') || 'none'}`,
      { hint: 'layout' },
    );
  }
  const out = {} as Record<(typeof KEYS)[number], Tensor>;
  for (const key of KEYS) {
    const v = record[key];
    const plain = JSON.parse(JSON.stringify(v ?? null)) as unknown;
    if (!Array.isArray(v) || JSON.stringify(plain) !== JSON.stringify(v) || !isNested(v)) {
      fail(
        what,
        `${what}: ${key} must be nested arrays of numbers (tensor.toArray()), as JSON carries them ` +
          `to PyTorch; received ${isTensor(v) ? 'a Tensor' : Object.prototype.toString.call(v)}`,
        { hint: 'layout' },
      );
    }
    out[key] = tensor(v as NestedArray);
  }
  return out;
}

/** Whether `v` is a rectangular-or-not nesting of plain arrays ending in numbers. */
function isNested(v: unknown): boolean {
  if (typeof v === 'number') return true;
  return Array.isArray(v) && v.every(isNested);
}

/**
 * The refusals a loader owes, as PyTorch's strict `load_state_dict` refuses them and as the
 * sizes of a layer require, on a seeded state_dict of D = 3, H = 2 with `G` gate blocks: a
 * missing key, a second layer's key, a state_dict of H = 2 loaded as H = 4, a bias in a weight's
 * place (one dimension short), a ragged weight, and sizes that are not integers >= 1. Each
 * message names the key or `sizes`.
 */
export async function expectLoadRefusals(
  load: (stateDict: StateDict, sizes: LayerSizes) => unknown,
  what: string,
  G: number,
  seed: number,
): Promise<void> {
  const sd = seededStateDict(seed, 3, 2, G);
  const sizes = { inputSize: 3, hiddenSize: 2 };
  const { bias_hh_l0: _dropped, ...missing } = sd;
  const ragged = (sd.weight_hh_l0 as number[][]).map((row, i) => (i === 1 ? row.slice(1) : row));
  const common = { what, hint: 'check' };
  const cases = [
    {
      run: () => load(missing, sizes),
      name: 'Error',
      argument: 'stateDict',
      when: 'a stateDict without bias_hh_l0',
      message: /bias_hh_l0/,
    },
    {
      run: () => load({ ...sd, weight_ih_l1: sd.weight_ih_l0 as NestedArray }, sizes),
      name: 'Error',
      argument: 'stateDict',
      when: 'a stateDict with a second layer’s key weight_ih_l1',
      message: /weight_ih_l1/,
    },
    {
      run: () => load(sd, { inputSize: 3, hiddenSize: 4 }),
      name: 'ShapeError',
      argument: 'stateDict',
      when: `a stateDict of H = 2 loaded as H = 4 (weight_ih_l0 [${2 * G}, 3] where [${4 * G}, 3] fits)`,
      message: new RegExp(`weight_ih_l0 \\[${4 * G}, 3\\][^]*\\[${2 * G}, 3\\]`),
    },
    {
      run: () => load({ ...sd, weight_ih_l0: sd.bias_ih_l0 as NestedArray }, sizes),
      name: 'ShapeError',
      argument: 'stateDict',
      when: `weight_ih_l0 holding a bias [${2 * G}] where [${2 * G}, 3] fits`,
      message: /weight_ih_l0/,
    },
    {
      run: () => load({ ...sd, weight_hh_l0: ragged }, sizes),
      name: 'ShapeError',
      argument: 'stateDict',
      when: 'a ragged weight_hh_l0 (its second row one number short)',
      message: /weight_hh_l0/,
    },
    {
      run: () => load(sd, { inputSize: 3, hiddenSize: 0 }),
      name: 'RangeError',
      argument: 'sizes',
      when: 'sizes with hiddenSize = 0',
    },
    {
      run: () => load(sd, { inputSize: 2.5, hiddenSize: 2 }),
      name: 'RangeError',
      argument: 'sizes',
      when: 'sizes with inputSize = 2.5',
    },
    {
      run: () => load(sd, { inputSize: 0, hiddenSize: 2 }),
      name: 'RangeError',
      argument: 'sizes',
      when: 'sizes with inputSize = 0',
    },
  ];
  for (const { run, ...refusal } of cases) await expectThrows(run, { ...common, ...refusal });
}
