/**
 * Grading: resolve the target, bundle it for the sandbox (which applies the import rule where
 * imports resolve), stage the suites, run them in one Vitest process, re-run separately whatever
 * a hung worker kept from finishing, check that the suites did not change, and turn the events
 * into a report.
 */
import { randomInt } from 'node:crypto';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { courseOf, loadCourse, selectExercises } from './course';
import type { Course, Exercise } from './course';
import type {
  CollectedEvent,
  EventError,
  GradeEvent,
  ModuleEvent,
  SuiteEvent,
  TestEvent,
} from './events';
import { describeViolation } from './imports';
import { checkLimitMs } from './limits';
import type { ChapterManifest } from './manifest';
import { plainReport } from './format/plain';
import { displayPath, fromRoot, isInside } from './paths';
import type { CheckReport, ExerciseReport, Report } from './report';
import { statusOf } from './report';
import { acceptedTests, cappedScore, declaredChecks } from './results-channel';
import { runVitest, type RunOptions, type RunResult } from './run-vitest';
import { bundleTarget } from './sandbox/bundle';
import { stageSuites, suitesInPlace, voidMessage } from './staged-suites';
import { resolveTarget } from './target';
import { MAX_SEED } from './testing/seed';
import type { Target } from './target';

/** What to grade. */
export interface GradeOptions {
  /** `exercises` (default, or `COURSE_TARGET`), `solutions` or a folder. */
  readonly target?: string;
  /** A student's folder: only its exercise files are taken. Overrides `target`. */
  readonly submission?: string;
  /** Chapter ids or exercise ids; everything when absent. */
  readonly filter?: readonly string[];
  /** Per-check time limit (default 10 s); a check running longer is `error`. */
  readonly timeoutMs?: number;
  /**
   * The seed of the suites' inputs (src/testing/seed.ts): 0, the default, keeps every suite's
   * own inputs; `'random'` draws one now (instructors: hard-coded outputs then fail). The seed
   * used is in the report, so that `seed: N` grades the same inputs again.
   */
  readonly seed?: number | 'random';
  /**
   * When grading must end (epoch ms; a batch's time per student): the run is stopped then,
   * results already in are kept, and what did not finish is `error`.
   */
  readonly deadline?: number;
  /** Grade these chapters instead of the course's (the harness's tests use a fixture). */
  readonly manifests?: readonly ChapterManifest[];
  /** The course, already loaded. */
  readonly course?: Course;
  /** What runs the suites (default: a Vitest child process; `watch` keeps one warm, warm.ts). */
  readonly runner?: (opts: RunOptions) => Promise<RunResult>;
}

export const DEFAULT_TIMEOUT_MS = 10_000;

/**
 * The per-check limit of the course's own grading runs (`verify`, the known mistakes, the
 * do-nothing variants) and of a lab's check of the learner's layers: none is about speed, so a check gets minutes,
 * not the learner's 10 s, and a busy machine cannot fail them. Time limits themselves are tested
 * by the grader's fixture tests, with limits of their own.
 */
export const MAINTAINER_TIMEOUT_MS = 300_000;

/** Grades the target and returns the report. Throws only when grading itself cannot run. */
export async function grade(opts: GradeOptions = {}): Promise<Report> {
  const started = Date.now();
  const course =
    opts.course ?? (opts.manifests !== undefined ? courseOf(opts.manifests) : await loadCourse());
  const selected = selectExercises(course, opts.filter);
  const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const seed = opts.seed === 'random' ? randomSeed() : (opts.seed ?? 0);
  if (!(Number.isSafeInteger(seed) && seed >= 0 && seed <= MAX_SEED)) {
    throw new RangeError(`grade: seed must be a whole number from 0 to ${MAX_SEED}, is ${seed}`);
  }
  const target = resolveTarget(course, opts);
  try {
    const { results, warnings } = await gradeIn(course, selected, target, {
      timeoutMs,
      seed,
      runner: opts.runner ?? runVitest,
      // a warm runner (watch) keeps its suites where they are: they are hashed, not copied
      stage: opts.runner === undefined,
      ...(opts.deadline === undefined ? {} : { deadline: opts.deadline }),
    });
    const exercises = selected.map((e) => results.get(e.id) as ExerciseReport);
    const chapters = course.chapters
      .map((c) => {
        const mine = exercises.filter((e) => e.chapter === c.manifest.chapter);
        return {
          chapter: c.manifest.chapter,
          title: c.manifest.title,
          score: sum(mine.map((e) => e.score)),
          maxScore: sum(mine.map((e) => e.maxScore)),
          count: mine.length,
        };
      })
      .filter((c) => c.count > 0)
      .map(({ count: _count, ...c }) => c);
    // plain text naming the learner's files, never a staged copy (format/plain.ts)
    return plainReport(
      {
        target: target.name,
        seed,
        score: sum(exercises.map((e) => e.score)),
        maxScore: sum(exercises.map((e) => e.maxScore)),
        exercises,
        chapters,
        durationMs: Date.now() - started,
        warnings,
        ...(target.notes !== undefined && target.notes.length > 0 ? { notes: target.notes } : {}),
      },
      target,
    );
  } finally {
    target.cleanup();
  }
}

/** How the suites run: the per-check time limit and the seed of their inputs. */
interface RunSettings {
  readonly timeoutMs: number;
  readonly seed: number;
  /** When grading must end (epoch ms), see `GradeOptions.deadline`. */
  readonly deadline?: number;
  /** What runs the suites: a Vitest child process, or `watch`'s warm instance. */
  readonly runner: (opts: RunOptions) => Promise<RunResult>;
  /** Stage copies of the suites (a cold run); a warm run hashes them in place instead. */
  readonly stage: boolean;
}

async function gradeIn(
  course: Course,
  selected: readonly Exercise[],
  target: Target,
  settings: RunSettings,
): Promise<{ results: Map<string, ExerciseReport>; warnings: string[] }> {
  const results = new Map<string, ExerciseReport>();
  const warnings: string[] = [];
  const fileOf = (e: Exercise): string => displayPath(resolve(target.sourceDir, e.file));
  const early = (e: Exercise, status: 'not-started' | 'error', message: string): void => {
    results.set(e.id, report(e, fileOf(e), status, message, []));
  };

  // 1. Files that are missing, imports that are not allowed, suites that do not exist. The
  //    bundle the import rule is checked on is what the sandbox runs; the workers get its folder.
  const bundle = await bundleTarget({
    course,
    targetDir: target.dir,
    sourceDir: target.sourceDir,
    exercises: selected,
  });
  try {
    const runnable: Exercise[] = [];
    for (const e of selected) {
      const bundled = bundle.file(e.file);
      if (!existsSync(resolve(target.sourceDir, e.file))) early(e, 'not-started', 'file missing');
      else if (bundled?.status === 'refused') {
        early(e, 'error', bundled.violations.map(describeViolation).join('\n'));
      } else if (!existsSync(fromRoot(e.suite))) {
        early(e, 'error', `grading suite missing: ${e.suite}`);
      } else runnable.push(e);
    }
    if (runnable.length === 0) return { results, warnings };
    return await runSuites(course, runnable, target, settings, bundle.dir, results, warnings);
  } finally {
    bundle.cleanup();
  }
}

/** Runs the suites of `runnable` on staged copies; a suite changed meanwhile voids the run. */
async function runSuites(
  course: Course,
  runnable: readonly Exercise[],
  target: Target,
  { timeoutMs, seed, deadline, runner, stage }: RunSettings,
  sandboxDir: string,
  results: Map<string, ExerciseReport>,
  warnings: string[],
): Promise<{ results: Map<string, ExerciseReport>; warnings: string[] }> {
  const fileOf = (e: Exercise): string => displayPath(resolve(target.sourceDir, e.file));
  const suiteFiles = [...new Set(runnable.map((e) => fromRoot(e.suite)))];
  const staged = stage ? stageSuites(suiteFiles) : suitesInPlace(suiteFiles);
  try {
    const run = async (suites: string[], exercises?: string[]): Promise<RunResult> => {
      const r = await runner({
        targetDir: target.dir,
        suites: suites.map((suite) => staged.staged(suite)),
        timeoutMs,
        seed,
        sandboxDir,
        stagedFolders: staged.folders,
        ...(exercises === undefined ? {} : { exercises }),
        ...(deadline === undefined ? {} : { deadline }),
      });
      // events name the staged copies; the rest of grading speaks of the course's suites
      const events = r.events.map((ev) =>
        'file' in ev ? { ...ev, file: staged.original(ev.file) } : ev,
      );
      return { ...r, events };
    };
    await gradeRuns(course, runnable, target, { timeoutMs, deadline }, run, results, warnings);
    const changed = staged.changed();
    if (changed.length > 0) {
      const message = voidMessage(changed);
      warnings.push(message);
      for (const e of runnable) results.set(e.id, report(e, fileOf(e), 'error', message, []));
    }
    return { results, warnings: [...new Set(warnings)] };
  } finally {
    staged.cleanup();
  }
}

async function gradeRuns(
  course: Course,
  runnable: readonly Exercise[],
  target: Target,
  { timeoutMs, deadline }: { readonly timeoutMs: number; readonly deadline?: number | undefined },
  run: (suites: string[], exercises?: string[]) => Promise<RunResult>,
  results: Map<string, ExerciseReport>,
  warnings: string[],
): Promise<void> {
  // 2. One Vitest run for everything; the exercise filter only when not all of a suite is asked.
  const suites = [...new Set(runnable.map((e) => fromRoot(e.suite)))];
  const inSuites = course.exercises.filter((e) => suites.includes(fromRoot(e.suite)));
  const filter = inSuites.length === runnable.length ? undefined : runnable.map((e) => e.id);
  const first = await run(suites, filter);
  if (!first.killed && !first.events.some((ev) => ev.type === 'end')) {
    throw new Error(`the grading run did not start:\n${first.output.trim()}`);
  }
  const ctx = { target, timeoutMs };
  const known = new Set(course.exercises.map((e) => e.id));
  for (const ev of first.events) {
    if (ev.type === 'test' && ev.exercise !== '' && !known.has(ev.exercise)) {
      warnings.push(`${displayPath(ev.file)} grades '${ev.exercise}', which no manifest lists`);
    } else if (ev.type === 'test' && ev.exercise === '') {
      warnings.push(
        `${displayPath(ev.file)}: test '${ev.name}' is outside exercise() or not a check()`,
      );
    }
  }

  // 3. After a kill or a crashed worker, what finished stands; the rest is re-run one exercise
  //    at a time, so that a hang or a crash is pinned on the exercise that causes it. Past the
  //    deadline nothing is re-run; a file whose import never finished is not imported again.
  const outOfTime = 'not graded: the time limit of this grading run was reached first';
  const neverImported = new Map<string, ExerciseReport>();
  for (const e of runnable) {
    if (finished(first.events, e)) {
      results.set(e.id, fromEvents(e, first.events, false, ctx));
      continue;
    }
    const hung = neverImported.get(e.file);
    if (deadline !== undefined && Date.now() >= deadline) {
      results.set(e.id, fromEvents(e, first.events, true, ctx, outOfTime));
      continue;
    } else if (hung !== undefined) {
      results.set(e.id, report(e, hung.file, 'error', hung.message, []));
      continue;
    }
    const again = await run([fromRoot(e.suite)], [e.id]);
    const why = again.deadlineReached === true ? outOfTime : undefined;
    const graded = fromEvents(e, again.events, again.killed, ctx, why);
    if (again.killed && why === undefined && !collected(again.events, e)) {
      neverImported.set(e.file, graded);
    }
    results.set(e.id, graded);
  }
}

/** An exercise finished when its describe or its whole module reported an end. */
function finished(events: readonly GradeEvent[], e: Exercise): boolean {
  const suite = fromRoot(e.suite);
  return events.some(
    (ev) =>
      (ev.type === 'suite' && ev.exercise === e.id) || (ev.type === 'module' && ev.file === suite),
  );
}

/** Vitest collected the checks of the exercise's suite: importing it finished. */
function collected(events: readonly GradeEvent[], e: Exercise): boolean {
  const suite = fromRoot(e.suite);
  return events.some((ev) => ev.type === 'collected' && ev.file === suite);
}

interface Ctx {
  readonly target: Target;
  readonly timeoutMs: number;
}

function fromEvents(
  e: Exercise,
  events: readonly GradeEvent[],
  killed: boolean,
  ctx: Ctx,
  killedBecause?: string,
): ExerciseReport {
  const suite = fromRoot(e.suite);
  const file = displayPath(resolve(ctx.target.sourceDir, e.file));
  const seconds = `${ctx.timeoutMs / 1000}s`;
  // only checks collected from the exercise's own suite count, each once (results-channel.ts)
  const tests = acceptedTests(events, e.id, suite);
  const checks: CheckReport[] = tests.map((t) => checkOf(t, e, ctx));
  if (killed) {
    const done = new Set(tests.map((t) => t.name));
    const imported = collected(events, e);
    const pending = events
      .filter((ev): ev is CollectedEvent => ev.type === 'collected' && ev.file === suite)
      .flatMap((ev) => ev.tests.filter((t) => t.exercise === e.id && !done.has(t.name)));
    const why =
      killedBecause ??
      (imported
        ? `timed out after ${seconds}: the code never returned (an endless loop?)`
        : `importing ${file} never finished (${seconds} and more): a top-level await that never ` +
          'settles, or a loop at the top level of the module?');
    if (!imported) return report(e, file, 'error', why, checks);
    for (const t of pending) checks.push(unfinishedCheck(t, why));
    return report(
      e,
      file,
      'error',
      pending.length > 0 ? `${pending[0]?.name}: ${why}` : why,
      checks,
    );
  }
  const moduleErrors = events
    .filter((ev): ev is ModuleEvent => ev.type === 'module' && ev.file === suite)
    .flatMap((ev) => ev.errors);
  const suiteErrors = events
    .filter((ev): ev is SuiteEvent => ev.type === 'suite' && ev.exercise === e.id)
    .flatMap((ev) => ev.errors);
  const declared = declaredChecks(events, e.id, suite);
  if (declared.length > 0) {
    // A check the suite declared but whose result never came (skipped after an error in its
    // suite's hooks, or lost) is not left out of the report: it counts as an error, in its place.
    const done = new Set(checks.map((c) => c.name));
    const cause = suiteErrors[0] ?? moduleErrors[0];
    const why =
      cause === undefined
        ? 'no result came back from this check although its suite finished: grade again'
        : errorText(cause, ctx);
    for (const t of declared.filter((d) => !done.has(d.name))) {
      checks.push(unfinishedCheck(t, why));
    }
    const order = declared.map((d) => d.name);
    checks.sort((a, b) => order.indexOf(a.name) - order.indexOf(b.name));
  }
  if (checks.length === 0) {
    const err = moduleErrors[0] ?? suiteErrors[0];
    const crash = events.flatMap((ev) => (ev.type === 'end' ? ev.unhandled : []))[0];
    if (err === undefined && crash !== undefined && !finished(events, e)) {
      return report(
        e,
        file,
        'error',
        `the test process crashed (out of memory?): ${crash.message}`,
        [],
      );
    }
    if (err === undefined)
      return report(e, file, 'error', `no checks ran (is it graded in ${e.suite}?)`, []);
    if (err.name === 'NotImplementedError')
      return report(e, file, 'not-started', notStartedMessage(e, err.message), []);
    if (err.name === 'SandboxTimeoutError' && err.message.startsWith('the import of ')) {
      const seconds = `${ctx.timeoutMs / 1000}s`;
      const why =
        `importing ${file} never finished (${seconds} and more): a top-level await that never ` +
        'settles, or a loop at the top level of the module?';
      return report(e, file, 'error', why, []);
    }
    // the sandbox's message names the file already: "<file> failed to import: ..."
    const why = err.message.replace(/^\S+ failed to import: /, '');
    const at = err.location === undefined ? '' : ` (at ${err.location})`;
    return report(e, file, 'error', `could not import ${file}: ${why}${at}`, []);
  }
  const status = statusOf(checks);
  const firstBad = checks.find((c) => c.status !== 'passed');
  let message = firstBad === undefined ? '' : firstBad.message;
  if (firstBad === undefined && suiteErrors[0] !== undefined) {
    return report(e, file, 'failed', errorText(suiteErrors[0], ctx), checks);
  }
  if (status === 'not-started')
    message = checks.find((c) => c.status === 'not-started')?.message ?? message;
  return report(e, file, status, message, checks);
}

/** A check that ran out of time or whose result never came: an error worth nothing. */
function unfinishedCheck(t: { name: string; points: number }, why: string): CheckReport {
  return {
    name: t.name,
    status: 'error',
    message: why,
    points: 0,
    maxPoints: t.points,
    durationMs: 0,
  };
}

function checkOf(t: TestEvent, e: Exercise, ctx: Ctx): CheckReport {
  const base = { name: t.name, maxPoints: t.points, durationMs: t.durationMs };
  if (t.state === 'passed') return { ...base, status: 'passed', message: '', points: t.points };
  const err = t.errors[0] ?? { name: 'Error', message: 'failed', frames: [] };
  if (t.notImplemented !== undefined || err.name === 'NotImplementedError') {
    const id = t.notImplemented ?? e.id;
    return { ...base, status: 'not-started', message: notStartedMessage(e, id), points: 0 };
  }
  const timeout = /^Test timed out in \d+ms/.exec(err.message);
  if (timeout !== null) {
    // the check's own limit, not the learner's: the check did not finish (limits.ts)
    const message =
      `the check did not finish within ${checkLimitMs(ctx.timeoutMs) / 1000}s, though each ` +
      `call into your code returned within ${ctx.timeoutMs / 1000}s: a very busy machine, or ` +
      'very many calls? Grade again, or raise --timeout';
    return { ...base, status: 'error', message, points: 0 };
  }
  // the sandbox stopped the learner's code: a time limit, a crash, running out of memory
  if (err.name === 'SandboxTimeoutError' || err.name === 'SandboxCrashError') {
    return { ...base, status: 'error', message: err.message, points: 0 };
  }
  return { ...base, status: 'failed', message: errorText(err, ctx), points: 0 };
}

/** "not implemented yet", or which other exercise is needed first. */
function notStartedMessage(e: Exercise, idOrMessage: string): string {
  const id = /^[\w-]+\/[\w-]+/.exec(idOrMessage)?.[0] ?? e.id;
  return id === e.id ? 'not implemented yet' : `needs ${id}, which is not implemented yet`;
}

/**
 * A failure as the learner reads it. An error thrown while the learner's code ran in the sandbox
 * is named and located at the innermost frame in the learner's files, also when the core threw
 * it: `ShapeError: matmul: ... (at exercises/rnn/rnn-step.ts:12:17)`. An error whose innermost
 * frame is in the target (code run here: the harness's tests) is located the same way; an
 * assertion keeps its own message.
 */
function errorText(err: EventError, ctx: Ctx): string {
  if (err.location !== undefined && err.name !== 'AssertionError') {
    return `${err.name}: ${err.message} (at ${err.location})`;
  }
  const frame = err.frames.find((f) => isInside(ctx.target.dir, f.replace(/:\d+:\d+$/, '')));
  const innermostIsTarget = frame !== undefined && err.frames[0] === frame;
  if (!innermostIsTarget || err.name === 'AssertionError') return err.message;
  const where = displayPath(
    resolve(ctx.target.sourceDir, frame.slice(ctx.target.dir.length + 1).replace(/:\d+$/, '')),
  );
  return `${err.name}: ${err.message} (at ${where})`;
}

function report(
  e: Exercise,
  file: string,
  status: ExerciseReport['status'],
  message: string,
  tests: CheckReport[],
): ExerciseReport {
  return {
    id: e.id,
    chapter: e.chapter.manifest.chapter,
    title: e.title,
    status,
    score: cappedScore(
      tests.map((t) => t.points),
      e.points,
    ),
    maxScore: e.points,
    message,
    file,
    tests,
  };
}

function sum(xs: readonly number[]): number {
  return xs.reduce((a, b) => a + b, 0);
}

/** A run seed drawn now, never 0 (the default, whose inputs a learner has seen). */
export function randomSeed(): number {
  return randomInt(1, MAX_SEED);
}
