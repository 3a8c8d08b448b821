/**
 * The course as the grader sees it: the chapters' manifests loaded in order, each with the
 * npm name of its reference package, every exercise with what its id implies (function, file,
 * suite, section), and lookups from an id to its exercise.
 *
 * Names, one word per concept: the exercise `rnn/rnn-step-forward` is the function
 * `rnnStepForward` in the file `rnn/rnn-step.ts` (of exercises/ and solutions/), graded by
 * `packages/rnn/grading/rnn-step-forward.grade.ts`; the concept `rnn-step` is also the
 * reference's `rnnStep` in `packages/rnn/src/rnn-step.ts`.
 */
import { existsSync, readFileSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chapterManifests } from './chapters';
import type { ChapterManifest, ExerciseEntry } from './manifest';
import { fromRoot } from './paths';

/** A chapter with what the grader derives from its manifest. */
export interface Chapter {
  readonly manifest: ChapterManifest;
  /** The reference package's npm name, e.g. `@rnn-course/rnn`, read from its package.json. */
  readonly packageName: string;
  /** Position in the course, 0 for the first chapter. */
  readonly order: number;
  /** The chapter text, `<package>/README.md`. */
  readonly text: string;
}

/** An exercise with its chapter and what its id implies. */
export interface Exercise extends Omit<ExerciseEntry, 'section'> {
  readonly chapter: Chapter;
  /** The function the learner writes: `rnnStepForward`. */
  readonly functionName: string;
  /** Its file, relative to exercises/ and solutions/: `rnn/rnn-step.ts`. */
  readonly file: string;
  /** Its grading suite: `packages/rnn/grading/rnn-step-forward.grade.ts`. */
  readonly suite: string;
  /** The section that teaches it: `packages/rnn/README.md#the-forward-pass`. */
  readonly section: string;
}

/** The id suffixes that name the role of a hand-written function of a concept. */
export const ROLES: readonly string[] = ['-forward', '-backward', '-and-grad'];

/** The slug of an id, `rnn-step-forward` for `rnn/rnn-step-forward`. */
function slugOf(id: string): string {
  return id.slice(id.indexOf('/') + 1);
}

/** The function an id names: the slug in camel case, `rnn/rnn-step-forward` → `rnnStepForward`. */
export function functionOf(id: string): string {
  return slugOf(id).replace(/-([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

/** The concept of an id, its slug without the role: `rnn/rnn-step-forward` → `rnn-step`. */
export function conceptOf(id: string): string {
  const slug = slugOf(id);
  const role = ROLES.find((r) => slug.endsWith(r) && slug.length > r.length);
  return role === undefined ? slug : slug.slice(0, -role.length);
}

/** An exercise of `chapter` with what its id implies. */
function exerciseOf(entry: ExerciseEntry, chapter: Chapter): Exercise {
  const { section, ...rest } = entry;
  return {
    ...rest,
    chapter,
    functionName: functionOf(entry.id),
    file: `${chapter.manifest.chapter}/${conceptOf(entry.id)}.ts`,
    suite: `${chapter.manifest.package}/grading/${slugOf(entry.id)}.grade.ts`,
    section: `${chapter.text}#${section}`,
  };
}

/** Every chapter in order, and every exercise in order. */
export interface Course {
  readonly chapters: readonly Chapter[];
  readonly exercises: readonly Exercise[];
}

/** Builds the course from manifests already in memory (the order given is the course order). */
export function courseOf(manifests: readonly ChapterManifest[]): Course {
  const chapters = manifests.map((manifest, order) => ({
    manifest,
    packageName: packageNameOf(manifest),
    order,
    text: `${manifest.package}/README.md`,
  }));
  const exercises = chapters.flatMap((chapter) =>
    chapter.manifest.exercises.map((e) => exerciseOf(e, chapter)),
  );
  return { chapters, exercises };
}

/**
 * Loads the manifests listed in `chapters.ts` (or in `COURSE_MANIFESTS`, comma-separated, which
 * the harness's own tests use to load a fixture chapter), in that order.
 */
export async function loadCourse(manifestPaths?: readonly string[]): Promise<Course> {
  const fromEnv = process.env.COURSE_MANIFESTS?.split(',').filter((p) => p.trim() !== '');
  const paths = manifestPaths ?? fromEnv ?? chapterManifests;
  const manifests: ChapterManifest[] = [];
  for (const path of paths) {
    const file = fromRoot(path.trim());
    if (!existsSync(file)) throw new Error(`chapter manifest not found: ${path}`);
    const mod = (await import(pathToFileURL(file).href)) as { default?: ChapterManifest };
    if (mod.default === undefined) throw new Error(`${path} has no default export (defineChapter)`);
    manifests.push(mod.default);
  }
  return courseOf(manifests);
}

function packageNameOf(m: ChapterManifest): string {
  const pkgJson = resolve(fromRoot(m.package), 'package.json');
  if (existsSync(pkgJson)) {
    const name = (JSON.parse(readFileSync(pkgJson, 'utf8')) as { name?: unknown }).name;
    if (typeof name === 'string') return name;
  }
  return `@rnn-course/${m.chapter || basename(m.package)}`;
}

/**
 * The exercises a filter selects: each filter item is a chapter id or an exercise id. Throws a
 * message listing the valid ids when one matches nothing.
 */
export function selectExercises(course: Course, filter?: readonly string[]): Exercise[] {
  if (filter === undefined || filter.length === 0) return [...course.exercises];
  const wanted = new Set<string>();
  for (const item of filter) {
    const matches = course.exercises.filter(
      (e) => e.id === item || e.chapter.manifest.chapter === item,
    );
    if (matches.length === 0) throw new UnknownIdError(item, course);
    for (const e of matches) wanted.add(e.id);
  }
  return course.exercises.filter((e) => wanted.has(e.id));
}

/** Finds one exercise by id, or throws a message listing the valid ids. */
export function findExercise(course: Course, id: string): Exercise {
  const found = course.exercises.find((e) => e.id === id);
  if (found === undefined) throw new UnknownIdError(id, course);
  return found;
}

/**
 * An id that names no chapter and no exercise. The message starts with the likeliest ids meant
 * (see `suggestIds`), then lists what is valid.
 */
export class UnknownIdError extends Error {
  override name = 'UnknownIdError';
  /** The ids the message suggests, likeliest first. */
  readonly suggestions: readonly string[];
  constructor(id: string, course: Course) {
    const suggestions = suggestIds(course, id);
    const chapters = course.chapters.map((c) => c.manifest.chapter).join(', ');
    const ids = course.exercises.map((e) => `  ${e.id}`).join('\n');
    const renamed = course.exercises.find((e) => (e.formerly ?? []).includes(id));
    const hint =
      renamed !== undefined
        ? ` Did you mean ${renamed.id}? (${id} is its former name)`
        : suggestions.length > 0
          ? ` Did you mean ${suggestions.join(' or ')}?`
          : '';
    super(`unknown chapter or exercise '${id}'.${hint}\nChapters: ${chapters}. Exercises:\n${ids}`);
    this.suggestions = suggestions;
  }
}

/**
 * The ids a mistyped one most likely meant, best first (at most three): the exercise that had it
 * as a former name; the id with a chapter prefix added (`step-forward` is `rnn/step-forward`'s
 * slug); ids whose slug ends with it or holds all its words (`rnn/step-forward` →
 * `rnn/rnn-step-forward`); else ids a couple of typing mistakes away.
 */
export function suggestIds(course: Course, typed: string): string[] {
  const input = typed.trim().toLowerCase();
  const ids = course.exercises.map((e) => e.id);
  const renamed = course.exercises.filter((e) => (e.formerly ?? []).includes(input));
  if (renamed.length > 0) return renamed.map((e) => e.id);
  const slug = input.includes('/') ? input.slice(input.indexOf('/') + 1) : input;
  const words = slug.split('-').filter((w) => w !== '');
  const chapterOk = (id: string): boolean =>
    !input.includes('/') || id.startsWith(input.slice(0, input.indexOf('/') + 1));
  const exact = ids.filter((id) => slugOf(id) === slug && chapterOk(id));
  if (exact.length > 0) return exact.slice(0, 3);
  const formerSlug = course.exercises.filter((e) =>
    (e.formerly ?? []).some((f) => slugOf(f) === slug),
  );
  if (formerSlug.length > 0) return formerSlug.map((e) => e.id).slice(0, 3);
  const containing = ids.filter((id) => {
    const theirs = slugOf(id).split('-');
    return slugOf(id).endsWith(`-${slug}`) || words.every((w) => theirs.includes(w));
  });
  if (words.length > 0 && containing.length > 0) {
    // the closest in length first: rnn/rnn-step-forward before rnn/rnn-step-backward-...
    return containing.sort((a, b) => a.length - b.length).slice(0, 3);
  }
  const near = ids
    .map((id) => ({ id, d: Math.min(distance(input, id), distance(slug, slugOf(id))) }))
    .filter(({ d }) => d <= Math.max(2, Math.floor(slug.length / 4)))
    .sort((a, b) => a.d - b.d);
  return near.map(({ id }) => id).slice(0, 3);
}

/** Levenshtein distance: insertions, deletions and substitutions of one character. */
function distance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      row[j] = Math.min(
        (previous[j] ?? 0) + 1,
        (row[j - 1] ?? 0) + 1,
        (previous[j - 1] ?? 0) + cost,
      );
    }
    previous = row;
  }
  return previous[b.length] ?? 0;
}
