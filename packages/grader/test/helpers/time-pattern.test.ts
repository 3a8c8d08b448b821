import { describe, expect, it } from 'vitest';
import { formatRanges } from '../../src/testing/format';
import {
  classifyTimePattern,
  describeTimePattern,
  genericDiagnosis,
  type TimePatternKind,
} from '../../src/testing/time-pattern';

function words(wrong: number[], steps: number): string {
  const right = [...Array(steps).keys()].filter((t) => !wrong.includes(t));
  return describeTimePattern({ kind: classifyTimePattern(wrong, steps), wrong, right, steps });
}

describe('classifyTimePattern', () => {
  const cases: Array<[number[], number, TimePatternKind]> = [
    [[0, 1, 2, 3, 4], 5, 'everywhere'],
    [[4], 5, 'only-last'],
    [[0, 1, 2, 3], 5, 'all-but-last'],
    [[0], 5, 'only-first'],
    [[0, 1], 5, 'wrong-then-right'],
    [[2, 3, 4], 5, 'right-then-wrong'],
    [[0, 2], 5, 'scattered'],
    [[0], 1, 'everywhere'],
    [[0], 2, 'all-but-last'],
    [[1], 2, 'only-last'],
  ];
  for (const [wrong, steps, kind] of cases) {
    it(`calls wrong steps [${wrong.join(', ')}] of ${steps} '${kind}'`, () => {
      expect(classifyTimePattern(wrong, steps)).toBe(kind);
    });
  }
});

describe('describeTimePattern', () => {
  it('says which steps are wrong and which right, as ranges', () => {
    expect(words([0, 1, 2, 3], 5)).toBe('wrong at time steps 0-3, right at step 4');
  });

  it('says "wrong only at the last step"', () => {
    expect(words([4], 5)).toBe('wrong only at the last step (4), right at steps 0-3');
  });

  it('says "wrong everywhere" when every step is wrong', () => {
    expect(words([0, 1, 2], 3)).toBe('wrong everywhere, at every time step 0-2');
  });

  it('says "wrong only at the first step"', () => {
    expect(words([0], 4)).toBe('wrong only at the first step (0), right at steps 1-3');
  });

  it('lists scattered steps', () => {
    expect(words([0, 2, 3, 4, 7], 8)).toBe('wrong at time steps 0, 2-4, 7, right at steps 1, 5, 6');
  });
});

describe('genericDiagnosis', () => {
  it('points at the gradient passed between steps when only the last step is right', () => {
    expect(genericDiagnosis({ kind: 'all-but-last' })).toMatch(/passes back to the step before/);
  });

  it('points at a single step when every step is wrong', () => {
    expect(genericDiagnosis({ kind: 'everywhere' })).toMatch(/check what one step computes first/);
  });

  it('stays silent on a scattered pattern', () => {
    expect(genericDiagnosis({ kind: 'scattered' })).toBeUndefined();
  });
});

describe('formatRanges', () => {
  it('joins runs of three or more with a dash and pairs with a comma', () => {
    expect(formatRanges([0, 1, 2, 5, 6, 9])).toBe('0-2, 5, 6, 9');
  });
});
