/**
 * Grading suite of transformer-bridge/sinusoidal-positional-encoding: eq. 4.8,
 * PE[t, 2i] = sin(t / 10000^(2i/D)) and PE[t, 2i + 1] = cos(t / 10000^(2i/D)), against the
 * reference for even and odd D, one position, and the promised refusals.
 */
import { fromData, type Tensor } from '@rnn-course/core';
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
import { sinusoidalPositionalEncoding as referencePE } from '@rnn-course/transformer-bridge';

const { sinusoidalPositionalEncoding } = await targetModule<
  typeof import('@target/transformer-bridge/sinusoidal-positional-encoding')
>('transformer-bridge/sinusoidal-positional-encoding.ts');

// Tolerance TOLERANCES.value: one power, one division and one sine or cosine per entry, exact
// up to a few ulps; an exponent or an offset off by one changes entries by 1e-3 or more.

/** Eq. 4.8 with the usual slips as options. */
function encoding(
  T: number,
  D: number,
  opts: { swap?: boolean; exponent?: (k: number) => number; start?: number; halves?: boolean } = {},
): Tensor {
  const data = new Float64Array(T * D);
  const half = Math.ceil(D / 2); // halves: pair i is feature i (sine) and half + i (cosine)
  for (let t = 0; t < T; t++) {
    for (let k = 0; k < D; k++) {
      const pair = opts.halves ? (k < half ? k : k - half) : Math.floor(k / 2);
      const e = opts.exponent?.(k) ?? 2 * pair;
      const angle = (t + (opts.start ?? 0)) / 10000 ** (e / D);
      const sine = opts.halves ? k < half : k % 2 === 0;
      data[t * D + k] = sine !== (opts.swap ?? false) ? Math.sin(angle) : Math.cos(angle);
    }
  }
  return fromData(data, [T, D]);
}

/** What a wrong encoding says, read against the usual slips of eq. 4.8. */
function readEncodingMistake(got: unknown, T: number, D: number): Explanation {
  if (agrees(got, encoding(T, D, { swap: true }))) {
    return {
      text: 'Sine and cosine are on the wrong features: eq. 4.8 puts the sine on the even features (2i) and the cosine on the odd ones (2i + 1).',
      hint: 'sineCosine',
    };
  }
  if (agrees(got, encoding(T, D, { halves: true }))) {
    return {
      text:
        'The sines fill the first half of the features and the cosines the second half: eq. 4.8 ' +
        'interleaves them, the sine of pair i on feature 2i and its cosine on feature 2i + 1. The ' +
        'halves layout carries the same information, but in another order than the one the model ' +
        'and the PyTorch fixtures expect.',
      hint: 'sineCosine',
    };
  }
  if (agrees(got, encoding(T, D, { exponent: (k) => k }))) {
    return {
      text: 'The exponent uses the feature index k: features 2i and 2i + 1 share one frequency, 1 / 10000^(2i/D), with the even index 2i of the pair.',
      hint: 'pairs',
    };
  }
  if (agrees(got, encoding(T, D, { exponent: (k) => Math.floor(k / 2) }))) {
    return {
      text: 'The exponent is i/D for the pair i: eq. 4.8 has 2i/D, so the wavelengths run from 2π to 10000·2π.',
      hint: 'pairs',
    };
  }
  if (agrees(got, encoding(T, D, { start: 1 }))) {
    return {
      text: 'The positions start at 1: the first row is position t = 0 (sin 0 = 0, cos 0 = 1).',
      hint: 'sineCosine',
    };
  }
  return undefined;
}

/** The learner's encoding for (T, D) against the reference. */
async function expectEncoding(T: number, D: number): Promise<Tensor> {
  const got = await sinusoidalPositionalEncoding(T, D);
  const what = `sinusoidalPositionalEncoding(${T}, ${D})`;
  const why = { hint: 'pairs', explain: () => readEncodingMistake(got, T, D) };
  expectShape(got, [T, D], what, why);
  expectClose(got, referencePE(T, D), { what, tol: TOLERANCES.value, timeAxis: 0, ...why });
  return got;
}

exercise('transformer-bridge/sinusoidal-positional-encoding', () => {
  check('matches eq. 4.8 for T = 50, D = 16 and for an odd D = 5', 1, async () => {
    await expectEncoding(50, 16);
    await expectEncoding(7, 5);
  });

  // One position (row 0 is 0, 1, 0, 1, …), a new tensor at every call, and the refusals the
  // doc comment promises.
  check(
    'T = 1 and D = 1; a new tensor at every call; T or D below 1 refused',
    1,
    async () => {
      await expectEncoding(1, 6);
      await expectEncoding(3, 1);
      const first = await expectEncoding(4, 4);
      const second = await sinusoidalPositionalEncoding(4, 4);
      if (isTensor(second) && (second === first || second.data.buffer === first.data.buffer)) {
        fail(
          'sinusoidalPositionalEncoding(4, 4)',
          'sinusoidalPositionalEncoding returned the same tensor twice: return a new [T, D] tensor at every call.',
          {
            hint: 'oddD',
          },
        );
      }
      const refuse = (T: number, D: number) => () => sinusoidalPositionalEncoding(T, D);
      const what = 'sinusoidalPositionalEncoding';
      await expectThrows(refuse(0, 4), {
        what,
        name: 'RangeError',
        argument: 'T',
        when: 'T = 0, D = 4',
        hint: 'oddD',
      });
      await expectThrows(refuse(2.5, 4), {
        what,
        name: 'RangeError',
        argument: 'T',
        when: 'T = 2.5, D = 4',
        hint: 'oddD',
      });
      await expectThrows(refuse(3, 0), {
        what,
        name: 'RangeError',
        argument: 'D',
        when: 'T = 3, D = 0',
        hint: 'oddD',
      });
    },
    { requires: ['matches eq. 4.8 for T = 50, D = 16 and for an odd D = 5'] },
  );
});
