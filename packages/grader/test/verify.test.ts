import { describe, expect, it } from 'vitest';
import { checkManifests, courseOf, defineChapter, verify } from '../src/index';
import fixtureChapter from './fixtures/chapter/manifest';
import { target } from './fixture-paths';

const course = courseOf([fixtureChapter]);

describe('verify', () => {
  it('passes for stubs that are not-started and solutions that score 100%', async () => {
    const r = await verify({
      course,
      exercisesDir: target('not-implemented'),
      solutionsDir: target('correct'),
    });
    expect(r.problems).toEqual([]);
    expect(r.ok).toBe(true);
    expect([r.solutions?.score, r.solutions?.maxScore]).toEqual([5, 5]);
  });

  it('lists a failing solution and a stub that does not throw its not-implemented error', async () => {
    const r = await verify({
      course,
      exercisesDir: target('correct'),
      solutionsDir: target('mutates'),
    });
    expect(r.ok).toBe(false);
    const stubProblem = r.problems.find((p) => p.startsWith('fixture/scale: stub scale()'));
    expect(stubProblem).toMatch(
      /^fixture\/scale: stub scale\(\) throws TypeError: .* instead of notImplemented\('fixture\/scale'\)$/,
    );
    expect(r.problems).toContain('stub of fixture/scale is passed, not not-started: ');
    expect(
      r.problems.some((p) =>
        p.startsWith('solution of fixture/scale is failed: scale mutated its input'),
      ),
    ).toBe(true);
  });

  it('checks every manifest entry: hints, suite, files, exports, section anchor, points adding up', () => {
    const entry = fixtureChapter.exercises[0];
    if (entry === undefined) throw new Error('fixture manifest is empty');
    const broken = courseOf([
      defineChapter({
        ...fixtureChapter,
        exercises: [
          {
            ...entry,
            hints: [],
            suite: 'packages/grader/test/fixtures/chapter/grading/none.grade.ts',
            section: `${fixtureChapter.text}#nowhere`,
            exports: ['scale', 'missingExport'],
          },
          { ...entry, id: 'fixture/scale', file: 'fixture/absent.ts', points: 0 },
        ],
      }),
    ]);
    const problems = checkManifests(broken, target('not-implemented'), target('correct'));
    expect(problems).toEqual([
      'fixture/scale: no hints',
      'fixture/scale: suite missing: packages/grader/test/fixtures/chapter/grading/none.grade.ts',
      "fixture/scale: section '#nowhere' is not a heading of packages/grader/test/fixtures/chapter/README.md",
      'fixture/scale: stub fixture/scale.ts does not export missingExport',
      'fixture/scale: solution fixture/scale.ts does not export missingExport',
      'fixture/scale: listed twice',
      'fixture/scale: points must be positive, is 0',
      'fixture/scale: stub missing: fixture/absent.ts',
      'fixture/scale: solution missing: fixture/absent.ts',
    ]);
  });
});
