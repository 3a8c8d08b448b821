/**
 * Grading suite of rnn/temporal-softmax-loss-and-grad: eqs. 1.10-1.11, softmax cross-entropy summed
 * over time and unmasked positions and divided by the batch size N, with its gradient.
 */
import { scale, tensor, zeros, type Tensor } from '@rnn-course/core';
import {
  ABSOLUTE_FLOORS,
  agrees,
  check,
  exercise,
  expectClose,
  expectFinite,
  expectNoInputMutation,
  expectShape,
  expectThrows,
  fail,
  isTensor,
  numericGradient,
  referenceGradients,
  targetModule,
  TOLERANCES,
} from '@rnn-course/grader/testing';
import { temporalSoftmaxLoss } from '@rnn-course/rnn';
import { ids as seededIds, normal } from './inputs';

const { temporalSoftmaxLossAndGrad } = await targetModule<
  typeof import('@target/rnn/temporal-softmax-loss')
>('rnn/temporal-softmax-loss.ts');

/**
 * Tolerances. Loss and dlogits against the reference: a log-sum-exp per position and a sum of
 * N·T terms, exact up to rounding (about 1e-15), so TOLERANCES.value. dlogits against central
 * differences of the learner's own loss: TOLERANCES.numeric, with the floor of a loss's
 * gradient (ABSOLUTE_FLOORS.numericLoss).
 */
const TOL = TOLERANCES.value;

/** Reference loss and dlogits. */
function referenceOf(
  logits: Tensor,
  targets: number[][],
  mask: number[][],
): { loss: number; dlogits: Tensor } {
  const loss = temporalSoftmaxLoss(logits, targets, mask).item();
  const dlogits = referenceGradients((z) => temporalSoftmaxLoss(z, targets, mask), {
    logits,
  }).dlogits;
  return { loss, dlogits };
}

/**
 * What a wrong loss says about its normalisation. sumLoss: Σ over unmasked positions of
 * -log p (before any division); N, T: the batch and time sizes; count: unmasked positions.
 */
function readNormalisation(
  loss: unknown,
  expected: number,
  N: number,
  T: number,
  count: number,
  unmasked: number,
): string | undefined {
  if (typeof loss !== 'number' || !Number.isFinite(loss)) return undefined;
  const sumLoss = expected * N;
  const close = (v: number): boolean => Math.abs(loss - v) <= 1e-9 * Math.abs(v);
  const chapter =
    'the chapter normalises by N, the batch size: L = (1/N) Σ_n Σ_t m_{n,t} (−log p_{n,t}[target]).';
  if (count > 0 && count !== N && close(sumLoss / count)) {
    return `The loss is normalised by the number of unmasked positions (${count}), the mean over tokens; ${chapter}`;
  }
  if (close(sumLoss)) return `The loss is not divided by N = ${N}: ${chapter}`;
  if (close(sumLoss / (N * T))) return `The loss is normalised by N·T = ${N * T}: ${chapter}`;
  if (close(unmasked / N))
    return `The loss counts masked positions: multiply each term by its mask m_{n,t}; ${chapter}`;
  if (close(unmasked / (N * T)) || close(unmasked))
    return `The loss ignores the mask and is normalised differently: ${chapter}`;
  return undefined;
}

/** A seeded case: logits [N, T, V], targets and a partial mask [N][T]. */
function seededCase(seed: number, N: number, T: number, V: number, std = 1.5) {
  const logits = normal(seed, [N, T, V], std);
  const targets = seededIds(seed + 1, N, T, V);
  // A mask that ends sequences at different lengths, as padding does: row n keeps T - n steps.
  const mask: number[][] = Array.from({ length: N }, (_, n) =>
    Array.from({ length: T }, (_, t) => (t < T - n ? 1 : 0)),
  );
  return { logits, targets, mask };
}

/**
 * What a non-finite or wrong loss at logits of ±1e4 says: Infinity from the log of a
 * probability that rounded to 0, or NaN from exp overflowing.
 */
function readStability(loss: unknown, dlogits: unknown): string {
  const logSumExp =
    'Compute the loss in the log-sum-exp form: −log p[y] = logSumExp(z) − z[y], with ' +
    'logSumExp(z) = max + log Σ exp(z − max), never as −log(softmax(z)[y]).';
  if (loss === Infinity) {
    return (
      'The loss is Infinity: a target 2e4 below the maximum of its row has a probability that ' +
      `rounds to 0, and −log 0 = Infinity. ${logSumExp}`
    );
  }
  const nan = (v: unknown): boolean =>
    (typeof v === 'number' && Number.isNaN(v)) ||
    (isTensor(v) && v.data.some((x) => Number.isNaN(x)));
  if (nan(loss) || nan(dlogits)) {
    return (
      "exp overflows for logits above about 709 (e^1e4 = Infinity, Infinity / Infinity = NaN): subtract each row's " +
      `maximum before exp, softmax(z) = softmax(z − max z). ${logSumExp}`
    );
  }
  return logSumExp;
}

exercise('rnn/temporal-softmax-loss-and-grad', () => {
  check(
    'loss and dlogits match the reference with a partial mask (N = 3, T = 4, V = 6)',
    1,
    async () => {
      const { logits, targets, mask } = seededCase(901, 3, 4, 6);
      const expected = referenceOf(logits, targets, mask);
      const unmasked = temporalSoftmaxLoss(logits, targets).item() * 3; // Σ over every position
      const count = mask.flat().reduce((s, m) => s + m, 0);
      const { loss, dlogits } = await temporalSoftmaxLossAndGrad(logits, targets, mask);
      expectClose(loss, expected.loss, {
        what: 'loss',
        tol: TOL,
        hint: 'normalise',
        explain: () => readNormalisation(loss, expected.loss, 3, 4, count, unmasked),
      });
      const gradient = {
        hint: 'gradient',
        explain: () => {
          if (agrees(dlogits, scale(expected.dlogits, 3 / count))) {
            return `dlogits is normalised by the number of unmasked positions (${count}); like the loss, it is divided by N = 3 (eq. 1.11).`;
          }
          if (agrees(dlogits, scale(expected.dlogits, 3)))
            return 'dlogits is not divided by N = 3 (eq. ' + '1.11: m (p − onehot) / N).';
          return 'dlogits[n, t] = m_{n,t} (p_{n,t} − onehot(target)) / N (eq. 1.11): zero at masked positions.';
        },
      };
      expectShape(dlogits, [3, 4, 6], 'dlogits', gradient);
      expectClose(dlogits, expected.dlogits, {
        what: 'dlogits',
        tol: TOL,
        timeAxis: 1,
        ...gradient,
      });
    },
  );

  // Gated on the value check above. targets and mask must be [N][T] like the logits; a target
  // outside [0, V) picks a logit that does not exist (undefined, then NaN) and must be refused.
  check(
    'logits, targets and mask are not changed, dlogits is a new tensor, and targets or masks that do not fit are refused',
    1,
    async () => {
      const { logits, targets, mask } = seededCase(951, 2, 3, 4);
      await expectNoInputMutation(
        { logits, targets, mask },
        () => temporalSoftmaxLossAndGrad(logits, targets, mask),
        { what: 'temporalSoftmaxLossAndGrad' },
      );
      const ones = [
        [1, 1, 1],
        [1, 1, 1],
      ];
      const refusals = [
        {
          name: 'ShapeError',
          argument: 'logits',
          when: 'logits of shape [6, 4] (not [N, T, V])',
          call: () => temporalSoftmaxLossAndGrad(normal(952, [6, 4]), targets, mask),
        },
        {
          name: 'ShapeError',
          argument: 'targets',
          when: 'targets with 1 row where logits has N = 2',
          call: () => temporalSoftmaxLossAndGrad(logits, [[0, 1, 2]], mask),
        },
        {
          name: 'ShapeError',
          argument: 'targets',
          when: 'targets with rows of lengths 3 and 2 (ragged)',
          call: () =>
            temporalSoftmaxLossAndGrad(
              logits,
              [
                [0, 1, 2],
                [3, 0],
              ],
              mask,
            ),
        },
        {
          name: 'ShapeError',
          argument: 'mask',
          when: 'mask with 3 rows where logits has N = 2',
          call: () => temporalSoftmaxLossAndGrad(logits, targets, [...ones, [1, 1, 1]]),
        },
        {
          name: 'ShapeError',
          argument: 'mask',
          when: 'mask with rows of lengths 3 and 4 (ragged)',
          call: () =>
            temporalSoftmaxLossAndGrad(logits, targets, [
              [1, 1, 1],
              [1, 1, 1, 1],
            ]),
        },
        {
          name: 'RangeError',
          argument: 'targets',
          when: 'targets[1][2] = 4 with V = 4',
          call: () =>
            temporalSoftmaxLossAndGrad(
              logits,
              [
                [0, 1, 2],
                [3, 0, 4],
              ],
              ones,
            ),
        },
        {
          name: 'RangeError',
          argument: 'targets',
          when: 'targets[0][0] = -1',
          call: () =>
            temporalSoftmaxLossAndGrad(
              logits,
              [
                [-1, 1, 2],
                [3, 0, 1],
              ],
              ones,
            ),
        },
        {
          name: 'RangeError',
          argument: 'targets',
          when: 'targets[0][1] = 1.5 (not an integer)',
          call: () =>
            temporalSoftmaxLossAndGrad(
              logits,
              [
                [0, 1.5, 2],
                [3, 0, 1],
              ],
              ones,
            ),
        },
      ];
      for (const { call, ...refusal } of refusals) {
        await expectThrows(call, {
          what: 'temporalSoftmaxLossAndGrad',
          hint: 'refuse',
          ...refusal,
        });
      }
    },
    { requires: 'values' },
  );

  // Central differences of the learner's own loss: dlogits must be the gradient of the loss
  // the learner computes, whatever its normalisation. A loss that does not move when the logits
  // do (a constant) has a zero gradient that this comparison alone would accept, so the loss
  // must depend on the logits. Tolerance above.
  check(
    'dlogits matches finite differences of your own loss (N = 2, T = 3, V = 5)',
    1,
    async () => {
      const { logits, targets, mask } = seededCase(911, 2, 3, 5);
      const { dlogits } = await temporalSoftmaxLossAndGrad(logits, targets, mask);
      const probe = logits.clone(); // perturbed in place by the central differences
      const numeric = await numericGradient(
        async () => (await temporalSoftmaxLossAndGrad(probe, targets, mask)).loss,
        probe,
      );
      if (numeric.data.every((v) => Math.abs(v) < 1e-6)) {
        fail(
          'loss',
          'your loss does not change when the logits change (its finite differences are all 0): the loss ' +
            'is the cross-entropy of the softmax of the logits, eq. 1.10.',
          { hint: 'normalise' },
        );
      }
      const why = {
        hint: 'gradient',
        explain: () =>
          agrees(dlogits, scale(numeric, 2)) || agrees(dlogits, scale(numeric, 0.5))
            ? 'dlogits is off by a factor N: the loss and its gradient must be normalised the same way (both ' +
              'divided by N).'
            : 'dlogits is not the gradient of your loss: p − onehot(target), times the mask, divided by what ' +
              'the loss is divided by.',
      };
      expectShape(dlogits, [2, 3, 5], 'dlogits', why);
      expectClose(dlogits, numeric, {
        what: 'dlogits vs finite differences of your loss',
        tol: TOLERANCES.numeric,
        atol: ABSOLUTE_FLOORS.numericLoss,
        timeAxis: 1,
        ...why,
      });
    },
  );

  // Masks: all zero gives exactly 0 and a zero gradient (no 0/0 from dividing by the number
  // of unmasked positions); all ones counts every position; tolerance as above.
  check(
    'masks: all-zero gives loss 0 and zero gradient, all-ones counts every position',
    1,
    async () => {
      const { logits, targets } = seededCase(921, 2, 3, 4);
      const zerosMask = [
        [0, 0, 0],
        [0, 0, 0],
      ];
      const none = await temporalSoftmaxLossAndGrad(logits, targets, zerosMask);
      const empty = {
        hint: 'normalise',
        explain: () =>
          'With every position masked the loss is 0 and so is every gradient; dividing by the number of ' +
          'unmasked positions gives 0/0 = NaN here. The chapter normalises by N.',
      };
      expectFinite(none.loss, 'loss (all-zero mask)', empty);
      expectClose(none.loss, 0, {
        what: 'loss (all-zero mask)',
        tol: TOLERANCES.exact,
        atol: 0,
        ...empty,
      });
      expectShape(none.dlogits, [2, 3, 4], 'dlogits (all-zero mask)', empty);
      expectFinite(none.dlogits, 'dlogits (all-zero mask)', empty);
      expectClose(none.dlogits, zeros([2, 3, 4]), {
        what: 'dlogits (all-zero mask)',
        tol: TOLERANCES.exact,
        atol: 0,
        ...empty,
      });
      const onesMask = [
        [1, 1, 1],
        [1, 1, 1],
      ];
      const expected = referenceOf(logits, targets, onesMask);
      const all = await temporalSoftmaxLossAndGrad(logits, targets, onesMask);
      const full = {
        hint: 'normalise',
        explain: () => readNormalisation(all.loss, expected.loss, 2, 3, 6, expected.loss * 2),
      };
      expectClose(all.loss, expected.loss, { what: 'loss (all-ones mask)', tol: TOL, ...full });
      expectClose(all.dlogits, expected.dlogits, {
        what: 'dlogits (all-ones mask)',
        tol: TOL,
        timeAxis: 1,
        ...full,
      });
    },
  );

  // Logits of ±1e4: a spread of 2e4 within a row and offsets of ±1e4 between rows. exp
  // overflows above about 709 unless the row's maximum is subtracted first; and with the
  // maximum subtracted, the probability of a target 2e4 below it still rounds to 0, so
  // −log(softmax(z)[y]) is −log 0 = Infinity while the log-sum-exp form, logSumExp(z) − z[y],
  // is 2e4 exactly. The reference's log-softmax is exact here; tolerance as above.
  check(
    'logits of ±1e4 give a finite loss and gradient: the log-sum-exp form, no overflow',
    1,
    async () => {
      const logits = tensor([
        [
          [1e4, -1e4, 0, 3, -2],
          [-1e4, 1e4, 1, -1e4, 2],
          [1e4 + 5, 1e4, 1e4 - 3, 1e4 + 1, 1e4 - 7],
        ],
        [
          [-1e4, -1e4 + 2, -1e4 - 4, -1e4 + 1, -1e4],
          [0.5, -1e4, 1e4, -0.5, 2],
          [2, 1, 0, -1, 1e4],
        ],
      ]); // [N = 2, T = 3, V = 5]
      const targets = [
        [1, 0, 4],
        [2, 1, 4],
      ]; // logits 2e4 below the row's maximum at [0][0], [0][1] and [1][1]
      const mask = [
        [1, 1, 1],
        [1, 1, 0],
      ];
      const expected = referenceOf(logits, targets, mask);
      const { loss, dlogits } = await temporalSoftmaxLossAndGrad(logits, targets, mask);
      const stable = { hint: 'stable', explain: () => readStability(loss, dlogits) };
      expectFinite(loss, 'loss (logits of ±1e4)', stable);
      expectShape(dlogits, [2, 3, 5], 'dlogits (logits of ±1e4)', stable);
      expectFinite(dlogits, 'dlogits (logits of ±1e4)', stable);
      expectClose(loss, expected.loss, { what: 'loss (logits of ±1e4)', tol: TOL, ...stable });
      expectClose(dlogits, expected.dlogits, {
        what: 'dlogits (logits of ±1e4)',
        tol: TOL,
        timeAxis: 1,
        ...stable,
      });
    },
  );

  // The smallest cases, tolerance as above: N = 1 and T = 1 keep both axes of dlogits
  // [1, 1, V]; V = 1, a single logit, has p = 1 for its only class: loss 0 and gradient 0,
  // whatever the logit.
  check('N = 1 and T = 1, and V = 1 (a single logit: loss 0, gradient 0)', 1, async () => {
    const { logits, targets, mask } = seededCase(941, 1, 1, 7);
    const expected = referenceOf(logits, targets, mask);
    const { loss, dlogits } = await temporalSoftmaxLossAndGrad(logits, targets, mask);
    const why = {
      hint: 'normalise',
      explain: () => readNormalisation(loss, expected.loss, 1, 1, 1, expected.loss),
    };
    expectClose(loss, expected.loss, { what: 'loss (N = 1, T = 1)', tol: TOL, ...why });
    expectShape(dlogits, [1, 1, 7], 'dlogits (N = 1, T = 1)', why);
    expectClose(dlogits, expected.dlogits, { what: 'dlogits (N = 1, T = 1)', tol: TOL, ...why });

    const single = tensor([
      [[3.5], [-20]],
      [[0], [1e4]],
    ]); // [N = 2, T = 2, V = 1]
    const zeroTargets = [
      [0, 0],
      [0, 0],
    ];
    const one = await temporalSoftmaxLossAndGrad(single, zeroTargets, [
      [1, 1],
      [1, 0],
    ]);
    const onlyClass = {
      hint: 'stable',
      explain: () =>
        'With V = 1 the softmax of a single logit is 1 whatever the logit, so −log p = 0 and p − onehot = 0.',
    };
    expectClose(one.loss, 0, {
      what: 'loss (V = 1)',
      tol: TOLERANCES.exact,
      atol: 0,
      ...onlyClass,
    });
    expectShape(one.dlogits, [2, 2, 1], 'dlogits (V = 1)', onlyClass);
    expectClose(one.dlogits, zeros([2, 2, 1]), {
      what: 'dlogits (V = 1)',
      tol: TOLERANCES.exact,
      atol: 0,
      ...onlyClass,
    });
  });
});
