/**
 * Grading suite of seq2seq-attention/seq2seq-loss-and-grad: the teacher-forced loss of eq. 3.10
 * on a padded batch against the reference, and the gradient of every weight (the encoder's
 * included) against central differences of the learner's loss and the reference's autograd.
 */
import { mul, sum, tensor, zeros, type Tensor } from '@rnn-course/core';
import {
  ABSOLUTE_FLOORS,
  agrees,
  check,
  exercise,
  expectClose,
  expectGradients,
  expectNoInputMutation,
  expectThrows,
  isTensor,
  targetModule,
  TOLERANCES,
  type Explanation,
} from '@rnn-course/grader/testing';
import {
  seq2seqLoss,
  seq2seqParameters,
  type AttentionKind,
  type Seq2Seq,
  type Seq2SeqBatch,
} from '@rnn-course/seq2seq-attention';
import { BATCH, argmaxRows, lossWithInputs, normal, smallModel } from './inputs';

const { seq2seqLossAndGrad } = await targetModule<
  typeof import('@target/seq2seq-attention/seq2seq-loss')
>('seq2seq-attention/seq2seq-loss.ts');

// Tolerances: TOLERANCES.value for the loss; the gradients against the reference at
// TOLERANCES.gradient and against central differences of the learner's loss at
// TOLERANCES.numericModel (a whole model, as CS231n checks one).

/** What a wrong loss says: which inputs the decoder was fed. */
function readFeeding(loss: unknown, model: Seq2Seq, batch: Seq2SeqBatch): Explanation {
  const { sos } = model.config;
  const unshifted = lossWithInputs(model, batch, (t) => batch.target.map((row) => row[t]!));
  if (agrees(loss, unshifted)) {
    return {
      text: 'The loss is what the decoder gives when step t reads y_t, the token it must predict: teacher forcing feeds the previous true token y_{t−1} (sos at t = 0), the targets shifted right by one.',
      hint: 'teacher',
    };
  }
  const own = lossWithInputs(model, batch, (t, previous) =>
    t === 0 || previous === undefined ? batch.target.map(() => sos) : argmaxRows(previous),
  );
  if (agrees(loss, own)) {
    return {
      text: 'The decoder was fed its own predictions (the argmax of the step before): under teacher forcing step t reads the true previous token y_{t−1}, whatever the model predicted.',
      hint: 'teacher',
    };
  }
  return undefined;
}

async function expectLoss(kind: AttentionKind, seed: number, batch: Seq2SeqBatch, label: string) {
  const model = smallModel(kind, seed);
  const { loss } = await seq2seqLossAndGrad(model, batch);
  const expected = seq2seqLoss(model, batch).item();
  expectClose(loss, expected, {
    what: `loss (${kind}${label})`,
    tol: TOLERANCES.value,
    hint: 'loss',
    explain: () => readFeeding(loss, model, batch),
  });
}

/**
 * The learner's gradients against the reference's autograd (every weight), and against central
 * differences of the learner's own loss along one seeded random direction per weight: for the
 * weight W and direction U, (f(W + hU) − f(W − hU)) / 2h must equal Σ dW ⊙ U. Two losses per
 * weight instead of two per element keep a whole model's check within the time limit of a check.
 */
async function expectModelGradients(
  kind: AttentionKind,
  seed: number,
  batch: Seq2SeqBatch,
  label: string,
) {
  const model = smallModel(kind, seed);
  const { grads } = await seq2seqLossAndGrad(model, batch);
  const loss = seq2seqLoss(model, batch);
  loss.backward();
  const params = seq2seqParameters(model);
  const reference = Object.fromEntries(params.map(([k, t]) => [`d${k}`, t.grad ?? zeros(t.shape)]));
  for (const [, t] of params) t.grad = null;
  const h = 1e-5;
  const names: string[] = [];
  const numeric: number[] = [];
  const analytic: number[] = [];
  for (const [k, t] of params) {
    const U = normal(seed + names.length + 7, t.shape); // the direction, shaped like W
    const saved = t.data.slice();
    const at = async (step: number): Promise<number> => {
      for (let i = 0; i < t.size; i++) t.data[i] = saved[i]! + step * U.data[i]!;
      return (await seq2seqLossAndGrad(model, batch)).loss;
    };
    try {
      numeric.push(((await at(h)) - (await at(-h))) / (2 * h));
    } finally {
      t.data.set(saved);
    }
    const g = (grads as Record<string, unknown>)[`d${k}`];
    analytic.push(isTensor(g) && g.size === t.size ? sum(mul(g, U)).item() : Number.NaN);
    names.push(`d${k}`);
  }
  const encoder = ['dEs', 'dWxf', 'dWhf', 'dbf', 'dWxb', 'dWhb', 'dbb', 'dWinit', 'dbinit'];
  const explain = (wrong: ReadonlySet<string>): Explanation => {
    if (wrong.size > 0 && [...wrong].every((k) => encoder.includes(k))) {
      return {
        text: "The decoder's gradients are right but the encoder's are not: every step's gradient of the encoder's outputs is summed over the steps, and what reaches s_{−1} after step 0 goes through the encoder too.",
        hint: 'encoder',
      };
    }
    if (wrong.size > 0 && ['dWx', 'dWh', 'dWc', 'dWy'].some((k) => wrong.has(k))) {
      return {
        text: "The decoder's weights are shared by every step: their gradients are the sums over the steps.",
        hint: 'sums',
      };
    }
    return undefined;
  };
  expectGradients({
    what: `seq2seqLossAndGrad (${kind}${label})`,
    analytic: grads as Record<string, Tensor>,
    reference,
    hint: 'step',
    explain: ({ failed = [] }) => explain(new Set(failed)),
  });
  const off = names.filter(
    (_, i) =>
      !(
        Math.abs(numeric[i]! - analytic[i]!) <=
        TOLERANCES.numericModel * Math.max(1e-8, Math.abs(numeric[i]!) + Math.abs(analytic[i]!)) +
          ABSOLUTE_FLOORS.numericLoss
      ),
  );
  expectClose(tensor(analytic), tensor(numeric), {
    what: `the gradients of seq2seqLossAndGrad (${kind}${label}) along a random direction per weight, ${names.map((n, i) => `${i}: ${n}`).join(', ')}`,
    tol: TOLERANCES.numericModel,
    atol: ABSOLUTE_FLOORS.numericLoss,
    hint: 'step',
    explain: () => {
      const reading = explain(new Set(off));
      const list = `Against central differences of your own loss, wrong: ${off.join(', ')}.`;
      return typeof reading === 'object' && reading !== null
        ? { ...reading, text: `${list} ${reading.text ?? ''}` }
        : list;
    },
  });
}

exercise('seq2seq-attention/seq2seq-loss-and-grad', () => {
  check(
    'the teacher-forced loss matches the reference on a padded batch (additive and dot)',
    2,
    async () => {
      await expectLoss('additive', 1101, BATCH, '');
      await expectLoss('dot', 1102, BATCH, '');
    },
  );

  check(
    'every weight’s gradient, the encoder’s included, matches finite differences and the reference (additive)',
    2,
    async () => {
      await expectModelGradients('additive', 1103, BATCH, '');
    },
  );

  check(
    'the model and the batch are not changed, and a batch whose targets do not match its sources is refused',
    0.5,
    async () => {
      const model = smallModel('general', 1104);
      const watched = Object.fromEntries(seq2seqParameters(model));
      const batch = {
        source: BATCH.source.map((r) => [...r]),
        sourceLengths: [...BATCH.sourceLengths],
        target: BATCH.target.map((r) => [...r]),
        targetLengths: [...BATCH.targetLengths],
      };
      await expectNoInputMutation(
        {
          ...watched,
          source: batch.source,
          target: batch.target,
          targetLengths: batch.targetLengths,
        },
        () => seq2seqLossAndGrad(model, batch),
        { what: 'seq2seqLossAndGrad', outputs: (r) => r.grads },
      );
      await expectThrows(
        () =>
          seq2seqLossAndGrad(model, {
            ...batch,
            target: batch.target.slice(0, 2),
            targetLengths: [3, 2],
          }),
        {
          what: 'seq2seqLossAndGrad',
          name: 'ShapeError',
          argument: 'batch',
          when: 'two target rows for three sources',
          hint: 'step',
        },
      );
      await expectThrows(() => seq2seqLossAndGrad(model, { ...batch, targetLengths: [3, 2] }), {
        what: 'seq2seqLossAndGrad',
        name: 'ShapeError',
        argument: 'batch',
        when: 'two target lengths for three sources',
        hint: 'step',
      });
      await expectThrows(
        () =>
          seq2seqLossAndGrad(model, {
            ...batch,
            target: batch.target.map(() => []),
            targetLengths: batch.target.map(() => 0),
          }),
        {
          what: 'seq2seqLossAndGrad',
          name: 'ShapeError',
          argument: 'batch',
          when: 'target rows of length 0 (no step to decode)',
          hint: 'step',
        },
      );
    },
    { requires: 'values' },
  );

  check('general and no attention (gradients), and one sequence of one token', 1.5, async () => {
    await expectModelGradients('general', 1105, BATCH, '');
    await expectModelGradients('none', 1106, BATCH, '');
    const one = { source: [[4]], sourceLengths: [1], target: [[2]], targetLengths: [1] };
    await expectLoss('additive', 1107, one, ', N = 1, S = 1, L = 1');
    await expectModelGradients('additive', 1107, one, ', N = 1, S = 1, L = 1');
  });
});
