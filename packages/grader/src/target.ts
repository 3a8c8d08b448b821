/**
 * The implementation under test: `exercises/`, `solutions/`, or a folder. A submission is
 * staged: the code files of its chapter folders (those the manifests' exercise files sit in) are
 * copied into `.course/targets/`, inside the repository so that they resolve `@rnn-course/core`
 * like the learner's own files do. A symbolic link is copied as a link, so that the bundler
 * refuses it with a message rather than the copy taking in what it points to. A folder outside
 * the repository is staged the same way.
 */
import {
  copyFileSync,
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readlinkSync,
  rmSync,
  statSync,
  symlinkSync,
} from 'node:fs';
import { extname, join, resolve } from 'node:path';
import type { Course } from './course';
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

/** The files a chapter folder may hold that code can import. */
const CODE = new Set(['.ts', '.mts', '.cts', '.js', '.mjs', '.cjs', '.json']);
/** More files than a chapter folder of exercises plausibly holds: the rest is not copied. */
const MAX_FILES = 2000;

/** Copies the code files of each chapter folder of `from` into `to`. */
function copyExerciseFiles(course: Course, from: string, to: string): void {
  const chapters = new Set(course.exercises.map((e) => e.file.split('/')[0] ?? ''));
  let budget = MAX_FILES;
  const copy = (src: string, dest: string): void => {
    const stat = lstatSync(src);
    if (stat.isSymbolicLink()) {
      rmSync(dest, { force: true, recursive: true });
      symlinkSync(readlinkSync(src), dest);
    } else if (stat.isDirectory()) {
      mkdirSync(dest, { recursive: true });
      for (const name of readdirSync(src).sort()) {
        if (name.startsWith('.') || name === 'node_modules') continue;
        copy(join(src, name), join(dest, name));
      }
    } else if (stat.isFile() && CODE.has(extname(src)) && budget-- > 0) {
      rmSync(dest, { force: true });
      copyFileSync(src, dest);
    }
  };
  for (const chapter of chapters) {
    const src = join(from, chapter);
    if (chapter === '' || !existsOrLink(src)) continue;
    copy(src, join(to, chapter));
  }
}

function existsOrLink(path: string): boolean {
  try {
    lstatSync(path);
    return true;
  } catch {
    return false;
  }
}
