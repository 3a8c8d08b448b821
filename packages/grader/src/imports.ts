/**
 * Import integrity. An exercise file may import the core, the reference packages of earlier
 * chapters and files of its own chapter folder, nothing else: importing its own chapter's
 * reference implementation would pass the grader with code the learner did not write. The scan
 * is static (the target's code is never run for it) and follows relative imports.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { Course, Exercise } from './course';
import { displayPath, isInside } from './paths';

/** One import an exercise file may not make. */
export interface ImportViolation {
  /** The file that makes the import. */
  readonly file: string;
  readonly line: number;
  readonly specifier: string;
  /** Why it is not allowed, in words a learner understands. */
  readonly reason: string;
}

/** One import statement found in a source file. */
export interface FoundImport {
  readonly specifier: string;
  readonly line: number;
  /** `import type` / `export type`: erased before the code runs. */
  readonly typeOnly: boolean;
  /** `import(expr)` / `require(expr)` with a computed path, which cannot be checked. */
  readonly computed: boolean;
}

/**
 * Lists the imports of a TypeScript source: static imports and re-exports, side-effect
 * imports, `import('x')` and `require('x')`. Comments are blanked first so that commented-out
 * imports do not count; line numbers are the source's.
 */
export function findImports(source: string): FoundImport[] {
  const code = blankComments(source);
  const found: FoundImport[] = [];
  const lineAt = (index: number): number => code.slice(0, index).split('\n').length;
  const fromClause = /\b(import|export)\s+(type\s+)?[\w\s{},*$]*?\bfrom\s*(['"])([^'"]+)\3/g;
  for (const m of code.matchAll(fromClause)) {
    found.push({
      specifier: m[4] ?? '',
      line: lineAt(m.index),
      typeOnly: m[2] !== undefined,
      computed: false,
    });
  }
  for (const m of code.matchAll(/\bimport\s*(['"])([^'"]+)\1/g)) {
    found.push({ specifier: m[2] ?? '', line: lineAt(m.index), typeOnly: false, computed: false });
  }
  for (const m of code.matchAll(/(?<![.\w$])(import|require)\s*\(\s*([^)\s]?)/g)) {
    const quote = m[2] ?? '';
    const start = m.index + m[0].length;
    if (quote === "'" || quote === '"' || quote === '`') {
      const end = code.indexOf(quote, start);
      const specifier = code.slice(start, end);
      const computed = quote === '`' && specifier.includes('${');
      found.push({ specifier, line: lineAt(m.index), typeOnly: false, computed });
    } else {
      found.push({ specifier: '', line: lineAt(m.index), typeOnly: false, computed: true });
    }
  }
  return found.sort((a, b) => a.line - b.line);
}

/**
 * Checks every exercise file of `exercises` in `targetDir` (and the files they import
 * relatively) against the import rules. Returns the violations per exercise id; exercises
 * whose file is missing are left out (the grader reports them as not started).
 */
export function checkImports(
  course: Course,
  exercises: readonly Exercise[],
  targetDir: string,
): Map<string, ImportViolation[]> {
  const result = new Map<string, ImportViolation[]>();
  const cache = new Map<string, ImportViolation[]>();
  for (const exercise of exercises) {
    const file = resolve(targetDir, exercise.file);
    if (!existsSync(file)) continue;
    const chapterDir = resolve(targetDir, exercise.file.split('/')[0] ?? '');
    const violations = scanFile(course, exercise, file, chapterDir, cache, new Set());
    if (violations.length > 0) result.set(exercise.id, violations);
  }
  return result;
}

/** The files an exercise file pulls in through relative imports, itself included. */
export function localFiles(file: string): string[] {
  const seen = new Set<string>();
  const visit = (f: string): void => {
    if (seen.has(f)) return;
    seen.add(f);
    for (const imp of findImports(readFileSync(f, 'utf8'))) {
      if (!imp.specifier.startsWith('.')) continue;
      const dep = resolveRelative(f, imp.specifier);
      if (dep !== undefined) visit(dep);
    }
  };
  if (existsSync(file)) visit(file);
  return [...seen];
}

/** One-line summary of a violation: `exercises/rnn/rnn-step.ts:3 imports 'x': reason`. */
export function describeViolation(v: ImportViolation): string {
  return `${displayPath(v.file)}:${v.line} imports '${v.specifier}': ${v.reason}`;
}

function scanFile(
  course: Course,
  exercise: Exercise,
  file: string,
  chapterDir: string,
  cache: Map<string, ImportViolation[]>,
  visiting: Set<string>,
): ImportViolation[] {
  const key = `${exercise.chapter.order}:${file}`;
  const cached = cache.get(key);
  if (cached !== undefined) return cached;
  if (visiting.has(file)) return [];
  visiting.add(file);
  const violations: ImportViolation[] = [];
  const folder = displayPath(chapterDir) + '/';
  for (const imp of findImports(readFileSync(file, 'utf8'))) {
    if (imp.typeOnly) continue; // erased before the code runs: cannot carry an implementation
    const bad = (reason: string): void => {
      violations.push({ file, line: imp.line, specifier: imp.specifier, reason });
    };
    if (imp.computed) {
      bad(`a computed import path cannot be checked; import files of ${folder} by name`);
      continue;
    }
    if (imp.specifier.startsWith('.')) {
      const target = resolve(dirname(file), imp.specifier);
      if (!isInside(chapterDir, target)) {
        bad(`it reaches outside ${folder}; an exercise may import only files of its own chapter`);
        continue;
      }
      const dep = resolveRelative(file, imp.specifier);
      if (dep !== undefined) {
        violations.push(...scanFile(course, exercise, dep, chapterDir, cache, visiting));
      }
      continue;
    }
    const reason = packageRule(course, exercise, imp.specifier, folder);
    if (reason !== undefined) bad(reason);
  }
  cache.set(key, violations);
  return violations;
}

/** Why a bare import is not allowed, or undefined when it is. */
function packageRule(
  course: Course,
  exercise: Exercise,
  specifier: string,
  folder: string,
): string | undefined {
  const pkg = packageOf(specifier);
  if (pkg === '@rnn-course/core' && specifier === pkg) return undefined;
  const chapter = course.chapters.find((c) => c.packageName === pkg);
  const earlier = course.chapters
    .filter((c) => c.order < exercise.chapter.order)
    .map((c) => c.packageName);
  const allowed = ['@rnn-course/core', ...earlier].join(', ');
  if (chapter !== undefined && chapter.order < exercise.chapter.order && specifier === pkg) {
    return undefined;
  }
  if (chapter === exercise.chapter) {
    return (
      `that is this chapter's reference implementation; the exercise must be your own code ` +
      `(allowed: ${allowed} and files of ${folder})`
    );
  }
  if (chapter !== undefined && chapter.order > exercise.chapter.order) {
    return `that is a later chapter's package (allowed: ${allowed} and files of ${folder})`;
  }
  return `an exercise may import only ${allowed} and files of ${folder}`;
}

function packageOf(specifier: string): string {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : (parts[0] ?? specifier);
}

/** Resolves `./x` the way the bundler does for TypeScript sources: x, x.ts, x/index.ts. */
function resolveRelative(from: string, specifier: string): string | undefined {
  const base = resolve(dirname(from), specifier);
  const candidates = [base, `${base}.ts`, `${base.replace(/\.js$/, '')}.ts`, `${base}/index.ts`];
  return candidates.find((c) => existsSync(c) && statSync(c).isFile());
}

/**
 * Replaces comments with spaces (newlines kept, so offsets and line numbers stay the same).
 * Strings are skipped so that `'//'` inside a string is not taken for a comment.
 */
export function blankComments(source: string): string {
  const out = source.split('');
  let i = 0;
  while (i < source.length) {
    const c = source[i];
    const next = source[i + 1];
    if (c === '/' && next === '/') {
      while (i < source.length && source[i] !== '\n') out[i++] = ' ';
    } else if (c === '/' && next === '*') {
      const end = source.indexOf('*/', i + 2);
      const stop = end === -1 ? source.length : end + 2;
      for (; i < stop; i++) if (source[i] !== '\n') out[i] = ' ';
    } else if (c === "'" || c === '"' || c === '`') {
      i++;
      while (i < source.length && source[i] !== c) i += source[i] === '\\' ? 2 : 1;
      i++;
    } else {
      i++;
    }
  }
  return out.join('');
}
