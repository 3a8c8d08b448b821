/**
 * Grading suite of rnn/tbptt-step: one step of truncated backpropagation through time on the
 * character model (embedding → RNN → temporal affine → softmax loss), against the reference,
 * against central differences of the learner's own loss, and the hidden state carried from
 * one chunk to the next.
 */
import { timeStep, zerosLike, type Tensor } from '@rnn-course/core';
import {
  check,
  exercise,
  expectClose,
  expectGradients,
  expectNoInputMutation,
  expectShape,
  numericGrad,
} from '@rnn-course/grader/testing';
import {
  wordEmbedding,
  rnn,
  tbpttStep as referenceStep,
  type CharRnnParams,
  type TextChunk,
} from '@rnn-course/rnn';
import { tbpttStep } from '@target/rnn/tbptt-step';
import { agrees, explained } from './diagnosis';
import { ids as seededIds, normal } from './inputs';

/**
 * Tolerances (relative error, CS231n formula). Loss, gradients and hNext against the
 * reference: the same model computed two exact ways, agreeing to rounding over T steps
 * (about 1e-13), so 1e-9. Gradients against central differences of the learner's own loss
 * at h = 1e-5: a whole model's loss, truncation and rounding error about 1e-9 relative, so 1e-6
 * (CS231n checks whole models at 1e-5 to 1e-6).
 */
const TOL = { reference: 1e-9, numeric: 1e-6 } as const;

/** Hints: 1 = the composition, 2 = the backward order, 3 = truncation and hNext. */
const HINT_COMPOSE = 1;
const HINT_TRUNCATE = 3;

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
  const wrong = Object.keys(ref).filter((k) => !agrees(g[k], ref[k] as Tensor, TOL.reference));
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
    () => {
      const params = seededParams(1201);
      const chunk = seededChunk(1207, 2, 4);
      const hPrev = normal(1208, [2, H], 0.8); // [N, H], where the previous chunk ended
      const expected = referenceStep(params, chunk, hPrev);
      const fromZeros = referenceStep(params, chunk, zerosLike(hPrev));
      const out = tbpttStep(params, chunk, hPrev);
      explained(
        () => expectClose(out.loss, expected.loss, { what: 'loss', tol: TOL.reference }),
        () => {
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
        HINT_COMPOSE,
      );
      const grads = out.grads as unknown as Record<string, Tensor>;
      const reference = expected.grads as unknown as Record<string, Tensor>;
      explained(
        () => expectGradients({ what: 'tbpttStep', analytic: grads, reference, tol: TOL }),
        () => readCompositionMistake(grads, reference),
        2,
      );
    },
  );

  check('the gradients match finite differences of your own loss (N = 2, T = 3)', 1, () => {
    const params = seededParams(1211);
    const chunk = seededChunk(1217, 2, 3);
    const hPrev = normal(1218, [2, H], 0.8); // [N, H]
    const grads = tbpttStep(params, chunk, hPrev).grads as unknown as Record<string, Tensor>;
    const probe = cloneParams(params);
    const numeric: Record<string, Tensor> = {};
    for (const name of Object.keys(probe) as (keyof CharRnnParams)[]) {
      numeric[`d${name}`] = numericGrad(() => tbpttStep(probe, chunk, hPrev).loss, probe[name]);
    }
    expectGradients({
      what: 'tbpttStep vs finite differences of its own loss',
      analytic: grads,
      numeric,
      tol: TOL,
      hint: 2,
    });
  });

  // hNext [N, H] is h at step T-1; the next chunk starts there. Two chunks in a row must give
  // the reference's second loss and gradients, so nothing leaks from one call to the next.
  check('hNext is the last hidden state, and the next chunk continues from it', 1, () => {
    const params = seededParams(1221);
    const first = seededChunk(1227, 3, 4);
    const second = seededChunk(1228, 3, 4);
    const hPrev = normal(1229, [3, H], 0.8); // [N, H]
    const expected = referenceStep(params, first, hPrev);
    const out = tbpttStep(params, first, hPrev);
    const h = rnn(wordEmbedding(first.inputs, params.We), hPrev, params.Wx, params.Wh, params.b); // [N, T, H]
    explained(
      () => {
        expectShape(out.hNext, [3, H], 'hNext');
        expectClose(out.hNext, expected.hNext, { what: 'hNext', tol: TOL.reference });
      },
      () => {
        if (agrees(out.hNext, hPrev))
          return "hNext is hPrev unchanged: hNext is the chunk's last hidden state h[:, T-1], carried to the next chunk.";
        for (let t = 0; t < 3; t++) {
          if (agrees(out.hNext, timeStep(h, t))) {
            return `hNext is the hidden state after step ${t}: hNext is the last one, h[:, T-1] (step 3 here), carried to the next chunk.`;
          }
        }
        return "hNext is the chunk's last hidden state h[:, T-1], the state the next chunk starts from.";
      },
      HINT_TRUNCATE,
    );
    const expectedNext = referenceStep(params, second, expected.hNext);
    const next = tbpttStep(params, second, out.hNext);
    explained(
      () => {
        expectClose(next.loss, expectedNext.loss, {
          what: 'loss of the second chunk',
          tol: TOL.reference,
        });
        expectGradients({
          what: 'tbpttStep on the second chunk',
          analytic: next.grads as unknown as Record<string, Tensor>,
          reference: expectedNext.grads as unknown as Record<string, Tensor>,
          tol: TOL,
        });
      },
      () =>
        "The second chunk starts from the first chunk's hNext; its loss and gradients depend on that chunk alone (no gradient crosses the boundary, nothing is kept between calls).",
      HINT_TRUNCATE,
    );
  });

  check('params, the chunk and hPrev are not changed', 1, () => {
    const params = seededParams(1231);
    const chunk = seededChunk(1237, 2, 3);
    const hPrev = normal(1238, [2, H], 0.8); // [N, H]
    expectNoInputMutation(
      { ...params, inputs: chunk.inputs, targets: chunk.targets, hPrev },
      () => tbpttStep(params, chunk, hPrev),
      { what: 'tbpttStep', hint: HINT_TRUNCATE },
    );
  });
});
