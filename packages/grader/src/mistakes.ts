/**
 * `@rnn-course/grader/mistakes`: a chapter's usual mistakes, each a few edits of a worked
 * solution, as Vitest tests. `describeMistakes(mistakes)` checks that every edit still applies
 * to the current solutions, stages each mistake with `stageEdited`, grades it with the course's
 * own grader, and asserts that its exercise fails (not error, not pass) with a message that
 * matches the mistake's patterns and ends with a pointer to a hint. `describeDoNothing(chapter)`
 * grades implementations that do nothing (see `do-nothing.ts`) and asserts that each scores 0.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { DO_NOTHING, gradeDoNothing, type DoNothingResult } from './do-nothing';
import { loadCourse } from './course';
import { grade, MAINTAINER_TIMEOUT_MS } from './grade';
import { repoRoot } from './paths';
import type { ExerciseReport } from './report';
import { applyEdits, stageEdited, type Edit } from './stage-edited';

/** One known mistake: what it breaks, how to make it, and what the message must mention. */
export interface Mistake {
  readonly name: string;
  /** The exercise it fails, e.g. `rnn/rnn-step-backward`. */
  readonly exercise: string;
  /** The file it edits, relative to `solutions/`. */
  readonly file: string;
  readonly edits: readonly Edit[];
  /** Every pattern must match the exercise's failure message. */
  readonly points: readonly RegExp[];
}

/** The last line of every failure a mistake makes: a hint, named by its key. */
const HINT_POINTER = /\nRead hint (\w+): npm run course -- hint [\w-]+\/[\w-]+ \1$/;

/**
 * Declares the tests of a chapter's mistakes. Each is graded in its own Vitest process; the runs
 * go `concurrency` at a time in a `beforeAll`, and each test then reads its mistake's report.
 */
export function describeMistakes(mistakes: readonly Mistake[], concurrency = 4): void {
  const solutions = resolve(repoRoot, 'solutions');

  describe('every mistake is an edit of the current solutions', () => {
    test('each edit finds its text exactly once in the solution it edits', () => {
      for (const m of mistakes) {
        const solution = readFileSync(resolve(solutions, m.file), 'utf8');
        expect(() => applyEdits(solution, m.edits, m.file), m.name).not.toThrow();
      }
    });

    test('the mistakes have distinct names', () => {
      expect(new Set(mistakes.map((m) => m.name)).size).toBe(mistakes.length);
    });
  });

  describe('grading fails each mistake with a message that points at the cause', () => {
    const reports = new Map<string, ExerciseReport | Error>(); // by mistake name
    const cleanups: (() => void)[] = [];

    beforeAll(async () => {
      let next = 0;
      const lane = async (): Promise<void> => {
        while (next < mistakes.length) {
          const m = mistakes[next++];
          try {
            const staged = stageEdited({ from: 'solutions', file: m.file, edits: m.edits });
            cleanups.push(staged.cleanup);
            const report = await grade({
              target: staged.dir,
              filter: [m.exercise],
              timeoutMs: MAINTAINER_TIMEOUT_MS,
            });
            const found = report.exercises.find((e) => e.id === m.exercise);
            reports.set(m.name, found ?? new Error(`no report for ${m.exercise}`));
          } catch (error) {
            reports.set(m.name, error instanceof Error ? error : new Error(String(error)));
          }
        }
      };
      await Promise.all(Array.from({ length: Math.min(concurrency, mistakes.length) }, lane));
    }, 600_000);

    // Removing a staged copy per mistake takes seconds on a busy machine (dozens of copies).
    afterAll(() => {
      for (const cleanup of cleanups) cleanup();
    }, 120_000);

    for (const m of mistakes) {
      test(`${m.name} fails ${m.exercise}`, { timeout: 120_000 }, () => {
        const report = reports.get(m.name);
        if (report instanceof Error) throw report;
        expect(report, 'the exercise was graded').toBeDefined();
        const r = report as ExerciseReport;
        // every check that did not pass, so that an 'error' (a crash, a time limit) says where
        const checks = r.tests
          .filter((c) => c.status !== 'passed')
          .map((c) => `  ${c.name}: ${c.status}: ${c.message}`)
          .join('\n');
        expect(
          r.status,
          `status of ${m.exercise}; message:\n${r.message}\nchecks:\n${checks}`,
        ).toBe('failed');
        expect(r.score).toBeLessThan(r.maxScore);
        // The first failing check's message is what the learner reads first.
        for (const pattern of m.points) expect(r.message).toMatch(pattern);
        expect(r.message).toMatch(HINT_POINTER);
      });
    }
  });
}

/**
 * Declares one test per exercise of `chapter` and way of doing nothing (`DO_NOTHING`): the
 * variant, graded with the course's suites, scores 0 points. A failure lists the checks that
 * scored: each rewards code that does nothing, and needs `{ requires: 'values' }` or a value
 * check folded in. `course verify` asks every chapter's tests to call this.
 */
export function describeDoNothing(chapter: string, concurrency = 2): void {
  describe(`implementations of ${chapter} that do nothing score 0`, () => {
    const results = new Map<string, DoNothingResult>(); // by id and kind
    let ids: string[] = [];

    beforeAll(async () => {
      const course = await loadCourse();
      const exercises = course.exercises.filter((e) => e.chapter.manifest.chapter === chapter);
      if (exercises.length === 0) throw new Error(`no exercises of chapter '${chapter}'`);
      ids = exercises.map((e) => e.id);
      for (const r of await gradeDoNothing({ course, exercises, concurrency })) {
        results.set(`${r.id} ${r.kind}`, r);
      }
    }, 900_000);

    test('every exercise of the chapter is graded in every way of doing nothing', () => {
      expect(ids.length).toBeGreaterThan(0);
      expect(results.size).toBe(ids.length * Object.keys(DO_NOTHING).length);
    });

    for (const [kind, what] of Object.entries(DO_NOTHING)) {
      test(`${kind} (${what}): every exercise scores 0`, () => {
        const leaks = ids.flatMap((id) => {
          const r = results.get(`${id} ${kind}`);
          if (r === undefined) return [`${id}: not graded`];
          if (r.error !== undefined) return [`${id}: ${r.error}`];
          if (r.score === 0) return [];
          const checks = r.scored.map((c) => `'${c.name}' (${c.points})`).join(', ');
          return [`${id} scores ${r.score}/${r.maxScore}: ${checks}`];
        });
        expect(leaks, 'checks that reward doing nothing').toEqual([]);
      });
    }
  });
}
