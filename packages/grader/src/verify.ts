/**
 * `course verify`, for maintainers (part of `npm test`), rustlings' `dev check` for this course.
 * It fails, naming the file, when:
 *
 * - a manifest entry is incomplete: no hints, a points value that is not positive, a section that
 *   is not a heading of the chapter text, a stub, solution or suite that is missing, a stub or
 *   solution that does not export the exercise's function;
 * - a generated file is stale: a stub that differs from the one generated from its solution, a
 *   table or count in a chapter text or in `docs/` that disagrees with the manifest;
 * - a suite points at a hint key its exercise does not have;
 * - grading is weaker than the work (`strength.ts`): a `@throws` of a solution that its suite
 *   never checks with `expectThrows`, a hint that reads as code, a chapter package without a test
 *   that grades its do-nothing implementations (`describeDoNothing`);
 * - the solutions do not score 100%, a stub is not `not-started` (every stub must throw the
 *   not-implemented error of its own id), or an exercise's checks do not add up to its points.
 *
 * It checks the course, so it needs the stubs as generated: in a learner's copy, whose exercise
 * files hold the learner's work, it says so instead of grading them.
 */
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Course, Exercise } from './course';
import { GenerateError, generatedFiles, slug } from './generate';
import { grade, MAINTAINER_TIMEOUT_MS } from './grade';
import { displayPath, fromRoot, repoRoot } from './paths';
import type { Report } from './report';
import { checkStrength } from './strength';
import { notImplementedId } from './testing/not-implemented';

/** Where the stubs and the solutions are (the repository's by default). */
export interface VerifyOptions {
  readonly course: Course;
  readonly exercisesDir?: string;
  readonly solutionsDir?: string;
  /** Markdown files holding generated regions; default: the chapter texts and `docs/*.md`. */
  readonly documents?: readonly string[];
  readonly timeoutMs?: number;
}

/** Every problem found, and the two grade reports. */
export interface VerifyResult {
  readonly ok: boolean;
  readonly problems: readonly string[];
  /** Exercise files that differ from their generated stubs: a learner's work, or stale stubs. */
  readonly edited: readonly string[];
  readonly solutions?: Report;
  readonly stubs?: Report;
}

/** Runs every check; never throws for a problem of the course, lists it instead. */
export async function verify(opts: VerifyOptions): Promise<VerifyResult> {
  const { course } = opts;
  const exercisesDir = opts.exercisesDir ?? resolve(repoRoot, 'exercises');
  const solutionsDir = opts.solutionsDir ?? resolve(repoRoot, 'solutions');
  const { problems: stale, edited } = checkGenerated(course, {
    exercisesDir,
    solutionsDir,
    ...(opts.documents === undefined ? {} : { documents: opts.documents }),
  });
  const problems: string[] = [];
  if (edited.length > 0) {
    const n = edited.length;
    problems.push(
      `${n} exercise ${n === 1 ? 'file differs from its generated stub' : 'files differ from their generated stubs'}: ` +
        'verify checks the course itself and needs the stubs as generated from solutions/. In a ' +
        "learner's copy that is your own work: grade it with npm run grade. A maintainer runs " +
        'npm run course -- generate.',
    );
  }
  problems.push(...stale);
  problems.push(...checkManifests(course, exercisesDir, solutionsDir));
  problems.push(...checkHintKeys(course));
  problems.push(...checkStrength(course, solutionsDir));
  const editedFiles = new Set(edited.map((f) => resolve(f)));
  const pristine = course.exercises.filter((e) => !editedFiles.has(resolve(exercisesDir, e.file)));
  problems.push(...(await checkStubsThrow(pristine, exercisesDir)));

  const timeout = { timeoutMs: opts.timeoutMs ?? MAINTAINER_TIMEOUT_MS };
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
  const checked = new Set(pristine.map((e) => e.id));
  for (const e of stubs.exercises) {
    if (!checked.has(e.id) || e.status === 'not-started') continue;
    const why = firstLine(e.message) || 'every check passes: is the file a stub?';
    problems.push(`stub of ${e.id} (${e.file}) is ${e.status}, not not-started: ${why}`);
  }
  for (const w of new Set([...solutions.warnings, ...stubs.warnings])) problems.push(w);
  return { ok: problems.length === 0, problems, edited, solutions, stubs };
}

/**
 * The generated files that differ from what belongs there, one problem each, naming the file.
 * `edited` lists the exercise files among them (the stubs), which a learner's copy edits.
 */
export function checkGenerated(
  course: Course,
  opts: { exercisesDir: string; solutionsDir: string; documents?: readonly string[] },
): { problems: string[]; edited: string[] } {
  let files;
  try {
    files = generatedFiles(course, opts);
  } catch (error) {
    if (error instanceof GenerateError) return { problems: [error.message], edited: [] };
    throw error;
  }
  const problems: string[] = [];
  const edited: string[] = [];
  for (const f of files) {
    if (f.current === f.expected) continue;
    const where = displayPath(f.path);
    if (f.kind === 'stub') {
      edited.push(f.path);
      problems.push(
        f.current === undefined
          ? `${where}: missing; it is generated from ${f.source} (npm run course -- generate)`
          : `${where}: differs from the stub generated from ${f.source} (npm run course -- generate)`,
      );
    } else {
      problems.push(
        `${where}: a generated table or count disagrees with the manifests (npm run course -- generate)`,
      );
    }
  }
  return { problems, edited };
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
    if (!existsSync(fromRoot(c.text)))
      problems.push(`${c.manifest.chapter}: chapter text missing: ${c.text}`);
  }
  for (const e of course.exercises) {
    const say = (p: string): number => problems.push(`${e.id}: ${p}`);
    if (seen.has(e.id)) say('listed twice');
    seen.add(e.id);
    if (!e.id.startsWith(`${e.chapter.manifest.chapter}/`))
      say(`id does not start with '${e.chapter.manifest.chapter}/'`);
    if (!/^[\w-]+\/[a-z0-9]+(-[a-z0-9]+)*$/.test(e.id))
      say('the part after the chapter must be kebab case: rnn/rnn-step-forward');
    if (!(Number.isFinite(e.points) && e.points > 0))
      say(`points must be positive, is ${e.points}`);
    if (!(Number.isInteger(e.week) && e.week > 0))
      say(`week must be a positive integer, is ${e.week}`);
    for (const former of e.formerly ?? []) {
      if (course.exercises.some((x) => x.id === former))
        say(`former id '${former}' is the id of an exercise today`);
    }
    const keys = Object.keys(e.hints);
    if (keys.length === 0) say('no hints');
    for (const key of keys) {
      if (!/^[a-z][A-Za-z0-9]*$/.test(key)) say(`hint key '${key}' is not a camelCase word`);
      if ((e.hints[key] ?? '').trim() === '') say(`hint '${key}' is empty`);
    }
    if (!existsSync(fromRoot(e.suite))) say(`suite missing: ${e.suite}`);
    const role = ['-backward', '-and-grad'].find((r) => e.id.endsWith(r));
    if (role !== undefined && e.handDerived !== true && e.autogradAllowed === undefined) {
      say(
        `the role ${role} asks for hand-derived gradients: set handDerived: true in its manifest ` +
          '(or autogradAllowed, naming the part an earlier chapter had the learner derive)',
      );
    }
    if (e.handDerived === true && e.autogradAllowed !== undefined) {
      say('handDerived and autogradAllowed contradict each other: keep one');
    }
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
      if (!exports(readFileSync(file, 'utf8'), e.functionName))
        say(`${kind} ${e.file} does not export ${e.functionName}`);
    }
  }
  return problems;
}

/**
 * The hint keys the suites name: every `hint: '<key>'` in a suite must be a key of the
 * exercise it grades. A key written as anything but a string literal cannot be checked, so it
 * is a problem too.
 */
export function checkHintKeys(course: Course): string[] {
  const problems: string[] = [];
  const suites = new Map<string, Exercise[]>();
  for (const e of course.exercises) suites.set(e.suite, [...(suites.get(e.suite) ?? []), e]);
  for (const [suite, exercises] of suites) {
    const file = fromRoot(suite);
    if (!existsSync(file)) continue; // checkManifests reports it
    const keys = new Set(exercises.flatMap((e) => Object.keys(e.hints)));
    const ids = exercises.map((e) => e.id).join(', ');
    const lines = readFileSync(file, 'utf8').split('\n');
    lines.forEach((line, i) => {
      const at = `${suite}:${i + 1}`;
      for (const m of line.matchAll(/\bhint:\s*([^,}\n]*)/g)) {
        const value = m[1] ?? '';
        const literals = [...value.matchAll(/(['"`])(\w+)\1/g)].map((l) => l[2] ?? '');
        const typeAnnotation = /^(string|undefined)\b/.test(value.trim()); // hint?: string
        if (literals.length === 0 && value.trim() !== '' && !typeAnnotation) {
          problems.push(
            `${at}: hint: ${value.trim()} is not a string literal; write the key (hint: 'key') so that verify can check it`,
          );
        }
        for (const key of literals) {
          if (!keys.has(key)) {
            problems.push(
              `${at}: names hint '${key}', which ${ids} does not have (its hints: ${[...keys].join(', ')})`,
            );
          }
        }
      }
      if (/[{,]\s*hint\s*[,}]/.test(line)) {
        problems.push(
          `${at}: a hint key passed by a variable cannot be checked; write hint: 'key' where it is named`,
        );
      }
    });
  }
  return problems;
}

/**
 * Imports each stub and calls its function with no arguments: a stub must throw the
 * not-implemented error carrying its own id before it looks at its arguments.
 */
export async function checkStubsThrow(
  exercises: readonly Exercise[],
  exercisesDir: string,
): Promise<string[]> {
  const problems: string[] = [];
  for (const e of exercises) {
    const file = resolve(exercisesDir, e.file);
    if (!existsSync(file)) continue;
    let mod: Record<string, unknown>;
    try {
      mod = (await import(pathToFileURL(file).href)) as Record<string, unknown>;
    } catch (error) {
      problems.push(`${e.id}: stub ${e.file} does not import: ${String(error)}`);
      continue;
    }
    const fn = mod[e.functionName];
    if (typeof fn !== 'function') continue; // reported by checkManifests
    problems.push(...callStub(e, fn as (...args: unknown[]) => unknown));
  }
  return problems;
}

function callStub(e: Exercise, fn: (...args: unknown[]) => unknown): string[] {
  const name = e.functionName;
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
