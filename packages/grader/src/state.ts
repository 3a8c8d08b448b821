/**
 * The learner's state between commands, in `.course/state.json` (gitignored): which hints of
 * each exercise they have seen, by key, and the last grade of each exercise of `exercises/`
 * with a fingerprint of what was graded. A result whose fingerprint still matches the files is
 * what the exercise would score now, so `list`, `solution` and the labs read it instead of
 * starting a grading run.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { Course, Exercise } from './course';
import { fromRoot, isInside, stateDir } from './paths';
import type { Report, Status } from './report';

/** The last grade of one exercise. */
export interface ResultRecord {
  readonly status: Status;
  readonly score: number;
  readonly maxScore: number;
  /** The failure (its first 1,000 characters), empty when passed. */
  readonly message: string;
  /** `fingerprintOf` the graded files when it was graded. */
  readonly fingerprint: string;
  /** When (ISO 8601). */
  readonly gradedAt: string;
}

/** What is remembered. */
export interface CourseState {
  /**
   * The keys of the hints seen, per exercise id (a number, in a state file written before hints
   * had keys, counts the first hints).
   */
  hintsSeen: Record<string, readonly string[] | number>;
  /** The last grade of each exercise of `exercises/`, by id. */
  results: Record<string, ResultRecord>;
}

function stateFile(): string {
  return join(stateDir(), 'state.json');
}

/** Reads the state; a missing or unreadable file is a fresh start. */
export function readState(): CourseState {
  try {
    if (existsSync(stateFile())) {
      const parsed = JSON.parse(readFileSync(stateFile(), 'utf8')) as Partial<CourseState>;
      return { hintsSeen: parsed.hintsSeen ?? {}, results: parsed.results ?? {} };
    }
  } catch {
    // a damaged state file only forgets which hints were seen and the last grades
  }
  return { hintsSeen: {}, results: {} };
}

/** Writes the state. */
export function writeState(state: CourseState): void {
  mkdirSync(stateDir(), { recursive: true });
  writeFileSync(stateFile(), JSON.stringify(state, null, 2) + '\n');
}

/**
 * What a grade depends on: the exercise's file, the files of its chapter folder it imports
 * (relative imports, followed), and its grading suite, hashed. Undefined when the file is
 * missing.
 */
export function fingerprintOf(exercise: Exercise, dir: string): string | undefined {
  const file = resolve(dir, exercise.file);
  if (!existsSync(file)) return undefined;
  const chapterDir = resolve(dir, exercise.chapter.manifest.chapter);
  const hash = createHash('sha1');
  for (const f of [...localImports(file, chapterDir)].sort()) {
    hash.update(`${f}\n`).update(readFileSync(f)).update('\n');
  }
  const suite = fromRoot(exercise.suite);
  if (existsSync(suite)) hash.update(readFileSync(suite));
  return hash.digest('hex');
}

/** Remembers the results of a report of `dir` (the learner's `exercises/`). */
export function recordResults(course: Course, report: Report, dir: string): void {
  const state = readState();
  const gradedAt = new Date().toISOString();
  for (const e of report.exercises) {
    const exercise = course.exercises.find((x) => x.id === e.id);
    const fingerprint = exercise === undefined ? undefined : fingerprintOf(exercise, dir);
    if (fingerprint === undefined) {
      delete state.results[e.id];
      continue;
    }
    state.results[e.id] = {
      status: e.status,
      score: e.score,
      maxScore: e.maxScore,
      message: e.message.slice(0, 1000),
      fingerprint,
      gradedAt,
    };
  }
  writeState(state);
}

/** An exercise's last grade, and whether its files are still the ones graded. */
export interface LastResult {
  readonly record: ResultRecord;
  readonly fresh: boolean;
}

/** The last grade of each exercise that has one. */
export function lastResults(exercises: readonly Exercise[], dir: string): Map<string, LastResult> {
  const { results } = readState();
  const out = new Map<string, LastResult>();
  for (const e of exercises) {
    const record = results[e.id];
    if (record === undefined) continue;
    out.set(e.id, { record, fresh: record.fingerprint === fingerprintOf(e, dir) });
  }
  return out;
}

const RELATIVE =
  /\b(?:import|export)\b[^'"`;]*?\bfrom\s*['"](\.{1,2}\/[^'"]+)['"]|\bimport\s*\(?\s*['"](\.{1,2}\/[^'"]+)['"]/g;

/** `file` and the files of `chapterDir` it imports, directly or not. */
function localImports(file: string, chapterDir: string): Set<string> {
  const seen = new Set<string>();
  const visit = (f: string): void => {
    if (seen.has(f) || !isInside(chapterDir, f)) return;
    seen.add(f);
    for (const m of readFileSync(f, 'utf8').matchAll(RELATIVE)) {
      const base = resolve(dirname(f), m[1] ?? m[2] ?? '');
      const found = [base, `${base}.ts`, `${base.replace(/\.js$/, '')}.ts`, join(base, 'index.ts')];
      const dep = found.find((c) => c.endsWith('.ts') && existsSync(c));
      if (dep !== undefined) visit(dep);
    }
  };
  visit(file);
  return seen;
}
