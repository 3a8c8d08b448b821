/**
 * `course list`: every exercise with its status and points and a progress bar, at once: from
 * the last grade of each exercise (`.course/state.json`) while its files are unchanged, and
 * from the file itself otherwise (a function that still calls `notImplemented` is not
 * started). No grading run starts; an exercise edited since it was graded says so.
 */
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Exercise } from '../course';
import { findFunction } from '../declarations';
import { lastResults } from '../state';
import type { Status } from '../report';

/** Where one exercise stands. */
export interface ProgressRow {
  readonly id: string;
  readonly chapter: string;
  /** A grade's status, or `edited` (changed since graded) or `not graded`. */
  readonly status: Status | 'edited' | 'not graded';
  /** Points of the last grade; undefined when it is not known. */
  readonly score: number | undefined;
  readonly maxScore: number;
  /** What the learner should know: the first line of the failure, the grade before the edit. */
  readonly note: string;
}

/** Where each exercise of `exercises` stands in folder `dir`, without grading. */
export function progressOf(exercises: readonly Exercise[], dir: string): ProgressRow[] {
  const last = lastResults(exercises, dir);
  return exercises.map((e) => {
    const base = { id: e.id, chapter: e.chapter.manifest.chapter, maxScore: e.points };
    const file = resolve(dir, e.file);
    if (!existsSync(file)) {
      return { ...base, status: 'not-started', score: 0, note: 'file missing' };
    }
    const result = last.get(e.id);
    if (result?.fresh === true) {
      const { status, score, message } = result.record;
      return { ...base, status, score, note: message.split('\n')[0] ?? '' };
    }
    if (isStub(readFileSync(file, 'utf8'), e)) {
      return { ...base, status: 'not-started', score: 0, note: '' };
    }
    if (result !== undefined) {
      const { status, score, maxScore } = result.record;
      return {
        ...base,
        status: 'edited',
        score: undefined,
        note: `changed since it was graded (${status}, ${score}/${maxScore})`,
      };
    }
    return { ...base, status: 'not graded', score: undefined, note: '' };
  });
}

/** The exercise's function is still the stub's: it calls `notImplemented('<id>')`. */
function isStub(source: string, e: Exercise): boolean {
  const fn = findFunction(source, e.functionName);
  const text = fn === undefined ? source : source.slice(fn.start, fn.end);
  return new RegExp(`notImplemented\\(\\s*['"\`]${e.id}['"\`]`).test(text);
}
