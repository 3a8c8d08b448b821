/**
 * Grading: resolve the target, check its imports, run the suites in one Vitest process, re-run
 * separately whatever a hung worker kept from finishing, and turn the events into a report.
 */
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
import { checkImports, describeViolation } from './imports';
import type { ChapterManifest } from './manifest';
import { plainReport } from './format/plain';
import { displayPath, fromRoot, isInside } from './paths';
import type { CheckReport, ExerciseReport, Report } from './report';
import { statusOf } from './report';
import { runVitest, type RunOptions, type RunResult } from './run-vitest';
import { resolveTarget } from './target';
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

/** Grades the target and returns the report. Throws only when grading itself cannot run. */
export async function grade(opts: GradeOptions = {}): Promise<Report> {
  const started = Date.now();
  const course =
    opts.course ?? (opts.manifests !== undefined ? courseOf(opts.manifests) : await loadCourse());
  const selected = selectExercises(course, opts.filter);
  const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const target = resolveTarget(course, opts);
  try {
    const run = opts.runner ?? runVitest;
    const { results, warnings } = await gradeIn(
      course,
      selected,
      target,
      timeoutMs,
      run,
      opts.deadline,
    );
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

async function gradeIn(
  course: Course,
  selected: readonly Exercise[],
  target: Target,
  timeoutMs: number,
  run: (opts: RunOptions) => Promise<RunResult>,
  deadline?: number,
): Promise<{ results: Map<string, ExerciseReport>; warnings: string[] }> {
  const results = new Map<string, ExerciseReport>();
  const warnings: string[] = [];
  const fileOf = (e: Exercise): string => displayPath(resolve(target.sourceDir, e.file));
  const early = (e: Exercise, status: 'not-started' | 'error', message: string): void => {
    results.set(e.id, report(e, fileOf(e), status, message, []));
  };

  // 1. Files that are missing, imports that are not allowed, suites that do not exist.
  const violations = checkImports(course, selected, target.sourceDir);
  const runnable: Exercise[] = [];
  for (const e of selected) {
    const found = violations.get(e.id);
    if (!existsSync(resolve(target.sourceDir, e.file))) early(e, 'not-started', 'file missing');
    else if (found !== undefined) early(e, 'error', found.map(describeViolation).join('\n'));
    else if (!existsSync(fromRoot(e.suite))) early(e, 'error', `grading suite missing: ${e.suite}`);
    else runnable.push(e);
  }
  if (runnable.length === 0) return { results, warnings };

  // 2. One Vitest run for everything; the exercise filter only when not all of a suite is asked.
  const suites = [...new Set(runnable.map((e) => fromRoot(e.suite)))];
  const inSuites = course.exercises.filter((e) => suites.includes(fromRoot(e.suite)));
  const filter = inSuites.length === runnable.length ? undefined : runnable.map((e) => e.id);
  const first = await run({
    targetDir: target.dir,
    suites,
    timeoutMs,
    ...(filter ? { exercises: filter } : {}),
    ...(deadline === undefined ? {} : { deadline }),
  });
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
    const again = await run({
      targetDir: target.dir,
      suites: [fromRoot(e.suite)],
      exercises: [e.id],
      timeoutMs,
      ...(deadline === undefined ? {} : { deadline }),
    });
    const why = again.deadlineReached === true ? outOfTime : undefined;
    const graded = fromEvents(e, again.events, again.killed, ctx, why);
    if (again.killed && why === undefined && !collected(again.events, e)) {
      neverImported.set(e.file, graded);
    }
    results.set(e.id, graded);
  }
  return { results: results, warnings: [...new Set(warnings)] };
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
  const tests = events.filter(
    (ev): ev is TestEvent =>
      ev.type === 'test' &&
      ev.exercise === e.id &&
      (ev.state === 'passed' || ev.state === 'failed'),
  );
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
    for (const t of pending) {
      checks.push({
        name: t.name,
        status: 'error',
        message: why,
        points: 0,
        maxPoints: t.points,
        durationMs: 0,
      });
    }
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
    return report(e, file, 'error', `could not import ${file}: ${err.message}`, []);
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
    const message = `timed out after ${ctx.timeoutMs / 1000}s: a promise that never settles?`;
    return { ...base, status: 'error', message, points: 0 };
  }
  return { ...base, status: 'failed', message: errorText(err, ctx), points: 0 };
}

/** "not implemented yet", or which other exercise is needed first. */
function notStartedMessage(e: Exercise, idOrMessage: string): string {
  const id = /^[\w-]+\/[\w-]+/.exec(idOrMessage)?.[0] ?? e.id;
  return id === e.id ? 'not implemented yet' : `needs ${id}, which is not implemented yet`;
}

/**
 * A failure as the learner reads it. An error thrown from the learner's code (its innermost
 * frame is in the target) is named and located: `TypeError: x is undefined (at
 * exercises/rnn/rnn-step.ts:12)`; an assertion keeps its own message.
 */
function errorText(err: EventError, ctx: Ctx): string {
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
    score: sum(tests.map((t) => t.points)),
    maxScore: e.points,
    message,
    file,
    tests,
  };
}

function sum(xs: readonly number[]): number {
  return xs.reduce((a, b) => a + b, 0);
}
