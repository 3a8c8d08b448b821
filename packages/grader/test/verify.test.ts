import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  checkGenerated,
  checkHintKeys,
  checkManifests,
  courseOf,
  defineChapter,
  verify,
} from '../src/index';
import { displayPath, repoRoot } from '../src/paths';
import fixtureChapter from './fixtures/chapter/manifest';
import { target } from './fixture-paths';

const course = courseOf([fixtureChapter]);
const readme = resolve(repoRoot, 'packages/grader/test/fixtures/chapter/README.md');
const suite = 'packages/grader/test/fixtures/chapter/grading/scale.grade.ts';
const work = mkdtempSync(join(tmpdir(), 'course-verify-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** A copy of the fixture stubs and README, to be spoiled by a test. */
function copies(name: string): { stubs: string; readme: string } {
  const dir = join(work, name);
  cpSync(target('not-implemented'), join(dir, 'stubs'), { recursive: true });
  cpSync(readme, join(dir, 'README.md'));
  return { stubs: join(dir, 'stubs'), readme: join(dir, 'README.md') };
}

/** The fixture chapter with the hint `newArray` of fixture/scale renamed. */
const renamedHint = courseOf([
  defineChapter({
    ...fixtureChapter,
    exercises: fixtureChapter.exercises.map((e) =>
      e.id === 'fixture/scale' ? { ...e, hints: { multiply: 'm', copy: 'c' } } : e,
    ),
  }),
]);

describe('verify', () => {
  it('passes for generated stubs that are not-started, solutions at 100% and fresh tables', async () => {
    const r = await verify({
      course,
      exercisesDir: target('not-implemented'),
      solutionsDir: target('correct'),
      documents: [readme],
    });
    expect(r.problems).toEqual([]);
    expect(r.ok).toBe(true);
    expect([r.solutions?.score, r.solutions?.maxScore]).toEqual([5, 5]);
  });

  it('fails, naming the file, on a stale stub, a stale table and a hint key a suite names in vain', async () => {
    const c = copies('stale');
    const stub = join(c.stubs, 'fixture/sum.ts');
    writeFileSync(stub, readFileSync(stub, 'utf8').replace('add the entries', 'add them'));
    writeFileSync(c.readme, readFileSync(c.readme, 'utf8').replace('| 3 |', '| 4 |'));
    const r = await verify({
      course: renamedHint,
      exercisesDir: c.stubs,
      solutionsDir: target('correct'),
      documents: [c.readme],
    });
    expect(r.ok).toBe(false);
    expect(r.edited).toEqual([stub]);
    expect(r.problems).toEqual(
      expect.arrayContaining([
        `${displayPath(stub)}: differs from the stub generated from ${displayPath(join(target('correct'), 'fixture/sum.ts'))} (npm run course -- generate)`,
        `${displayPath(c.readme)}: a generated table or count disagrees with the manifests (npm run course -- generate)`,
        expect.stringMatching(
          new RegExp(`^${suite}:\\d+: names hint 'newArray', which fixture/scale does not have`),
        ),
      ]),
    );
    // The edited stub is not graded (its grade would say nothing about the course), and the
    // first problem says why verify needs the stubs as generated.
    expect(r.problems.some((p) => p.startsWith('stub of fixture/sum'))).toBe(false);
    expect(r.problems[0]).toMatch(
      /^1 exercise file differs from its generated stub: verify checks/,
    );
  });

  it('lists a failing solution and a stub that does not throw its not-implemented error', async () => {
    const r = await verify({
      course,
      exercisesDir: target('correct'),
      solutionsDir: target('mutates'),
      documents: [],
    });
    expect(r.ok).toBe(false);
    expect(
      r.problems.some((p) =>
        p.startsWith('solution of fixture/scale is failed: scale changed its input xs'),
      ),
    ).toBe(true);
    // mutates/ holds no markers: no stub can be generated from it.
    expect(r.problems).toContain(
      'solutions/fixture/scale.ts: scale (fixture/scale) has no // BEGIN SOLUTION region in its body',
    );
  });

  it('says why a stub that passes is no stub, instead of an empty reason', async () => {
    const c = copies('passing');
    for (const name of ['scale.ts', 'sum.ts']) {
      const solution = readFileSync(join(target('correct'), 'fixture', name), 'utf8');
      const unmarked = solution.replace(/ *\/\/ (BEGIN|END) SOLUTION.*\n/g, '');
      writeFileSync(join(c.stubs, 'fixture', name), unmarked);
    }
    const r = await verify({
      course,
      exercisesDir: c.stubs,
      solutionsDir: c.stubs, // unmarked: no stubs are generated, so none is set aside as edited
      documents: [],
    });
    expect(r.edited).toEqual([]);
    expect(r.problems).toContain(
      `stub of fixture/scale (${displayPath(join(c.stubs, 'fixture/scale.ts'))}) is passed, not not-started: every check passes: is the file a stub?`,
    );
    expect(r.problems).toContain(
      "fixture/scale: stub scale() throws TypeError: Cannot read properties of undefined (reading 'map') instead of notImplemented('fixture/scale')",
    );
  });

  it('checks every manifest entry: hints, suite, files, exports, section anchor, points, week', () => {
    const entry = fixtureChapter.exercises[0];
    if (entry === undefined) throw new Error('fixture manifest is empty');
    const broken = courseOf([
      defineChapter({
        ...fixtureChapter,
        exercises: [
          { ...entry, id: 'fixture/scale-forward', hints: {}, section: 'nowhere', week: 0 },
          { ...entry, id: 'fixture/scale', points: 0, hints: { 'two words': 'x', empty: ' ' } },
          { ...entry, id: 'fixture/scale' },
          { ...entry, id: 'fixture/scale-backward', handDerived: undefined },
          { ...entry, id: 'fixture/scale-and-grad', handDerived: true, autogradAllowed: 'x' },
        ],
      }),
    ]);
    const problems = checkManifests(broken, target('not-implemented'), target('correct')).filter(
      (p) => !/scale-(backward|and-grad): (suite missing|stub|solution)/.test(p),
    );
    expect(problems).toEqual([
      'fixture/scale-forward: week must be a positive integer, is 0',
      'fixture/scale-forward: no hints',
      'fixture/scale-forward: suite missing: packages/grader/test/fixtures/chapter/grading/scale-forward.grade.ts',
      "fixture/scale-forward: section '#nowhere' is not a heading of packages/grader/test/fixtures/chapter/README.md",
      'fixture/scale-forward: stub fixture/scale.ts does not export scaleForward',
      'fixture/scale-forward: solution fixture/scale.ts does not export scaleForward',
      'fixture/scale: points must be positive, is 0',
      "fixture/scale: hint key 'two words' is not a camelCase word",
      "fixture/scale: hint 'empty' is empty",
      'fixture/scale: listed twice',
      'fixture/scale-backward: the role -backward asks for hand-derived gradients: set handDerived: true in its manifest (or autogradAllowed, naming the part an earlier chapter had the learner derive)',
      'fixture/scale-and-grad: handDerived and autogradAllowed contradict each other: keep one',
    ]);
  });
});

describe('the generated files', () => {
  it('are fresh in the repository: every stub, table and count', () => {
    const c = courseOf([fixtureChapter]);
    expect(
      checkGenerated(c, {
        exercisesDir: target('not-implemented'),
        solutionsDir: target('correct'),
        documents: [readme],
      }),
    ).toEqual({ problems: [], edited: [] });
  });

  it('a hint key a suite names must be a key of its exercise, written as a string literal', () => {
    expect(checkHintKeys(course)).toEqual([]);
    const problems = checkHintKeys(renamedHint);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(
      new RegExp(
        `^${suite}:\\d+: names hint 'newArray', which fixture/scale does not have \\(its hints: multiply, copy\\)$`,
      ),
    );
  });
});
