/**
 * `course generate`: writes every generated file that is stale (see `../generate.ts`), and says
 * which. An exercise file that is about to be replaced is backed up first, so that a learner who
 * runs it loses nothing.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';
import { backUp, stampNow } from '../backups';
import type { Course } from '../course';
import { generatedFiles, type GenerateOptions } from '../generate';
import { displayPath, repoRoot } from '../paths';

/** Writes the stale generated files; returns one line per file written (or one saying none). */
export function generate(course: Course, opts: GenerateOptions = {}): string[] {
  const stale = generatedFiles(course, opts).filter((f) => f.current !== f.expected);
  if (stale.length === 0) return ['Every generated file is up to date.'];
  const stamp = stampNow();
  const exercisesDir = opts.exercisesDir ?? resolve(repoRoot, 'exercises');
  const lines: string[] = [];
  for (const f of stale) {
    let saved = '';
    if (f.kind === 'stub' && f.current !== undefined) {
      const backup = backUp(f.path, relative(exercisesDir, f.path), stamp);
      saved = ` (the previous version is in ${displayPath(backup)})`;
    }
    mkdirSync(dirname(f.path), { recursive: true });
    writeFileSync(f.path, f.expected);
    lines.push(`wrote ${displayPath(f.path)} from ${f.source}${saved}`);
  }
  return lines;
}
