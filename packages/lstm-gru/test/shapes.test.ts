/**
 * Bad shapes get an error that names the operation and both shapes, in the reference and the
 * solutions alike.
 */
import { describe, expect, it } from 'vitest';
import { ShapeError, zeros } from '@rnn-course/core';
import { gru, gruStep, lstm, lstmStep } from '../src/index';
import { gruForward } from '../../../solutions/lstm-gru/gru';
import { gruStepForward } from '../../../solutions/lstm-gru/gru-step';
import { lstmBackward, lstmForward } from '../../../solutions/lstm-gru/lstm';
import { lstmStepBackward, lstmStepForward } from '../../../solutions/lstm-gru/lstm-step';

/** The error `fn` throws. */
function thrown(fn: () => unknown): Error {
  try {
    fn();
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a throw');
}

const [N, T, D, H] = [2, 3, 4, 5];

describe('LSTM shape errors', () => {
  it("a Wh of the GRU's width: lstmStep and lstmStepForward name Wh and both shapes", () => {
    for (const [op, fn] of [
      ['lstmStep', lstmStep],
      ['lstmStepForward', lstmStepForward],
    ] as const) {
      const e = thrown(() =>
        fn(
          zeros([N, D]),
          zeros([N, H]),
          zeros([N, H]),
          zeros([D, 4 * H]),
          zeros([H, 3 * H]),
          zeros([4 * H]),
        ),
      );
      expect(e).toBeInstanceOf(ShapeError);
      expect(e.message).toBe(`${op}: expected Wh [5, 20], received [5, 15]`);
    }
  });

  it('a Wx whose width is not a multiple of 4', () => {
    const e = thrown(() =>
      lstm(
        zeros([N, T, D]),
        zeros([N, H]),
        zeros([N, H]),
        zeros([D, 18]),
        zeros([H, 4 * H]),
        zeros([4 * H]),
      ),
    );
    expect(e).toBeInstanceOf(ShapeError);
    expect(e.message).toContain('lstm: expected Wx [4, 4H]');
    expect(e.message).toContain('received [4, 18]');
  });

  it('a c0 of the wrong batch size, and an x without a time axis', () => {
    const args = [
      zeros([N, H]),
      zeros([N + 1, H]),
      zeros([D, 4 * H]),
      zeros([H, 4 * H]),
      zeros([4 * H]),
    ] as const;
    expect(thrown(() => lstm(zeros([N, T, D]), ...args)).message).toBe(
      'lstm: expected c0 [2, 5], received [3, 5]',
    );
    expect(thrown(() => lstmForward(zeros([N, T, D]), ...args)).message).toBe(
      'lstmForward: expected c0 [2, 5], received [3, 5]',
    );
    expect(
      thrown(() =>
        lstm(
          zeros([N, D]),
          zeros([N, H]),
          zeros([N, H]),
          zeros([D, 4 * H]),
          zeros([H, 4 * H]),
          zeros([4 * H]),
        ),
      ).message,
    ).toBe('lstm: expected x [*, *, *], received [2, 4]');
  });

  it('upstream gradients of the wrong shape are refused by the backward passes', () => {
    const fwd = lstmStepForward(
      zeros([N, D]),
      zeros([N, H]),
      zeros([N, H]),
      zeros([D, 4 * H]),
      zeros([H, 4 * H]),
      zeros([4 * H]),
    );
    expect(
      thrown(() => lstmStepBackward(zeros([N, H]), zeros([N, H + 1]), fwd.cache)).message,
    ).toBe('lstmStepBackward: expected dnextC [2, 5], received [2, 6]');
    const seq = lstmForward(
      zeros([N, T, D]),
      zeros([N, H]),
      zeros([N, H]),
      zeros([D, 4 * H]),
      zeros([H, 4 * H]),
      zeros([4 * H]),
    );
    expect(
      thrown(() => lstmBackward(zeros([N, T, H]), zeros([N, T - 1, H]), seq.cache)).message,
    ).toBe('lstmBackward: expected dc [2, 3, 5], received [2, 2, 5]');
  });
});

describe('GRU shape errors', () => {
  it("one bias of the LSTM's width is named", () => {
    for (const [op, fn] of [
      ['gruStep', gruStep],
      ['gruStepForward', gruStepForward],
    ] as const) {
      const e = thrown(() =>
        fn(
          zeros([N, D]),
          zeros([N, H]),
          zeros([D, 3 * H]),
          zeros([H, 3 * H]),
          zeros([3 * H]),
          zeros([4 * H]),
        ),
      );
      expect(e).toBeInstanceOf(ShapeError);
      expect(e.message).toBe(`${op}: expected bh [15], received [20]`);
    }
  });

  it('an h0 of the wrong hidden size, and T = 0', () => {
    const w = [zeros([D, 3 * H]), zeros([H, 3 * H]), zeros([3 * H]), zeros([3 * H])] as const;
    expect(thrown(() => gru(zeros([N, T, D]), zeros([N, H - 1]), ...w)).message).toBe(
      'gru: expected h0 [2, 5], received [2, 4]',
    );
    expect(thrown(() => gruForward(zeros([N, 0, D]), zeros([N, H]), ...w)).message).toBe(
      'gruForward: expected x [N, T >= 1, D], received [2, 0, 4]',
    );
  });
});
