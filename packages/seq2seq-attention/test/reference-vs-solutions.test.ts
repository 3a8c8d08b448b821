/**
 * The reference (autograd) and the worked solutions (hand-written backward) are independent
 * derivations of the same layers: values agree to 1e-10 and gradients to 1e-8 (relative error,
 * CS231n's formula) on seeded inputs, including one sequence (N = 1), one step (T = 1) and rows
 * that are entirely padding. Decoding must give the same hypotheses, scores and order.
 */
import { describe, expect, it } from 'vitest';
import { Rng, concat, sequenceMask, sum, tensor, vjp, zeros } from '@rnn-course/core';
import type { Tensor } from '@rnn-course/core';
import {
  additiveAttention,
  beamSearch,
  bidirectionalRnn,
  createSeq2Seq,
  ctcLoss,
  decoderStep,
  greedyDecode,
  logSoftmaxRows,
  maskedSoftmax,
  multiplicativeAttention,
  seq2seqLoss,
  seq2seqParameters,
  stackedRnn,
} from './reference';
import type { AttentionKind, Seq2Seq } from './reference';
import {
  additiveAttentionBackward,
  additiveAttentionForward,
} from '../../../solutions/seq2seq-attention/additive-attention';
import { beamSearch as solutionBeamSearch } from '../../../solutions/seq2seq-attention/beam-search';
import {
  bidirectionalRnnBackward,
  bidirectionalRnnForward,
} from '../../../solutions/seq2seq-attention/bidirectional-rnn';
import { ctcLossAndGrad as solutionCtcLoss } from '../../../solutions/seq2seq-attention/ctc-loss';
import {
  decoderStepBackward,
  decoderStepForward,
} from '../../../solutions/seq2seq-attention/decoder-step';
import { greedyDecode as solutionGreedyDecode } from '../../../solutions/seq2seq-attention/greedy-decode';
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
import { expectGrads, expectRel, randnT } from './helpers';

const VALUE_TOL = 1e-10;
const GRAD_TOL = 1e-8;

describe('masked softmax: reference vs solution', () => {
  const cases: [string, number[][]][] = [
    [
      'N=3, T=5, the last row fully padded',
      [
        [1, 1, 1, 1, 1],
        [1, 1, 0, 0, 0],
        [0, 0, 0, 0, 0],
      ],
    ],
    ['N=1, T=1', [[1]]],
    [
      'a mask with holes',
      [
        [1, 0, 1, 1],
        [0, 1, 0, 0],
      ],
    ],
  ];
  for (const [name, rows] of cases) {
    it(`weights and dscores agree: ${name}`, () => {
      const rng = new Rng(rows.length * 11 + rows[0]!.length);
      const mask = tensor(rows);
      const scores = randnT(mask.shape, rng, 3);
      const dweights = randnT(mask.shape, rng);
      const { weights, cache } = maskedSoftmaxForward(scores, mask);
      expectRel(weights, maskedSoftmax(scores, mask), VALUE_TOL, 'weights');
      const expected = vjp((s) => maskedSoftmax(s, mask), { scores }, dweights);
      expectGrads({ ...maskedSoftmaxBackward(dweights, cache) }, expected, GRAD_TOL, 'solution');
    });
  }
});

/** Query, keys, values and a mask for attention: N rows with the given lengths. */
function attentionInputs(
  lengths: number[],
  T: number,
  Hq: number,
  Hk: number,
  Hv: number,
  rng: Rng,
) {
  const N = lengths.length;
  return {
    query: randnT([N, Hq], rng),
    keys: randnT([N, T, Hk], rng),
    values: randnT([N, T, Hv], rng),
    mask: sequenceMask(lengths, T),
  };
}

describe('additive attention: reference vs solution', () => {
  for (const [lengths, T] of [
    [[5, 3, 0], 5],
    [[1], 1],
  ] as [number[], number][]) {
    it(`context, weights and all six gradients agree for lengths [${lengths}], T=${T}`, () => {
      const rng = new Rng(40 + T);
      const { query, keys, values, mask } = attentionInputs(lengths, T, 4, 6, 3, rng);
      const A = 5;
      const Wq = randnT([4, A], rng, 0.5);
      const Wk = randnT([6, A], rng, 0.5);
      const v = randnT([A], rng);
      const dcontext = randnT([lengths.length, 3], rng);
      const out = additiveAttentionForward(query, keys, values, mask, Wq, Wk, v);
      const ref = additiveAttention(query, keys, values, mask, Wq, Wk, v);
      expectRel(out.context, ref.context, VALUE_TOL, 'context');
      expectRel(out.weights, ref.weights, VALUE_TOL, 'weights');
      const expected = vjp(
        (q, k, val, wq, wk, vv) => additiveAttention(q, k, val, mask, wq, wk, vv).context,
        { query, keys, values, Wq, Wk, v },
        dcontext,
      );
      expectGrads(
        { ...additiveAttentionBackward(dcontext, out.cache) },
        expected,
        GRAD_TOL,
        'solution',
      );
    });
  }
});

describe('multiplicative attention: reference vs solution', () => {
  for (const kind of ['dot', 'general'] as const) {
    for (const [lengths, T] of [
      [[4, 1, 0], 4],
      [[1], 1],
    ] as [number[], number][]) {
      it(`${kind}: values and gradients agree for lengths [${lengths}], T=${T}`, () => {
        const rng = new Rng(60 + T + (kind === 'dot' ? 0 : 5));
        const Hq = kind === 'dot' ? 5 : 3;
        const { query, keys, values, mask } = attentionInputs(lengths, T, Hq, 5, 2, rng);
        const Wa = kind === 'general' ? randnT([Hq, 5], rng, 0.5) : undefined;
        const dcontext = randnT([lengths.length, 2], rng);
        const out = multiplicativeAttentionForward(query, keys, values, mask, Wa);
        const ref = multiplicativeAttention(query, keys, values, mask, Wa);
        expectRel(out.context, ref.context, VALUE_TOL, 'context');
        expectRel(out.weights, ref.weights, VALUE_TOL, 'weights');
        const inputs: Record<string, Tensor> = { query, keys, values };
        if (Wa !== undefined) inputs.Wa = Wa;
        const expected = vjp(
          (q, k, val, wa) => multiplicativeAttention(q, k, val, mask, wa).context,
          inputs,
          dcontext,
        );
        const got = multiplicativeAttentionBackward(dcontext, out.cache);
        expectGrads({ ...got }, expected, GRAD_TOL, 'solution');
        if (kind === 'dot') expect(got.dWa).toBeUndefined();
      });
    }
  }
});

describe('bidirectional RNN: reference vs solution', () => {
  for (const [lengths, T] of [
    [[6, 4, 0], 6],
    [[1], 1],
    [undefined, 3],
  ] as [number[] | undefined, number][]) {
    it(`outputs and nine gradients agree for lengths ${JSON.stringify(lengths)}, T=${T}`, () => {
      const rng = new Rng(80 + T);
      const N = lengths?.length ?? 2;
      const [D, H] = [3, 4];
      const x = randnT([N, T, D], rng);
      const h0f = randnT([N, H], rng);
      const h0b = randnT([N, H], rng);
      const params = {
        Wxf: randnT([D, H], rng, 0.5),
        Whf: randnT([H, H], rng, 0.5),
        bf: randnT([H], rng),
        Wxb: randnT([D, H], rng, 0.5),
        Whb: randnT([H, H], rng, 0.5),
        bb: randnT([H], rng),
      };
      const dh = randnT([N, T, 2 * H], rng);
      const { h, cache } = bidirectionalRnnForward(x, h0f, h0b, params, lengths);
      expectRel(h, bidirectionalRnn(x, h0f, h0b, params, lengths), VALUE_TOL, 'h');
      const expected = vjp(
        (xx, hf, hb, Wxf, Whf, bf, Wxb, Whb, bb) =>
          bidirectionalRnn(xx, hf, hb, { Wxf, Whf, bf, Wxb, Whb, bb } as never, lengths),
        { x, h0f, h0b, ...params },
        dh,
      );
      expectGrads({ ...bidirectionalRnnBackward(dh, cache) }, expected, GRAD_TOL, 'solution');
    });
  }
});

describe('stacked RNN with dropout: reference vs solution', () => {
  for (const [N, T, p] of [
    [2, 5, 0.3],
    [1, 1, 0.5],
    [3, 4, 0],
  ] as const) {
    it(`three layers agree (same seeded masks) for N=${N}, T=${T}, p=${p}`, () => {
      const rng = new Rng(100 + T);
      const [D, H] = [3, 4];
      const x = randnT([N, T, D], rng);
      const h0 = [0, 1, 2].map(() => randnT([N, H], rng));
      const layers = [D, H, H].map((d) => ({
        Wx: randnT([d, H], rng, 0.5),
        Wh: randnT([H, H], rng, 0.5),
        b: randnT([H], rng),
      }));
      const dh = randnT([N, T, H], rng);
      const { h, cache } = stackedRnnForward(x, h0, layers, p, new Rng(7));
      expectRel(h, stackedRnn(x, h0, layers, p, new Rng(7)), VALUE_TOL, 'h');
      const flat: Record<string, Tensor> = { x };
      h0.forEach((t, l) => (flat[`h0_${l}`] = t));
      layers.forEach((layer, l) => {
        flat[`Wx_${l}`] = layer.Wx;
        flat[`Wh_${l}`] = layer.Wh;
        flat[`b_${l}`] = layer.b;
      });
      const expected = vjp(
        (xx, a0, a1, a2, ...w) =>
          stackedRnn(
            xx,
            [a0, a1, a2],
            [0, 1, 2].map((l) => ({ Wx: w[3 * l]!, Wh: w[3 * l + 1]!, b: w[3 * l + 2]! })),
            p,
            new Rng(7),
          ),
        flat,
        dh,
      );
      const got = stackedRnnBackward(dh, cache);
      const named: Record<string, Tensor> = { dx: got.dx };
      got.dh0.forEach((t, l) => (named[`dh0_${l}`] = t));
      got.dlayers.forEach((g, l) => {
        named[`dWx_${l}`] = g.dWx;
        named[`dWh_${l}`] = g.dWh;
        named[`db_${l}`] = g.db;
      });
      expectGrads(named, expected, GRAD_TOL, 'solution');
    });
  }
});

const KINDS: AttentionKind[] = ['additive', 'dot', 'general', 'none'];

/** A small model: Vs = 7, Vt = 6 (pad 0, sos 1, eos 2), E = 3, H = 2, Hd = 4 (= 2H for dot). */
function smallModel(kind: AttentionKind, seed: number): Seq2Seq {
  return createSeq2Seq(
    {
      sourceVocab: 7,
      targetVocab: 6,
      embedDim: 3,
      encoderHidden: 2,
      decoderHidden: 4,
      attention: kind,
      attentionDim: 3,
      sos: 1,
      eos: 2,
    },
    new Rng(seed),
  );
}

describe('decoder step: reference vs solution', () => {
  for (const kind of KINDS) {
    it(`${kind}: nextS, logits, weights and every gradient agree (a padded and an empty source)`, () => {
      const rng = new Rng(120);
      const { params } = smallModel(kind, 5);
      const [N, S, Hc, Hd, E, V] = [3, 4, 4, 4, 3, 6];
      const x = randnT([N, E], rng);
      const prevS = randnT([N, Hd], rng);
      const memory = {
        outputs: randnT([N, S, Hc], rng),
        mask: sequenceMask([4, 2, 0], S),
        summary: randnT([N, Hc], rng),
      };
      const dlogits = randnT([N, V], rng);
      const dnextS = randnT([N, Hd], rng);
      const out = decoderStepForward(x, prevS, memory, params, kind);
      const ref = decoderStep(x, prevS, memory, params, kind);
      expectRel(out.nextS, ref.nextS, VALUE_TOL, 'nextS');
      expectRel(out.logits, ref.logits, VALUE_TOL, 'logits');
      expectRel(out.weights, ref.weights, VALUE_TOL, 'weights');
      const weights = Object.fromEntries(
        ['Wx', 'Wh', 'b', 'Wc', 'bc', 'Wy', 'by', 'Wq', 'Wk', 'v', 'Wa']
          .filter((k) => params[k as keyof typeof params] !== undefined)
          .map((k) => [k, params[k as keyof typeof params] as Tensor]),
      );
      const names = Object.keys(weights);
      const expected = vjp(
        (xx, s, outputs, summary, ...w) => {
          const p = Object.fromEntries(names.map((k, i) => [k, w[i]!])) as never;
          const r = decoderStep(xx, s, { outputs, mask: memory.mask, summary }, p, kind);
          return concat([r.logits, r.nextS], 1); // [N, V + Hd]
        },
        { x, prevS, outputs: memory.outputs, summary: memory.summary, ...weights },
        concat([dlogits, dnextS], 1),
      );
      expectGrads(
        { ...decoderStepBackward(dlogits, dnextS, out.cache) },
        expected,
        GRAD_TOL,
        'solution',
      );
    });
  }
});

/** A padded batch: sources of lengths 4, 2, 1 and targets (eos = 2 at the end) of 3, 2, 1. */
const BATCH = {
  source: [
    [3, 4, 5, 6],
    [6, 3, 0, 0],
    [5, 0, 0, 0],
  ],
  sourceLengths: [4, 2, 1],
  target: [
    [3, 4, 2],
    [5, 2, 0],
    [2, 0, 0],
  ],
  targetLengths: [3, 2, 1],
};

describe('teacher-forced seq2seq loss: reference vs solution', () => {
  for (const kind of KINDS) {
    it(`${kind}: the loss and the gradient of every weight, encoder included, agree`, () => {
      const model = smallModel(kind, 9);
      const loss = seq2seqLoss(model, BATCH);
      loss.backward();
      const { loss: value, grads } = solutionSeq2seqLoss(model, BATCH);
      expectRel(value, loss.item(), VALUE_TOL, 'loss');
      const expected = Object.fromEntries(
        seq2seqParameters(model).map(([k, t]) => [`d${k}`, t.grad ?? zeros(t.shape)]),
      );
      expect(Object.keys(grads).sort()).toEqual(Object.keys(expected).sort());
      expectGrads(grads, expected, GRAD_TOL, 'solution');
    });
  }

  it('one sequence of one token (N = 1, S = 1, L = 1)', () => {
    const model = smallModel('additive', 10);
    const batch = { source: [[4]], sourceLengths: [1], target: [[2]], targetLengths: [1] };
    const loss = seq2seqLoss(model, batch);
    loss.backward();
    const { loss: value, grads } = solutionSeq2seqLoss(model, batch);
    expectRel(value, loss.item(), VALUE_TOL, 'loss');
    for (const [k, t] of seq2seqParameters(model)) {
      expectRel(grads[`d${k}`] as Tensor, t.grad ?? zeros(t.shape), GRAD_TOL, `d${k}`);
    }
  });
});

describe('decoding: reference vs solution on a fixed small model', () => {
  for (const kind of KINDS) {
    it(`${kind}: greedy decoding gives the same ids and attention weights`, () => {
      const model = smallModel(kind, 21);
      const ref = greedyDecode(model, BATCH.source, BATCH.sourceLengths, 6);
      const got = solutionGreedyDecode(model, BATCH.source, BATCH.sourceLengths, 6);
      expect(got.ids).toEqual(ref.ids);
      expect(got.weights.length).toBe(ref.weights.length);
      got.weights.forEach((w, n) => {
        const expected = ref.weights[n]!;
        expect(w.length, `steps of sequence ${n}`).toBe(expected.length);
        if (w.length > 0) expectRel(tensor(w), tensor(expected), VALUE_TOL, `weights ${n}`);
      });
    });

    for (const alpha of [0, 1]) {
      it(`${kind}, α = ${alpha}: beam search gives the same hypotheses, scores and order`, () => {
        const model = smallModel(kind, 31);
        const options = { beamWidth: 3, maxLength: 5, alpha };
        const ref = beamSearch(model, [3, 4, 5], options);
        const got = solutionBeamSearch(model, [3, 4, 5], options);
        expect(got.map((h) => [h.ids, h.finished])).toEqual(ref.map((h) => [h.ids, h.finished]));
        got.forEach((h, i) => {
          expectRel(h.logProb, ref[i]!.logProb, VALUE_TOL, `logProb ${i}`);
          expectRel(h.score, ref[i]!.score, VALUE_TOL, `score ${i}`);
        });
      });
    }
  }
});

describe('CTC loss: reference vs solution', () => {
  const targets = [[1, 2, 2], [3], [], [1, 1]];
  const lengths = [7, 5, 3, 4]; // T = 7; [1, 1] needs at least 3 frames
  for (const reduction of ['sum', 'mean'] as const) {
    it(`${reduction}: losses and dlogProbs agree (repeats, an empty target, short inputs)`, () => {
      const rng = new Rng(140);
      const logProbs = logSoftmaxRows(randnT([4, 7, 4], rng, 2));
      const got = solutionCtcLoss(logProbs, targets, lengths, { reduction });
      const none = ctcLoss(logProbs, targets, lengths, { reduction: 'none' });
      expectRel(tensor(got.losses), none, VALUE_TOL, 'losses');
      const ref = ctcLoss(logProbs, targets, lengths, { reduction });
      expectRel(got.loss, ref.item(), VALUE_TOL, 'loss');
      const expected = vjp((lp) => ctcLoss(lp, targets, lengths, { reduction }), { logProbs });
      expectGrads({ dlogProbs: got.dlogProbs }, expected, GRAD_TOL, 'solution');
    });
  }

  it('one frame (T = 1): p(l) is y_0(l_1) for one label, y_0(blank) for none', () => {
    const logProbs = logSoftmaxRows(tensor([[[0.1, 0.7, -0.3]], [[1.2, -0.4, 0.0]]])); // [2, 1, 3]
    const got = solutionCtcLoss(logProbs, [[1], []], undefined, { reduction: 'sum' });
    expect(got.losses[0]).toBeCloseTo(-logProbs.get(0, 0, 1), 12);
    expect(got.losses[1]).toBeCloseTo(-logProbs.get(1, 0, 0), 12);
    expectRel(
      got.loss,
      ctcLoss(logProbs, [[1], []], undefined, { reduction: 'sum' }).item(),
      VALUE_TOL,
      'loss',
    );
    expect(sum(got.dlogProbs).item()).toBeCloseTo(-2, 12); // −γ sums to −1 at every frame
  });
});
