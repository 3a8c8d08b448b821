/**
 * Both derivations against central finite differences (h = 1e-5, float64): the hand-written
 * backward of every solution against differences of the solution's own forward, and the
 * reference's gradients (autograd, or CTC's alpha-beta backward) against differences of the
 * reference. Tolerance 1e-6 relative error, the upper end of what CS231n expects; N = 1, T = 1
 * and fully padded rows included.
 */
import { describe, expect, it } from 'vitest';
import { Rng, concat, numericalGradient, sequenceMask, tensor, vjp } from '@rnn-course/core';
import type { Tensor } from '@rnn-course/core';
import {
  additiveAttention,
  bidirectionalRnn,
  createSeq2Seq,
  ctcLoss,
  decoderStep,
  logSoftmaxRows,
  maskedSoftmax,
  multiplicativeAttention,
  seq2seqLoss,
  seq2seqParameters,
  stackedRnn,
} from './reference';
import type { AttentionKind } from './reference';
import {
  additiveAttentionBackward,
  additiveAttentionForward,
} from '../../../solutions/seq2seq-attention/additive-attention';
import {
  bidirectionalRnnBackward,
  bidirectionalRnnForward,
} from '../../../solutions/seq2seq-attention/bidirectional-rnn';
import { ctcLossAndGrad as solutionCtcLoss } from '../../../solutions/seq2seq-attention/ctc-loss';
import {
  decoderStepBackward,
  decoderStepForward,
} from '../../../solutions/seq2seq-attention/decoder-step';
import {
  maskedSoftmaxBackward,
  maskedSoftmaxForward,
} from '../../../solutions/seq2seq-attention/masked-softmax';
import {
  multiplicativeAttentionBackward,
  multiplicativeAttentionForward,
} from '../../../solutions/seq2seq-attention/multiplicative-attention';
import { seq2seqLossAndGrad as solutionSeq2seqLoss } from '../../../solutions/seq2seq-attention/seq2seq-loss';
import {
  stackedRnnBackward,
  stackedRnnForward,
} from '../../../solutions/seq2seq-attention/stacked-rnn';
import { expectGrads, numericGrads, randnT } from './helpers';

const FD_TOL = 1e-6;
// Differencing a whole model weight by weight takes seconds, more on a busy machine.
const MODEL_TIMEOUT_MS = 120_000;

describe('gradients against central differences', () => {
  it('masked softmax, with a fully padded row: solution and reference', () => {
    const rng = new Rng(1);
    const mask = tensor([
      [1, 1, 0, 1],
      [0, 0, 0, 0],
      [1, 0, 0, 0],
    ]);
    const scores = randnT([3, 4], rng, 2);
    const dweights = randnT([3, 4], rng);
    const num = numericGrads(
      () => maskedSoftmaxForward(scores, mask).weights,
      { scores },
      dweights,
    );
    const { cache } = maskedSoftmaxForward(scores, mask);
    expectGrads({ ...maskedSoftmaxBackward(dweights, cache) }, num, FD_TOL, 'solution');
    expectGrads(
      vjp((s) => maskedSoftmax(s, mask), { scores }, dweights),
      num,
      FD_TOL,
      'reference',
    );
    // Padded positions and the empty row get exactly no gradient.
    const { dscores } = maskedSoftmaxBackward(dweights, cache);
    const padded = [2, 4, 5, 6, 7, 9, 10, 11].map((i) => Math.abs(dscores.data[i]!));
    expect(padded).toEqual([0, 0, 0, 0, 0, 0, 0, 0]);
  });

  it('additive attention over a padded batch: solution and reference', () => {
    const rng = new Rng(2);
    const p = {
      query: randnT([3, 4], rng),
      keys: randnT([3, 5, 3], rng),
      values: randnT([3, 5, 2], rng),
      Wq: randnT([4, 6], rng, 0.5),
      Wk: randnT([3, 6], rng, 0.5),
      v: randnT([6], rng),
    };
    const mask = sequenceMask([5, 2, 0], 5);
    const dcontext = randnT([3, 2], rng);
    const forward = () =>
      additiveAttentionForward(p.query, p.keys, p.values, mask, p.Wq, p.Wk, p.v);
    const num = numericGrads(() => forward().context, p, dcontext);
    expectGrads(
      { ...additiveAttentionBackward(dcontext, forward().cache) },
      num,
      FD_TOL,
      'solution',
    );
    const ref = vjp(
      (q, k, val, wq, wk, v) => additiveAttention(q, k, val, mask, wq, wk, v).context,
      p,
      dcontext,
    );
    expectGrads(ref, num, FD_TOL, 'reference');
  });

  for (const kind of ['dot', 'general'] as const) {
    it(`multiplicative (${kind}) attention, N = 1 and T = 1 too: solution and reference`, () => {
      for (const [N, T, lengths] of [
        [2, 4, [4, 3]],
        [1, 1, [1]],
      ] as [number, number, number[]][]) {
        const rng = new Rng(3 + T);
        const Hq = kind === 'dot' ? 3 : 4;
        const p: Record<string, Tensor> = {
          query: randnT([N, Hq], rng),
          keys: randnT([N, T, 3], rng),
          values: randnT([N, T, 2], rng),
        };
        if (kind === 'general') p.Wa = randnT([Hq, 3], rng, 0.5);
        const mask = sequenceMask(lengths, T);
        const dcontext = randnT([N, 2], rng);
        const forward = () =>
          multiplicativeAttentionForward(p.query!, p.keys!, p.values!, mask, p.Wa);
        const num = numericGrads(() => forward().context, p, dcontext);
        expectGrads(
          { ...multiplicativeAttentionBackward(dcontext, forward().cache) },
          num,
          FD_TOL,
          'solution',
        );
        const ref = vjp(
          (q, k, val, wa) => multiplicativeAttention(q, k, val, mask, wa).context,
          p,
          dcontext,
        );
        expectGrads(ref, num, FD_TOL, 'reference');
      }
    });
  }

  it('bidirectional RNN with lengths (one of them 1): solution and reference', () => {
    const rng = new Rng(4);
    const [N, T, D, H] = [2, 5, 3, 3];
    const lengths = [5, 1];
    const p = {
      x: randnT([N, T, D], rng),
      h0f: randnT([N, H], rng),
      h0b: randnT([N, H], rng),
      Wxf: randnT([D, H], rng, 0.5),
      Whf: randnT([H, H], rng, 0.5),
      bf: randnT([H], rng),
      Wxb: randnT([D, H], rng, 0.5),
      Whb: randnT([H, H], rng, 0.5),
      bb: randnT([H], rng),
    };
    const dh = randnT([N, T, 2 * H], rng);
    const forward = () => bidirectionalRnnForward(p.x, p.h0f, p.h0b, p, lengths);
    const num = numericGrads(() => forward().h, p, dh);
    expectGrads({ ...bidirectionalRnnBackward(dh, forward().cache) }, num, FD_TOL, 'solution');
    const ref = vjp(
      (x, h0f, h0b, Wxf, Whf, bf, Wxb, Whb, bb) =>
        bidirectionalRnn(x, h0f, h0b, { Wxf, Whf, bf, Wxb, Whb, bb } as never, lengths),
      p,
      dh,
    );
    expectGrads(ref, num, FD_TOL, 'reference');
  });

  it('stacked RNN, two layers with dropout (fixed masks): solution and reference', () => {
    const rng = new Rng(5);
    const [N, T, D, H] = [2, 4, 3, 3];
    const p = {
      x: randnT([N, T, D], rng),
      h00: randnT([N, H], rng),
      h01: randnT([N, H], rng),
      Wx0: randnT([D, H], rng, 0.5),
      Wh0: randnT([H, H], rng, 0.5),
      b0: randnT([H], rng),
      Wx1: randnT([H, H], rng, 0.5),
      Wh1: randnT([H, H], rng, 0.5),
      b1: randnT([H], rng),
    };
    const layers = () => [
      { Wx: p.Wx0, Wh: p.Wh0, b: p.b0 },
      { Wx: p.Wx1, Wh: p.Wh1, b: p.b1 },
    ];
    const dh = randnT([N, T, H], rng);
    // A fresh generator with the same seed at every call draws the same masks.
    const forward = () => stackedRnnForward(p.x, [p.h00, p.h01], layers(), 0.4, new Rng(11));
    const num = numericGrads(() => forward().h, p, dh);
    const g = stackedRnnBackward(dh, forward().cache);
    const named = {
      dx: g.dx,
      dh00: g.dh0[0]!,
      dh01: g.dh0[1]!,
      dWx0: g.dlayers[0]!.dWx,
      dWh0: g.dlayers[0]!.dWh,
      db0: g.dlayers[0]!.db,
      dWx1: g.dlayers[1]!.dWx,
      dWh1: g.dlayers[1]!.dWh,
      db1: g.dlayers[1]!.db,
    };
    expectGrads(named, num, FD_TOL, 'solution');
    const ref = vjp(
      (x, a, b, Wx0, Wh0, b0, Wx1, Wh1, b1) =>
        stackedRnn(
          x,
          [a, b],
          [
            { Wx: Wx0, Wh: Wh0, b: b0 },
            { Wx: Wx1, Wh: Wh1, b: b1 },
          ],
          0.4,
          new Rng(11),
        ),
      p,
      dh,
    );
    expectGrads(ref, num, FD_TOL, 'reference');
  });

  for (const kind of ['additive', 'general', 'none'] as AttentionKind[]) {
    it(`decoder step (${kind}): solution and reference`, () => {
      const rng = new Rng(6);
      const model = createSeq2Seq(
        {
          sourceVocab: 5,
          targetVocab: 5,
          embedDim: 2,
          encoderHidden: 2,
          decoderHidden: 3,
          attention: kind,
          attentionDim: 2,
          sos: 1,
          eos: 2,
        },
        new Rng(7),
      );
      const [N, S] = [2, 3];
      const memory = {
        outputs: randnT([N, S, 4], rng),
        mask: sequenceMask([3, 1], S),
        summary: randnT([N, 4], rng),
      };
      const x = randnT([N, 2], rng);
      const prevS = randnT([N, 3], rng);
      const weights = Object.fromEntries(
        seq2seqParameters(model).filter(([k]) =>
          ['Wx', 'Wh', 'b', 'Wc', 'bc', 'Wy', 'by', 'Wq', 'Wk', 'v', 'Wa'].includes(k),
        ),
      ) as Record<string, Tensor>;
      const inputs = { x, prevS, outputs: memory.outputs, summary: memory.summary, ...weights };
      const dlogits = randnT([N, 5], rng);
      const dnextS = randnT([N, 3], rng);
      const dout = concat([dlogits, dnextS], 1);
      const forward = () => decoderStepForward(x, prevS, memory, weights as never, kind);
      const num = numericGrads(
        () => {
          const r = forward();
          return concat([r.logits, r.nextS], 1);
        },
        inputs,
        dout,
      );
      expectGrads(
        { ...decoderStepBackward(dlogits, dnextS, forward().cache) },
        num,
        FD_TOL,
        'solution',
      );
      const names = Object.keys(weights);
      const ref = vjp(
        (xx, s, outputs, summary, ...w) => {
          const params = Object.fromEntries(names.map((k, i) => [k, w[i]!])) as never;
          const r = decoderStep(xx, s, { outputs, mask: memory.mask, summary }, params, kind);
          return concat([r.logits, r.nextS], 1);
        },
        inputs,
        dout,
      );
      expectGrads(ref, num, FD_TOL, 'reference');
    });
  }

  for (const kind of ['additive', 'dot', 'none'] as AttentionKind[]) {
    it(
      `teacher-forced seq2seq loss (${kind}), every weight: solution and reference`,
      () => {
        const model = createSeq2Seq(
          {
            sourceVocab: 6,
            targetVocab: 5,
            embedDim: 2,
            encoderHidden: 2,
            decoderHidden: 4,
            attention: kind,
            attentionDim: 2,
            sos: 1,
            eos: 2,
          },
          new Rng(8),
        );
        const batch = {
          source: [
            [3, 4, 5],
            [5, 0, 0],
          ],
          sourceLengths: [3, 1],
          target: [
            [3, 4, 2],
            [2, 0, 0],
          ],
          targetLengths: [3, 1],
        };
        const { grads } = solutionSeq2seqLoss(model, batch);
        const loss = seq2seqLoss(model, batch);
        loss.backward();
        for (const [name, w] of seq2seqParameters(model)) {
          const num = numericalGradient(() => solutionSeq2seqLoss(model, batch).loss, w, 1e-5);
          expectGrads(grads, { [`d${name}`]: num }, FD_TOL, 'solution');
          expectGrads(
            { [`d${name}`]: w.grad ?? undefined },
            { [`d${name}`]: num },
            FD_TOL,
            'reference',
          );
        }
      },
      MODEL_TIMEOUT_MS,
    );
  }

  it('CTC loss, sum and mean, with a repeat, an empty target and a one-frame input', () => {
    const rng = new Rng(9);
    const logProbs = logSoftmaxRows(randnT([3, 6, 4], rng, 2));
    const targets = [[1, 1, 3], [], [2]];
    const lengths = [6, 4, 1];
    for (const reduction of ['sum', 'mean'] as const) {
      const num = numericalGradient(
        () => solutionCtcLoss(logProbs, targets, lengths, { reduction }).loss,
        logProbs,
        1e-5,
      );
      const got = solutionCtcLoss(logProbs, targets, lengths, { reduction });
      expectGrads(
        { dlogProbs: got.dlogProbs },
        { dlogProbs: num },
        FD_TOL,
        `solution ${reduction}`,
      );
      const ref = vjp((lp) => ctcLoss(lp, targets, lengths, { reduction }), { logProbs });
      expectGrads(ref, { dlogProbs: num }, FD_TOL, `reference ${reduction}`);
    }
  });
});
