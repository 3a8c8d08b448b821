/**
 * Initialisation as PyTorch does it, the forget-gate bias option, and the parameter counts of
 * eq. 2.19 (checked against the number of entries PyTorch stores, read from the fixtures).
 */
import { describe, expect, it } from 'vitest';
import { Rng, tensor } from '@rnn-course/core';
import { gruParams, hiddenSizeForParams, lstmParams, recurrentParamCount } from '../src/index';
import { readFixtures } from './helpers';

const range = (data: Float64Array): [number, number] => [Math.min(...data), Math.max(...data)];

describe('initialisation', () => {
  it('LSTM: weights in U(-1/√H, 1/√H), b the sum of two such draws (b_ih + b_hh), all trainable', () => {
    const [D, H] = [5, 16];
    const { Wx, Wh, b } = lstmParams(D, H, new Rng(1));
    const k = 1 / Math.sqrt(H);
    expect(Wx.shape).toEqual([D, 4 * H]);
    expect(Wh.shape).toEqual([H, 4 * H]);
    expect(b.shape).toEqual([4 * H]);
    for (const w of [Wx, Wh]) {
      const [lo, hi] = range(w.data);
      expect(lo).toBeGreaterThanOrEqual(-k);
      expect(hi).toBeLessThan(k);
      expect(hi - lo).toBeGreaterThan(1.8 * k); // spread over the whole interval
    }
    const [lo, hi] = range(b.data);
    expect(lo).toBeGreaterThan(-2 * k);
    expect(hi).toBeLessThan(2 * k);
    expect(Math.max(Math.abs(lo), hi)).toBeGreaterThan(k); // beyond one draw's range
    expect([Wx, Wh, b].every((t) => t.requiresGrad)).toBe(true);
  });

  it('LSTM forget-gate bias: exactly the f block b[H:2H] is set, the rest drawn as before', () => {
    const H = 8;
    const plain = lstmParams(3, H, new Rng(2));
    const ones = lstmParams(3, H, new Rng(2), { forgetBias: 1 });
    expect(Array.from(ones.b.data.subarray(H, 2 * H))).toEqual(new Array(H).fill(1));
    expect(Array.from(ones.b.data.subarray(0, H))).toEqual(Array.from(plain.b.data.subarray(0, H)));
    expect(Array.from(ones.b.data.subarray(2 * H))).toEqual(
      Array.from(plain.b.data.subarray(2 * H)),
    );
    expect(Array.from(ones.Wh.data)).toEqual(Array.from(plain.Wh.data));
    expect(ones.b.requiresGrad).toBe(true);
  });

  it('GRU: every weight and both biases in U(-1/√H, 1/√H)', () => {
    const [D, H] = [4, 9];
    const p = gruParams(D, H, new Rng(3));
    expect(p.Wx.shape).toEqual([D, 3 * H]);
    expect(p.Wh.shape).toEqual([H, 3 * H]);
    for (const t of [p.Wx, p.Wh, p.bx, p.bh]) {
      const [lo, hi] = range(t.data);
      expect(lo).toBeGreaterThanOrEqual(-1 / 3);
      expect(hi).toBeLessThan(1 / 3);
      expect(t.requiresGrad).toBe(true);
    }
    expect(Array.from(p.bx.data)).not.toEqual(Array.from(p.bh.data));
  });
});

describe('parameter counts (eq. 2.19)', () => {
  it('rnn DH + H² + H, lstm 4(DH + H² + H), gru 3(DH + H² + 2H)', () => {
    expect(recurrentParamCount('rnn', 2, 64)).toBe(2 * 64 + 64 * 64 + 64);
    expect(recurrentParamCount('lstm', 2, 32)).toBe(4 * (2 * 32 + 32 * 32 + 32));
    expect(recurrentParamCount('gru', 2, 32)).toBe(3 * (2 * 32 + 32 * 32 + 2 * 32));
  });

  it("PyTorch stores exactly the GRU's count, and the LSTM's plus 4H (its second bias)", () => {
    for (const kind of ['lstm', 'gru'] as const) {
      for (const c of readFixtures(kind).cases) {
        const { D, H } = c.config;
        const stored = Object.values(c.stateDict).reduce<number>((n, v) => n + tensor(v).size, 0);
        expect(stored).toBe(recurrentParamCount(kind, D, H) + (kind === 'lstm' ? 4 * H : 0));
      }
    }
  });

  it('hiddenSizeForParams finds the H whose total count is closest to the target', () => {
    const target = recurrentParamCount('rnn', 2, 64) + 64 + 1; // an RNN with a scalar read-out
    for (const cell of ['lstm', 'gru'] as const) {
      const H = hiddenSizeForParams(cell, 2, target, 1);
      const count = (h: number): number => recurrentParamCount(cell, 2, h) + h + 1;
      expect(Math.abs(count(H) - target)).toBeLessThanOrEqual(Math.abs(count(H - 1) - target));
      expect(Math.abs(count(H) - target)).toBeLessThanOrEqual(Math.abs(count(H + 1) - target));
      expect(Math.abs(count(H) - target) / target).toBeLessThan(0.05);
    }
    expect(hiddenSizeForParams('lstm', 2, target, 1)).toBe(31);
    expect(hiddenSizeForParams('rnn', 2, target, 1)).toBe(64);
  });
});
