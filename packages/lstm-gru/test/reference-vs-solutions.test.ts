/**
 * The reference (autograd) and the worked solutions (hand-written backward) are two
 * independent derivations of the same cells: their values agree to 1e-10 and their gradients
 * to 1e-8 (relative error, CS231n formula) on seeded inputs, N = 1 and T = 1 included.
 */
import { describe, expect, it } from 'vitest';
import { Rng, timeStep, zeros } from '@rnn-course/core';
import type { Tensor } from '@rnn-course/core';
import { gru, gruStep, lstm, lstmStep } from '../src/index';
import { gruBackward, gruForward } from '../../../solutions/lstm-gru/gru';
import { gruStepBackward, gruStepForward } from '../../../solutions/lstm-gru/gru-step';
import { lstmBackward, lstmForward } from '../../../solutions/lstm-gru/lstm';
import { lstmStepBackward, lstmStepForward } from '../../../solutions/lstm-gru/lstm-step';
import { autogradGrads, expectRel, randnT } from './helpers';

const VALUE_TOL = 1e-10;
const GRAD_TOL = 1e-8;

function expectGrads(actual: Record<string, Tensor>, expected: Record<string, Tensor>): void {
  for (const [name, e] of Object.entries(expected)) {
    const a = actual[name];
    expect(a, `${name} returned`).toBeDefined();
    expectRel(a as Tensor, e, GRAD_TOL, name);
  }
}

const stepShapes = [
  [3, 4, 5],
  [1, 1, 1],
  [2, 6, 3],
] as const;

const sequenceShapes = [
  [2, 6, 3, 4],
  [1, 1, 2, 3],
  [3, 10, 2, 5],
] as const;

describe('lstm step: reference vs solution', () => {
  for (const [N, D, H] of stepShapes) {
    it(`values and all six gradients agree for N=${N}, D=${D}, H=${H}`, () => {
      const rng = new Rng(20 + N * 7 + D);
      const p = {
        x: randnT([N, D], rng),
        prevH: randnT([N, H], rng),
        prevC: randnT([N, H], rng),
        Wx: randnT([D, 4 * H], rng, 0.5),
        Wh: randnT([H, 4 * H], rng, 0.5),
        b: randnT([4 * H], rng),
      };
      const dnextH = randnT([N, H], rng);
      const dnextC = randnT([N, H], rng);
      const fwd = lstmStepForward(p.x, p.prevH, p.prevC, p.Wx, p.Wh, p.b);
      const ref = lstmStep(p.x, p.prevH, p.prevC, p.Wx, p.Wh, p.b);
      expectRel(fwd.nextH, ref.nextH, VALUE_TOL, 'nextH');
      expectRel(fwd.nextC, ref.nextC, VALUE_TOL, 'nextC');
      const expected = autogradGrads(
        (x, h, c, Wx, Wh, b) => {
          const s = lstmStep(
            x as Tensor,
            h as Tensor,
            c as Tensor,
            Wx as Tensor,
            Wh as Tensor,
            b as Tensor,
          );
          return [s.nextH, s.nextC];
        },
        p,
        [dnextH, dnextC],
      );
      expectGrads({ ...lstmStepBackward(dnextH, dnextC, fwd.cache) }, expected);
    });
  }
});

describe('lstm sequence (BPTT with the cell gradient carried): reference vs solution', () => {
  for (const [N, T, D, H] of sequenceShapes) {
    it(`values and all six gradients agree for N=${N}, T=${T}, D=${D}, H=${H}`, () => {
      const rng = new Rng(200 + T);
      const p = {
        x: randnT([N, T, D], rng),
        h0: randnT([N, H], rng),
        c0: randnT([N, H], rng),
        Wx: randnT([D, 4 * H], rng, 0.5),
        Wh: randnT([H, 4 * H], rng, 0.5),
        b: randnT([4 * H], rng),
      };
      const dh = randnT([N, T, H], rng);
      const dc = randnT([N, T, H], rng);
      const fwd = lstmForward(p.x, p.h0, p.c0, p.Wx, p.Wh, p.b);
      const ref = lstm(p.x, p.h0, p.c0, p.Wx, p.Wh, p.b);
      expectRel(fwd.h, ref.h, VALUE_TOL, 'h');
      expectRel(fwd.c, ref.c, VALUE_TOL, 'c');
      const expected = autogradGrads(
        (x, h0, c0, Wx, Wh, b) => {
          const o = lstm(
            x as Tensor,
            h0 as Tensor,
            c0 as Tensor,
            Wx as Tensor,
            Wh as Tensor,
            b as Tensor,
          );
          return [o.h, o.c];
        },
        p,
        [dh, dc],
      );
      expectGrads({ ...lstmBackward(dh, dc, fwd.cache) }, expected);
    });
  }

  it('with dc = 0 (a loss on h only) the gradients still flow through the cell state', () => {
    const rng = new Rng(7);
    const [N, T, D, H] = [2, 8, 3, 4];
    const p = {
      x: randnT([N, T, D], rng),
      h0: randnT([N, H], rng),
      c0: randnT([N, H], rng),
      Wx: randnT([D, 4 * H], rng, 0.5),
      Wh: randnT([H, 4 * H], rng, 0.5),
      b: randnT([4 * H], rng),
    };
    const dh = randnT([N, T, H], rng);
    const fwd = lstmForward(p.x, p.h0, p.c0, p.Wx, p.Wh, p.b);
    const expected = autogradGrads(
      (x, h0, c0, Wx, Wh, b) =>
        lstm(x as Tensor, h0 as Tensor, c0 as Tensor, Wx as Tensor, Wh as Tensor, b as Tensor).h,
      p,
      dh,
    );
    const g = lstmBackward(dh, zeros([N, T, H]), fwd.cache);
    expectGrads({ ...g }, expected);
    expect(Math.max(...g.dc0.data.map(Math.abs))).toBeGreaterThan(1e-3);
  });
});

describe('gru step: reference vs solution', () => {
  for (const [N, D, H] of stepShapes) {
    it(`values and all six gradients agree for N=${N}, D=${D}, H=${H}`, () => {
      const rng = new Rng(30 + N * 7 + D);
      const p = {
        x: randnT([N, D], rng),
        prevH: randnT([N, H], rng),
        Wx: randnT([D, 3 * H], rng, 0.5),
        Wh: randnT([H, 3 * H], rng, 0.5),
        bx: randnT([3 * H], rng),
        bh: randnT([3 * H], rng),
      };
      const dnextH = randnT([N, H], rng);
      const fwd = gruStepForward(p.x, p.prevH, p.Wx, p.Wh, p.bx, p.bh);
      expectRel(fwd.nextH, gruStep(p.x, p.prevH, p.Wx, p.Wh, p.bx, p.bh), VALUE_TOL, 'nextH');
      expectGrads({ ...gruStepBackward(dnextH, fwd.cache) }, autogradGrads(gruStep, p, dnextH));
    });
  }
});

describe('gru sequence (BPTT): reference vs solution', () => {
  for (const [N, T, D, H] of sequenceShapes) {
    it(`values and all six gradients agree for N=${N}, T=${T}, D=${D}, H=${H}`, () => {
      const rng = new Rng(300 + T);
      const p = {
        x: randnT([N, T, D], rng),
        h0: randnT([N, H], rng),
        Wx: randnT([D, 3 * H], rng, 0.5),
        Wh: randnT([H, 3 * H], rng, 0.5),
        bx: randnT([3 * H], rng),
        bh: randnT([3 * H], rng),
      };
      const dh = randnT([N, T, H], rng);
      const fwd = gruForward(p.x, p.h0, p.Wx, p.Wh, p.bx, p.bh);
      expectRel(fwd.h, gru(p.x, p.h0, p.Wx, p.Wh, p.bx, p.bh), VALUE_TOL, 'h');
      expectGrads({ ...gruBackward(dh, fwd.cache) }, autogradGrads(gru, p, dh));
    });
  }
});

describe('the sequence functions are their steps unrolled', () => {
  it('lstm and gru equal lstmStep and gruStep applied T times (the batched input product changes nothing)', () => {
    const rng = new Rng(11);
    const [N, T, D, H] = [2, 5, 3, 4];
    const x = randnT([N, T, D], rng);
    const h0 = randnT([N, H], rng);
    const c0 = randnT([N, H], rng);
    const L = { Wx: randnT([D, 4 * H], rng), Wh: randnT([H, 4 * H], rng), b: randnT([4 * H], rng) };
    const G = {
      Wx: randnT([D, 3 * H], rng),
      Wh: randnT([H, 3 * H], rng),
      bx: randnT([3 * H], rng),
      bh: randnT([3 * H], rng),
    };
    const seqL = lstm(x, h0, c0, L.Wx, L.Wh, L.b);
    const seqG = gru(x, h0, G.Wx, G.Wh, G.bx, G.bh);
    let h = h0;
    let c = c0;
    let hg = h0;
    for (let t = 0; t < T; t++) {
      const xt = timeStep(x, t);
      ({ nextH: h, nextC: c } = lstmStep(xt, h, c, L.Wx, L.Wh, L.b));
      hg = gruStep(xt, hg, G.Wx, G.Wh, G.bx, G.bh);
      expectRel(timeStep(seqL.h, t), h, 1e-12, `lstm h at t=${t}`);
      expectRel(timeStep(seqL.c, t), c, 1e-12, `lstm c at t=${t}`);
      expectRel(timeStep(seqG, t), hg, 1e-12, `gru h at t=${t}`);
    }
  });
});
