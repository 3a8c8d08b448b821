/**
 * The grader catches the usual mistakes of chapter 1. Each mistake in grading/mistakes.ts is a
 * small edit of a worked solution; staged with `stageEdited` and graded with the solutions as
 * its neighbours, it must fail its exercise (not error, not pass) with a message that points at
 * the cause.
 *
 * Every mistake is graded by the course's own grader, in its own Vitest process; the runs go
 * a few at a time in `beforeAll`, and each test then reads its mistake's report.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { applyEdits, grade, stageEdited, type ExerciseReport } from '@rnn-course/grader';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { mistakes } from '../grading/mistakes';

const solutions = resolve(fileURLToPath(new URL('.', import.meta.url)), '../../../solutions');

/** Grading runs at once: each is a Vitest process with two workers, on a two-core machine. */
const CONCURRENCY = 4;

/** Runs `work` over `items`, at most `limit` at a time. */
async function inBatches<T>(
  items: readonly T[],
  limit: number,
  work: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < items.length) {
      const item = items[next++] as T;
      await work(item);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane));
}

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
    await inBatches(mistakes, CONCURRENCY, async (m) => {
      try {
        // The staged folder holds only the mistaken file; the worked solutions fill in its neighbours.
        const staged = stageEdited({ from: 'solutions', file: m.file, edits: m.edits });
        cleanups.push(staged.cleanup);
        const report = await grade({ target: staged.dir, base: 'solutions', filter: [m.exercise] });
        const found = report.exercises.find((e) => e.id === m.exercise);
        reports.set(m.name, found ?? new Error(`no report for ${m.exercise}`));
      } catch (error) {
        reports.set(m.name, error instanceof Error ? error : new Error(String(error)));
      }
    });
  }, 300_000);

  afterAll(() => {
    for (const cleanup of cleanups) cleanup();
  });

  for (const m of mistakes) {
    test(`${m.name} fails ${m.exercise}`, { timeout: 120_000 }, () => {
      const report = reports.get(m.name);
      if (report instanceof Error) throw report;
      expect(report, 'the exercise was graded').toBeDefined();
      const r = report as ExerciseReport;
      expect(r.status, `status of ${m.exercise}; message:\n${r.message}`).toBe('failed');
      expect(r.score).toBeLessThan(r.maxScore);
      // The first failing check's message is what the learner reads first.
      for (const pattern of m.points) expect(r.message).toMatch(pattern);
      expect(r.message).toMatch(/Read hint \d: npm run course -- hint rnn\//);
    });
  }
});
