/**
 * Grading suite of lstm-gru/gru-load-state-dict: a `torch.nn.GRU` state_dict into the course's
 * layout (eq. 2.20), two biases kept apart, against the reference loader on a seeded state_dict and against PyTorch's
 * own outputs on the chapter's fixture; bad keys and shapes are refused by name.
 */
import { add, tensor, type Tensor } from '@rnn-course/core';
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
import { gru, gruLoadStateDict as referenceLoad, type StateDict } from '@rnn-course/lstm-gru';
import {
  expectLoadRefusals,
  reshapedNotTransposed,
  seededStateDict,
  torchCase,
} from './state-dicts';

const { gruLoadStateDict } =
  await targetModule<typeof import('@target/lstm-gru/gru')>('lstm-gru/gru.ts');

/** What a wrong parameter says, read against the usual mistakes of eq. 2.20 for the GRU. */
function readLoadMistake(
  name: 'Wx' | 'Wh' | 'bx' | 'bh',
  value: unknown,
  sd: StateDict,
): Explanation {
  const bih = tensor(sd.bias_ih_l0 ?? []);
  const bhh = tensor(sd.bias_hh_l0 ?? []);
  if ((name === 'bx' || name === 'bh') && agrees(value, add(bih, bhh))) {
    return {
      text:
        `${name} is the sum of the two biases, as for the LSTM: the GRU needs them apart, because ` +
        "bh's n block sits inside the reset product r ⊙ (h Wh^n + bh^n) and bx's does not (eq. 2.13).",
      hint: 'convert',
    };
  }
  if ((name === 'bx' && agrees(value, bhh)) || (name === 'bh' && agrees(value, bih))) {
    return {
      text: 'bx and bh are swapped: bx is bias_ih_l0 (the input part), bh is bias_hh_l0 (eq. 2.20).',
      hint: 'convert',
    };
  }
  if (name === 'Wx' || name === 'Wh') {
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
      'gruLoadStateDict',
      `gruLoadStateDict${label}: expected { Wx, Wh, bx, bh }, received ${String(got)}`,
      {
        hint: 'layout',
      },
    );
  }
  const params = got as Record<string, unknown>;
  const expected = referenceLoad(sd, { inputSize: D, hiddenSize: H });
  const shapes = { Wx: [D, 3 * H], Wh: [H, 3 * H], bx: [3 * H], bh: [3 * H] } as const;
  for (const name of ['Wx', 'Wh', 'bx', 'bh'] as const) {
    const why = { hint: 'layout', explain: () => readLoadMistake(name, params[name], sd) };
    expectShape(params[name], shapes[name], `${name}${label}`, why);
    expectClose(params[name], expected[name], {
      what: `${name}${label}`,
      tol: TOLERANCES.value,
      ...why,
    });
  }
}

exercise('lstm-gru/gru-load-state-dict', () => {
  // A transpose copies numbers: TOLERANCES.value leaves room for nothing else. D = 3, H = 2:
  // weight_ih_l0 [6, 3] and its transpose differ in shape, and the two biases are drawn apart,
  // so keeping them apart is seen. D = H = 1, the smallest layer, must load too.
  check(
    'Wx, Wh, bx and bh match the reference on a seeded state_dict (D = 3, H = 2, and D = H = 1)',
    1,
    async () => {
      const sd = seededStateDict(2101, 3, 2, 3);
      expectLoaded(await gruLoadStateDict(sd, { inputSize: 3, hiddenSize: 2 }), sd, 3, 2, '');
      const one = seededStateDict(2103, 1, 1, 3);
      const loaded = await gruLoadStateDict(one, { inputSize: 1, hiddenSize: 1 });
      expectLoaded(loaded, one, 1, 1, ' (D = H = 1)');
    },
  );

  // Gated on the value check. PyTorch's own numbers: the state_dict of a torch.nn.GRU, loaded
  // and run through the course's GRU, gives what torch.nn.GRU gave (fixtures/gru.json,
  // float64; measured agreement about 1e-15). The result must be trainable and new.
  check(
    "the loaded weights, run through the course's GRU, give torch.nn.GRU's outputs; they require gradients; the state_dict is not changed",
    1,
    async () => {
      const c = torchCase('gru');
      const { D, H } = c.config;
      const sd = c.stateDict;
      const loaded = await expectNoInputMutation(
        { ...sd },
        () => gruLoadStateDict(sd, { inputSize: D, hiddenSize: H }),
        { what: 'gruLoadStateDict' },
      );
      expectLoaded(loaded, sd, D, H, ' (torch.nn.GRU fixture)');
      const { Wx, Wh, bx, bh } = loaded as { Wx: Tensor; Wh: Tensor; bx: Tensor; bh: Tensor };
      for (const [name, t] of [
        ['Wx', Wx],
        ['Wh', Wh],
        ['bx', bx],
        ['bh', bh],
      ] as const) {
        if (!isTensor(t) || !t.requiresGrad) {
          fail(
            'gruLoadStateDict',
            `${name} does not require gradients: a loaded layer must be trainable`,
            {
              hint: 'trainable',
            },
          );
        }
      }
      const h = gru(tensor(c.x), tensor(c.h0), Wx, Wh, bx, bh); // [N, T, H]
      expectClose(h, tensor(c.output), {
        what: "h of the loaded GRU against torch.nn.GRU's output",
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
      await expectLoadRefusals(gruLoadStateDict, 'gruLoadStateDict', 3, 2102);
    },
    { requires: 'values' },
  );
});
