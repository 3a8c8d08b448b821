/**
 * Grading suite of rnn/clip-grad-norm: eq. 1.12, one global norm over every gradient and one
 * factor min(1, maxNorm / (totalNorm + 1e-6)) for all of them (Pascanu et al. 2013).
 */
import { fromData, type Tensor } from '@rnn-course/core';
import {
  agrees,
  check,
  exercise,
  expectClose,
  expectNoInputMutation,
  expectShape,
  expectThrows,
  fail,
  targetModule,
  TOLERANCES,
  type HintOptions,
} from '@rnn-course/grader/testing';
import { clipGradNorm as referenceClip } from '@rnn-course/rnn';
import { normal } from './inputs';

const { clipGradNorm } =
  await targetModule<typeof import('@target/rnn/clip-grad-norm')>('rnn/clip-grad-norm.ts');

// Tolerance TOLERANCES.value: a sum of squares, one square root and one product per element,
// exact up to a few ulps. Gradients below the threshold are compared bit for bit
// (TOLERANCES.exact): the factor is exactly 1 there.

/** Seeded gradients of an RNN's parameters, scaled by `gain`. */
function seededGrads(seed: number, gain: number): Record<string, Tensor> {
  return {
    dWx: normal(seed, [3, 4], gain), // [D, H]
    dWh: normal(seed + 1, [4, 4], 3 * gain), // [H, H], the largest, as when gradients explode
    db: normal(seed + 2, [4], 0.2 * gain), // [H]
  };
}

/** ‖g‖ of one tensor. */
function normOf(t: Tensor): number {
  return Math.sqrt(t.data.reduce((s, v) => s + v * v, 0));
}

/** What wrong clipped gradients say, read against per-tensor clipping and other factors. */
function readClipMistake(
  out: Record<string, unknown>,
  grads: Record<string, Tensor>,
  maxNorm: number,
): string | undefined {
  const scaled = (factor: (g: Tensor) => number): boolean =>
    Object.entries(grads).every(([k, g]) =>
      agrees(
        out[k],
        fromData(
          g.data.map((v) => v * factor(g)),
          g.shape,
        ),
      ),
    );
  if (scaled((g) => Math.min(1, maxNorm / (normOf(g) + 1e-6)))) {
    return (
      'Each tensor was clipped by its own norm. Clip by the global norm: one norm over all the ' +
      'gradients together, sqrt(Σ_k ‖g_k‖²), and one factor for every tensor, so the direction ' +
      'of the whole update is kept.'
    );
  }
  const total = Math.sqrt(Object.values(grads).reduce((s, g) => s + normOf(g) ** 2, 0));
  if (scaled(() => Math.min(1, maxNorm / total))) {
    return (
      'The factor is maxNorm / (totalNorm + 1e-6), with the 1e-6 of eq. 1.12 (it keeps the factor ' +
      'finite for zero gradients).'
    );
  }
  if (scaled(() => maxNorm / (total + 1e-6))) {
    return (
      'The factor is min(1, maxNorm / (totalNorm + 1e-6)): gradients whose global norm is below ' +
      'maxNorm are left unchanged, never scaled up.'
    );
  }
  return undefined;
}

/** What a wrong totalNorm says. */
function readNormMistake(totalNorm: unknown, grads: Record<string, Tensor>): string | undefined {
  if (typeof totalNorm !== 'number') return undefined;
  const norms = Object.values(grads).map(normOf);
  const close = (v: number): boolean => Math.abs(totalNorm - v) <= 1e-9 * Math.abs(v);
  const squares = norms.reduce((s, n) => s + n * n, 0);
  if (close(norms.reduce((s, n) => s + n, 0)))
    return "totalNorm is the sum of the tensors' norms; the global norm is sqrt(Σ_k ‖g_k‖²), the norm of all entries together.";
  if (close(Math.max(...norms)))
    return "totalNorm is the largest tensor's norm; the global norm is sqrt(Σ_k ‖g_k‖²) over all tensors.";
  if (close(squares)) return 'totalNorm is the sum of squares: take its square root.';
  return (
    'totalNorm is the global norm before clipping: sqrt of the sum of the squares of every entry of ' +
    'every gradient.'
  );
}

/**
 * Asserts that the learner returned the same names and shapes, then each tensor's values.
 * `why` reads a failure of the values (by default against the usual clipping mistakes).
 */
function expectClipped(
  out: { grads: Record<string, unknown>; totalNorm: unknown },
  expected: { grads: Record<string, Tensor>; totalNorm: number },
  grads: Record<string, Tensor>,
  maxNorm: number,
  tol: number,
  label: string,
  why: HintOptions = {
    hint: 'globalNorm',
    explain: () => readClipMistake(out.grads, grads, maxNorm),
  },
): void {
  const names = Object.keys(expected.grads);
  const got = Object.keys(out.grads ?? {});
  if (got.length !== names.length || names.some((k) => !got.includes(k))) {
    fail(
      'grads',
      `grads${label}: expected the keys ${names.join(', ')}, received ${got.join(', ') || 'none'}`,
      { hint: 'newTensors' },
    );
  }
  expectClose(out.totalNorm, expected.totalNorm, {
    what: `totalNorm${label}`,
    tol: TOLERANCES.value,
    hint: 'globalNorm',
    explain: () => readNormMistake(out.totalNorm, grads),
  });
  for (const k of names) {
    expectShape(out.grads[k], expected.grads[k].shape, `grads.${k}${label}`, why);
    expectClose(out.grads[k], expected.grads[k], {
      what: `grads.${k}${label}`,
      tol,
      ...(tol === 0 ? { atol: 0 } : {}),
      ...why,
    });
  }
}

exercise('rnn/clip-grad-norm', () => {
  // Global norm about 14 against maxNorm 5; dWh alone is above 5 but dWx and db are not,
  // so clipping each tensor on its own leaves them untouched and gives a different result.
  // A single one-element gradient is the smallest case: its norm is its absolute value.
  check(
    'above maxNorm: one factor from the global norm scales every tensor (maxNorm = 5), also for a single one-element gradient',
    1,
    async () => {
      const grads = seededGrads(1001, 1);
      const expected = referenceClip(grads, 5);
      const out = await clipGradNorm(grads, 5);
      expectClipped(out, expected, grads, 5, TOLERANCES.value, ' (above maxNorm)');
      const single = { db: fromData([-3], [1]) };
      const outSingle = await clipGradNorm(single, 2);
      expectClipped(
        outSingle,
        referenceClip(single, 2),
        single,
        2,
        TOLERANCES.value,
        ' (one element)',
      );
    },
  );

  // Gated on the value check above. A maxNorm of 0 would zero every gradient, a negative one flip
  // the update, NaN poison it: each is refused, naming maxNorm.
  check(
    'the input gradients are not changed when clipping, and a maxNorm that is not positive is refused',
    1,
    async () => {
      const grads = seededGrads(1021, 1);
      await expectNoInputMutation({ ...grads }, () => clipGradNorm(grads, 2), {
        what: 'clipGradNorm',
        hint: 'newTensors',
      });
      const refusals = [
        { name: 'RangeError', argument: 'maxNorm', when: 'maxNorm = 0', maxNorm: 0 },
        { name: 'RangeError', argument: 'maxNorm', when: 'maxNorm = -1', maxNorm: -1 },
        { name: 'RangeError', argument: 'maxNorm', when: 'maxNorm = NaN', maxNorm: Number.NaN },
      ];
      for (const { maxNorm, ...refusal } of refusals) {
        await expectThrows(() => clipGradNorm(grads, maxNorm), {
          what: 'clipGradNorm',
          hint: 'maxNorm',
          ...refusal,
        });
      }
    },
    { requires: 'values' },
  );

  // Below the threshold the factor is exactly 1, so the values come back bit for bit, but in new
  // tensors: the caller updates its parameters from them and must not change its gradients by
  // doing so. Zero gradients give totalNorm 0 and a factor maxNorm / 1e-6 capped at 1, never 0/0.
  check(
    'below maxNorm the gradients come back unchanged in new tensors; all-zero gradients stay zero (no NaN)',
    1,
    async () => {
      const grads = seededGrads(1011, 0.1);
      const expected = referenceClip(grads, 50);
      const out = await expectNoInputMutation({ ...grads }, () => clipGradNorm(grads, 50), {
        what: 'clipGradNorm',
        hint: 'newTensors',
      });
      expectClipped(out, expected, grads, 50, TOLERANCES.exact, ' (below maxNorm)', {
        hint: 'factor',
        explain: () =>
          'Below maxNorm the factor min(1, maxNorm / (totalNorm + 1e-6)) is 1: the gradients come back unchanged.',
      });
      const zero = {
        dWx: fromData(new Float64Array(6), [2, 3]),
        db: fromData(new Float64Array(3), [3]),
      };
      const outZero = await clipGradNorm(zero, 1);
      expectClipped(outZero, referenceClip(zero, 1), zero, 1, TOLERANCES.exact, ' (all zero)', {
        hint: 'factor',
        explain: () =>
          'All-zero gradients have totalNorm 0: the factor maxNorm / (0 + 1e-6) is capped at 1, and 0 · ' +
          '1 = 0 (dividing by totalNorm alone gives 0/0 = NaN).',
      });
    },
  );
});
