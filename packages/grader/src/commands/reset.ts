/**
 * `course reset <id>`: restores the stub of an exercise's file after saving the learner's
 * version to a backup whose path it prints. The stub is generated from the worked solution, as
 * `course generate` does, so it is the stub of this version of the course.
 */
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { Course, Exercise } from '../course';
import { GenerateError, stubOf } from '../generate';
import { displayPath, repoRoot, stateDir } from '../paths';

/** Where stubs and the learner's files are; tests give the stub directly. */
export interface ResetOptions {
  readonly exercisesDir?: string;
  readonly solutionsDir?: string;
  /** The pristine stub of a file (relative to exercises/); default: generated from solutions/. */
  readonly stubOf?: (file: string, exercise: Exercise) => string | undefined;
}

/** What happened. */
export interface ResetResult {
  readonly file: string;
  /** Where the learner's version went; undefined when there was nothing to save. */
  readonly backup: string | undefined;
  /** Other exercises in the same file, reset with it. */
  readonly alsoReset: readonly string[];
}

/** Backs up and restores; throws with a readable message when no stub can be made. */
export function resetExercise(
  course: Course,
  exercise: Exercise,
  opts: ResetOptions = {},
): ResetResult {
  const dir = opts.exercisesDir ?? resolve(repoRoot, 'exercises');
  const file = resolve(dir, exercise.file);
  const solutions = opts.solutionsDir ?? resolve(repoRoot, 'solutions');
  const generated = (rel: string): string | undefined => {
    const solution = resolve(solutions, rel);
    if (!existsSync(solution)) return undefined;
    try {
      return stubOf(readFileSync(solution, 'utf8'), rel, course);
    } catch (error) {
      if (error instanceof GenerateError) return undefined;
      throw error;
    }
  };
  const stub = (opts.stubOf ?? generated)(exercise.file, exercise);
  if (stub === undefined) {
    throw new Error(
      `no stub of ${exercise.id} can be made from solutions/${exercise.file}; your file is unchanged`,
    );
  }
  let backup: string | undefined;
  if (existsSync(file) && readFileSync(file, 'utf8') !== stub) {
    const stamp = new Date().toISOString().replace(/[:.]/g, '-');
    backup = join(stateDir(), 'backups', stamp, exercise.file);
    mkdirSync(dirname(backup), { recursive: true });
    copyFileSync(file, backup);
  }
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, stub);
  const alsoReset = course.exercises
    .filter((e) => e.file === exercise.file && e.id !== exercise.id)
    .map((e) => e.id);
  return { file, backup, alsoReset };
}

/** Prints what `resetExercise` did. */
export function describeReset(exercise: Exercise, r: ResetResult): string {
  const lines = [`Restored the stub of ${exercise.id}: ${displayPath(r.file)}`];
  if (r.backup !== undefined) lines.push(`Your version is saved in ${displayPath(r.backup)}`);
  else lines.push('The file already was the stub; nothing to back up.');
  if (r.alsoReset.length > 0)
    lines.push(`The same file holds ${r.alsoReset.join(', ')}: reset too (see the backup).`);
  return lines.join('\n');
}
