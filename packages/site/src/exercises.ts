/**
 * The exercise index, generated from the chapters' manifests through the grader's own loader
 * (`loadCourse`), so the site lists exactly what `npm run grade` grades. Per exercise: its
 * chapter, points, the section that teaches it (with that section's title, read from the
 * chapter), the stub's path, the command that grades it, and its hints.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadCourse } from '@rnn-course/grader';
import type { Course, ExerciseEntry } from '@rnn-course/grader';
import { CHAPTERS, headings, pageUrl } from './pages';
import { fileUrl } from './repository';
import type { Repository } from './repository';

/** One hint: its name (or its position, for manifests that number them) and its text. */
export interface Hint {
  readonly key: string;
  readonly text: string;
}

/** What the index shows of one exercise. Links are site URLs without the base. */
export interface ExerciseCard {
  readonly id: string;
  readonly title: string;
  readonly chapter: {
    readonly id: string;
    readonly number: number | undefined;
    readonly title: string;
    readonly link: string;
  };
  readonly points: number;
  /** The section that teaches it: its heading and its link. */
  readonly section: { readonly title: string; readonly link: string };
  /** The functions the learner writes. */
  readonly exports: readonly string[];
  /** The stub the learner edits, e.g. `exercises/rnn/rnn-step.ts`, and its page on GitHub. */
  readonly stub: string;
  readonly stubUrl: string;
  /** e.g. `npm run grade -- rnn/rnn-step-forward`. */
  readonly grade: string;
  /** e.g. `npm run course -- hint rnn/rnn-step-forward`. */
  readonly hintCommand: string;
  /** From a nudge to nearly the answer. */
  readonly hints: readonly Hint[];
}

/** The hints of a manifest entry as (key, text) pairs, in the manifest's order. */
export function hintList(hints: ExerciseEntry['hints']): Hint[] {
  return Object.entries(hints).map(([key, text]) => ({ key, text }));
}

/**
 * The title of the heading an anchor names, in a chapter text.
 *
 * @param section `path#anchor`, as a manifest writes it
 * @throws Error naming the exercise when the file has no such heading
 */
export function sectionTitle(root: string, id: string, section: string): string {
  const [path = '', anchor = ''] = section.split('#');
  const heading = headings(readFileSync(join(root, path), 'utf8')).find((h) => h.slug === anchor);
  if (heading === undefined) {
    throw new Error(
      `exercise ${id}: its section '${section}' names no heading of ${path} (expected ` +
        `'<chapter text>#<anchor of a heading>')`,
    );
  }
  return heading.text;
}

/** The index of a loaded course, in course order. */
export function exerciseCards(course: Course, root: string, repo: Repository): ExerciseCard[] {
  return course.exercises.map((e) => {
    const m = e.chapter.manifest;
    const text = e.chapter.text;
    const [sectionPath = text, anchor = ''] = e.section.split('#');
    const stub = `exercises/${e.file}`;
    return {
      id: e.id,
      title: e.title,
      chapter: {
        id: m.chapter,
        number: CHAPTERS.find((c) => c.text === text)?.number,
        title: m.title,
        link: pageUrl(text),
      },
      points: e.points,
      section: { title: sectionTitle(root, e.id, e.section), link: pageUrl(sectionPath, anchor) },
      exports: [e.functionName],
      stub,
      stubUrl: fileUrl(repo, stub),
      grade: `npm run grade -- ${e.id}`,
      hintCommand: `npm run course -- hint ${e.id}`,
      hints: hintList(e.hints),
    };
  });
}

/** Loads the course's manifests with the grader's loader and builds the index. */
export async function loadExerciseIndex(root: string, repo: Repository): Promise<ExerciseCard[]> {
  return exerciseCards(await loadCourse(), root, repo);
}
