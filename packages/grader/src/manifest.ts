/**
 * The shape of a chapter manifest: the list of a chapter's exercises, each with its file,
 * its exported functions, its points, its ordered hints and the section that teaches it.
 * Every chapter package has one at `packages/<pkg>/manifest.ts`.
 */

/** One exercise of a chapter. Paths are relative to the repository root unless said. */
export interface ExerciseEntry {
  /** `<chapter>/<slug>`, e.g. `rnn/rnn-step-forward`. */
  readonly id: string;
  readonly title: string;
  /** The exercise file, relative to `exercises/` and `solutions/`, e.g. `rnn/rnn-step.ts`. */
  readonly file: string;
  /** The functions the learner writes; each stub throws NotImplementedError with `id`. */
  readonly exports: readonly string[];
  readonly points: number;
  /** The chapter section that teaches it, e.g. `packages/rnn/README.md#the-forward-pass`. */
  readonly section: string;
  /** The grading suite, e.g. `packages/rnn/grading/rnn-step-forward.grade.ts`. */
  readonly suite: string;
  /** Ordered from a nudge to nearly the answer. */
  readonly hints: readonly string[];
}

/** A chapter: its id (the exercise id prefix), its package and its exercises in order. */
export interface ChapterManifest {
  readonly chapter: string;
  readonly title: string;
  /** The chapter package folder, e.g. `packages/rnn`. */
  readonly package: string;
  /** The chapter text, e.g. `packages/rnn/README.md`. */
  readonly text: string;
  readonly exercises: readonly ExerciseEntry[];
}

/**
 * Declares a chapter manifest. An identity function that gives the object its type, so a
 * manifest file reads as data: `export default defineChapter({ chapter: 'rnn', ... })`.
 */
export function defineChapter(m: ChapterManifest): ChapterManifest {
  return m;
}
