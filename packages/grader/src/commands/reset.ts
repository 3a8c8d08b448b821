/**
 * `course reset <id>`: restores the stub of an exercise's file after saving the learner's
 * version to a backup whose path it prints. The stub comes from the repository's history: the
 * newest committed version of the file that still is a stub for this exercise, so that a
 * learner who committed their work still gets the stub back.
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import type { Course, Exercise } from '../course';
import { displayPath, repoRoot, stateDir } from '../paths';

/** Where stubs and the learner's files are; tests replace the git history with a folder. */
export interface ResetOptions {
  readonly exercisesDir?: string;
  /** The pristine stub of a file (relative to exercises/); default: from git history. */
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

/** Backs up and restores; throws with a readable message when no stub can be found. */
export function resetExercise(
  course: Course,
  exercise: Exercise,
  opts: ResetOptions = {},
): ResetResult {
  const dir = opts.exercisesDir ?? resolve(repoRoot, 'exercises');
  const file = resolve(dir, exercise.file);
  const stub = (opts.stubOf ?? stubFromGit)(exercise.file, exercise);
  if (stub === undefined) {
    throw new Error(
      `no stub of ${exercise.id} found in the repository's history for exercises/${exercise.file}; ` +
        'your file is unchanged',
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

function stubFromGit(file: string, exercise: Exercise): string | undefined {
  const path = `exercises/${file}`;
  const git = (args: string[]): string =>
    execFileSync('git', args, {
      cwd: repoRoot,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
      maxBuffer: 1 << 26,
    });
  let commits: string[];
  try {
    commits = git(['log', '--format=%H', '--', path])
      .split('\n')
      .filter((c) => c !== '');
  } catch {
    return undefined; // not a git checkout, or git is not installed
  }
  const isStub = new RegExp(
    `notImplemented\\(\\s*['"]${exercise.id.replace(/[/-]/g, '\\$&')}['"]\\s*\\)`,
  );
  for (const commit of commits) {
    try {
      const text = git(['show', `${commit}:${relative(repoRoot, resolve(repoRoot, path))}`]);
      if (isStub.test(text)) return text;
    } catch {
      // the file did not exist at that commit
    }
  }
  return undefined;
}
