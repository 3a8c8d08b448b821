/**
 * Wall time of grading: one exercise, then all of solutions/ (one Vitest run for the whole
 * course). Run with `npm run bench -w @rnn-course/grader` or `npx tsx bench/grade.bench.ts`.
 * Targets on a 2-core machine: one exercise under about 2 s, the whole course under about 30 s.
 * The time includes starting Vitest (a child process) and importing the core and the suites;
 * it does not include starting this script.
 */
import { grade, loadCourse } from '../src/index';

const course = await loadCourse();
const first = course.exercises[0];
if (first === undefined) {
  console.log('No chapter is registered in packages/grader/src/chapters.ts: nothing to time.');
  process.exit(0);
}

/** Grades once and prints the wall time and the score. */
async function time(label: string, filter: readonly string[] | undefined): Promise<number> {
  const started = performance.now();
  const report = await grade({
    course,
    target: 'solutions',
    ...(filter === undefined ? {} : { filter }),
  });
  const seconds = (performance.now() - started) / 1000;
  const checks = report.exercises.reduce((n, e) => n + e.tests.length, 0);
  console.log(
    `${label.padEnd(34)} ${seconds.toFixed(2).padStart(6)} s   ` +
      `${report.exercises.length} exercise(s), ${checks} checks, ${report.score}/${report.maxScore} points`,
  );
  return seconds;
}

console.log(
  `Grading solutions/ (${course.exercises.length} exercises in ${course.chapters.length} chapter(s))`,
);
await time(`one exercise (${first.id})`, [first.id]);
await time(`one exercise again (warm cache)`, [first.id]);
await time('all of solutions/', undefined);
