/**
 * Both derivations against central finite differences (h = 1e-5, float64): the autograd
 * gradients of the reference and the hand-written backward of the solutions, for every input
 * of every cell. Tolerance 1e-6 relative error (CS231n formula), the upper end of what CS231n
 * expects for BPTT gradients; N = 1 and T = 1 are among the cases.
 */
import { describe, it } from 'vitest';
import { Rng, add, mul, numericalGradient, sum } from '@rnn-course/core';
import type { Tensor } from '@rnn-course/core';
import { gru, gruStep, lstm, lstmStep } from '../src/index';
import { gruBackward, gruForward } from '../../../solutions/lstm-gru/gru';
import { gruStepBackward, gruStepForward } from '../../../solutions/lstm-gru/gru-step';
import { lstmBackward, lstmForward } from '../../../solutions/lstm-gru/lstm';
import { lstmStepBackward, lstmStepForward } from '../../../solutions/lstm-gru/lstm-step';
import { autogradGrads, expectRel, randnT } from './helpers';

const FD_TOL = 1e-6;
const H_STEP = 1e-5;

/**
 * Numeric d/d(input) of Σ_k sum(f()[k] ⊙ douts[k]) for every input, named 'd' + input name.
 * `f` reads the inputs by closure; the forward is the solution's.
 */
function numeric(
  f: () => Tensor[],
  inputs: Record<string, Tensor>,
  douts: Tensor[],
): Record<string, Tensor> {
  const L = (): number =>
    f()
      .map((o, k) => sum(mul(o, douts[k] as Tensor)))
      .reduce((a, b) => add(a, b))
      .item();
  return Object.fromEntries(
    Object.entries(inputs).map(([k, x]) => [`d${k}`, numericalGradient(L, x, H_STEP)]),
  );
}

function expectAll(actual: Record<string, Tensor>, expected: Record<string, Tensor>, who: string) {
  for (const [name, e] of Object.entries(expected)) {
    expectRel(actual[name] as Tensor, e, FD_TOL, `${who} ${name}`);
  }
}

describe('LSTM gradients against central differences', () => {
  for (const [N, D, H] of [
    [3, 4, 5],
    [1, 2, 2],
  ] as const) {
    it(`step (N=${N}, D=${D}, H=${H}): reference and solution, with upstream dnextH and dnextC`, () => {
      const rng = new Rng(40 + N);
      const p = {
        x: randnT([N, D], rng),
        prevH: randnT([N, H], rng),
        prevC: randnT([N, H], rng),
        Wx: randnT([D, 4 * H], rng, 0.5),
        Wh: randnT([H, 4 * H], rng, 0.5),
        b: randnT([4 * H], rng),
      };
      const douts = [randnT([N, H], rng), randnT([N, H], rng)];
      const fwd = () => {
        const s = lstmStepForward(p.x, p.prevH, p.prevC, p.Wx, p.Wh, p.b);
        return [s.nextH, s.nextC];
      };
      const num = numeric(fwd, p, douts);
      const ref = autogradGrads(
        (...a) => {
          const s = lstmStep(...(a as [Tensor, Tensor, Tensor, Tensor, Tensor, Tensor]));
          return [s.nextH, s.nextC];
        },
        p,
        douts,
      );
      expectAll(ref, num, 'reference');
      const { cache } = lstmStepForward(p.x, p.prevH, p.prevC, p.Wx, p.Wh, p.b);
      expectAll({ ...lstmStepBackward(douts[0]!, douts[1]!, cache) }, num, 'solution');
    });
  }

  for (const [N, T, D, H] of [
    [2, 7, 3, 4],
    [1, 1, 2, 3],
  ] as const) {
    it(`sequence (N=${N}, T=${T}, D=${D}, H=${H}): reference and solution, with upstream dh and dc`, () => {
      const rng = new Rng(50 + T);
      const p = {
        x: randnT([N, T, D], rng),
        h0: randnT([N, H], rng),
        c0: randnT([N, H], rng),
        Wx: randnT([D, 4 * H], rng, 0.5),
        Wh: randnT([H, 4 * H], rng, 0.5),
        b: randnT([4 * H], rng),
      };
      const douts = [randnT([N, T, H], rng), randnT([N, T, H], rng)];
      const fwd = () => {
        const o = lstmForward(p.x, p.h0, p.c0, p.Wx, p.Wh, p.b);
        return [o.h, o.c];
      };
      const num = numeric(fwd, p, douts);
      const ref = autogradGrads(
        (...a) => {
          const o = lstm(...(a as [Tensor, Tensor, Tensor, Tensor, Tensor, Tensor]));
          return [o.h, o.c];
        },
        p,
        douts,
      );
      expectAll(ref, num, 'reference');
      const { cache } = lstmForward(p.x, p.h0, p.c0, p.Wx, p.Wh, p.b);
      expectAll({ ...lstmBackward(douts[0]!, douts[1]!, cache) }, num, 'solution');
    });
  }
});

describe('GRU gradients against central differences', () => {
  for (const [N, D, H] of [
    [3, 4, 5],
    [1, 2, 2],
  ] as const) {
    it(`step (N=${N}, D=${D}, H=${H}): reference and solution, both biases`, () => {
      const rng = new Rng(60 + N);
      const p = {
        x: randnT([N, D], rng),
        prevH: randnT([N, H], rng),
        Wx: randnT([D, 3 * H], rng, 0.5),
        Wh: randnT([H, 3 * H], rng, 0.5),
        bx: randnT([3 * H], rng),
        bh: randnT([3 * H], rng),
      };
      const dout = randnT([N, H], rng);
      const num = numeric(() => [gruStepForward(p.x, p.prevH, p.Wx, p.Wh, p.bx, p.bh).nextH], p, [
        dout,
      ]);
      expectAll(autogradGrads(gruStep, p, dout), num, 'reference');
      const { cache } = gruStepForward(p.x, p.prevH, p.Wx, p.Wh, p.bx, p.bh);
      expectAll({ ...gruStepBackward(dout, cache) }, num, 'solution');
    });
  }

  for (const [N, T, D, H] of [
    [2, 7, 3, 4],
    [1, 1, 2, 3],
  ] as const) {
    it(`sequence (N=${N}, T=${T}, D=${D}, H=${H}): reference and solution`, () => {
      const rng = new Rng(70 + T);
      const p = {
        x: randnT([N, T, D], rng),
        h0: randnT([N, H], rng),
        Wx: randnT([D, 3 * H], rng, 0.5),
        Wh: randnT([H, 3 * H], rng, 0.5),
        bx: randnT([3 * H], rng),
        bh: randnT([3 * H], rng),
      };
      const dout = randnT([N, T, H], rng);
      const num = numeric(() => [gruForward(p.x, p.h0, p.Wx, p.Wh, p.bx, p.bh).h], p, [dout]);
      expectAll(autogradGrads(gru, p, dout), num, 'reference');
      const { cache } = gruForward(p.x, p.h0, p.Wx, p.Wh, p.bx, p.bh);
      expectAll({ ...gruBackward(dout, cache) }, num, 'solution');
    });
  }
});
