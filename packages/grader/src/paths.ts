/**
 * Where things live: the repository root (three levels above this file), the learner's
 * state folder `.course/` (gitignored) and how paths are shown to the learner.
 */
import { existsSync } from 'node:fs';
import { isAbsolute, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root: packages/grader/src/../../.. */
export const repoRoot: string = resolve(fileURLToPath(new URL('.', import.meta.url)), '../../..');

/** The folder this package lives in, `packages/grader`. */
export const graderRoot: string = resolve(repoRoot, 'packages/grader');

/**
 * The pristine stubs of a learner's export (`course export`), which has no solutions/ to
 * generate them from: what `reset` restores there.
 */
export const exportedStubsDir: string = resolve(graderRoot, 'stubs');

/** The learner's state: hints seen, backups. `COURSE_STATE_DIR` overrides. */
export function stateDir(): string {
  return process.env.COURSE_STATE_DIR ?? resolve(repoRoot, '.course');
}

/**
 * Where staged copies go (`.course/targets/`, gitignored): always inside the repository, so that
 * a staged file resolves `@rnn-course/core` like the learner's own files do. `grade-batch` gives
 * each student's grading its own folder (`COURSE_TARGETS_DIR`, inside this one) and removes it
 * afterwards, whatever happened to the grading.
 */
export const targetsDir: string =
  process.env.COURSE_TARGETS_DIR ?? resolve(repoRoot, '.course/targets');

/** A path from the repository root, absolute paths pass through. */
export function fromRoot(path: string): string {
  return isAbsolute(path) ? path : resolve(repoRoot, path);
}

/**
 * How a path is printed: relative to the repository root when inside it (so that
 * `exercises/rnn/rnn-step.ts:42` is clickable in a terminal), absolute otherwise.
 */
export function displayPath(path: string): string {
  const rel = relative(repoRoot, path);
  return rel.startsWith('..') || isAbsolute(rel) ? path : rel.split('\\').join('/');
}

/** True when `path` is `dir` itself or inside it. */
export function isInside(dir: string, path: string): boolean {
  const rel = relative(dir, path);
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
}

/**
 * A path the user typed, resolved against the folder they typed it in: npm runs scripts at
 * the repository root but keeps the caller's folder in `INIT_CWD`.
 */
export function userPath(path: string): string {
  return resolve(process.env.INIT_CWD ?? process.cwd(), path);
}

/** Whether the course's worked solutions are here: a learner's export has none. */
export function hasSolutions(root: string = repoRoot): boolean {
  return existsSync(join(root, 'solutions'));
}
