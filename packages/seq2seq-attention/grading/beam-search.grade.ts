/**
 * Grading suite of seq2seq-attention/beam-search: on fixed small models, the same hypotheses,
 * the same scores and the same order as the reference's beam search, with and without length
 * normalisation.
 */
import {
  check,
  exercise,
  expectClose,
  expectNoInputMutation,
  expectThrows,
  fail,
  targetModule,
  TOLERANCES,
} from '@rnn-course/grader/testing';
import {
  beamSearch as referenceBeam,
  type AttentionKind,
  type Hypothesis,
} from '@rnn-course/seq2seq-attention';
import { smallModel } from './inputs';

const { beamSearch } = await targetModule<typeof import('@target/seq2seq-attention/beam-search')>(
  'seq2seq-attention/beam-search.ts',
);

// Ids, order and finished flags are compared exactly; log-probabilities and scores at
// TOLERANCES.value (sums of a few log-softmax values).

const key = (h: Pick<Hypothesis, 'ids' | 'finished'>) =>
  `${h.finished ? 'finished' : 'live'} [${h.ids.join(' ')}]`;

/** What a wrong list of hypotheses says, read against the usual mistakes of beam search. */
function readBeamMistake(
  got: readonly Hypothesis[],
  expected: readonly Hypothesis[],
  alpha: number,
): { text: string; hint: string } {
  const finishedGot = got.filter((h) => h.finished).length;
  const finishedExpected = expected.filter((h) => h.finished).length;
  if (finishedGot < finishedExpected) {
    return {
      text: `${finishedGot} finished hypotheses returned where the search finds ${finishedExpected}: a hypothesis that ends in eos is set aside and kept, never dropped nor extended further.`,
      hint: 'keep',
    };
  }
  const sameSet = [...got.map(key)].sort().join() === [...expected.map(key)].sort().join();
  if (
    sameSet &&
    alpha > 0 &&
    got.every((h) => Math.abs(h.score - h.logProb) <= 1e-12 * Math.max(1, Math.abs(h.logProb)))
  ) {
    return {
      text: 'The scores are the raw log-probabilities: eq. 3.18 divides log p by |Y|^α (|Y| counting eos), so that longer hypotheses are not penalised for their length.',
      hint: 'normalise',
    };
  }
  if (sameSet) {
    return {
      text: 'The right hypotheses, in the wrong order: finished ones first, each group sorted by its normalised score (ties: log p), best first.',
      hint: 'order',
    };
  }
  return {
    text: 'Different hypotheses: each step extends every live hypothesis by every token and keeps the K − (finished) best by log p.',
    hint: 'extend',
  };
}

async function expectBeam(
  kind: AttentionKind,
  seed: number,
  source: number[],
  beamWidth: number,
  maxLength: number,
  alpha: number,
) {
  const model = smallModel(kind, seed);
  const options = { beamWidth, maxLength, alpha };
  const got = await beamSearch(model, source, options);
  const expected = referenceBeam(model, source, options);
  const label = `beamSearch (${kind}, seed ${seed}, K = ${beamWidth}, maxLength = ${maxLength}, α = ${alpha})`;
  const list = (hs: readonly Hypothesis[]) =>
    hs.map((h) => `${key(h)} score ${h.score.toFixed(4)}`).join('; ');
  if (
    !Array.isArray(got) ||
    got.length !== expected.length ||
    got.some((h, i) => key(h) !== key(expected[i]!))
  ) {
    const g = Array.isArray(got) ? (got as Hypothesis[]) : [];
    const reading = readBeamMistake(g, expected, alpha);
    fail(
      label,
      `returned ${Array.isArray(got) ? list(g) || 'no hypotheses' : String(got)}; expected ${list(expected)}.`,
      { hint: 'extend', explain: () => reading },
    );
  }
  got.forEach((h, i) => {
    const e = expected[i]!;
    const reading = readBeamMistake(got, expected, alpha);
    expectClose(h.logProb, e.logProb, {
      what: `${label}: logProb of hypothesis ${i}`,
      tol: TOLERANCES.value,
      hint: 'extend',
    });
    expectClose(h.score, e.score, {
      what: `${label}: score of hypothesis ${i}`,
      tol: TOLERANCES.value,
      hint: 'normalise',
      explain: () => (reading.hint === 'normalise' ? reading.text : undefined),
    });
  });
}

exercise('seq2seq-attention/beam-search', () => {
  check(
    'additive attention, K = 3, α = 1: same hypotheses, scores and order as the reference',
    2,
    async () => {
      await expectBeam('additive', 1301, [3, 4, 5], 3, 6, 1);
      await expectBeam('additive', 1310, [3, 4, 5], 3, 6, 1);
    },
  );

  check(
    'dot, general and no attention, K = 4; α = 0 (no normalisation) and α = 0.7',
    1.5,
    async () => {
      for (const kind of ['dot', 'general', 'none'] as const)
        await expectBeam(kind, 1303, [3, 4, 5, 6], 4, 5, 1);
      await expectBeam('additive', 1304, [5, 4], 3, 5, 0);
      await expectBeam('general', 1305, [5, 4, 3], 3, 5, 0.7);
    },
  );

  check(
    'K = 1 is greedy search, and maxLength = 1 returns live hypotheses unfinished',
    0.5,
    async () => {
      await expectBeam('additive', 1306, [3, 4], 1, 6, 1);
      await expectBeam('dot', 1307, [3, 4], 3, 1, 1);
    },
  );

  check(
    'the model and the source are not changed, and a beamWidth or maxLength that is not an integer >= 1 is refused',
    1,
    async () => {
      const model = smallModel('dot', 1308);
      const source = [3, 4, 5];
      await expectNoInputMutation(
        { source, Et: model.params.Et, Wy: model.params.Wy },
        () => beamSearch(model, source, { beamWidth: 2, maxLength: 3 }),
        { what: 'beamSearch' },
      );
      await expectThrows(() => beamSearch(model, source, { beamWidth: 0, maxLength: 3 }), {
        what: 'beamSearch',
        name: 'RangeError',
        argument: 'beamWidth',
        when: 'beamWidth = 0',
        hint: 'step',
      });
      await expectThrows(() => beamSearch(model, source, { beamWidth: 2, maxLength: 1.5 }), {
        what: 'beamSearch',
        name: 'RangeError',
        argument: 'maxLength',
        when: 'maxLength = 1.5',
        hint: 'step',
      });
      await expectThrows(() => beamSearch(model, source, { beamWidth: 2, maxLength: 0 }), {
        what: 'beamSearch',
        name: 'RangeError',
        argument: 'maxLength',
        when: 'maxLength = 0',
        hint: 'step',
      });
    },
    { requires: 'values' },
  );
});
