/**
 * Declaring gated checks. What a gated check scores when its values fail is tested by grading
 * the fixture chapter (grade-fixtures.test.ts: a NaN output scores nothing for an unchanged
 * input); here, what `requires` may name.
 */
import { describe, expect, it } from 'vitest';
import { check, exercise } from '../../src/testing/exercise';

const declared: Record<string, unknown> = {};

function declare(name: string, body: () => void): void {
  try {
    body();
  } catch (error) {
    declared[name] = error;
  }
}

exercise('demo/gates', () => {
  declare('gated first', () => check('gated first', 1, () => {}, { requires: 'values' }));
  check('the values', 1, () => {});
  check('inputs unchanged', 1, () => {}, { requires: 'values' });
  declare('unknown name', () => check('refusals', 1, () => {}, { requires: ['the value'] }));
  check('named', 1, () => {}, { requires: ['the values', 'inputs unchanged'] });
});

describe('check requires', () => {
  it('needs a value check declared before a check that requires the values', () => {
    expect(String(declared['gated first'])).toBe(
      "Error: demo/gates: check('gated first') requires the values, but no value check (one without requires) is declared before it",
    );
  });

  it('needs the checks it names to be declared before it', () => {
    expect(String(declared['unknown name'])).toBe(
      "Error: demo/gates: check('refusals') requires 'the value'; it must name checks declared before it ('the values', 'inputs unchanged')",
    );
  });

  it('accepts the names of earlier checks, gated ones included', () => {
    expect(Object.keys(declared).sort()).toEqual(['gated first', 'unknown name']);
  });
});
