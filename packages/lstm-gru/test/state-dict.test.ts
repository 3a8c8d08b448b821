/**
 * Loading and saving PyTorch state_dicts: the layout (transposes, the LSTM's bias sum, the
 * GRU's two biases), the round trip, and the errors for a wrong shape, a missing key, an
 * unexpected key and a value that is not an array of numbers, in the reference and the solution.
 */
import { describe, expect, it } from 'vitest';
import { Rng, ShapeError } from '@rnn-course/core';
import {
  gruFromStateDict,
  gruParams,
  gruToStateDict,
  lstmFromStateDict,
  lstmParams,
  lstmToStateDict,
} from '../src/index';
import type { StateDict } from '../src/index';
import * as solution from '../../../solutions/lstm-gru/state-dict';

const implementations = [
  {
    who: 'reference',
    lstmFrom: lstmFromStateDict,
    lstmTo: lstmToStateDict,
    gruFrom: gruFromStateDict,
    gruTo: gruToStateDict,
  },
  {
    who: 'solution',
    lstmFrom: solution.lstmFromStateDict,
    lstmTo: solution.lstmToStateDict,
    gruFrom: solution.gruFromStateDict,
    gruTo: solution.gruToStateDict,
  },
];

/** An LSTM state_dict for D = 2, H = 1 whose entries say where they are. */
function tinyLstm(): StateDict {
  return {
    weight_ih_l0: [
      [1, 2],
      [3, 4],
      [5, 6],
      [7, 8],
    ], // [4H, D], rows i, f, g, o
    weight_hh_l0: [[9], [10], [11], [12]], // [4H, H]
    bias_ih_l0: [0.5, 0.25, 0.125, 1],
    bias_hh_l0: [1, 2, 3, 4],
  };
}

/** The thrown error, for assertions on its type and message. */
function thrown(fn: () => unknown): Error {
  try {
    fn();
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a throw');
}

for (const impl of implementations) {
  describe(`state_dict (${impl.who})`, () => {
    it('LSTM: Wx = weight_ih_l0ᵀ, Wh = weight_hh_l0ᵀ, b = bias_ih_l0 + bias_hh_l0, trainable', () => {
      const { Wx, Wh, b } = impl.lstmFrom(tinyLstm(), { inputSize: 2, hiddenSize: 1 });
      expect(Wx.shape).toEqual([2, 4]);
      expect(Wx.toArray()).toEqual([
        [1, 3, 5, 7],
        [2, 4, 6, 8],
      ]);
      expect(Wh.toArray()).toEqual([[9, 10, 11, 12]]);
      expect(b.toArray()).toEqual([1.5, 2.25, 3.125, 5]);
      expect([Wx, Wh, b].every((t) => t.requiresGrad)).toBe(true);
    });

    it('LSTM: saving puts b in bias_ih_l0 and zeros in bias_hh_l0; loading that gives b back', () => {
      const p = lstmParams(3, 2, new Rng(1), { forgetBias: 1 });
      const sd = impl.lstmTo(p);
      expect(Object.keys(sd)).toEqual(['weight_ih_l0', 'weight_hh_l0', 'bias_ih_l0', 'bias_hh_l0']);
      expect(sd.bias_hh_l0).toEqual([0, 0, 0, 0, 0, 0, 0, 0]);
      const back = impl.lstmFrom(JSON.parse(JSON.stringify(sd)), { inputSize: 3, hiddenSize: 2 });
      expect(Array.from(back.Wx.data)).toEqual(Array.from(p.Wx.data));
      expect(Array.from(back.Wh.data)).toEqual(Array.from(p.Wh.data));
      expect(Array.from(back.b.data)).toEqual(Array.from(p.b.data));
    });

    it('GRU: the biases stay apart and the round trip through JSON is exact', () => {
      const p = gruParams(3, 2, new Rng(2));
      const sd = JSON.parse(JSON.stringify(impl.gruTo(p))) as StateDict;
      expect((sd.weight_ih_l0 as number[][]).length).toBe(6); // [3H, D]
      expect((sd.weight_ih_l0 as number[][])[0]).toEqual([
        p.Wx.get(0, 0),
        p.Wx.get(1, 0),
        p.Wx.get(2, 0),
      ]);
      expect(sd.bias_hh_l0).toEqual(Array.from(p.bh.data));
      const back = impl.gruFrom(sd, { inputSize: 3, hiddenSize: 2 });
      for (const k of ['Wx', 'Wh', 'bx', 'bh'] as const) {
        expect(Array.from(back[k].data), k).toEqual(Array.from(p[k].data));
      }
    });

    it('a wrong shape names the key, the expected and the received shape', () => {
      const sd = tinyLstm();
      sd.weight_hh_l0 = [
        [9, 1],
        [10, 1],
        [11, 1],
        [12, 1],
      ]; // [4, 2] where H = 1 needs [4, 1]
      const e = thrown(() => impl.lstmFrom(sd, { inputSize: 2, hiddenSize: 1 }));
      expect(e).toBeInstanceOf(ShapeError);
      expect(e.message).toMatch(/^lstmFromStateDict: expected weight_hh_l0 \[4, 1\]/);
      expect(e.message).toMatch(/received weight_hh_l0 \[4, 2\]/);
    });

    it('loading into a layer of another size names the key and both shapes', () => {
      const sd = impl.gruTo(gruParams(3, 2, new Rng(3)));
      const e = thrown(() => impl.gruFrom(sd, { inputSize: 4, hiddenSize: 2 }));
      expect(e).toBeInstanceOf(ShapeError);
      expect(e.message).toContain('weight_ih_l0 [6, 4]');
      expect(e.message).toContain('weight_ih_l0 [6, 3]');
      // An LSTM's weights are not a GRU's: 4H rows where 3H are expected.
      const lstmSd = impl.lstmTo(lstmParams(3, 2, new Rng(3)));
      const e2 = thrown(() => impl.gruFrom(lstmSd, { inputSize: 3, hiddenSize: 2 }));
      expect(e2.message).toContain('weight_ih_l0 [6, 3]');
      expect(e2.message).toContain('weight_ih_l0 [8, 3]');
    });

    it('a missing key and an unexpected key are named', () => {
      const missing = tinyLstm();
      delete missing.bias_hh_l0;
      expect(thrown(() => impl.lstmFrom(missing, { inputSize: 2, hiddenSize: 1 })).message).toMatch(
        /missing key 'bias_hh_l0'/,
      );
      const extra = { ...tinyLstm(), weight_ih_l1: [[1]] };
      expect(thrown(() => impl.lstmFrom(extra, { inputSize: 2, hiddenSize: 1 })).message).toMatch(
        /unexpected key.*'weight_ih_l1'/,
      );
    });

    it('a ragged array is refused, naming the key', () => {
      const sd = tinyLstm();
      sd.weight_ih_l0 = [[1, 2], [3], [5, 6], [7, 8]];
      const e = thrown(() => impl.lstmFrom(sd, { inputSize: 2, hiddenSize: 1 }));
      expect(e).toBeInstanceOf(ShapeError);
      expect(e.message).toContain('weight_ih_l0');
    });

    it('saving checks the layout: a Wx that is not [D, 4H] for the Wh given is refused', () => {
      const p = lstmParams(3, 2, new Rng(4));
      const bad = { ...p, Wx: gruParams(3, 2, new Rng(4)).Wx }; // [3, 6]
      const e = thrown(() => impl.lstmTo(bad));
      expect(e).toBeInstanceOf(ShapeError);
      expect(e.message).toContain('[3, 6]');
    });
  });
}
