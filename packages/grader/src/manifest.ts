/**
 * The shape of a chapter manifest: the one source of every fact about a chapter's exercises.
 * Every chapter package has one at `packages/<pkg>/manifest.ts`. What follows from the names is
 * not written here but derived (see `course.ts`): an exercise's function, file and grading
 * suite come from its id, its section link from the chapter text, and the exercise tables of the
 * chapter text and the syllabus, the counts and the stubs are generated from the manifest and
 * the solutions (`npm run course -- generate`).
 */

/** One exercise of a chapter. */
export interface ExerciseEntry {
  /**
   * `<chapter>/<slug>`, where the slug is the exercise's function in kebab case: the function
   * `rnnStepForward` is `rnn/rnn-step-forward`. The slug is a concept (`rnn-step`, the name of
   * the file and of the reference's function) and, for a hand-written pair, its role:
   * `-forward`, `-backward`, `-and-grad` for a loss that returns its own gradient, or
   * `-load-state-dict` / `-state-dict` for a layer's weights from and to PyTorch's layout.
   */
  readonly id: string;
  readonly title: string;
  readonly points: number;
  /** The heading of the chapter text that teaches it, as its anchor: `the-forward-pass`. */
  readonly section: string;
  /** The week of the syllabus it belongs to. */
  readonly week: number;
  /**
   * Hints by key, in the order `course hint` shows them: from a nudge to nearly the answer.
   * Suites point at a hint by its key (`hint: 'tanhOutput'`), so reordering is safe.
   */
  readonly hints: Readonly<Record<string, string>>;
  /**
   * The exercise asks for gradients derived by hand (a `-backward` or `-and-grad` role must say
   * so; `verify` checks it): while the learner's functions of its file run, forward included, the
   * core's autograd is switched off, so that building a graph or calling `.backward()` there
   * fails with a message that says why (chapter 0, "Hand-derived means hand-derived").
   */
  readonly handDerived?: boolean;
  /**
   * Instead of `handDerived`, for a `-backward` or `-and-grad` exercise whose new part is derived
   * by hand while a part an earlier chapter already had the learner derive may run on the core's
   * autograd (chapter 3's bidirectional RNN reuses chapter 1's BPTT through `vjp`): says which
   * part, and why. The course states the policy here, exercise by exercise; `verify` asks every
   * such role for one of the two.
   */
  readonly autogradAllowed?: string;
  /**
   * Ids this exercise had before a rename: a learner who types one is told the new id
   * (`course hint rnn/step-forward` → "Did you mean rnn/rnn-step-forward?").
   */
  readonly formerly?: readonly string[];
}

/** A chapter: its id (the exercise id prefix), its package and its exercises in order. */
export interface ChapterManifest {
  readonly chapter: string;
  readonly title: string;
  /**
   * The chapter package folder, e.g. `packages/rnn`: its `README.md` is the chapter text, its
   * `grading/` folder holds the suites.
   */
  readonly package: string;
  readonly exercises: readonly ExerciseEntry[];
}

/**
 * Declares a chapter manifest. An identity function that gives the object its type, so a
 * manifest file reads as data: `export default defineChapter({ chapter: 'rnn', ... })`.
 */
export function defineChapter(m: ChapterManifest): ChapterManifest {
  return m;
}
