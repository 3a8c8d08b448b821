/**
 * Finding the place to write: the line of an exercise's `TODO` in its file, so the grader can
 * print a clickable `exercises/rnn/rnn-step.ts:52`.
 */
import { existsSync, readFileSync } from 'node:fs';
import type { Exercise } from './course';

/**
 * The 1-based line of the first `TODO` inside the exercise's first exported function, else the
 * line that calls `notImplemented('<id>')`, else the function's line, else 1.
 */
export function todoLine(file: string, exercise: Pick<Exercise, 'id' | 'functionName'>): number {
  if (!existsSync(file)) return 1;
  const lines = readFileSync(file, 'utf8').split('\n');
  const name = exercise.functionName;
  const decl = new RegExp(
    `export\\s+(async\\s+)?(function\\*?\\s+|const\\s+|let\\s+|class\\s+)${name}\\b`,
  );
  const start = lines.findIndex((l) => decl.test(l));
  const ni = lines.findIndex(
    (l) => l.includes(`'${exercise.id}'`) || l.includes(`"${exercise.id}"`),
  );
  if (start >= 0) {
    const stop = ni > start ? ni : lines.length;
    for (let i = start; i <= Math.min(stop, lines.length - 1); i++) {
      if (/\bTODO\b/.test(lines[i] ?? '')) return i + 1;
    }
  }
  if (ni >= 0) return ni + 1;
  return start >= 0 ? start + 1 : 1;
}
