import { fromData, tensor, zeros } from '@rnn-course/core';
import { afterEach, describe, expect, it } from 'vitest';
import {
  expectClose,
  expectFinite,
  expectShape,
  GradingError,
  NonFiniteError,
  NotCloseError,
  seeded,
  setCurrentExercise,
  TOLERANCES,
  WrongShapeError,
  WrongTypeError,
} from '../../src/testing/expect';
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
    expect(() => expectClose(b, a, { what: 'h', tol: TOLERANCES.stepForward })).not.toThrow();
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

  it('ends with the hint to read, for the current exercise', () => {
    setCurrentExercise('rnn/rnn-step-forward');
    const error = thrown(() => expectClose(tensor([2]), tensor([1]), { what: 'nextH', hint: 2 }));
    expect(error).toBeInstanceOf(GradingError);
    expect(error.message.split('\n').at(-1)).toBe(
      'Read hint 2: npm run course -- hint rnn/rnn-step-forward',
    );
    expect((error as GradingError).exercise).toBe('rnn/rnn-step-forward');
  });

  it('takes the exercise id from the options over the current one', () => {
    setCurrentExercise('rnn/rnn-step-forward');
    const error = thrown(() => expectShape(0, [1], 'h', { hint: 1, exercise: 'rnn/rnn-forward' }));
    expect(error.message).toMatch(/\nRead hint 1: npm run course -- hint rnn\/rnn-forward$/);
  });

  it('adds no hint line when the suite names no hint', () => {
    setCurrentExercise('rnn/rnn-step-forward');
    expect(thrown(() => expectClose(tensor([2]), tensor([1]), { what: 'h' })).message).not.toMatch(
      /hint/,
    );
  });
});

describe('seeded', () => {
  it('gives the same numbers for the same seed and others for another', () => {
    const a = seeded(7);
    const b = seeded(7);
    const c = seeded(8);
    const xs = [a.uniform(), a.uniform(), a.normal()];
    expect([b.uniform(), b.uniform(), b.normal()]).toEqual(xs);
    expect(c.uniform()).not.toBe(xs[0]);
  });
});
