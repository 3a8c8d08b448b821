/**
 * Grading suite of seq2seq-attention/bidirectional-rnn-backward: eq. 3.4 against central
 * differences of the learner's forward and against the reference's autograd, with padding.
 */
import type { Tensor } from '@rnn-course/core';
import {
  check,
  exercise,
  expectGradients,
  expectNoInputMutation,
  expectThrows,
  layerGradients,
  targetModule,
  type FailureDetail,
} from '@rnn-course/grader/testing';
import { bidirectionalRnn } from '@rnn-course/seq2seq-attention';
import { bidirectionalInputs, normal, paramsOf } from './inputs';

const { bidirectionalRnnForward, bidirectionalRnnBackward } = await targetModule<
  typeof import('@target/seq2seq-attention/bidirectional-rnn')
>('seq2seq-attention/bidirectional-rnn.ts');

// Tolerances: expectGradients' defaults (BPTT through two RNNs of T steps).

const FORWARD = ['dh0f', 'dWxf', 'dWhf', 'dbf'];
const BACKWARD = ['dh0b', 'dWxb', 'dWhb', 'dbb'];

/** Which direction is wrong says where the mistake is. */
function readDirections({ failed = [] }: FailureDetail) {
  const wrong = new Set(failed);
  if (wrong.size === 0) return undefined;
  const forwardRight = FORWARD.every((k) => !wrong.has(k));
  if (forwardRight && BACKWARD.some((k) => wrong.has(k))) {
    return {
      text: "The forward direction's gradients are right and the backward direction's are not: its half of dh must be reversed (within each length) before its BPTT, since its states were reversed back after it ran.",
      hint: 'reverse',
    };
  }
  if (forwardRight && !BACKWARD.some((k) => wrong.has(k)) && wrong.has('dx')) {
    return {
      text: "Every weight's gradient is right but dx is not: the backward direction's dx comes out in its reading order; reverse it back before adding it to the forward direction's.",
      hint: 'reverse',
    };
  }
  return {
    text: 'dh splits on its last axis: the first H features are the forward direction’s, the last H the backward one’s.',
    hint: 'split',
  };
}

async function expectBidirectionalGradients(
  seed: number,
  N: number,
  T: number,
  D: number,
  H: number,
  lengths: number[] | undefined,
  what: string,
) {
  const p = bidirectionalInputs(seed, N, T, D, H);
  const dh = normal(seed + 1, [N, T, 2 * H]);
  const g = await layerGradients({
    inputs: { x: p.x, h0f: p.h0f, h0b: p.h0b, ...paramsOf(p) },
    dout: dh,
    forward: (...[x, h0f, h0b, Wxf, Whf, bf, Wxb, Whb, bb]: Tensor[]) =>
      bidirectionalRnnForward(x, h0f, h0b, { Wxf, Whf, bf, Wxb, Whb, bb }, lengths),
    output: (r) => r.h,
    backward: bidirectionalRnnBackward,
    reference: (x, h0f, h0b, Wxf, Whf, bf, Wxb, Whb, bb) =>
      bidirectionalRnn(x, h0f, h0b, { Wxf, Whf, bf, Wxb, Whb, bb }, lengths),
  });
  expectGradients({ what, ...g, timeAxis: { dx: 1 }, hint: 'split', explain: readDirections });
}

exercise('seq2seq-attention/bidirectional-rnn-backward', () => {
  check(
    'the nine gradients match finite differences and the reference (N = 3, T = 5, padded)',
    2,
    async () => {
      await expectBidirectionalGradients(821, 3, 5, 2, 3, [5, 3, 1], 'bidirectionalRnnBackward');
    },
  );

  check(
    'dh and the inputs are not changed, the gradients are new, and a dh of the wrong shape is refused',
    1,
    async () => {
      const p = bidirectionalInputs(822, 2, 3, 2, 3);
      const dh = normal(823, [2, 3, 6]);
      const { cache } = await bidirectionalRnnForward(p.x, p.h0f, p.h0b, paramsOf(p), [3, 2]);
      await expectNoInputMutation({ dh, ...p }, () => bidirectionalRnnBackward(dh, cache), {
        what: 'bidirectionalRnnBackward',
      });
      await expectThrows(() => bidirectionalRnnBackward(normal(824, [2, 3, 3]), cache), {
        what: 'bidirectionalRnnBackward',
        name: 'ShapeError',
        argument: 'dh',
        when: 'dh of shape [2, 3, 3] where h is [2, 3, 6]',
        hint: 'step',
      });
    },
    { requires: 'values' },
  );

  check('full-length rows (N = 2, T = 4), T = 1, and N = 1', 1, async () => {
    await expectBidirectionalGradients(
      825,
      2,
      4,
      3,
      2,
      undefined,
      'bidirectionalRnnBackward (full length)',
    );
    await expectBidirectionalGradients(
      827,
      2,
      1,
      2,
      3,
      undefined,
      'bidirectionalRnnBackward (T = 1)',
    );
    await expectBidirectionalGradients(
      829,
      1,
      4,
      2,
      2,
      [2],
      'bidirectionalRnnBackward (N = 1, length 2 of 4)',
    );
  });
});
