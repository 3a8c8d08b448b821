/**
 * The course as the grader sees it: the chapters' manifests loaded in order, each with the
 * npm name of its reference package, and lookups from an id to its exercise.
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
}

/** An exercise with its chapter. */
export interface Exercise extends ExerciseEntry {
  readonly chapter: Chapter;
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
  }));
  const exercises = chapters.flatMap((chapter) =>
    chapter.manifest.exercises.map((e) => ({ ...e, chapter })),
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
