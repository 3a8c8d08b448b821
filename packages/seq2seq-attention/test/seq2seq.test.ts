/**
 * The encoder-decoder model: the encoder's summary, teacher forcing, and what greedy decoding
 * and beam search promise about the hypotheses they return.
 */
import { describe, expect, it } from 'vitest';
import { Rng, concat, logSoftmax, narrow, noGrad, timeStep } from '@rnn-course/core';
import {
  beamSearch,
  createSeq2Seq,
  decoderInputs,
  encode,
  greedyDecode,
  normalisedScore,
  seq2seqLoss,
  teacherForcedLogits,
} from './reference';
import type { AttentionKind, Seq2Seq } from './reference';
import { expectRel } from './helpers';

function model(kind: AttentionKind, seed: number): Seq2Seq {
  return createSeq2Seq(
    {
      sourceVocab: 8,
      targetVocab: 6,
      embedDim: 4,
      encoderHidden: 3,
      decoderHidden: 6,
      attention: kind,
      attentionDim: 4,
      sos: 1,
      eos: 2,
    },
    new Rng(seed),
  );
}

/** log p(target | source) under teacher forcing: the sum of each token's log-probability. */
function teacherForcedLogProb(m: Seq2Seq, source: number[], target: number[]): number {
  return noGrad(() => {
    const { logits } = teacherForcedLogits(m, {
      source: [source],
      sourceLengths: [source.length],
      target: [target],
      targetLengths: [target.length],
    });
    const logp = logSoftmax(logits, -1); // [1, L, V]
    return target.reduce((s, id, t) => s + logp.get(0, t, id), 0);
  });
}

describe('encode', () => {
  it('summarises a source by the forward state at its last token and the backward one at its first', () => {
    const H = 3;
    const enc = encode(
      model('additive', 1),
      [
        [3, 4, 5, 6],
        [7, 3, 0, 0],
      ],
      [4, 2],
    );
    for (const [n, last] of [
      [0, 3],
      [1, 1],
    ] as const) {
      const row = narrow(enc.outputs, 0, n, 1); // [1, S, 2H]
      const expected = concat(
        [narrow(timeStep(row, last), 1, 0, H), narrow(timeStep(row, 0), 1, H, H)],
        1,
      ); // [1, 2H]
      expectRel(narrow(enc.summary, 0, n, 1), expected, 0, `summary of sequence ${n}`);
    }
    expect(enc.s0.shape).toEqual([2, 6]);
    expect(Array.from(enc.mask.data)).toEqual([1, 1, 1, 1, 1, 1, 0, 0]);
  });

  it('refuses an empty batch, naming the op', () => {
    expect(() => encode(model('none', 1), [], [])).toThrow(
      /^encode: expected source \[N >= 1\]\[S >= 1\]/,
    );
  });
});

describe('teacher forcing', () => {
  it('feeds sos and then the target shifted right', () => {
    expect(
      decoderInputs(
        [
          [5, 4, 2],
          [3, 2, 0],
        ],
        1,
      ),
    ).toEqual([
      [1, 5, 4],
      [1, 3, 2],
    ]);
  });

  it('the scores at step t depend on the true token t − 1, and not on anything after it', () => {
    const m = model('general', 2);
    const base = {
      source: [[3, 4, 5]],
      sourceLengths: [3],
      target: [[3, 4, 2]],
      targetLengths: [3],
    };
    const changed = { ...base, target: [[5, 4, 2]] }; // y_0 changed
    const a = noGrad(() => teacherForcedLogits(m, base).logits);
    const b = noGrad(() => teacherForcedLogits(m, changed).logits);
    const V = 6;
    expect(Array.from(a.data.subarray(0, V))).toEqual(Array.from(b.data.subarray(0, V))); // step 0: same
    expect(Array.from(a.data.subarray(V, 2 * V))).not.toEqual(
      Array.from(b.data.subarray(V, 2 * V)),
    );
  });

  it('the loss ignores padded target positions and divides by the batch size only', () => {
    const m = model('dot', 3);
    const one = seq2seqLoss(m, {
      source: [[3, 4]],
      sourceLengths: [2],
      target: [[3, 2]],
      targetLengths: [2],
    }).item();
    const padded = seq2seqLoss(m, {
      source: [[3, 4]],
      sourceLengths: [2],
      target: [[3, 2, 7 % 6]],
      targetLengths: [2],
    }).item();
    expect(padded).toBeCloseTo(one, 12);
    expect(one).toBeCloseTo(-teacherForcedLogProb(m, [3, 4], [3, 2]), 12);
  });
});

describe('greedy decoding and beam search', () => {
  const source = [3, 4, 5, 6];

  for (const kind of ['additive', 'none'] as AttentionKind[]) {
    it(`${kind}: beam search with K = 1 is greedy decoding`, () => {
      const m = model(kind, 4);
      const greedy = greedyDecode(m, [source], [source.length], 12).ids[0];
      const [best] = beamSearch(m, source, { beamWidth: 1, maxLength: 12 });
      expect(best?.ids).toEqual(greedy);
    });
  }

  it("each hypothesis's logProb is what teacher forcing gives for its tokens and eos", () => {
    const m = model('additive', 5);
    const hyps = beamSearch(m, source, { beamWidth: 4, maxLength: 8 });
    expect(hyps.length).toBe(4);
    for (const h of hyps) {
      const target = h.finished ? [...h.ids, m.config.eos] : h.ids;
      expect(h.logProb).toBeCloseTo(teacherForcedLogProb(m, source, target), 10);
      expect(h.score).toBe(normalisedScore(h.logProb, target.length, 1));
    }
  });

  it('keeps hypotheses that finished early, and ranks them by length-normalised score', () => {
    const m = model('general', 9);
    const hyps = beamSearch(m, source, { beamWidth: 5, maxLength: 30, alpha: 1 });
    expect(hyps.length).toBe(5);
    expect(hyps.every((h) => h.finished)).toBe(true);
    expect(new Set(hyps.map((h) => h.ids.length)).size).toBeGreaterThan(1); // several lengths
    for (let i = 1; i < hyps.length; i++)
      expect(hyps[i - 1]!.score).toBeGreaterThanOrEqual(hyps[i]!.score);
    // With α = 0 the same hypotheses are ranked by raw log-probability, which favours the
    // shortest: here the empty output wins, while per token a two-token output is better.
    const raw = beamSearch(m, source, { beamWidth: 5, maxLength: 30, alpha: 0 });
    expect(raw.map((h) => h.ids)).toEqual(
      [...hyps].sort((p, q) => q.logProb - p.logProb).map((h) => h.ids),
    );
    expect(raw[0]!.ids).toEqual([]);
    expect(hyps[0]!.ids.length).toBe(2);
  });

  it('returns hypotheses cut by the length limit after the finished ones', () => {
    const m = model('dot', 7);
    const hyps = beamSearch(m, source, { beamWidth: 6, maxLength: 2 });
    const firstUnfinished = hyps.findIndex((h) => !h.finished);
    expect(firstUnfinished).toBeGreaterThanOrEqual(0);
    expect(hyps.slice(firstUnfinished).every((h) => !h.finished)).toBe(true);
    expect(hyps.every((h) => h.ids.length <= 2)).toBe(true);
  });

  it('rejects a beam width or length below 1', () => {
    const m = model('dot', 7);
    expect(() => beamSearch(m, source, { beamWidth: 0, maxLength: 3 })).toThrow(
      /beamWidth must be an integer >= 1/,
    );
    expect(() => greedyDecode(m, [source], [4], 0)).toThrow(/maxLength must be an integer >= 1/);
  });
});
