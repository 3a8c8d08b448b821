/**
 * The implementation under test: `exercises/`, `solutions/`, or a folder. A submission is
 * staged: only its exercise files (those the manifests list, and the files of their chapter
 * folder they import) are copied into `.course/targets/`, inside the repository so that they
 * resolve `@rnn-course/core` like the learner's own files do. A folder outside the repository
 * is staged the same way.
 */
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import type { Course } from './course';
import { localFiles } from './imports';
import { displayPath, isInside, repoRoot, targetsDir, userPath } from './paths';
import { locateSubmission } from './submission';

/** A resolved target. */
export interface Target {
  /** How reports name it: `exercises`, `solutions` or the folder. */
  readonly name: string;
  /** Where `@target/` points for the run. */
  readonly dir: string;
  /** The folder the learner knows (differs from `dir` when staged). */
  readonly sourceDir: string;
  /** Removes the staged copy, if any. */
  readonly cleanup: () => void;
  /**
   * Folder prefixes renamed in messages after `dir` → `sourceDir`, when `sourceDir` is itself
   * an arranged copy of a flat upload (see submission.ts).
   */
  readonly renames?: ReadonlyArray<readonly [string, string]>;
  /** How a submission was read, for the report (see submission.ts). */
  readonly notes?: readonly string[];
}

/**
 * Resolves `target` (`exercises`, `solutions` or a folder, relative to the working directory)
 * or `submission` (a folder, always staged). A submission may be a copy of `exercises/` or a
 * whole clone of the course (its `exercises/` is then used).
 */
export function resolveTarget(
  course: Course,
  opts: { target?: string; submission?: string },
): Target {
  if (opts.submission !== undefined) return stageSubmission(course, opts.submission);
  const target = opts.target ?? process.env.COURSE_TARGET ?? 'exercises';
  if (target === 'exercises' || target === 'solutions') {
    const dir = resolve(repoRoot, target);
    return { name: target, dir, sourceDir: dir, cleanup: () => {} };
  }
  const dir = userPath(target);
  if (!existsSync(dir) || !statSync(dir).isDirectory()) {
    throw new Error(`target folder not found: ${target} (use exercises, solutions or a folder)`);
  }
  if (isInside(repoRoot, dir)) {
    return { name: displayPath(dir), dir, sourceDir: dir, cleanup: () => {} };
  }
  return stage(course, dir);
}

/**
 * `exercises` and `solutions` name the course's folders; anything else is a path. `role` names
 * the folder in the error, e.g. `base`.
 */
export function folderOf(name: string, role: string): string {
  const dir =
    name === 'exercises' || name === 'solutions' ? resolve(repoRoot, name) : userPath(name);
  if (!existsSync(dir) || !statSync(dir).isDirectory()) {
    throw new Error(`${role} folder not found: ${name} (use exercises, solutions or a folder)`);
  }
  return dir;
}

/** A submission, wherever in it the exercise files are (see submission.ts), staged. */
function stageSubmission(course: Course, submission: string): Target {
  const dir = userPath(submission);
  if (!existsSync(dir) || !statSync(dir).isDirectory()) {
    throw new Error(`submission folder not found: ${submission}`);
  }
  const layout = locateSubmission(course, dir);
  const staged = stage(course, layout.dir);
  return {
    ...staged,
    name: layout.name,
    renames: layout.renames,
    notes: layout.notes,
    cleanup: () => {
      staged.cleanup();
      layout.cleanup();
    },
  };
}

function stage(course: Course, sourceDir: string): Target {
  mkdirSync(targetsDir, { recursive: true });
  const dir = mkdtempSync(join(targetsDir, 'target-'));
  copyExerciseFiles(course, sourceDir, dir);
  return {
    name: displayPath(sourceDir),
    dir,
    sourceDir,
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** Copies each exercise file of `from`, with the chapter files it imports, into `to`. */
function copyExerciseFiles(course: Course, from: string, to: string): void {
  for (const exercise of course.exercises) {
    const file = join(from, exercise.file);
    const chapterDir = join(from, exercise.file.split('/')[0] ?? '');
    for (const f of localFiles(file)) {
      if (!isInside(chapterDir, f)) continue; // the import check reports it
      const dest = join(to, relative(from, f));
      mkdirSync(dirname(dest), { recursive: true });
      cpSync(f, dest);
    }
  }
}
