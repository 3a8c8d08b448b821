/**
 * What the learner's commands do to and with their files, on chapter 1's real files: `reset`
 * and `restore` touch one exercise's function, `solution` shows only what has passed, the
 * "edit" pointer stays on the exercise's function, an unknown id gets a did-you-mean.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { resetExercise, restoreExercise } from '../src/commands/reset';
import { solutionCommand } from '../src/commands/solution';
import { findExercise, loadCourse, suggestIds, UnknownIdError } from '../src/course';
import { declarationText, findFunction } from '../src/declarations';
import { partialSolutionOf, stubOf } from '../src/generate';
import { repoRoot } from '../src/paths';
import { readState, writeState } from '../src/state';
import { todoLine } from '../src/stub';

const course = await loadCourse();
const forward = findExercise(course, 'rnn/rnn-step-forward');
const backward = findExercise(course, 'rnn/rnn-step-backward');
const solution = readFileSync(resolve(repoRoot, 'solutions/rnn/rnn-step.ts'), 'utf8');
const stub = stubOf(solution, 'rnn/rnn-step.ts', course);
/** The file of a learner who passed the forward and has not started the backward. */
const forwardDone = partialSolutionOf(solution, 'rnn/rnn-step.ts', course, new Set([forward.id]));

const work = mkdtempSync(join(tmpdir(), 'course-learner-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));
let dir = '';
beforeEach(() => {
  dir = mkdtempSync(join(work, 'exercises-'));
  mkdirSync(join(dir, 'rnn'));
  process.env.COURSE_STATE_DIR = join(dir, '.state');
});
afterAll(() => {
  delete process.env.COURSE_STATE_DIR;
});

const fnText = (source: string, name: string): string | undefined => {
  const fn = findFunction(source, name);
  return fn === undefined ? undefined : declarationText(source, fn);
};
/** The worked code as a learner sees it: without the BEGIN / END SOLUTION marker lines. */
const unmarked = (s: string | undefined): string =>
  (s ?? '').replace(/^\s*\/\/ (BEGIN|END) SOLUTION.*\n/gm, '');
/** The learner's part of a marked function: the lines between its markers. */
const regionOf = (s: string | undefined): string =>
  /\/\/ BEGIN SOLUTION.*\n([\s\S]*?)\n\s*\/\/ END SOLUTION/.exec(s ?? '')?.[1] ?? 'no region';
const learnerFile = (): string => readFileSync(join(dir, 'rnn/rnn-step.ts'), 'utf8');

describe('reset and restore', () => {
  it('reset rnn/rnn-step-forward resets that function only; the passing backward stays', async () => {
    writeFileSync(join(dir, 'rnn/rnn-step.ts'), solution);
    const r = await resetExercise(course, forward, { exercisesDir: dir });
    expect(r.scope).toBe('function');
    const after = learnerFile();
    expect(fnText(after, 'rnnStepForward')).toBe(fnText(stub, 'rnnStepForward'));
    expect(fnText(after, 'rnnStepBackward')).toBe(fnText(solution, 'rnnStepBackward'));
    expect(after).toMatch(/import \{[^}]*\bnotImplemented\b[^}]*\} from '@rnn-course\/core'/);
    expect(r.backup !== undefined && readFileSync(r.backup, 'utf8')).toBe(solution);
  });

  it('restore puts the function back from the backup, leaving later edits elsewhere alone', async () => {
    writeFileSync(join(dir, 'rnn/rnn-step.ts'), solution);
    await resetExercise(course, forward, { exercisesDir: dir });
    // an edit made after the reset, in the other function, must survive the restore
    const edited = learnerFile().replace(
      'export function rnnStepBackward',
      '// my note\nexport function rnnStepBackward',
    );
    writeFileSync(join(dir, 'rnn/rnn-step.ts'), edited);
    const r = restoreExercise(forward, { exercisesDir: dir });
    expect(r.scope).toBe('function');
    const after = learnerFile();
    expect(fnText(after, 'rnnStepForward')).toBe(fnText(solution, 'rnnStepForward'));
    expect(after).toContain('// my note\nexport function rnnStepBackward');
    expect(r.backup !== undefined && readFileSync(r.backup, 'utf8')).toBe(edited);
  });

  it('when the function is gone and another exercise of the file passed, reset asks first', async () => {
    const renamed = solution.replace('export function rnnStepForward', 'export function myForward');
    writeFileSync(join(dir, 'rnn/rnn-step.ts'), renamed);
    const state = readState();
    state.results[backward.id] = {
      status: 'passed',
      score: 4,
      maxScore: 4,
      message: '',
      fingerprint: 'x',
      gradedAt: new Date(0).toISOString(),
    };
    writeState(state);
    const asked: string[] = [];
    const no = await resetExercise(course, forward, {
      exercisesDir: dir,
      confirm: async (q) => {
        asked.push(q);
        return false;
      },
    });
    expect(asked[0]).toMatch(
      /it also holds rnn\/rnn-step-backward, which passed\. Reset the whole file\?$/,
    );
    expect([no.scope, learnerFile()]).toEqual(['none', renamed]);
    expect(no.refused).toMatch(/npm run course -- reset rnn\/rnn-step-forward --file/);
    const yes = await resetExercise(course, forward, { exercisesDir: dir, wholeFile: true });
    expect([yes.scope, learnerFile(), yes.alsoReset]).toEqual(['file', stub, [backward.id]]);
  });
});

describe('solution', () => {
  it('shows the passed forward and only the stub of the backward that has not passed', async () => {
    writeFileSync(join(dir, 'rnn/rnn-step.ts'), forwardDone);
    const out: string[] = [];
    const code = await solutionCommand(course, forward, false, (s) => out.push(s), {
      exercisesDir: dir,
    });
    const text = out.join('\n');
    expect(code).toBe(0);
    expect(text).toContain(unmarked(fnText(solution, 'rnnStepForward')));
    expect(text).not.toContain(regionOf(fnText(solution, 'rnnStepBackward')));
    expect(text).toContain("notImplemented('rnn/rnn-step-backward')");
    expect(text).toMatch(/Shown as stubs: rnn\/rnn-step-backward \(not-started\)/);
    const refused: string[] = [];
    expect(
      await solutionCommand(course, backward, false, (s) => refused.push(s), { exercisesDir: dir }),
    ).toBe(1);
    expect(refused.join('\n')).toMatch(/^rnn\/rnn-step-backward does not pass yet \(not-started\)/);
  }, 120_000);

  it('says the solutions are not in a copy exported without them', async () => {
    const out: string[] = [];
    const code = await solutionCommand(course, forward, false, (s) => out.push(s), {
      solutionsDir: join(dir, 'no-solutions'),
    });
    expect([code, out.join('\n')]).toEqual([
      1,
      expect.stringMatching(/not in this copy of the course/),
    ]);
  });
});

describe('the edit pointer and ids', () => {
  it('points at the exercise function once its TODO is gone, not at the next TODO', () => {
    const file = join(dir, 'rnn/rnn-step.ts');
    writeFileSync(file, forwardDone);
    const lines = forwardDone.split('\n');
    const fwd = lines.findIndex((l) => l.startsWith('export function rnnStepForward')) + 1;
    const bwdTodo = lines.findIndex((l, i) => i > fwd && l.includes('TODO')) + 1;
    expect(todoLine(file, forward)).toBe(fwd);
    expect(todoLine(file, backward)).toBe(bwdTodo);
  });

  it('a slug without its chapter, or a former id, gets a did-you-mean', () => {
    expect(suggestIds(course, 'step-forward')).toEqual(['rnn/rnn-step-forward']);
    expect(suggestIds(course, 'rnn-step-forward')).toEqual(['rnn/rnn-step-forward']);
    expect(suggestIds(course, 'rnn/step-forward')).toEqual(['rnn/rnn-step-forward']);
    expect(suggestIds(course, 'rnn/sequence-backward')).toEqual(['rnn/rnn-backward']);
    expect(suggestIds(course, 'rnn/clip-grad-nrom')).toEqual(['rnn/clip-grad-norm']);
    expect(() => findExercise(course, 'rnn/step-forward')).toThrow(
      "unknown chapter or exercise 'rnn/step-forward'. Did you mean rnn/rnn-step-forward? (rnn/step-forward is its former name)",
    );
    const error = (() => {
      try {
        findExercise(course, 'step-forward');
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(UnknownIdError);
    expect((error as Error).message.split('\n')[0]).toBe(
      "unknown chapter or exercise 'step-forward'. Did you mean rnn/rnn-step-forward?",
    );
  });
});
