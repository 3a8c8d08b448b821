/**
 * Grading suite of transformer-bridge/causal-mask: eq. 4.9, M[i, j] = 1 when key j is at or
 * before query i, else 0, compared bit for bit with the reference.
 */
import { fromData, transpose, type Tensor } from '@rnn-course/core';
import {
  agrees,
  check,
  exercise,
  expectClose,
  expectShape,
  expectThrows,
  type Explanation,
  fail,
  isTensor,
  targetModule,
  TOLERANCES,
} from '@rnn-course/grader/testing';
import { causalMask as referenceMask } from '@rnn-course/transformer-bridge';

const { causalMask } = await targetModule<typeof import('@target/transformer-bridge/causal-mask')>(
  'transformer-bridge/causal-mask.ts',
);

// Tolerance TOLERANCES.exact (and no absolute floor): a mask is 0s and 1s, exactly.

/** A [T, T] 0/1 mask with M[i, j] = allowed(i, j). */
function maskOf(T: number, allowed: (i: number, j: number) => boolean): Tensor {
  const data = new Float64Array(T * T);
  for (let i = 0; i < T; i++) for (let j = 0; j < T; j++) data[i * T + j] = allowed(i, j) ? 1 : 0;
  return fromData(data, [T, T]);
}

/** What a wrong mask says, read against the usual slips of eq. 4.9. */
function readMaskMistake(got: unknown, T: number): Explanation {
  if (
    agrees(
      got,
      maskOf(T, (i, j) => j <= i + 1),
    )
  ) {
    return {
      text:
        'The mask lets query i see key i + 1, the next position: during training the model would ' +
        'learn to copy the token it must predict. Allow j ≤ i only.',
      hint: 'triangle',
    };
  }
  if (
    agrees(
      got,
      maskOf(T, (i, j) => j < i),
    )
  ) {
    return {
      text: 'The diagonal is blocked: query i may see itself, key j = i (j ≤ i, not j < i).',
      hint: 'triangle',
    };
  }
  if (agrees(got, transpose(referenceMask(T)))) {
    return {
      text: 'The mask is transposed: rows are queries and columns keys, and query i sees keys j ≤ i, below the diagonal.',
      hint: 'triangle',
    };
  }
  if (
    agrees(
      got,
      maskOf(T, (i, j) => j > i),
    )
  ) {
    return {
      text: 'The mask has 1 where attention is blocked: in this course 1 means allowed (and 0 blocked).',
      hint: 'sense',
    };
  }
  return undefined;
}

/** The learner's mask for T against the reference, bit for bit. */
async function expectMask(T: number): Promise<Tensor> {
  const got = await causalMask(T);
  const why = { hint: 'triangle', explain: () => readMaskMistake(got, T) };
  expectShape(got, [T, T], `causalMask(${T})`, why);
  expectClose(got, referenceMask(T), {
    what: `causalMask(${T})`,
    tol: TOLERANCES.exact,
    atol: 0,
    ...why,
  });
  return got;
}

exercise('transformer-bridge/causal-mask', () => {
  check(
    'causalMask(T) is lower-triangular ones, the diagonal included (T = 5 and T = 2)',
    1,
    async () => {
      await expectMask(5);
      await expectMask(2);
    },
  );

  // T = 1 is [[1]]; every call returns a new tensor, so that a caller that changes one mask
  // (as a padding mask is multiplied in) does not change the next. T below 1 or not an integer
  // is refused.
  check(
    'T = 1 gives [[1]], each call a new tensor; T = 0 and T = 2.5 are refused',
    1,
    async () => {
      await expectMask(1);
      const first = await expectMask(4);
      const second = await causalMask(4);
      if (isTensor(second) && (second === first || second.data.buffer === first.data.buffer)) {
        fail(
          'causalMask(4)',
          'causalMask returned the same tensor twice: return a new [T, T] tensor at every call.',
          {
            hint: 'range',
          },
        );
      }
      for (const T of [0, 2.5]) {
        await expectThrows(() => causalMask(T), {
          what: 'causalMask',
          name: 'RangeError',
          argument: 'T',
          when: `T = ${T}`,
          hint: 'range',
        });
      }
    },
    {
      requires: ['causalMask(T) is lower-triangular ones, the diagonal included (T = 5 and T = 2)'],
    },
  );
});
