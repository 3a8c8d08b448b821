import { describe, expect, it } from 'vitest';
import { allPass } from '../src/format/table';
import { formatTable, percent, statusOf, toCsv, toGradescope, toJUnit } from '../src/index';
import type { CheckReport, Report } from '../src/index';

const check = (
  name: string,
  status: CheckReport['status'],
  points: number,
  message = '',
): CheckReport => ({
  name,
  status,
  message,
  points: status === 'passed' ? points : 0,
  maxPoints: points,
  durationMs: 5,
});

const report: Report = {
  target: 'exercises',
  score: 3,
  maxScore: 9,
  durationMs: 1500,
  warnings: [],
  chapters: [{ chapter: 'rnn', title: 'Vanilla RNNs', score: 3, maxScore: 9 }],
  exercises: [
    {
      id: 'rnn/a',
      chapter: 'rnn',
      title: 'A',
      status: 'passed',
      score: 3,
      maxScore: 3,
      message: '',
      file: 'exercises/rnn/a.ts',
      tests: [check('a works', 'passed', 3)],
    },
    {
      id: 'rnn/b',
      chapter: 'rnn',
      title: 'B',
      status: 'failed',
      score: 0,
      maxScore: 4,
      message: 'dWh: wrong at <steps> & "more"',
      file: 'exercises/rnn/b.ts',
      tests: [check('b grads', 'failed', 4, 'dWh: wrong at <steps> & "more"\nread hint 2')],
    },
    {
      id: 'rnn/c',
      chapter: 'rnn',
      title: 'C',
      status: 'error',
      score: 0,
      maxScore: 2,
      message: 'timed out after 10s',
      file: 'exercises/rnn/c.ts',
      tests: [],
    },
  ],
};

describe('report formats', () => {
  it('statusOf: not-started wins over error, error over failed', () => {
    expect(statusOf([check('x', 'passed', 1), check('y', 'failed', 1)])).toBe('failed');
    expect(statusOf([check('x', 'error', 1), check('y', 'failed', 1)])).toBe('error');
    expect(statusOf([check('x', 'not-started', 1), check('y', 'error', 1)])).toBe('not-started');
    expect(statusOf([check('x', 'passed', 1)])).toBe('passed');
    expect(statusOf([])).toBe('error');
    expect(percent(report)).toBeCloseTo(100 / 3, 12);
  });

  it('the table has a row per exercise with status, points and the first line of the failure', () => {
    const text = formatTable(report);
    expect(text).toMatch(/rnn\/a\s+passed\s+3\/3/);
    expect(text).toMatch(/rnn\/b\s+failed\s+0\/4\s+dWh: wrong at <steps>/);
    expect(text).not.toContain('read hint 2');
    expect(text).toContain('Total  3/9 (33%)');
  });

  it("Gradescope's results.json has score, execution_time and a test per exercise", () => {
    const g = toGradescope(report);
    expect([g.score, g.execution_time, g.tests.length]).toEqual([3, 2, 3]);
    expect(g.tests[1]).toMatchObject({
      name: 'rnn/b: B',
      score: 0,
      max_score: 4,
      status: 'failed',
      visibility: 'visible',
    });
    expect(g.tests[1]?.output).toContain('read hint 2');
    expect(g.tests[0]?.status).toBe('passed');
  });

  it('says which exercise passes for one, and counts them for more', () => {
    const one = report.exercises.slice(0, 1);
    expect(allPass({ exercises: one })).toBe('rnn/a passes.');
    expect(allPass({ exercises: [...one, ...one] })).toBe('All 2 exercises pass.');
  });

  it('JUnit XML counts failures and errors and escapes messages', () => {
    const xml = toJUnit(report);
    expect(xml).toContain(
      '<testsuites name="course" tests="3" failures="1" errors="1" skipped="0"',
    );
    expect(xml).toContain('<failure message="dWh: wrong at &lt;steps&gt; &amp; &quot;more&quot;">');
    expect(xml).toContain('<error message="timed out after 10s">');
  });

  it('the CSV has a column per exercise and the total; a note says what errored or failed', () => {
    const csv = toCsv(
      ['rnn/a', 'rnn/b', 'rnn/c'],
      [
        { student: 'ada', report },
        { student: 'bob, jr', error: 'timed out after 300s' },
      ],
    );
    expect(csv.split('\n')).toEqual([
      'student,rnn/a,rnn/b,rnn/c,total,max,note',
      'ada,3,0,0,3,9,rnn/c: timed out after 10s',
      '"bob, jr",,,,,,timed out after 300s',
      '',
    ]);
  });
});
