/**
 * Grading suite of rnn/tbptt-step: one step of truncated backpropagation through time on the
 * character model (embedding → RNN → temporal affine → softmax loss), against the reference,
 * against central differences of the learner's own loss, and the hidden state carried from
 * one chunk to the next.
 */
import { timeStep, zerosLike, type Tensor } from '@rnn-course/core';
import {
  agrees,
  check,
  exercise,
  expectClose,
  expectGradients,
  expectNoInputMutation,
  expectShape,
  expectThrows,
  fail,
  numericGradient,
  targetModule,
  TOLERANCES,
} from '@rnn-course/grader/testing';
import {
  rnn,
  tbpttStep as referenceStep,
  wordEmbedding,
  type CharRnnParams,
  type TextChunk,
} from '@rnn-course/rnn';
import { ids as seededIds, normal } from './inputs';

const { tbpttStep } =
  await targetModule<typeof import('@target/rnn/tbptt-step')>('rnn/tbptt-step.ts');

/**
 * Tolerances. Loss, gradients and hNext against the reference: the same model computed two
 * exact ways, agreeing to rounding over T steps (about 1e-13), so TOLERANCES.gradient.
 * Gradients against central differences of the learner's own loss: a whole model's loss,
 * TOLERANCES.numericModel.
 */
const TOL = { reference: TOLERANCES.gradient, numeric: TOLERANCES.numericModel } as const;

const V = 6;
const D = 3;
const H = 5;

/** Seeded parameters of the character model. */
function seededParams(seed: number): CharRnnParams {
  return {
    We: normal(seed, [V, D]), // [V, D]
    Wx: normal(seed + 1, [D, H], 0.5 / Math.sqrt(D)), // [D, H]
    Wh: normal(seed + 2, [H, H], 0.6 / Math.sqrt(H)), // [H, H]
    b: normal(seed + 3, [H], 0.2), // [H]
    Wy: normal(seed + 4, [H, V], 0.8 / Math.sqrt(H)), // [H, V]
    by: normal(seed + 5, [V], 0.2), // [V]
  };
}

/** A seeded chunk of N sequences of T ids; targets are the inputs shifted by one. */
function seededChunk(seed: number, N: number, T: number): TextChunk {
  const stream = seededIds(seed, N, T + 1, V);
  return { inputs: stream.map((r) => r.slice(0, T)), targets: stream.map((r) => r.slice(1)) };
}

/** Deep copies of the parameters, so finite differences never touch the originals. */
function cloneParams(p: CharRnnParams): CharRnnParams {
  return {
    We: p.We.clone(),
    Wx: p.Wx.clone(),
    Wh: p.Wh.clone(),
    b: p.b.clone(),
    Wy: p.Wy.clone(),
    by: p.by.clone(),
  };
}

/** Which layer of the learner's composition a wrong gradient points at. */
function readCompositionMistake(
  g: Record<string, unknown>,
  ref: Record<string, Tensor>,
): string | undefined {
  const wrong = Object.keys(ref).filter((k) => !agrees(g[k], ref[k], TOL.reference));
  if (wrong.length === 0) return undefined;
  const lines: string[] = [];
  if (wrong.every((k) => k === 'dWe'))
    lines.push(
      'Only dWe is wrong: wordEmbeddingBackward takes the dx that ' +
        'rnnBackward returns (rnn/word-embedding-backward).',
    );
  else if (wrong.every((k) => k === 'dWy' || k === 'dby'))
    lines.push(
      'Only dWy or dby is wrong: ' +
        'temporalAffineBackward takes dlogits from the loss (rnn/temporal-affine-backward).',
    );
  else
    lines.push(
      `${wrong.join(', ')} are wrong: the backward runs the layers in reverse order, each taking the gradient the next one returned (dlogits → dh → dx).`,
    );
  return lines.join('\n');
}

exercise('rnn/tbptt-step', () => {
  check(
    'loss and dWe, dWx, dWh, db, dWy, dby match the reference, starting from a nonzero hPrev (N = 2, T = 4)',
    2,
    async () => {
      const params = seededParams(1201);
      const chunk = seededChunk(1207, 2, 4);
      const hPrev = normal(1208, [2, H], 0.8); // [N, H], where the previous chunk ended
      const expected = referenceStep(params, chunk, hPrev);
      const fromZeros = referenceStep(params, chunk, zerosLike(hPrev));
      const out = await tbpttStep(params, chunk, hPrev);
      expectClose(out.loss, expected.loss, {
        what: 'loss',
        tol: TOL.reference,
        hint: 'compose',
        explain: () => {
          if (
            typeof out.loss === 'number' &&
            Math.abs(out.loss - fromZeros.loss) <= 1e-9 * Math.abs(fromZeros.loss)
          ) {
            return (
              'The loss is the one of a chunk that starts from zeros: the RNN must start from hPrev, ' +
              'the hidden state the previous chunk ended in (truncation cuts the gradient, not the state).'
            );
          }
          return (
            'The loss is temporalSoftmaxLossAndGrad over the chunk with a mask of ones (eq. 1.10, divided by ' +
            'N), after embedding, rnnForward from hPrev and the temporal affine layer.'
          );
        },
      });
      const grads = { ...out.grads };
      const reference = { ...expected.grads };
      expectGradients({
        what: 'tbpttStep',
        analytic: grads,
        reference,
        tol: TOL,
        hint: 'backwardOrder',
        explain: () => readCompositionMistake(grads, reference),
      });
    },
  );

  // Gated on the value check above. hNext must be a new tensor, not a view of the RNN's states the
  // next call could change; an hPrev that is not [N, H] is refused by name.
  check(
    'params, the chunk and hPrev are not changed, the results are new tensors, and an hPrev of the wrong shape is refused',
    1,
    async () => {
      const params = seededParams(1231);
      const chunk = seededChunk(1237, 2, 3);
      const hPrev = normal(1238, [2, H], 0.8); // [N, H]
      await expectNoInputMutation(
        { ...params, inputs: chunk.inputs, targets: chunk.targets, hPrev },
        () => tbpttStep(params, chunk, hPrev),
        { what: 'tbpttStep' },
      );
      await expectThrows(() => tbpttStep(params, chunk, normal(1239, [3, H])), {
        what: 'tbpttStep',
        name: 'ShapeError',
        argument: 'hPrev',
        when: `hPrev of shape [3, ${H}] where the chunk has N = 2 sequences`,
        hint: 'compose',
      });
    },
    { requires: 'values' },
  );

  check('the gradients match finite differences of your own loss (N = 2, T = 3)', 1, async () => {
    const params = seededParams(1211);
    const chunk = seededChunk(1217, 2, 3);
    const hPrev = normal(1218, [2, H], 0.8); // [N, H]
    const grads = { ...(await tbpttStep(params, chunk, hPrev)).grads };
    const probe = cloneParams(params);
    const numeric: Record<string, Tensor> = {};
    for (const name of Object.keys(probe) as (keyof CharRnnParams)[]) {
      numeric[`d${name}`] = await numericGradient(
        async () => (await tbpttStep(probe, chunk, hPrev)).loss,
        probe[name],
      );
    }
    if (Object.values(numeric).every((g) => g.data.every((v) => Math.abs(v) < 1e-6))) {
      fail(
        'loss',
        'your loss does not change when the parameters change (its finite differences are all 0): the ' +
          'loss is the cross-entropy of the model run over the chunk, eq. 1.10.',
        { hint: 'compose' },
      );
    }
    expectGradients({
      what: 'tbpttStep vs finite differences of its own loss',
      analytic: grads,
      numeric,
      tol: TOL,
      hint: 'backwardOrder',
    });
  });

  // hNext [N, H] is h at step T-1; the next chunk starts there. Two chunks in a row must give
  // the reference's second loss and gradients, so nothing leaks from one call to the next.
  check('hNext is the last hidden state, and the next chunk continues from it', 1, async () => {
    const params = seededParams(1221);
    const first = seededChunk(1227, 3, 4);
    const second = seededChunk(1228, 3, 4);
    const hPrev = normal(1229, [3, H], 0.8); // [N, H]
    const expected = referenceStep(params, first, hPrev);
    const out = await tbpttStep(params, first, hPrev);
    const h = rnn(wordEmbedding(first.inputs, params.We), hPrev, params.Wx, params.Wh, params.b); // [N, T, H]
    const carried = {
      hint: 'truncate',
      explain: () => {
        if (agrees(out.hNext, hPrev))
          return "hNext is hPrev unchanged: hNext is the chunk's last hidden state h[:, T-1], carried to the next chunk.";
        for (let t = 0; t < 3; t++) {
          if (agrees(out.hNext, timeStep(h, t))) {
            return `hNext is the hidden state after step ${t}: hNext is the last one, h[:, T-1] (step 3 here), carried to the next chunk.`;
          }
        }
        return "hNext is the chunk's last hidden state h[:, T-1], the state the next chunk starts from.";
      },
    };
    expectShape(out.hNext, [3, H], 'hNext', carried);
    expectClose(out.hNext, expected.hNext, { what: 'hNext', tol: TOL.reference, ...carried });
    const expectedNext = referenceStep(params, second, expected.hNext);
    const next = await tbpttStep(params, second, out.hNext);
    const alone = {
      hint: 'truncate',
      explain: () =>
        "The second chunk starts from the first chunk's hNext; its loss and gradients depend on that chunk alone (no gradient crosses the boundary, nothing is kept between calls).",
    };
    expectClose(next.loss, expectedNext.loss, {
      what: 'loss of the second chunk',
      tol: TOL.reference,
      ...alone,
    });
    expectGradients({
      what: 'tbpttStep on the second chunk',
      analytic: { ...next.grads },
      reference: { ...expectedNext.grads },
      tol: TOL,
      ...alone,
    });
  });

  // The smallest chunk, one sequence of one step, against the reference: loss, gradients and
  // hNext keep their axes ([1, H]). Same tolerances.
  check('N = 1 and T = 1: one sequence of one step', 1, async () => {
    const params = seededParams(1241);
    const chunk = seededChunk(1247, 1, 1);
    const hPrev = normal(1248, [1, H], 0.8); // [N, H]
    const expected = referenceStep(params, chunk, hPrev);
    const out = await tbpttStep(params, chunk, hPrev);
    const why = { hint: 'compose' };
    expectClose(out.loss, expected.loss, {
      what: 'loss (N = 1, T = 1)',
      tol: TOL.reference,
      ...why,
    });
    expectGradients({
      what: 'tbpttStep (N = 1, T = 1)',
      analytic: { ...out.grads },
      reference: { ...expected.grads },
      tol: TOL,
      ...why,
    });
    expectShape(out.hNext, [1, H], 'hNext (N = 1, T = 1)', { hint: 'truncate' });
    expectClose(out.hNext, expected.hNext, {
      what: 'hNext (N = 1, T = 1)',
      tol: TOL.reference,
      hint: 'truncate',
    });
  });
});
