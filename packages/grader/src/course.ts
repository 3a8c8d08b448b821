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

/**
 * The id suffixes that name the role of a hand-written function of a concept. A longer suffix
 * comes before a shorter one it ends with (`-load-state-dict` before `-state-dict`): the first
 * that matches is the role.
 */
export const ROLES: readonly string[] = [
  '-forward',
  '-backward',
  '-and-grad',
  '-load-state-dict',
  '-state-dict',
];

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

/** An id that names no chapter and no exercise; the message lists what is valid. */
export class UnknownIdError extends Error {
  override name = 'UnknownIdError';
  constructor(id: string, course: Course) {
    const chapters = course.chapters.map((c) => c.manifest.chapter).join(', ');
    const ids = course.exercises.map((e) => `  ${e.id}`).join('\n');
    super(`unknown chapter or exercise '${id}'. Chapters: ${chapters}. Exercises:\n${ids}`);
  }
}
