/**
 * `course verify`, for maintainers (part of `npm test`): the solutions score 100%; every stub
 * is `not-started` and none is `error`; every manifest entry has a stub, a solution, a suite,
 * a section that exists and at least one hint; every stub throws the not-implemented error with
 * its own id; every exercise's checks add up to its manifest points.
 */
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Course, Exercise } from './course';
import { grade } from './grade';
import { fromRoot, repoRoot } from './paths';
import type { Report } from './report';
import { notImplementedId } from './testing/not-implemented';

/** Where the stubs and the solutions are (the repository's by default). */
export interface VerifyOptions {
  readonly course: Course;
  readonly exercisesDir?: string;
  readonly solutionsDir?: string;
  readonly timeoutMs?: number;
}

/** Every problem found, and the two grade reports. */
export interface VerifyResult {
  readonly ok: boolean;
  readonly problems: readonly string[];
  readonly solutions?: Report;
  readonly stubs?: Report;
}

/** Runs every check; never throws for a problem of the course, lists it instead. */
export async function verify(opts: VerifyOptions): Promise<VerifyResult> {
  const { course } = opts;
  const exercisesDir = opts.exercisesDir ?? resolve(repoRoot, 'exercises');
  const solutionsDir = opts.solutionsDir ?? resolve(repoRoot, 'solutions');
  const problems: string[] = [...checkManifests(course, exercisesDir, solutionsDir)];
  problems.push(...(await checkStubsThrow(course, exercisesDir)));

  const timeout = opts.timeoutMs === undefined ? {} : { timeoutMs: opts.timeoutMs };
  const solutions = await grade({ course, target: solutionsDir, ...timeout });
  for (const e of solutions.exercises) {
    if (e.status !== 'passed')
      problems.push(`solution of ${e.id} is ${e.status}: ${firstLine(e.message)}`);
    const declared = e.tests.reduce((a, t) => a + t.maxPoints, 0);
    if (e.tests.length > 0 && declared !== e.maxScore) {
      problems.push(
        `${e.id}: its checks add up to ${declared} points, the manifest says ${e.maxScore}`,
      );
    }
  }
  const stubs = await grade({ course, target: exercisesDir, ...timeout });
  for (const e of stubs.exercises) {
    if (e.status !== 'not-started')
      problems.push(`stub of ${e.id} is ${e.status}, not not-started: ${firstLine(e.message)}`);
  }
  for (const w of new Set([...solutions.warnings, ...stubs.warnings])) problems.push(w);
  return { ok: problems.length === 0, problems, solutions, stubs };
}

/** The static checks of every manifest entry. */
export function checkManifests(
  course: Course,
  exercisesDir: string,
  solutionsDir: string,
): string[] {
  const problems: string[] = [];
  const seen = new Set<string>();
  for (const c of course.chapters) {
    if (!existsSync(fromRoot(c.manifest.text)))
      problems.push(`${c.manifest.chapter}: chapter text missing: ${c.manifest.text}`);
  }
  for (const e of course.exercises) {
    const say = (p: string): number => problems.push(`${e.id}: ${p}`);
    if (seen.has(e.id)) say('listed twice');
    seen.add(e.id);
    if (!e.id.startsWith(`${e.chapter.manifest.chapter}/`))
      say(`id does not start with '${e.chapter.manifest.chapter}/'`);
    if (!(Number.isFinite(e.points) && e.points > 0))
      say(`points must be positive, is ${e.points}`);
    if (e.hints.length === 0) say('no hints');
    if (e.exports.length === 0) say('no exports listed');
    if (!existsSync(fromRoot(e.suite))) say(`suite missing: ${e.suite}`);
    const sectionProblem = checkSection(e.section);
    if (sectionProblem !== undefined) say(sectionProblem);
    for (const [kind, dir] of [
      ['stub', exercisesDir],
      ['solution', solutionsDir],
    ] as const) {
      const file = resolve(dir, e.file);
      if (!existsSync(file)) {
        say(`${kind} missing: ${e.file}`);
        continue;
      }
      const text = readFileSync(file, 'utf8');
      for (const name of e.exports)
        if (!exports(text, name)) say(`${kind} ${e.file} does not export ${name}`);
    }
  }
  return problems;
}

/**
 * Imports each stub and calls each listed export with no arguments: a stub must throw the
 * not-implemented error carrying its own id before it looks at its arguments.
 */
export async function checkStubsThrow(course: Course, exercisesDir: string): Promise<string[]> {
  const problems: string[] = [];
  for (const e of course.exercises) {
    const file = resolve(exercisesDir, e.file);
    if (!existsSync(file)) continue;
    let mod: Record<string, unknown>;
    try {
      mod = (await import(pathToFileURL(file).href)) as Record<string, unknown>;
    } catch (error) {
      problems.push(`${e.id}: stub ${e.file} does not import: ${String(error)}`);
      continue;
    }
    for (const name of e.exports) {
      const fn = mod[name];
      if (typeof fn !== 'function') continue; // reported by checkManifests
      problems.push(...callStub(e, name, fn as (...args: unknown[]) => unknown));
    }
  }
  return problems;
}

function callStub(e: Exercise, name: string, fn: (...args: unknown[]) => unknown): string[] {
  try {
    fn();
  } catch (error) {
    const id = notImplementedId(error);
    if (id === e.id) return [];
    if (id !== undefined)
      return [`${e.id}: stub ${name}() throws the not-implemented error of '${id}'`];
    return [`${e.id}: stub ${name}() throws ${String(error)} instead of notImplemented('${e.id}')`];
  }
  return [`${e.id}: stub ${name}() returns instead of throwing notImplemented('${e.id}')`];
}

/** Why `file#anchor` does not point at a heading, or undefined when it does. */
function checkSection(section: string): string | undefined {
  const [path, anchor] = section.split('#');
  if (path === undefined || !existsSync(fromRoot(path))) return `section file missing: ${section}`;
  if (anchor === undefined || anchor === '') return undefined;
  const slugs = readFileSync(fromRoot(path), 'utf8')
    .split('\n')
    .filter((l) => /^#{1,6}\s/.test(l))
    .map((l) => slug(l.replace(/^#+\s*/, '')));
  return slugs.includes(anchor) ? undefined : `section '#${anchor}' is not a heading of ${path}`;
}

/** GitHub's heading anchor: lower case, punctuation dropped, spaces to hyphens. */
export function slug(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .replace(/\s/g, '-');
}

function exports(text: string, name: string): boolean {
  const declared = new RegExp(
    `export\\s+(declare\\s+)?(async\\s+)?(function\\*?|const|let|var|class)\\s+${name}\\b`,
  );
  const listed = new RegExp(`export\\s*\\{[^}]*\\b${name}\\b[^}]*\\}`);
  return declared.test(text) || listed.test(text);
}

function firstLine(s: string): string {
  return s.split('\n')[0] ?? '';
}
