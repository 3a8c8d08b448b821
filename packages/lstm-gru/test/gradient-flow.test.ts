/**
 * stateGradientNorms (autograd with a zero perturbation per step) against the gradients the
 * hand-written backward passes carry from step to step: for each t, ‖∂L/∂h_t‖ is the norm of the
 * total dnextH entering step t's backward, and for the LSTM ‖∂L/∂c_t‖ is the norm of
 * dnextC + dnextH ⊙ o ⊙ (1 − tanh²(c_t)) (eq. 2.5), read off the solutions' caches.
 */
import { describe, expect, it } from 'vitest';
import { Rng, add, mul, onesLike, square, sub, sum, timeStep, zeros } from '@rnn-course/core';
import type { Tensor } from '@rnn-course/core';
import { rnnStepBackward, rnnStepForward } from '../../../solutions/rnn/rnn-step';
import { RecurrentLayer, stateGradientNorms } from '../src/index';
import type { CellKind } from '../src/index';
import { gruStepBackward, gruStepForward } from '../../../solutions/lstm-gru/gru-step';
import { lstmStepBackward, lstmStepForward } from '../../../solutions/lstm-gru/lstm-step';
import { randnT } from './helpers';

const frob = (t: Tensor): number => Math.sqrt(sum(square(t)).item());

/** The per-step gradient norms from the solutions' step backward passes, for L = sum(h_{T−1} ⊙ G). */
function handWritten(layer: RecurrentLayer, x: Tensor, G: Tensor): { h: number[]; c: number[] } {
  const [N, T] = x.shape as [number, number, number];
  const H = layer.config.hiddenSize;
  const p = layer.params as Record<string, Tensor>;
  const P = (k: string): Tensor => (p[k] as Tensor).detach();
  const caches: unknown[] = [];
  let h = zeros([N, H]);
  let c = zeros([N, H]);
  for (let t = 0; t < T; t++) {
    const xt = timeStep(x, t);
    if (layer.config.cell === 'lstm') {
      const s = lstmStepForward(xt, h, c, P('Wx'), P('Wh'), P('b'));
      [h, c] = [s.nextH, s.nextC];
      caches.push(s.cache);
    } else if (layer.config.cell === 'gru') {
      const s = gruStepForward(xt, h, P('Wx'), P('Wh'), P('bx'), P('bh'));
      h = s.nextH;
      caches.push(s.cache);
    } else {
      const s = rnnStepForward(xt, h, P('Wx'), P('Wh'), P('b'));
      h = s.nextH;
      caches.push(s.cache);
    }
  }
  const hNorms = new Array<number>(T);
  const cNorms = new Array<number>(T);
  let dh = G; // ∂L/∂h_{T−1}
  let dc = zeros([N, H]);
  for (let t = T - 1; t >= 0; t--) {
    hNorms[t] = frob(dh);
    if (layer.config.cell === 'lstm') {
      const cache = caches[t] as Parameters<typeof lstmStepBackward>[2];
      const { o, tanhC } = cache;
      cNorms[t] = frob(add(dc, mul(mul(dh, o), sub(onesLike(tanhC), square(tanhC))))); // eq. 2.5
      const g = lstmStepBackward(dh, dc, cache);
      [dh, dc] = [g.dprevH, g.dprevC];
    } else if (layer.config.cell === 'gru') {
      dh = gruStepBackward(dh, caches[t] as Parameters<typeof gruStepBackward>[1]).dprevH;
    } else {
      dh = rnnStepBackward(dh, caches[t] as Parameters<typeof rnnStepBackward>[1]).dprevH;
    }
  }
  return { h: hNorms, c: cNorms };
}

describe('stateGradientNorms', () => {
  for (const cell of ['rnn', 'lstm', 'gru'] as CellKind[]) {
    it(`${cell}: matches the gradients the hand-written backward carries, at every step`, () => {
      const rng = new Rng(13);
      const [N, T, D, H] = [3, 9, 2, 5];
      const layer = new RecurrentLayer({ cell, inputSize: D, hiddenSize: H }, rng);
      const x = randnT([N, T, D], rng);
      const G = randnT([N, H], rng);
      const measured = stateGradientNorms(layer, x, (hLast) => sum(mul(hLast, G)));
      const expected = handWritten(layer, x, G);
      expect(measured.h).toHaveLength(T);
      expect(measured.h[T - 1]).toBeCloseTo(frob(G), 12);
      for (let t = 0; t < T; t++) {
        expect(Math.abs(measured.h[t]! - expected.h[t]!) / expected.h[t]!).toBeLessThan(1e-10);
      }
      if (cell === 'lstm') {
        expect(measured.c).toHaveLength(T);
        for (let t = 0; t < T; t++) {
          expect(Math.abs(measured.c![t]! - expected.c[t]!) / expected.c[t]!).toBeLessThan(1e-10);
        }
      } else {
        expect(measured.c).toBeNull();
      }
      expect(layer.parameters().every((p) => p.grad === null)).toBe(true); // left alone
    });
  }

  it('a forget-gate bias of 1 keeps more of the cell gradient over 40 steps than a bias of 0', () => {
    const x = randnT([4, 40, 3], new Rng(5), 0.5);
    const G = randnT([4, 8], new Rng(6));
    const norms = [0, 1].map((forgetBias) => {
      const layer = new RecurrentLayer(
        { cell: 'lstm', inputSize: 3, hiddenSize: 8, forgetBias },
        new Rng(7),
      );
      return stateGradientNorms(layer, x, (hLast) => sum(mul(hLast, G))).c as number[];
    });
    const [zero, one] = norms as [number[], number[]];
    expect(one[0]! / one[39]!).toBeGreaterThan(100 * (zero[0]! / zero[39]!));
  });
});
