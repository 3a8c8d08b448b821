/**
 * The exercise functions a folder holds, found through the manifests: what a lab trains on with
 * `--impl exercises` or `--impl solutions`. Before a lab trains on a learner's code, each of
 * their functions is checked by its grader (its last grade while the files are unchanged, else
 * a grading run now): a function that does not pass is left out with the reason, like one that
 * is still a stub (stubs throw the not-implemented error before looking at their arguments,
 * which `verify` checks), so that the lab falls back to the reference for it and says why.
 * Training on a wrong gradient would only show a loss that stalls, with no word of the cause.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { loadCourse, type Course, type Exercise } from './course';
import { grade, MAINTAINER_TIMEOUT_MS } from './grade';
import { hasSolutions, repoRoot } from './paths';
import type { Status } from './report';
import { lastResults, recordResults } from './state';
import { folderOf } from './target';
import { notImplementedId } from './testing/not-implemented';

/** An implemented exercise that does not pass its grader, and why. */
export interface FailingExercise {
  readonly exercise: Exercise;
  readonly status: Status;
  /** The grader's message. */
  readonly message: string;
}

/** What a folder implements of a chapter. */
export interface LoadedFunctions {
  /** Every exercise function the folder implements (and that passes, when checked), by name. */
  readonly functions: Readonly<Record<string, (...args: never[]) => unknown>>;
  /** The exercises whose function is still a stub there, or whose file is missing. */
  readonly notImplemented: readonly Exercise[];
  /** Implemented exercises that do not pass their grader (or do not import), left out. */
  readonly failing: readonly FailingExercise[];
}

/** How to load. */
export interface LoadOptions {
  /**
   * Check each implemented function with its grader and leave out those that do not pass.
   * Default: yes, except for the worked solutions (which `verify` holds at 100%).
   */
  readonly check?: boolean;
  /** The course, already loaded. */
  readonly course?: Course;
}

/**
 * Imports the exercise files of `chapter` from `folder` and sorts their functions into
 * implemented (and passing) and not.
 *
 * @param chapter a chapter id, e.g. `rnn`
 * @param folder  `exercises`, `solutions` or a folder
 */
export async function loadFunctions(
  chapter: string,
  folder: string,
  opts: LoadOptions = {},
): Promise<LoadedFunctions> {
  const course = opts.course ?? (await loadCourse());
  if (folder === 'solutions' && !hasSolutions()) {
    throw new Error(
      'the worked solutions are not in this copy of the course (it was exported for learners): ' +
        'use --impl exercises (your code) or --impl reference',
    );
  }
  const dir = folderOf(folder, 'implementation');
  const found: Record<string, (...args: never[]) => unknown> = {};
  const notImplemented: Exercise[] = [];
  const failing: FailingExercise[] = [];
  const implemented: Exercise[] = [];
  for (const e of course.exercises.filter((x) => x.chapter.manifest.chapter === chapter)) {
    const file = resolve(dir, e.file);
    let mod: Record<string, unknown> = {};
    try {
      if (existsSync(file))
        mod = (await import(pathToFileURL(file).href)) as Record<string, unknown>;
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      failing.push({
        exercise: e,
        status: 'error',
        message: `could not import: ${firstLine(message)}`,
      });
      continue;
    }
    const fn = mod[e.functionName];
    if (typeof fn === 'function' && !isStub(fn as (...args: unknown[]) => unknown)) {
      found[e.functionName] = fn as (...args: never[]) => unknown;
      implemented.push(e);
    } else {
      notImplemented.push(e);
    }
  }
  const check = opts.check ?? folder !== 'solutions';
  if (check && implemented.length > 0) {
    const status = await gradeOf(course, implemented, dir);
    for (const e of implemented) {
      const s = status.get(e.id) ?? { status: 'error' as const, message: 'not graded' };
      if (s.status === 'passed') continue;
      delete found[e.functionName];
      failing.push({ exercise: e, status: s.status, message: s.message });
    }
  }
  return { functions: found, notImplemented, failing };
}

/**
 * A lab's line for one piece of a model (a layer, made of one or more exercise functions): whose
 * code it runs and, when it falls back to the reference, which of its exercises did not pass and
 * why, with the gist of the grader's message indented below and the command to re-grade
 * ("RNN forward/backward: reference, not exercises/rnn, because rnn/rnn-backward failed its
 * grader").
 *
 * @param piece  what the piece is called in the lab's log, e.g. `RNN forward/backward`
 * @param names  the exercise functions the piece is made of
 * @param where  the folder of the implementation, for the message, e.g. `exercises/rnn`
 * @param loaded what `loadFunctions` found there
 */
export function pieceReport(
  piece: string,
  names: readonly string[],
  where: string,
  loaded: LoadedFunctions,
): string {
  const failing = loaded.failing.filter((f) => names.includes(f.exercise.functionName));
  const missing = loaded.notImplemented.filter((e) => names.includes(e.functionName));
  if (failing.length === 0 && missing.length === 0) return `${piece}: ${where} (passes its grader)`;
  const ids = (es: readonly { id: string }[]): string =>
    `${es.map((e) => e.id).join(' and ')} ${es.length === 1 ? 'is' : 'are'}`;
  const reasons = [
    ...(missing.length > 0 ? [`${ids(missing)} not implemented yet`] : []),
    ...failing.map((f) => `${f.exercise.id} ${f.status} its grader`),
  ];
  // the gist of the grader's message, indented under the line: what is wrong, the diagnosis
  // (a question) and the hint to read
  const details = failing.flatMap((f) => gist(f.message).map((l) => `\n      ${l}`));
  const fix =
    failing.length > 0 ? `\n    fix it, then: npm run grade -- ${failing[0]?.exercise.id}` : '';
  return `${piece}: reference, not ${where}, because ${reasons.join(' and ')}${details.join('')}${fix}`;
}

/**
 * The first line of a grader's message, its diagnosis and its hint. The diagnosis is a line
 * asking a question, or the suite's reading of the failure, which comes right before the hint.
 */
function gist(message: string): string[] {
  const lines = message.split('\n').filter((l) => l.trim() !== '');
  const hintAt = lines.findIndex((l) => l.startsWith('Read hint'));
  const rest = lines
    .slice(1)
    .filter((l, i) => l.trim().endsWith('?') || i + 1 === hintAt - 1 || l.startsWith('Read hint'));
  return [...lines.slice(0, 1), ...rest];
}

/**
 * Each exercise's grade: its last one while its files are unchanged (the learner's
 * `exercises/`), else from one grading run now, which is remembered.
 */
async function gradeOf(
  course: Course,
  exercises: readonly Exercise[],
  dir: string,
): Promise<Map<string, { status: Status; message: string }>> {
  const out = new Map<string, { status: Status; message: string }>();
  const learners = dir === resolve(repoRoot, 'exercises');
  if (learners) {
    for (const [id, r] of lastResults(exercises, dir)) {
      if (r.fresh) out.set(id, { status: r.record.status, message: r.record.message });
    }
  }
  const stale = exercises.filter((e) => !out.has(e.id));
  if (stale.length > 0) {
    // Checking a lab's layers is not a timed attempt: a busy machine must not turn a correct
    // layer into a fallback, so a check gets the course's own generous limit.
    const report = await grade({
      course,
      target: dir,
      filter: stale.map((e) => e.id),
      timeoutMs: MAINTAINER_TIMEOUT_MS,
    });
    if (learners) recordResults(course, report, dir);
    for (const e of report.exercises) {
      out.set(e.id, { status: e.status, message: e.message });
    }
  }
  return out;
}

/** A stub throws the not-implemented error first thing, whatever its arguments. */
function isStub(fn: (...args: unknown[]) => unknown): boolean {
  try {
    fn();
  } catch (error) {
    return notImplementedId(error) !== undefined;
  }
  return false;
}

function firstLine(s: string): string {
  return s.split('\n')[0] ?? '';
}
