/**
 * `course solution <id> [--force]`: the worked solution, once the learner's exercise passes. A
 * solution file may hold several exercises (a forward and its backward): only the functions of
 * those the learner has passed are shown, the others appear as their stubs, so that passing the
 * forward does not give away the backward. `--force` shows the whole file, after a warning.
 *
 * Which exercises pass comes from their last grade while their files are unchanged
 * (`.course/state.json`), else from grading them now.
 */
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Course, Exercise } from '../course';
import { bold, dim, yellow } from '../format/style';
import { partialSolutionOf } from '../generate';
import { grade } from '../grade';
import { displayPath, repoRoot } from '../paths';
import type { Status } from '../report';
import { lastResults, recordResults } from '../state';

/** Where the learner's files and the solutions are; tests point them elsewhere. */
export interface SolutionOptions {
  readonly exercisesDir?: string;
  readonly solutionsDir?: string;
}

/** Prints what may be shown of the solution; returns the exit code. */
export async function solutionCommand(
  course: Course,
  exercise: Exercise,
  force: boolean,
  print: (s: string) => void,
  opts: SolutionOptions = {},
): Promise<number> {
  const solutionsDir = opts.solutionsDir ?? resolve(repoRoot, 'solutions');
  const exercisesDir = opts.exercisesDir ?? resolve(repoRoot, 'exercises');
  if (!existsSync(solutionsDir)) {
    print(
      `The worked solutions are not in this copy of the course: it was exported for learners, ` +
        `without solutions/. Your instructor has them. For help with ${exercise.id}:\n` +
        `  npm run course -- hint ${exercise.id}`,
    );
    return 1;
  }
  const file = resolve(solutionsDir, exercise.file);
  if (!existsSync(file)) {
    print(`No solution file for ${exercise.id} (${displayPath(file)}).`);
    return 1;
  }
  const source = readFileSync(file, 'utf8');
  const header = `${bold(exercise.id)} ${exercise.title} ${dim(`— ${displayPath(file)}`)}\n`;
  if (force) {
    print(yellow(`Showing the solution of ${exercise.id} before your exercise passes (--force).`));
    print(header);
    print(source);
    return 0;
  }
  const sameFile = course.exercises.filter((e) => e.file === exercise.file);
  const status = await statusesOf(course, sameFile, exercisesDir);
  const mine = status.get(exercise.id) ?? 'error';
  if (mine !== 'passed') {
    print(
      `${exercise.id} does not pass yet (${mine}). The solution is there to compare with once ` +
        `yours works.\n  npm run course -- hint ${exercise.id}      a hint\n` +
        `  npm run course -- solution ${exercise.id} --force   the solution anyway`,
    );
    return 1;
  }
  const passed = new Set(sameFile.filter((e) => status.get(e.id) === 'passed').map((e) => e.id));
  print(header);
  print(partialSolutionOf(source, exercise.file, course, passed));
  const hidden = sameFile.filter((e) => !passed.has(e.id));
  if (hidden.length > 0) {
    const list = hidden.map((e) => `${e.id} (${status.get(e.id) ?? 'error'})`).join(', ');
    print(
      dim(
        `Shown as stubs: ${list}. Their solutions appear here once they pass ` +
          `(or with --force).`,
      ),
    );
  }
  return 0;
}

/**
 * The status of each exercise: its last grade when its files are unchanged since, else a grade
 * now (one run for all of them, remembered).
 */
async function statusesOf(
  course: Course,
  exercises: readonly Exercise[],
  dir: string,
): Promise<Map<string, Status>> {
  const status = new Map<string, Status>();
  const last = lastResults(exercises, dir);
  for (const [id, r] of last) if (r.fresh) status.set(id, r.record.status);
  const stale = exercises.filter((e) => !status.has(e.id));
  if (stale.length > 0) {
    const report = await grade({ course, filter: stale.map((e) => e.id), target: dir });
    if (dir === resolve(repoRoot, 'exercises')) recordResults(course, report, dir);
    for (const e of report.exercises) status.set(e.id, e.status);
  }
  return status;
}
