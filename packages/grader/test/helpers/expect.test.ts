import { fromData, tensor, zeros } from '@rnn-course/core';
import { afterEach, describe, expect, it } from 'vitest';
import { setCurrentExercise } from '../../src/testing/context';
import {
  fail,
  GradingError,
  NonFiniteError,
  NotCloseError,
  WrongShapeError,
  WrongTypeError,
} from '../../src/testing/errors';
import { expectClose, expectFinite, expectShape } from '../../src/testing/expect';
import { TOLERANCES } from '../../src/testing/tolerances';
import { thrown } from './fixtures/thrown';

afterEach(() => {
  setCurrentExercise(undefined);
});

describe('expectShape', () => {
  it('passes a tensor of the expected shape', () => {
    expect(() => expectShape(zeros([2, 3]), [2, 3], 'h')).not.toThrow();
  });

  it('rejects a plain array, naming what it received', () => {
    const error = thrown(() => expectShape([1, 2, 3], [2, 3], 'h'));
    expect(error).toBeInstanceOf(WrongTypeError);
    expect(error.message).toBe('h: expected a Tensor of shape [2, 3], received a number[]');
  });

  it('rejects a number and undefined', () => {
    expect(thrown(() => expectShape(0.5, [2], 'loss')).message).toBe(
      'loss: expected a Tensor of shape [2], received a number (0.5)',
    );
    expect(thrown(() => expectShape(undefined, [2], 'h')).message).toMatch(/received undefined/);
  });

  it('rejects a forward result passed whole, listing its keys', () => {
    const error = thrown(() => expectShape({ nextH: zeros([2, 3]), cache: {} }, [2, 3], 'nextH'));
    expect(error.message).toBe(
      'nextH: expected a Tensor of shape [2, 3], received an object with keys { nextH, cache }',
    );
  });

  it('names both shapes and suspects swapped axes', () => {
    const error = thrown(() => expectShape(zeros([3, 2]), [2, 3], 'h'));
    expect(error).toBeInstanceOf(WrongShapeError);
    expect(error.message).toBe(
      'h: expected a Tensor of shape [2, 3], received a Tensor of shape [3, 2] ' +
        '(the same sizes in another order: are two axes swapped?)',
    );
    expect((error as WrongShapeError).receivedShape).toEqual([3, 2]);
  });

  it('suspects a missing reshape when only the element count agrees', () => {
    expect(thrown(() => expectShape(zeros([6]), [2, 3], 'h')).message).toMatch(
      /a missing reshape\?/,
    );
  });

  it('rejects a shape with a different size', () => {
    expect(thrown(() => expectShape(zeros([2, 4]), [2, 3], 'h')).message).toBe(
      'h: expected a Tensor of shape [2, 3], received a Tensor of shape [2, 4]',
    );
  });
});

describe('expectFinite', () => {
  it('passes finite values', () => {
    expect(() =>
      expectFinite(
        tensor([
          [1, -2],
          [3, 4],
        ]),
        'dx',
      ),
    ).not.toThrow();
  });

  it('names the first NaN by index and counts the rest', () => {
    const error = thrown(() =>
      expectFinite(
        tensor([
          [1, 2],
          [NaN, Infinity],
        ]),
        'dx',
      ),
    );
    expect(error).toBeInstanceOf(NonFiniteError);
    expect(error.message).toBe('dx contains NaN at [1, 0] (2 of 4 elements are not finite)');
    expect((error as NonFiniteError).index).toEqual([1, 0]);
  });

  it('names an Infinity', () => {
    expect(thrown(() => expectFinite(tensor([1, -Infinity]), 'h')).message).toBe(
      'h contains -Infinity at [1] (1 of 2 elements are not finite)',
    );
  });

  it('rejects a non-finite number', () => {
    expect(thrown(() => expectFinite(NaN, 'loss')).message).toBe(
      'loss is NaN, expected a finite number',
    );
  });
});

describe('expectClose', () => {
  it('passes values within the tolerance', () => {
    const a = tensor([
      [1, 2],
      [3, 4],
    ]);
    const b = tensor([
      [1 + 1e-12, 2],
      [3, 4 - 1e-12],
    ]);
    expect(() => expectClose(b, a, { what: 'h', tol: TOLERANCES.value })).not.toThrow();
  });

  it('checks the shape before the values', () => {
    const error = thrown(() => expectClose(zeros([3, 2]), zeros([2, 3]), { what: 'h' }));
    expect(error).toBeInstanceOf(WrongShapeError);
  });

  it('reports NaN before comparing values', () => {
    const error = thrown(() =>
      expectClose(
        tensor([
          [0, 0],
          [NaN, 0],
        ]),
        zeros([2, 2]),
        { what: 'dx' },
      ),
    );
    expect(error).toBeInstanceOf(NonFiniteError);
    expect(error.message).toMatch(/^dx contains NaN at \[1, 0\]/);
  });

  it('names the worst element: index, expected, received, relative error, tolerance', () => {
    const expected = tensor([
      [0.5, 0.25, -1],
      [2, 3, 4],
    ]);
    const received = tensor([
      [0.5, 0.25, -1.001],
      [2, 3.5, 4],
    ]);
    const error = thrown(() => expectClose(received, expected, { what: 'nextH', tol: 1e-8 }));
    expect(error).toBeInstanceOf(NotCloseError);
    expect(error.message).toBe(
      'nextH: 2 of 6 elements differ from the expected values\n' +
        '  worst element [1, 1]: expected 3, received 3.5, relative error 0.077 (tolerance 1e-8)',
    );
    const e = error as NotCloseError;
    expect(e.index).toEqual([1, 1]);
    expect(e.expected).toBe(3);
    expect(e.received).toBe(3.5);
    expect(e.relError).toBeCloseTo(0.5 / 6.5, 12);
  });

  it('shows enough digits when the values differ only far after the decimal point', () => {
    const error = thrown(() =>
      expectClose(tensor([1 + 1e-6]), tensor([1]), { what: 'h', tol: 1e-8 }),
    );
    expect(error.message).toMatch(
      /expected 1, received 1\.000001, relative error 5\.0e-7 \(tolerance 1e-8\)/,
    );
  });

  it('names the time steps of a sequence when given its time axis', () => {
    const expected = fromData(
      Array.from({ length: 2 * 4 * 3 }, (_, i) => i + 1),
      [2, 4, 3],
    );
    const received = expected.clone();
    received.set(0, 1, 2, 0); // step 2
    received.set(0, 0, 3, 1); // step 3
    const error = thrown(() => expectClose(received, expected, { what: 'h', timeAxis: 1 }));
    expect(error.message.split('\n')[0]).toBe('h: wrong at time steps 2, 3, right at steps 0, 1');
    expect(error.message).toMatch(/worst element \[\d, \d, \d\] \(time step [23]\)/);
  });

  it('compares numbers, and rejects a tensor where a number belongs', () => {
    expect(() => expectClose(2.302585093, Math.log(10), { what: 'loss', tol: 1e-7 })).not.toThrow();
    expect(
      thrown(() => expectClose(2.3, Math.log(10), { what: 'loss', tol: 1e-7 })).message,
    ).toMatch(
      /^loss: expected 2\.302585, received 2\.3, relative error 5\.6e-4 \(tolerance 1e-7\)$/,
    );
    expect(thrown(() => expectClose(tensor([2.3]), 2.3, { what: 'loss' })).message).toBe(
      'loss: expected a number, received a Tensor of shape [1]',
    );
  });

  it('accepts near-zero elements that differ only by rounding', () => {
    // relative error 1e-5 for the second element (|a| + |b| is below the 1e-8 floor of the
    // denominator), but only 1e-13 apart
    expect(() =>
      expectClose(tensor([1, 1e-13]), tensor([1, 0]), { what: 'h', tol: 1e-8 }),
    ).not.toThrow();
    expect(() =>
      expectClose(tensor([1, 1e-13]), tensor([1, 0]), { what: 'h', tol: 1e-8, atol: 0 }),
    ).toThrow(NotCloseError);
  });

  it('ends with the hint to read, by its key, for the current exercise', () => {
    setCurrentExercise('rnn/rnn-step-forward');
    const error = thrown(() =>
      expectClose(tensor([2]), tensor([1]), { what: 'nextH', hint: 'bias' }),
    );
    expect(error).toBeInstanceOf(GradingError);
    expect(error.message.split('\n').at(-1)).toBe(
      'Read hint bias: npm run course -- hint rnn/rnn-step-forward bias',
    );
    expect((error as GradingError).exercise).toBe('rnn/rnn-step-forward');
    expect((error as GradingError).hint).toBe('bias');
  });

  it('takes the exercise id from the options over the current one', () => {
    setCurrentExercise('rnn/rnn-step-forward');
    const error = thrown(() =>
      expectShape(0, [1], 'h', { hint: 'unroll', exercise: 'rnn/rnn-forward' }),
    );
    expect(error.message).toMatch(
      /\nRead hint unroll: npm run course -- hint rnn\/rnn-forward unroll$/,
    );
  });

  it('adds no hint line when the suite names no hint', () => {
    setCurrentExercise('rnn/rnn-step-forward');
    expect(thrown(() => expectClose(tensor([2]), tensor([1]), { what: 'h' })).message).not.toMatch(
      /hint/,
    );
  });
});

describe("explain: the chapter's reading of a failure", () => {
  it("adds its text before the hint pointer, and its hint replaces the check's", () => {
    setCurrentExercise('rnn/rnn-step-forward');
    const error = thrown(() =>
      expectClose(tensor([2]), tensor([1]), {
        what: 'nextH',
        hint: 'equation',
        explain: () => ({ text: 'nextH is twice the reference: tanh(2a)?', hint: 'tanh' }),
      }),
    );
    expect(error.message.split('\n').slice(-2)).toEqual([
      'nextH is twice the reference: tanh(2a)?',
      'Read hint tanh: npm run course -- hint rnn/rnn-step-forward tanh',
    ]);
    expect((error as GradingError).hint).toBe('tanh');
  });

  it('is called only on failure, and a reading that throws or says nothing changes nothing', () => {
    let calls = 0;
    const count = (): undefined => {
      calls++;
      return undefined;
    };
    expectClose(tensor([1]), tensor([1]), { what: 'h', explain: count });
    expect(calls).toBe(0);
    const plain = thrown(() => expectClose(tensor([2]), tensor([1]), { what: 'h', hint: 'a' }));
    const failing = thrown(() =>
      expectClose(tensor([2]), tensor([1]), {
        what: 'h',
        hint: 'a',
        explain: () => {
          throw new Error('a reading with a bug');
        },
      }),
    );
    expect(failing.message).toBe(plain.message);
    thrown(() => expectClose(tensor([2]), tensor([1]), { what: 'h', explain: count }));
    expect(calls).toBe(1);
  });

  it("fail() builds the same kind of message from a suite's own text", () => {
    setCurrentExercise('rnn/sample-with-temperature');
    const error = thrown(() =>
      fail('sampleWithTemperature', 'draw 3 returned 2, expected 4', {
        hint: 'oneDraw',
        explain: () => 'the draws follow τ = 1',
      }),
    );
    expect(error).toBeInstanceOf(GradingError);
    expect(error.message).toBe(
      'draw 3 returned 2, expected 4\nthe draws follow τ = 1\n' +
        'Read hint oneDraw: npm run course -- hint rnn/sample-with-temperature oneDraw',
    );
  });
});
