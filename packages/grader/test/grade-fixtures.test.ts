import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { grade, stageEdited, UnknownIdError } from '../src/index';
import type { ExerciseReport, Report } from '../src/index';
import fixtureChapter from './fixtures/chapter/manifest';
import { target } from './fixture-paths';

const manifests = [fixtureChapter];

function byId(report: Report, id: string): ExerciseReport {
  const found = report.exercises.find((e) => e.id === id);
  if (found === undefined) throw new Error(`no ${id} in the report`);
  return found;
}

async function gradeKind(kind: string, timeoutMs = 5_000): Promise<Report> {
  return grade({ manifests, target: target(kind), timeoutMs });
}

describe('grading the fixture implementations', () => {
  it('a correct implementation passes with every point, and the checks carry their points', async () => {
    const r = await gradeKind('correct');
    expect(r.score).toBe(5);
    expect(r.maxScore).toBe(5);
    expect(r.exercises.map((e) => e.status)).toEqual(['passed', 'passed']);
    expect(byId(r, 'fixture/scale').tests.map((t) => [t.name, t.points, t.maxPoints])).toEqual([
      ['scale multiplies every entry', 2, 2],
      ['scale leaves its input unchanged', 1, 1],
    ]);
    expect(r.chapters).toEqual([
      { chapter: 'fixture', title: fixtureChapter.title, score: 5, maxScore: 5 },
    ]);
  });

  it('a stub throwing NotImplementedError (core or a look-alike by name) is not-started, not error', async () => {
    const r = await gradeKind('not-implemented');
    for (const e of r.exercises) {
      expect(e.status).toBe('not-started');
      expect(e.message).toBe('not implemented yet');
      expect(e.score).toBe(0);
    }
    const alike = await gradeKind('look-alike'); // sum.ts throws its own NotImplementedError
    expect(byId(alike, 'fixture/sum')).toMatchObject({
      status: 'not-started',
      message: 'not implemented yet',
    });
  });

  it('code that throws fails its checks with the error named and located', async () => {
    const r = await gradeKind('throws');
    const scale = byId(r, 'fixture/scale');
    expect(scale.status).toBe('failed');
    expect(scale.message).toContain('RangeError: scale: cannot scale 3 entries');
    expect(scale.message).toContain('targets/throws/fixture/scale.ts:4');
    expect(byId(r, 'fixture/sum').status).toBe('passed');
  });

  it('an endless loop is error "timed out" and the other exercises are still graded', async () => {
    const r = await gradeKind('infinite-loop', 2_000);
    const scale = byId(r, 'fixture/scale');
    expect(scale.status).toBe('error');
    expect(scale.message).toMatch(/timed out after 2s/);
    expect(byId(r, 'fixture/sum')).toMatchObject({ status: 'passed', score: 2 });
  });

  it('a promise that never settles is error "timed out", the rest graded', async () => {
    const r = await gradeKind('never-resolves', 2_000);
    expect(byId(r, 'fixture/sum').status).toBe('error');
    expect(byId(r, 'fixture/sum').message).toMatch(/timed out after 2s/);
    expect(byId(r, 'fixture/scale').status).toBe('passed');
  });

  it('NaN in the output fails with the entry named', async () => {
    const r = await gradeKind('nan');
    const scale = byId(r, 'fixture/scale');
    expect(scale.status).toBe('failed');
    expect(scale.message).toBe('scale([1, 2, 3], 2): entry 0 is NaN, not a finite number');
    // The input was not mutated, but that check is gated on the values: it scores nothing.
    expect(scale.score).toBe(0);
    expect(scale.tests.map((t) => [t.status, t.points])).toEqual([
      ['failed', 0],
      ['failed', 0],
    ]);
    expect(scale.tests[1]?.message).toMatch(
      /^This check passes, but it scores only once the values are right: 'scale multiplies every entry' has not passed/,
    );
  });

  it('a wrong shape or a wrong type fails with expected and received', async () => {
    const r = await gradeKind('wrong-shape');
    expect(byId(r, 'fixture/scale').message).toBe(
      'scale([1, 2, 3], 2): expected length 3, received length 2',
    );
    expect(byId(r, 'fixture/sum').message).toBe('sum: expected a number, received string');
    expect(r.exercises.map((e) => e.status)).toEqual(['failed', 'failed']);
  });

  it('mutating an input fails that check only', async () => {
    const r = await gradeKind('mutates');
    const scale = byId(r, 'fixture/scale');
    expect(scale).toMatchObject({ status: 'failed', score: 2 });
    expect(scale.message).toContain(
      'scale changed its input xs: element [0] was 1 before the call, 2 after (3 of 3 elements changed)',
    );
  });

  it('a file that fails to import is error with the import message; the rest is graded', async () => {
    const r = await gradeKind('import-fails');
    const scale = byId(r, 'fixture/scale');
    expect(scale.status).toBe('error');
    expect(scale.message).toMatch(
      /^could not import .*import-fails\/fixture\/scale\.ts: .*helpers-that-do-not-exist/,
    );
    expect(byId(r, 'fixture/sum').status).toBe('passed');
  });

  it("importing the chapter's own reference or any other module is error naming the import", async () => {
    const r = await gradeKind('forbidden');
    const scale = byId(r, 'fixture/scale');
    expect(scale.status).toBe('error');
    expect(scale.message).toContain("forbidden/fixture/scale.ts:2 imports '@rnn-course/fixture'");
    expect(scale.message).toContain("this chapter's reference implementation");
    const sum = byId(r, 'fixture/sum');
    expect(sum.status).toBe('error');
    expect(sum.message).toContain(
      "sum.ts:2 imports 'node:child_process': Node's built-in modules are not available to exercises (allowed: @rnn-course/core",
    );
  });

  it('a relative import leaving the chapter folder is error; one inside it is fine', async () => {
    const r = await gradeKind('outside');
    expect(byId(r, 'fixture/scale').status).toBe('error');
    expect(byId(r, 'fixture/scale').message).toContain(
      "imports '../../correct/fixture/scale': it reaches outside",
    );
    expect(byId(r, 'fixture/sum').status).toBe('passed');
  });

  it('a submission missing a file has that exercise not-started "file missing"', async () => {
    const r = await grade({ manifests, submission: target('missing-file') });
    expect(byId(r, 'fixture/scale')).toMatchObject({
      status: 'not-started',
      message: 'file missing',
      score: 0,
    });
    expect(byId(r, 'fixture/sum').status).toBe('passed');
  });

  it('a mistake staged as an edit of the solutions is graded with working neighbours', async () => {
    const staged = stageEdited({
      from: target('correct'),
      file: 'fixture/scale.ts',
      edits: [{ find: 'x * s', replace: 'x + s' }],
    });
    try {
      const r = await grade({ manifests, target: staged.dir });
      expect(byId(r, 'fixture/scale').status).toBe('failed');
      expect(byId(r, 'fixture/scale').message).toBe(
        'scale([1, 2, 3], 2): entry 0 expected 2, received 3',
      );
      expect(byId(r, 'fixture/sum').status).toBe('passed');
    } finally {
      staged.cleanup();
    }
  });

  it("a file that lacks the exercise's function fails its checks, naming the file and the function", async () => {
    const staged = stageEdited({
      from: target('correct'),
      file: 'fixture/scale.ts',
      edits: [{ find: 'export function scale(', replace: 'export function scaled(' }],
    });
    try {
      const r = await grade({ manifests, target: staged.dir });
      expect(byId(r, 'fixture/scale').status).toBe('failed');
      expect(byId(r, 'fixture/scale').message).toBe(
        "fixture/scale.ts has no exported function 'scale' (its exported functions: scaled)",
      );
    } finally {
      staged.cleanup();
    }
  });

  it('a submission outside the repository, laid out as a clone, is staged and graded', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'student-'));
    try {
      cpSync(target('correct'), join(dir, 'exercises'), { recursive: true });
      const r = await grade({ manifests, submission: dir });
      expect(r.score).toBe(5);
      expect(r.target).toBe(join(dir, 'exercises')); // the clone's exercises/ folder is used
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("a check whose result never comes (its suite's hook failed) is listed as an error, in its place", async () => {
    process.env.FIXTURE_HOOK_FAILS = '1';
    try {
      const r = await grade({ manifests, target: target('correct'), filter: ['fixture/sum'] });
      const sum = byId(r, 'fixture/sum');
      expect([sum.status, sum.score]).toEqual(['error', 0]);
      expect(sum.tests.map((t) => [t.name, t.status, t.maxPoints])).toEqual([
        ['sum adds the entries', 'error', 2],
      ]);
      expect(sum.message).toMatch(/the fixture hook failed/);
    } finally {
      delete process.env.FIXTURE_HOOK_FAILS;
    }
  });

  it('a filter grades only the exercises it names', async () => {
    const r = await grade({ manifests, target: target('correct'), filter: ['fixture/sum'] });
    expect(r.exercises.map((e) => e.id)).toEqual(['fixture/sum']);
    expect(r.maxScore).toBe(2);
  });

  it('an unknown id is refused with the valid ids listed', async () => {
    const attempt = grade({ manifests, target: target('correct'), filter: ['fixture/nope'] });
    await expect(attempt).rejects.toBeInstanceOf(UnknownIdError);
    await expect(attempt).rejects.toThrow(/fixture\/scale[\s\S]*fixture\/sum/);
  });
});
