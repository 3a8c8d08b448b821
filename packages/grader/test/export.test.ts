/**
 * `course export`, end to end: the learner's repository is written without the answer key; in it
 * the grader scores the stubs not-started, `solution`, `verify` and `generate` say what they
 * need, `reset` works from the stubs kept for it, the GitHub Classroom workflow grades each
 * exercise with --fail-under; and a learner's work graded there scores what the instructor's
 * copy gives it as a submission.
 *
 * The export's dependencies are linked from this copy's node_modules (the workspace packages to
 * the export's own), as `npm ci` would lay them out, so that the test needs no network.
 */
import { spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { findExercise, loadCourse } from '../src/course';
import { exportCourse } from '../src/export';
import { partialSolutionOf } from '../src/generate';
import { grade } from '../src/grade';
import { repoRoot } from '../src/paths';
import type { Report } from '../src/report';

const course = await loadCourse();
const work = mkdtempSync(join(tmpdir(), 'course-export-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** node_modules for the export: this copy's packages, the export's own workspaces. */
function linkDependencies(out: string): void {
  const from = join(repoRoot, 'node_modules');
  const to = join(out, 'node_modules');
  mkdirSync(join(to, '@rnn-course'), { recursive: true });
  for (const name of readdirSync(from)) {
    if (name !== '@rnn-course') symlinkSync(join(from, name), join(to, name));
  }
  for (const name of readdirSync(join(out, 'packages'))) {
    const pkg = JSON.parse(readFileSync(join(out, 'packages', name, 'package.json'), 'utf8')) as {
      name: string;
    };
    symlinkSync(join(out, 'packages', name), join(to, pkg.name));
  }
  symlinkSync(join(out, 'exercises'), join(to, '@rnn-course/exercises'));
}

/** Runs the export's own `course` command in the export. */
function inExport(out: string, args: string[]): { code: number | null; out: string; err: string } {
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1', INIT_CWD: out };
  for (const key of ['COURSE_MANIFESTS', 'COURSE_TARGET', 'COURSE_STATE_DIR', 'COURSE_TARGETS_DIR'])
    delete env[key];
  const r = spawnSync(
    process.execPath,
    ['--import', 'tsx', join(out, 'packages/grader/src/cli.ts'), ...args],
    { cwd: out, env, encoding: 'utf8' },
  );
  return { code: r.status, out: r.stdout, err: r.stderr };
}

const scores = (r: Report): Array<[string, string, number]> =>
  r.exercises.map((e) => [e.id, e.status, e.score]);

describe('course export', () => {
  const out = join(work, 'learner-copy');
  const result = exportCourse(course, out);

  it('writes the course without the answer key, with pristine stubs and a lock file to install', () => {
    expect(existsSync(join(out, 'solutions'))).toBe(false);
    expect(result.leftOut).toEqual(
      expect.arrayContaining([
        'packages/rnn/grading/mistakes.ts',
        'packages/rnn/test/mistakes.test.ts',
      ]),
    );
    // nothing else: every other file left out is a known-mistakes file or imports one, or imports
    // the worked solutions (a benchmark timing them, a test comparing them with the reference)
    for (const f of result.leftOut.filter(
      (x) => !x.startsWith('solutions/') && !x.startsWith('.'),
    )) {
      const text = readFileSync(join(repoRoot, f), 'utf8');
      const why =
        /grading\/mistakes\.ts$/.test(f) ||
        text.includes("from '../grading/mistakes'") ||
        /from '(\.\.\/)+solutions\//.test(text);
      expect([f, why]).toEqual([f, true]);
    }
    expect(result.leftOut).toContain('.github/workflows/site.yml');
    for (const f of result.leftOut.filter((x) => x.startsWith('.'))) {
      expect([f, f.startsWith('.ci/') || f.startsWith('.github/')]).toEqual([f, true]);
    }
    // the reference implementation and the grading suites stay: grading needs them
    expect(existsSync(join(out, 'packages/rnn/src/rnn-step.ts'))).toBe(true);
    expect(existsSync(join(out, 'packages/rnn/grading/rnn-step-forward.grade.ts'))).toBe(true);
    for (const e of course.exercises) {
      const stub = readFileSync(join(out, 'exercises', e.file), 'utf8');
      expect([e.id, stub.includes(`notImplemented('${e.id}')`)]).toEqual([e.id, true]);
      expect(readFileSync(join(out, 'packages/grader/stubs', e.file), 'utf8')).toBe(stub);
    }
    const pkg = JSON.parse(readFileSync(join(out, 'package.json'), 'utf8'));
    expect(pkg.workspaces).toEqual(['packages/*', 'exercises']);
    expect(pkg.scripts.test).toBe('tsx packages/grader/src/cli.ts grade --fail-under 100');
    const lock = JSON.parse(readFileSync(join(out, 'package-lock.json'), 'utf8'));
    expect(Object.keys(lock.packages).filter((k) => k.includes('solutions'))).toEqual([]);
    expect(lock.packages[''].workspaces).toEqual(['packages/*', 'exercises']);
  });

  it('the Classroom workflow grades each exercise, worth its points, with --fail-under 100', () => {
    const workflow = readFileSync(join(out, '.github/workflows/classroom.yml'), 'utf8');
    for (const e of course.exercises) {
      const step = workflow.slice(workflow.indexOf(`- name: ${e.id}\n`));
      expect(step).toMatch(
        new RegExp(
          `command: npm run grade -- ${e.id} --fail-under 100\\n\\s+timeout: 5\\n\\s+max-score: ${e.points}\\n`,
        ),
      );
    }
    expect(workflow).toContain('uses: classroom-resources/autograding-grading-reporter@v1');
    expect(existsSync(join(out, '.github/workflows/site.yml'))).toBe(false);
  });

  it('in the export: stubs grade not-started, and the commands that need solutions say so', () => {
    linkDependencies(out);
    const json = join(work, 'export-report.json');
    const graded = inExport(out, ['grade', '--json', json]);
    expect(graded.code).toBe(0);
    const report = JSON.parse(readFileSync(json, 'utf8')) as Report;
    expect(report.exercises.map((e) => e.status)).toEqual(
      course.exercises.map(() => 'not-started'),
    );
    const points = course.exercises.reduce((sum, e) => sum + e.points, 0);
    expect([report.score, report.maxScore]).toEqual([0, points]);
    // the workflow's command for one exercise fails on a stub
    const step = inExport(out, ['grade', 'rnn/rnn-step-forward', '--fail-under', '100']);
    expect(step.code).toBe(1);
    const solution = inExport(out, ['solution', 'rnn/rnn-step-forward']);
    expect([solution.code, solution.out]).toEqual([
      1,
      expect.stringMatching(/not in this copy of the course/),
    ]);
    for (const command of ['verify', 'generate']) {
      const r = inExport(out, [command]);
      expect([command, r.code, r.err]).toEqual([
        command,
        1,
        expect.stringMatching(/not in this copy .*run it in the instructor's copy/),
      ]);
    }
  }, 300_000);

  it("a learner's work scores the same in the export and graded from the instructor's copy", async () => {
    const forward = findExercise(course, 'rnn/rnn-step-forward');
    const solution = readFileSync(resolve(repoRoot, 'solutions/rnn/rnn-step.ts'), 'utf8');
    const file = join(out, 'exercises/rnn/rnn-step.ts');
    writeFileSync(
      file,
      partialSolutionOf(solution, 'rnn/rnn-step.ts', course, new Set([forward.id])),
    );
    const json = join(work, 'learner-report.json');
    expect(inExport(out, ['grade', '--json', json]).code).toBe(0);
    const there = JSON.parse(readFileSync(json, 'utf8')) as Report;
    const here = await grade({ course, submission: out });
    expect(scores(here)).toEqual(scores(there));
    expect(scores(there).slice(0, 2)).toEqual([
      ['rnn/rnn-step-forward', 'passed', 3],
      ['rnn/rnn-step-backward', 'not-started', 0],
    ]);
    // reset works from the stubs kept in the export
    const reset = inExport(out, ['reset', 'rnn/rnn-step-forward']);
    expect(reset.code).toBe(0);
    expect(readFileSync(file, 'utf8')).toContain("notImplemented('rnn/rnn-step-forward')");
  }, 300_000);
});
