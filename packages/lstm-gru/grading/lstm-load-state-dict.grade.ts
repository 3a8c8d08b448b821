/**
 * Grading suite of lstm-gru/lstm-load-state-dict: a `torch.nn.LSTM` state_dict into the course's
 * layout (eq. 2.20), against the reference loader on a seeded state_dict and against PyTorch's
 * own outputs on the chapter's fixture; bad keys and shapes are refused by name.
 */
import { tensor, type Tensor } from '@rnn-course/core';
import {
  agrees,
  check,
  exercise,
  expectClose,
  expectNoInputMutation,
  expectShape,
  fail,
  isTensor,
  targetModule,
  TOLERANCES,
  type Explanation,
} from '@rnn-course/grader/testing';
import { lstm, lstmLoadStateDict as referenceLoad, type StateDict } from '@rnn-course/lstm-gru';
import {
  expectLoadRefusals,
  reshapedNotTransposed,
  seededStateDict,
  torchCase,
} from './state-dicts';

const { lstmLoadStateDict } =
  await targetModule<typeof import('@target/lstm-gru/lstm')>('lstm-gru/lstm.ts');

/** What a wrong parameter says, read against the usual mistakes of eq. 2.20. */
function readLoadMistake(name: 'Wx' | 'Wh' | 'b', value: unknown, sd: StateDict): Explanation {
  const bih = tensor(sd.bias_ih_l0);
  const bhh = tensor(sd.bias_hh_l0);
  if (name === 'b' && (agrees(value, bih) || agrees(value, bhh))) {
    return {
      text:
        'b is one of the two biases: PyTorch adds bias_ih_l0 and bias_hh_l0 in every gate, so ' +
        'the course’s single b is their sum (eq. 2.20).',
      hint: 'convert',
    };
  }
  if (name !== 'b') {
    const key = name === 'Wx' ? 'weight_ih_l0' : 'weight_hh_l0';
    const w = tensor(sd[key] ?? []);
    const [rows, cols] = w.shape as [number, number];
    if (agrees(value, reshapedNotTransposed(sd[key] ?? [], [cols, rows]))) {
      return {
        text:
          `${name} holds ${key}'s numbers in its order, reshaped to [${cols}, ${rows}]: a reshape ` +
          'keeps the row-major order, a transpose moves row j to column j (eq. 2.20).',
        hint: 'convert',
      };
    }
  }
  return undefined;
}

/** Asserts the three parameters against the reference loader's. */
function expectLoaded(got: unknown, sd: StateDict, D: number, H: number, label: string): void {
  if (typeof got !== 'object' || got === null) {
    fail(
      'lstmLoadStateDict',
      `lstmLoadStateDict${label}: expected { Wx, Wh, b }, received ${String(got)}`,
      {
        hint: 'layout',
      },
    );
  }
  const params = got as Record<string, unknown>;
  const expected = referenceLoad(sd, { inputSize: D, hiddenSize: H });
  const shapes = { Wx: [D, 4 * H], Wh: [H, 4 * H], b: [4 * H] } as const;
  for (const name of ['Wx', 'Wh', 'b'] as const) {
    const why = { hint: 'layout', explain: () => readLoadMistake(name, params[name], sd) };
    expectShape(params[name], shapes[name], `${name}${label}`, why);
    expectClose(params[name], expected[name], {
      what: `${name}${label}`,
      tol: TOLERANCES.value,
      ...why,
    });
  }
}

exercise('lstm-gru/lstm-load-state-dict', () => {
  // A transpose copies numbers and the bias sum is one addition: TOLERANCES.value leaves room
  // for nothing but that. D = 3, H = 2: weight_ih_l0 [8, 3] and its transpose differ in shape,
  // and the two biases are drawn apart, so neither alone is their sum.
  // D = H = 1, the smallest layer, must load too.
  check(
    'Wx, Wh and b match the reference on a seeded state_dict (D = 3, H = 2, and D = H = 1)',
    1,
    async () => {
      const sd = seededStateDict(1901, 3, 2, 4);
      expectLoaded(await lstmLoadStateDict(sd, { inputSize: 3, hiddenSize: 2 }), sd, 3, 2, '');
      const one = seededStateDict(1903, 1, 1, 4);
      const loaded = await lstmLoadStateDict(one, { inputSize: 1, hiddenSize: 1 });
      expectLoaded(loaded, one, 1, 1, ' (D = H = 1)');
    },
  );

  // Gated on the value check. PyTorch's own numbers: the state_dict of a torch.nn.LSTM, loaded
  // and run through the course's LSTM, gives what torch.nn.LSTM gave (fixtures/lstm.json,
  // float64; measured agreement about 1e-15). The result must be trainable and new.
  check(
    "the loaded weights, run through the course's LSTM, give torch.nn.LSTM's outputs; they require gradients; the state_dict is not changed",
    1,
    async () => {
      const c = torchCase('lstm');
      const { D, H } = c.config;
      const sd = c.stateDict;
      const loaded = await expectNoInputMutation(
        { ...sd },
        () => lstmLoadStateDict(sd, { inputSize: D, hiddenSize: H }),
        { what: 'lstmLoadStateDict' },
      );
      expectLoaded(loaded, sd, D, H, ' (torch.nn.LSTM fixture)');
      const { Wx, Wh, b } = loaded as { Wx: Tensor; Wh: Tensor; b: Tensor };
      for (const [name, t] of [
        ['Wx', Wx],
        ['Wh', Wh],
        ['b', b],
      ] as const) {
        if (!isTensor(t) || !t.requiresGrad) {
          fail(
            'lstmLoadStateDict',
            `${name} does not require gradients: a loaded layer must be trainable`,
            {
              hint: 'trainable',
            },
          );
        }
      }
      const { h } = lstm(tensor(c.x), tensor(c.h0), tensor(c.c0 ?? []), Wx, Wh, b);
      expectClose(h, tensor(c.output), {
        what: "h of the loaded LSTM against torch.nn.LSTM's output",
        tol: TOLERANCES.value,
        hint: 'convert',
      });
    },
    { requires: 'values' },
  );

  // Gated on the value check. PyTorch's strict load_state_dict refuses a missing or an unexpected
  // key, and a shape that does not fit the layer; the message names the key (state-dicts.ts).
  check(
    'a missing key, an unexpected key, a shape that does not fit, and sizes that are not integers >= 1 are refused by name',
    1,
    async () => {
      await expectLoadRefusals(lstmLoadStateDict, 'lstmLoadStateDict', 4, 1902);
    },
    { requires: 'values' },
  );
});
