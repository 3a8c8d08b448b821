/**
 * Grading suite of seq2seq-attention/greedy-decode: the ids and attention weights of greedy
 * decoding on fixed small models, against the reference's.
 */
import { gatherRows, noGrad, tensor } from '@rnn-course/core';
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
  decoderStep,
  encode,
  greedyDecode as referenceGreedy,
  type AttentionKind,
  type Seq2Seq,
} from '@rnn-course/seq2seq-attention';
import { BATCH, argmaxRows, smallModel } from './inputs';

const { greedyDecode } = await targetModule<
  typeof import('@target/seq2seq-attention/greedy-decode')
>('seq2seq-attention/greedy-decode.ts');

// Ids are compared exactly; attention weights at TOLERANCES.value.

/** What greedy decoding gives when every step reads sos instead of the previous choice. */
function alwaysSos(
  model: Seq2Seq,
  source: number[][],
  lengths: number[],
  maxLength: number,
): { ids: number[][]; weights: number[][][] } {
  return noGrad(() => {
    const { params, config } = model;
    const enc = encode(model, source, lengths);
    const S = source[0]!.length;
    const ids: number[][] = source.map(() => []);
    const weights: number[][][] = source.map(() => []);
    const done = source.map(() => false);
    let s = enc.s0;
    for (let t = 0; t < maxLength && done.includes(false); t++) {
      const x = gatherRows(
        params.Et,
        source.map(() => config.sos),
      ); // [N, E]
      const step = decoderStep(x, s, enc, params, config.attention);
      s = step.nextS;
      argmaxRows(step.logits).forEach((v, n) => {
        if (done[n]) return;
        if (v === config.eos) done[n] = true;
        else {
          ids[n]!.push(v);
          weights[n]!.push(Array.from(step.weights.data.subarray(n * S, (n + 1) * S)));
        }
      });
    }
    return { ids, weights };
  });
}

const NOT_FED_BACK =
  'These are what the decoder gives when every step reads sos: at test time step t + 1 must read the token chosen at step t.';

async function expectDecoding(
  kind: AttentionKind,
  seed: number,
  source: number[][],
  lengths: number[],
  maxLength: number,
) {
  const model = smallModel(kind, seed);
  const got = await greedyDecode(model, source, lengths, maxLength);
  const expected = referenceGreedy(model, source, lengths, maxLength);
  const label = `greedyDecode (${kind}, seed ${seed}, maxLength ${maxLength})`;
  if (JSON.stringify(got?.ids) !== JSON.stringify(expected.ids)) {
    const sos =
      JSON.stringify(got?.ids) === JSON.stringify(alwaysSos(model, source, lengths, maxLength).ids);
    fail(
      label,
      `ids ${JSON.stringify(got?.ids)}, expected ${JSON.stringify(expected.ids)}.` +
        (sos ? ` ${NOT_FED_BACK}` : ''),
      { hint: sos ? 'feedback' : 'eos' },
    );
  }
  expected.weights.forEach((w, n) => {
    if (w.length === 0) return;
    expectClose(tensor(got.weights[n] ?? []), tensor(w), {
      what: `${label}: attention weights of sequence ${n}`,
      tol: TOLERANCES.value,
      hint: 'step',
      explain: () => {
        const fixed = alwaysSos(model, source, lengths, maxLength).weights[n] ?? [];
        const same = JSON.stringify(got.weights[n]) === JSON.stringify(fixed);
        return same ? { text: NOT_FED_BACK, hint: 'feedback' } : undefined;
      },
    });
  });
}

exercise('seq2seq-attention/greedy-decode', () => {
  // The third model ends its sequences at eos after 2 and 3 tokens and runs the first to
  // maxLength: a finished sequence must stay finished while the others go on.
  check(
    'ids and attention weights match the reference on a padded batch (additive, three models, sequences ending at eos at different steps)',
    1.5,
    async () => {
      await expectDecoding(
        'additive',
        1233,
        BATCH.source.map((r) => [...r]),
        [...BATCH.sourceLengths],
        6,
      );
      await expectDecoding(
        'additive',
        1201,
        BATCH.source.map((r) => [...r]),
        [...BATCH.sourceLengths],
        6,
      );
      await expectDecoding(
        'additive',
        1202,
        BATCH.source.map((r) => [...r]),
        [...BATCH.sourceLengths],
        6,
      );
    },
  );

  check('dot, general and no attention; maxLength = 1 stops after one step', 0.5, async () => {
    for (const kind of ['dot', 'general', 'none'] as const) {
      await expectDecoding(
        kind,
        1203,
        BATCH.source.map((r) => [...r]),
        [...BATCH.sourceLengths],
        5,
      );
    }
    await expectDecoding('general', 1204, [[3, 4, 5]], [3], 1);
  });

  check(
    'the model and the source are not changed, and a maxLength that is not an integer >= 1 is refused',
    1,
    async () => {
      const model = smallModel('dot', 1205);
      const source = BATCH.source.map((r) => [...r]);
      const lengths = [...BATCH.sourceLengths];
      await expectNoInputMutation(
        { source, lengths, Et: model.params.Et, Wy: model.params.Wy },
        () => greedyDecode(model, source, lengths, 4),
        { what: 'greedyDecode' },
      );
      for (const [bad, when] of [
        [0, 'maxLength = 0'],
        [2.5, 'maxLength = 2.5'],
      ] as const) {
        await expectThrows(() => greedyDecode(model, source, lengths, bad), {
          what: 'greedyDecode',
          name: 'RangeError',
          argument: 'maxLength',
          when,
          hint: 'eos',
        });
      }
    },
    { requires: 'values' },
  );
});
