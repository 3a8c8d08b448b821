/**
 * Finding the place to write: the line of an exercise's `TODO` in its file, so the grader can
 * print a clickable `exercises/rnn/rnn-step.ts:52`.
 */
import { existsSync, readFileSync } from 'node:fs';
import type { Exercise } from './course';
import { findFunction } from './declarations';

/**
 * The 1-based line of the first `TODO` inside the exercise's function, else of its
 * `notImplemented('<id>')` call, else of the function itself: never a line of another function
 * (once the learner has deleted their own TODO, the pointer stays on their function). When the
 * file does not parse or the function is not there: the line naming it, else 1.
 */
export function todoLine(file: string, exercise: Pick<Exercise, 'id' | 'functionName'>): number {
  if (!existsSync(file)) return 1;
  const source = readFileSync(file, 'utf8');
  const lines = source.split('\n');
  const calls = (l: string): boolean =>
    l.includes(`'${exercise.id}'`) || l.includes(`"${exercise.id}"`);
  const fn = findFunction(source, exercise.functionName);
  if (fn !== undefined) {
    const body = lines.slice(fn.line - 1, fn.endLine);
    const todo = body.findIndex((l) => /\bTODO\b/.test(l));
    if (todo >= 0) return fn.line + todo;
    const call = body.findIndex(calls);
    return call >= 0 ? fn.line + call : fn.line;
  }
  const named = new RegExp(`\\b${exercise.functionName}\\b`);
  const at = lines.findIndex((l) => calls(l) || named.test(l));
  return at >= 0 ? at + 1 : 1;
}
