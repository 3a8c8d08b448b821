/**
 * Grading suite of seq2seq-attention/bidirectional-rnn-forward: eqs. 3.1–3.3 against the
 * reference, with and without padding.
 */
import {
  agrees,
  check,
  exercise,
  expectClose,
  expectNoInputMutation,
  expectShape,
  expectThrows,
  targetModule,
  TOLERANCES,
  type Explanation,
} from '@rnn-course/grader/testing';
import { bidirectionalRnn } from '@rnn-course/seq2seq-attention';
import {
  bidirectionalInputs,
  bidirectionalVariant,
  normal,
  paramsOf,
  type BidirectionalInputs,
} from './inputs';

const { bidirectionalRnnForward } = await targetModule<
  typeof import('@target/seq2seq-attention/bidirectional-rnn')
>('seq2seq-attention/bidirectional-rnn.ts');

// Tolerance TOLERANCES.value: two RNNs over T steps, each agreeing with the reference to about
// 1e-14.

/** What a wrong h [N, T, 2H] says, read against the usual mistakes of eqs. 3.2–3.3. */
function readBidirectionalMistake(
  h: unknown,
  p: BidirectionalInputs,
  lengths: readonly number[] | undefined,
): Explanation {
  if (agrees(h, bidirectionalVariant(p, lengths, { reverseBack: false, useLengths: true }))) {
    return {
      text: "The backward direction's states are in its reading order: reverse them back (within each length) before concatenating, so that position t holds the state after reading x_t.",
      hint: 'reverseBack',
    };
  }
  if (
    lengths !== undefined &&
    agrees(h, bidirectionalVariant(p, lengths, { reverseBack: true, useLengths: false }))
  ) {
    return {
      text: 'The backward direction reversed whole rows, padding included, so it read the padding first: reverse each sequence within its length (reverseSequence(x, lengths)), both ways.',
      hint: 'reverse',
    };
  }
  return undefined;
}

async function expectStates(p: BidirectionalInputs, lengths: number[] | undefined, label: string) {
  const { x, h0f, h0b } = p;
  const { h } = await bidirectionalRnnForward(x, h0f, h0b, paramsOf(p), lengths);
  const [N, T] = x.shape as [number, number, number];
  const H = h0f.shape[1] as number;
  const why = { hint: 'reverse', explain: () => readBidirectionalMistake(h, p, lengths) };
  expectShape(h, [N, T, 2 * H], `h${label}`, why);
  const expected = bidirectionalRnn(x, h0f, h0b, paramsOf(p), lengths); // [N, T, 2H]
  expectClose(h, expected, { what: `h${label}`, tol: TOLERANCES.value, timeAxis: 1, ...why });
}

exercise('seq2seq-attention/bidirectional-rnn-forward', () => {
  check('h matches the reference, full-length rows (N = 2, T = 5, D = 3, H = 4)', 1, async () => {
    await expectStates(bidirectionalInputs(801, 2, 5, 3, 4), undefined, '');
  });

  check('h matches the reference with padding (lengths 6, 4, 1; T = 6)', 1, async () => {
    await expectStates(bidirectionalInputs(802, 3, 6, 2, 3), [6, 4, 1], ' (padded)');
  });

  check(
    'inputs are not changed, h is new, and shapes that disagree are refused',
    0.5,
    async () => {
      const p = bidirectionalInputs(803, 2, 3, 2, 3);
      const params = paramsOf(p);
      await expectNoInputMutation(
        { ...p },
        () => bidirectionalRnnForward(p.x, p.h0f, p.h0b, params, [3, 2]),
        {
          what: 'bidirectionalRnnForward',
        },
      );
      const run = (over: Partial<BidirectionalInputs>, lengths?: number[]) => () => {
        const q = { ...p, ...over };
        return bidirectionalRnnForward(q.x, q.h0f, q.h0b, paramsOf(q), lengths);
      };
      const refusals: {
        name: 'ShapeError';
        argument: string;
        when: string;
        call: () => unknown;
      }[] = [
        {
          name: 'ShapeError',
          argument: 'x',
          when: 'x of shape [2, 3] (not [N, T, D])',
          call: run({ x: normal(804, [2, 3]) }),
        },
        {
          name: 'ShapeError',
          argument: 'x',
          when: 'x of shape [2, 0, 2] (T = 0)',
          call: run({ x: normal(805, [2, 0, 2]) }),
        },
        {
          name: 'ShapeError',
          argument: 'Wxf',
          when: 'Wxf of shape [3, 3] where x has D = 2',
          call: run({ Wxf: normal(806, [3, 3]) }),
        },
        {
          name: 'ShapeError',
          argument: 'Whf',
          when: 'Whf of shape [3, 2] where H = 3',
          call: run({ Whf: normal(807, [3, 2]) }),
        },
        {
          name: 'ShapeError',
          argument: 'bf',
          when: 'bf of shape [2] where H = 3',
          call: run({ bf: normal(808, [2]) }),
        },
        {
          name: 'ShapeError',
          argument: 'Wxb',
          when: 'Wxb of shape [2, 2] where H = 3',
          call: run({ Wxb: normal(809, [2, 2]) }),
        },
        {
          name: 'ShapeError',
          argument: 'Whb',
          when: 'Whb of shape [2, 3] where H = 3',
          call: run({ Whb: normal(810, [2, 3]) }),
        },
        {
          name: 'ShapeError',
          argument: 'bb',
          when: 'bb of shape [4] where H = 3',
          call: run({ bb: normal(811, [4]) }),
        },
        {
          name: 'ShapeError',
          argument: 'h0f',
          when: 'h0f of shape [1, 3] where N = 2',
          call: run({ h0f: normal(812, [1, 3]) }),
        },
        {
          name: 'ShapeError',
          argument: 'h0b',
          when: 'h0b of shape [2, 2] where H = 3',
          call: run({ h0b: normal(813, [2, 2]) }),
        },
        {
          name: 'ShapeError',
          argument: 'lengths',
          when: 'three lengths for N = 2 sequences',
          call: run({}, [3, 2, 1]),
        },
      ];
      for (const { call, ...refusal } of refusals) {
        await expectThrows(call, {
          what: 'bidirectionalRnnForward',
          hint: 'shapes',
          ...refusal,
        });
      }
    },
    { requires: 'values' },
  );

  check('T = 1, N = 1, and an empty sequence among padded ones', 0.5, async () => {
    await expectStates(bidirectionalInputs(814, 3, 1, 2, 3), undefined, ' (T = 1)');
    await expectStates(bidirectionalInputs(815, 1, 4, 3, 2), [3], ' (N = 1, length 3 of 4)');
    await expectStates(bidirectionalInputs(816, 2, 3, 2, 2), [3, 0], ' (an empty sequence)');
  });
});
