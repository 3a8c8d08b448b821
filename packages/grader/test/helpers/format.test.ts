import { tensor } from '@rnn-course/core';
import { describe, expect, it } from 'vitest';
import {
  describeValue,
  digitsToShow,
  formatNumber,
  formatTolerance,
  unravelIndex,
} from '../../src/testing/format';

describe('describeValue', () => {
  it('names a tensor by its shape', () => {
    expect(describeValue(tensor([[1, 2, 3]]))).toBe('a Tensor of shape [1, 3]');
  });

  it('names nested number arrays by their depth', () => {
    expect(describeValue([1, 2])).toBe('a number[]');
    expect(describeValue([[1], [2]])).toBe('a number[][]');
  });

  it('names an array of tensors as an array, not one tensor', () => {
    expect(describeValue([tensor([1]), tensor([2])])).toBe(
      'a Tensor[] of length 2 (an array, not one Tensor)',
    );
  });

  it('lists the keys of an object, such as a forward result passed whole', () => {
    expect(describeValue({ h: 1, cache: {} })).toBe('an object with keys { h, cache }');
  });

  it('explains undefined and a Promise', () => {
    expect(describeValue(undefined)).toMatch(/forget to return/);
    expect(describeValue(Promise.resolve(1))).toMatch(/a Promise .*synchronous/);
  });

  it('flags float32 data', () => {
    expect(describeValue(new Float32Array(2))).toMatch(/Float32Array .*float64/);
  });
});

describe('numbers in messages', () => {
  it('unravels a flat offset row-major', () => {
    expect(unravelIndex(7, [2, 3, 2])).toEqual([1, 0, 1]);
  });

  it('prints enough digits to show a small relative error', () => {
    expect(digitsToShow(1e-9)).toBe(12);
    expect(formatNumber(0.1234567890123, digitsToShow(1e-9))).toBe('0.123456789012');
    expect(formatNumber(1 / 3)).toBe('0.333333');
  });

  it('writes tolerances as in the source', () => {
    expect(formatTolerance(1e-8)).toBe('1e-8');
    expect(formatTolerance(2.5e-7)).toBe('2.5e-7');
    expect(formatTolerance(0)).toBe('0: an exact match'); // not 0e+0
    expect(formatTolerance(1e3)).toBe('1e3');
  });
});
