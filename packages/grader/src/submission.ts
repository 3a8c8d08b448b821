/**
 * Where a submission keeps its exercise files. Students hand in what they have: a copy of
 * `exercises/` (`rnn/rnn-step.ts`), the whole course (`exercises/rnn/rnn-step.ts`), either one
 * wrapped in a single folder (an unpacked archive), or the files alone, dragged into the upload
 * without their chapter folder (`rnn-step.ts`). Each is found and graded; how it was read is a
 * note of the report. When nothing is found, the note says which layout was expected and what
 * the folder holds.
 */
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { basename, extname, join } from 'node:path';
import type { Course } from './course';
import { displayPath, targetsDir } from './paths';

/** How a submission is laid out, and a folder in the layout of `exercises/` to grade. */
export interface SubmissionLayout {
  /** A folder holding `<chapter>/<file>.ts`: the submission's own, or a copy arranged so. */
  readonly dir: string;
  /** The folder the student handed in, as reports name it. */
  readonly name: string;
  /**
   * For an arranged copy, the folder prefixes to rename in messages so that they name the
   * student's files: `[<copy>/rnn, <submission>]`.
   */
  readonly renames: ReadonlyArray<readonly [string, string]>;
  /** How it was read, when that needs saying; or why nothing was found. */
  readonly notes: readonly string[];
  /** Removes the arranged copy, if one was made. */
  readonly cleanup: () => void;
}

/** File kinds that code can import: a flat upload's helpers are copied along. */
const CODE = new Set(['.ts', '.mts', '.cts', '.js', '.mjs', '.cjs', '.json']);

/** Finds the exercise files of `dir` (an existing folder). */
export function locateSubmission(course: Course, dir: string): SubmissionLayout {
  const rels = [...new Set(course.exercises.map((e) => e.file))];
  const count = (root: string): number => rels.filter((r) => isFile(join(root, r))).length;
  const visible = entries(dir);
  const subdirs = visible.filter((n) => isDirectory(join(dir, n)));
  const chapters = new Set(course.chapters.map((c) => c.manifest.chapter));
  // an archive unpacked into one folder: look inside it too
  const wrapper =
    subdirs.length === 1 && !chapters.has(subdirs[0] ?? '') && subdirs[0] !== 'exercises'
      ? join(dir, subdirs[0] ?? '')
      : undefined;
  const roots = [dir, join(dir, 'exercises')];
  if (wrapper !== undefined) roots.push(wrapper, join(wrapper, 'exercises'));
  const best = roots
    .map((root) => ({ root, n: count(root) }))
    .reduce((a, b) => (b.n > a.n ? b : a));
  const nothing = { renames: [], cleanup: () => {} };
  if (best.n > 0) {
    const notes =
      wrapper !== undefined && best.root.startsWith(wrapper)
        ? [`found the exercise files in ${displayPath(best.root)}/`]
        : [];
    return { dir: best.root, name: displayPath(best.root), notes, ...nothing };
  }

  // The files without their chapter folder, at the top level (or inside the one folder).
  for (const top of wrapper === undefined ? [dir] : [dir, wrapper]) {
    const found = rels.filter((r) => isFile(join(top, basename(r))));
    if (found.length === 0) continue;
    const arranged = arrangeFlat(course, top, found);
    const names = found.map((r) => basename(r));
    const chapterList = [...new Set(found.map((r) => r.split('/')[0]))].join('/, ');
    return {
      dir: arranged.dir,
      name: displayPath(top),
      renames: arranged.chapters.map((c) => [join(arranged.dir, c), top] as const),
      notes: [
        `found ${names.join(', ')} at the top level of ${displayPath(top)}/, not in a ` +
          `${chapterList}/ folder: graded them as ${found.join(', ')}`,
      ],
      cleanup: arranged.cleanup,
    };
  }

  const shown = visible
    .slice(0, 12)
    .map((n) => (isDirectory(join(dir, n)) ? `${n}/` : n))
    .join(', ');
  const more = visible.length > 12 ? `, and ${visible.length - 12} more` : '';
  const expected = rels.slice(0, 4).join(', ') + (rels.length > 4 ? ', ...' : '');
  return {
    dir,
    name: displayPath(dir),
    notes: [
      `found none of the ${rels.length} exercise files in ${displayPath(dir)}/. Expected them as in ` +
        `exercises/ (${expected}), or the whole course with its exercises/ folder, or the files ` +
        `themselves at the top level; found: ${shown === '' ? 'an empty folder' : shown + more}`,
    ],
    ...nothing,
  };
}

/**
 * A copy of a flat upload arranged as `exercises/`: every code file of `top` goes into the
 * folder of each chapter whose exercise files are there, so that the files still import each
 * other (`./rnn-step`).
 */
function arrangeFlat(
  course: Course,
  top: string,
  found: readonly string[],
): { dir: string; chapters: string[]; cleanup: () => void } {
  mkdirSync(targetsDir, { recursive: true });
  const dir = mkdtempSync(join(targetsDir, 'flat-'));
  const code = entries(top).filter((n) => CODE.has(extname(n)) && isFile(join(top, n)));
  const chapters = [...new Set(found.map((r) => r.split('/')[0] ?? ''))].filter((chapter) =>
    course.chapters.some((c) => c.manifest.chapter === chapter),
  );
  for (const chapter of chapters) {
    mkdirSync(join(dir, chapter), { recursive: true });
    for (const name of code) cpSync(join(top, name), join(dir, chapter, name));
  }
  return { dir, chapters, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** The visible entries of a folder, sorted (no dot files, no node_modules). */
function entries(dir: string): string[] {
  return readdirSync(dir)
    .filter((n) => !n.startsWith('.') && n !== 'node_modules' && n !== '__MACOSX')
    .sort();
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}
