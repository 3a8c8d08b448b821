/**
 * Grading suite of rnn/sample-with-temperature: eq. 1.13, one draw from softmax(logits / τ) by the
 * inverse CDF, with exactly one rng.uniform() per call, so a seeded generator makes the
 * learner's samples and the reference's identical draw for draw.
 */
import { Rng, tensor, type Tensor } from '@rnn-course/core';
import {
  check,
  exercise,
  expectNoInputMutation,
  expectThrows,
  fail,
  rngBefore,
  targetModule,
  type HintOptions,
} from '@rnn-course/grader/testing';
import { sampleWithTemperature as referenceSample } from '@rnn-course/rnn';

const { sampleWithTemperature } = await targetModule<
  typeof import('@target/rnn/sample-with-temperature')
>('rnn/sample-with-temperature.ts');

type Sampler = (logits: Tensor, temperature: number, rng: Rng) => number | Promise<number>;

/** `count` draws, one after the other, from a generator seeded with `seed`. */
async function draws(
  sample: Sampler,
  logits: Tensor,
  temperature: number,
  seed: number,
  count: number,
): Promise<unknown[]> {
  const rng = new Rng(seed);
  const out: unknown[] = [];
  for (let i = 0; i < count; i++) out.push(await sample(logits, temperature, rng));
  return out;
}

/** `count` draws of the reference (synchronous: trusted code). */
function referenceDraws(
  logits: Tensor,
  temperature: number,
  seed: number,
  count: number,
): number[] {
  const rng = new Rng(seed);
  return Array.from({ length: count }, () => referenceSample(logits, temperature, rng));
}

/** True when two lists of draws are identical. */
function same(a: readonly unknown[], b: readonly unknown[]): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}

/** The uniform number the generator gives at draw `i` (one draw per call). */
function uniformAt(seed: number, i: number): number {
  const rng = new Rng(seed);
  for (let k = 0; k < i; k++) rng.uniform();
  return rng.uniform();
}

/**
 * Asserts that the learner's draws equal the reference's, one by one; on failure names the
 * first differing draw, adds `reading.why` and points at `reading.hint`.
 * Comparison is exact: both invert the same CDF at the same u, and the CDFs differ by a few
 * ulps at most, which moves a boundary by far less than the gap to any u of the seeded draws.
 */
async function expectSameDraws(
  logits: Tensor,
  temperature: number,
  seed: number,
  count: number,
  reading: HintOptions & { readonly why: (got: unknown[]) => string },
): Promise<void> {
  const V = logits.shape[0];
  const expected = referenceDraws(logits, temperature, seed, count);
  const got = await draws(sampleWithTemperature, logits, temperature, seed, count);
  const bad = got.findIndex(
    (v) => typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v >= V,
  );
  if (bad >= 0) {
    fail(
      'sampleWithTemperature',
      `sampleWithTemperature at τ = ${temperature} returned ${String(got[bad])} at draw ${bad}: expected an integer index in [0, ${V}).`,
      { ...reading, explain: () => reading.why(got) },
    );
  }
  const first = got.findIndex((v, i) => v !== expected[i]);
  if (first < 0) return;
  const differ = got.filter((v, i) => v !== expected[i]).length;
  fail(
    'sampleWithTemperature',
    `samples at τ = ${temperature}: draw ${first} (u = ${uniformAt(seed, first).toFixed(6)}) returned ${String(got[first])}, ` +
      `expected ${String(expected[first])}; ${differ} of ${count} draws differ from the reference with the same seed.`,
    { ...reading, explain: () => reading.why(got) },
  );
}

/** What draws at temperature τ say when they are wrong. */
function readTemperature(
  logits: Tensor,
  temperature: number,
  seed: number,
  count: number,
): (got: unknown[]) => string {
  return (got) => {
    const at = (t: number): unknown[] => referenceDraws(logits, t, seed, count);
    if (temperature !== 1 && same(got, at(1))) {
      return (
        `The draws at τ = ${temperature} are those of τ = 1: the temperature has no effect. Divide the logits by τ ` +
        'before the softmax, p = softmax(logits / τ); scaling the probabilities after the softmax is ' +
        'undone by normalising them.'
      );
    }
    if (temperature !== 1 && same(got, at(1 / temperature))) {
      return `The draws at τ = ${temperature} are those of τ = ${1 / temperature}: the logits are multiplied by τ; divide them by τ.`;
    }
    return (
      'p = softmax(logits / τ) (eq. 1.13), then return the first i whose cumulative probability ' +
      'exceeds one u = rng.uniform().'
    );
  };
}

exercise('rnn/sample-with-temperature', () => {
  check(
    'at τ = 1 the samples equal the reference draw for draw (V = 6, 300 draws, one seeded generator)',
    1,
    async () => {
      const logits = tensor([0.5, -1.2, 2.0, 0.1, 1.3, -0.4]); // [V]
      await expectSameDraws(logits, 1, 1101, 300, {
        hint: 'oneDraw',
        why: readTemperature(logits, 1, 1101, 300),
      });
    },
  );

  // Gated on the value check above. The generator's state after K calls must be that of K uniform
  // draws: compare the next uniform the learner's generator gives with a fresh generator advanced K
  // times.
  check(
    'each call draws exactly one rng.uniform()',
    1,
    async () => {
      const logits = tensor([0.3, 0.2, -0.1, 1.0]); // [V]
      const K = 25;
      const rng = new Rng(1121);
      for (let k = 0; k < K; k++) await sampleWithTemperature(logits, 0.8, rng);
      const next = rng.uniform();
      if (next === uniformAt(1121, K)) return;
      const used = Array.from({ length: 4 * K + 1 }, (_, n) => n).find(
        (n) => uniformAt(1121, n) === next,
      );
      const perCall = used === undefined ? undefined : used / K;
      fail(
        'sampleWithTemperature',
        `after ${K} calls the generator is not where ${K} uniform draws leave it` +
          (perCall === undefined
            ? ''
            : ` (it moved ${used} draws, about ${perCall.toFixed(2)} per call)`) +
          ': draw exactly one u = rng.uniform() per call and invert the CDF with it. A different number of draws ' +
          'changes every later sample of a seeded run.',
        { hint: 'oneDraw' },
      );
    },
    { requires: 'values' },
  );

  // Gated on the value check above. Logits that are not [V], or V = 0, have no distribution; a
  // temperature of 0 divides by zero, a negative one inverts the distribution, NaN and Infinity
  // poison it.
  check(
    'logits that are not [V] with V >= 1 and temperatures that are not positive and finite are refused',
    1,
    async () => {
      const logits = tensor([0.5, -1.2, 2.0]); // [V]
      const rng = new Rng(1141);
      const refusals = [
        {
          name: 'ShapeError',
          argument: 'logits',
          when: 'logits of shape [2, 3] (not [V])',
          call: () =>
            sampleWithTemperature(
              tensor([
                [0.5, -1.2, 2.0],
                [1, 2, 3],
              ]),
              1,
              rng,
            ),
        },
        {
          name: 'ShapeError',
          argument: 'logits',
          when: 'logits of shape [0] (V = 0: nothing to draw)',
          call: () => sampleWithTemperature(tensor([]), 1, rng),
        },
        {
          name: 'RangeError',
          argument: 'temperature',
          when: 'temperature = 0',
          call: () => sampleWithTemperature(logits, 0, rng),
        },
        {
          name: 'RangeError',
          argument: 'temperature',
          when: 'temperature = -1',
          call: () => sampleWithTemperature(logits, -1, rng),
        },
        {
          name: 'RangeError',
          argument: 'temperature',
          when: 'temperature = NaN',
          call: () => sampleWithTemperature(logits, Number.NaN, rng),
        },
        {
          name: 'RangeError',
          argument: 'temperature',
          when: 'temperature = Infinity',
          call: () => sampleWithTemperature(logits, Number.POSITIVE_INFINITY, rng),
        },
      ];
      for (const { call, ...refusal } of refusals) {
        await expectThrows(call, { what: 'sampleWithTemperature', hint: 'refuse', ...refusal });
      }
    },
    { requires: 'values' },
  );

  // τ = 0.5 sharpens and τ = 2 flattens; τ = 0.01 makes the largest logit (index 2) win
  // every draw; τ = 100 is nearly uniform. Each matched draw for draw with the reference.
  check(
    'temperature: τ = 0.5, 2, 0.01 (argmax) and 100 (nearly uniform) match the reference',
    1,
    async () => {
      const logits = tensor([0.5, -1.2, 2.0, 0.1, 1.3, -0.4]); // [V]
      for (const [temperature, seed] of [
        [0.5, 1111],
        [2, 1112],
        [0.01, 1113],
        [100, 1114],
      ] as const) {
        await expectSameDraws(logits, temperature, seed, 200, {
          hint: 'temperature',
          why: readTemperature(logits, temperature, seed, 200),
        });
      }
    },
  );

  // Logits of ±1e4 at τ = 1, and ordinary logits at τ = 0.001 (so logits / τ reach 2000): exp
  // overflows (above 709) unless the maximum is subtracted first. V = 1 has one index of
  // probability 1. u within 2^-53 of 1: ten equal logits give p = 0.1 each, whose running sum
  // rounds to 1 − 2^-53, not above u; the answer is then the last index of nonzero probability
  // (9), never one of the two whose probability underflows to 0. And u exactly on a boundary of
  // the cumulative sum belongs to the next index.
  check(
    'logits of ±1e4, τ = 0.001, V = 1, and u above the last cumulative sum or on a boundary; logits are not changed',
    1,
    async () => {
      const big = tensor([1e4, 1e4 - 2, -1e4, 3, 1e4 - 0.5, 0]); // [V]
      const overflow = (got: unknown[]): string =>
        `${readTemperature(big, 1, 1131, 100)(got)}\nWith logits / τ in the thousands exp overflows (e^710 = Infinity, and ` +
        'Infinity / Infinity = NaN): subtract the maximum of logits / τ before exp; the softmax does not change.';
      await expectNoInputMutation(
        { logits: big },
        () => expectSameDraws(big, 1, 1131, 100, { hint: 'stable', why: overflow }),
        { what: 'sampleWithTemperature' },
      );
      const small = tensor([1.2, 0.3, 2.0, -0.7, 1.9]); // [V]
      await expectSameDraws(small, 0.001, 1132, 100, {
        hint: 'stable',
        why: () =>
          'At τ = 0.001 the largest logit (index 2) must win every draw. logits / τ reaches 2000 here, ' +
          'and exp overflows (e^710 = Infinity, Infinity / Infinity = NaN): subtract the maximum of ' +
          'logits / τ before exp.',
      });
      const one = tensor([0.7]); // [V = 1]
      await expectSameDraws(one, 0.3, 1133, 20, {
        hint: 'step',
        why: () => 'With V = 1 the only index, 0, has probability 1: every draw returns 0.',
      });
      const tied = tensor([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, -1e4, -1e4]); // [V = 12]
      const u = 1 - 2 ** -53;
      const expected = referenceSample(tied, 1, rngBefore(u));
      const got = await sampleWithTemperature(tied, 1, rngBefore(u));
      if (got !== expected) {
        fail(
          'sampleWithTemperature',
          `with u = 1 − 2^-53 and ten equal logits followed by two of −1e4, sampleWithTemperature returned ${String(got)}, ` +
            `expected ${expected}: p = 0.1 ten times sums to 1 − 2^-53 in float64, which is not above u, so the walk ` +
            'ends without an answer. Then answer the last index whose probability is not 0 (indices 10 and 11 have ' +
            'probability 0 and must never be drawn).',
          { hint: 'step' },
        );
      }
      // u exactly on a boundary: with p = [0.5, 0.5], u = 0.5 is not below p_0, so it is index 1.
      const halves = tensor([0.25, 0.25]); // [V = 2]
      const onBoundary = await sampleWithTemperature(halves, 1, rngBefore(0.5));
      const expectedBoundary = referenceSample(halves, 1, rngBefore(0.5));
      if (onBoundary !== expectedBoundary) {
        fail(
          'sampleWithTemperature',
          `with p = [0.5, 0.5] and u = 0.5 sampleWithTemperature returned ${String(onBoundary)}, expected ` +
            `${expectedBoundary}: the draw is the first i whose cumulative probability exceeds u (u < p_0 + … + p_i, ` +
            'strictly), so u = 0.5 is not in the first half-open interval [0, 0.5).',
          { hint: 'oneDraw' },
        );
      }
    },
  );
});
