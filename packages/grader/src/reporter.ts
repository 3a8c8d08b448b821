/**
 * The Vitest reporter of a grading run. It runs in the Vitest process and hands each event (see
 * events.ts) to `send` as it happens: the grader's IPC channel (results-channel.ts), so that
 * nothing that finished is lost when the grader kills a run whose worker hangs.
 */
import type { Reporter, TestCase, TestModule, TestSuite } from 'vitest/node';
import type { EventError, GradeEvent } from './events';

/** The reporter; `send` carries each event to the grader. */
export class GradeReporter implements Reporter {
  constructor(private readonly send: (event: GradeEvent) => void) {}

  onTestModuleCollected(module: TestModule): void {
    const tests = [...module.children.allTests()].map((t) => ({
      exercise: t.meta().exercise ?? '',
      name: t.name,
      points: t.meta().points ?? 0,
    }));
    this.write({ type: 'collected', file: module.moduleId, tests });
  }

  onTestCaseResult(test: TestCase): void {
    const result = test.result();
    const meta = test.meta();
    this.write({
      type: 'test',
      file: test.module.moduleId,
      exercise: meta.exercise ?? exerciseOf(test),
      name: test.name,
      points: meta.points ?? 0,
      state: result.state,
      errors: (result.errors ?? []).map(toEventError),
      ...(meta.notImplemented === undefined ? {} : { notImplemented: meta.notImplemented }),
      durationMs: test.diagnostic()?.duration ?? 0,
    });
  }

  onTestSuiteResult(suite: TestSuite): void {
    const exercise = suite.meta().exercise;
    if (exercise === undefined) return;
    const errors = suite.errors().map(toEventError);
    this.write({ type: 'suite', file: suite.module.moduleId, exercise, errors });
  }

  onTestModuleEnd(module: TestModule): void {
    const errors = module.errors().map(toEventError);
    this.write({ type: 'module', file: module.moduleId, errors });
  }

  onTestRunEnd(_modules: unknown, unhandledErrors: ReadonlyArray<unknown>): void {
    this.write({ type: 'end', unhandled: unhandledErrors.map(toEventError) });
  }

  private write(event: GradeEvent): void {
    this.send(event);
  }
}

/** The exercise a test sits in when its meta does not say: the nearest describe's name. */
function exerciseOf(test: TestCase): string {
  for (let p: TestCase['parent'] = test.parent; p.type === 'suite'; p = p.parent) {
    const id = p.meta().exercise;
    if (id !== undefined) return id;
  }
  return '';
}

interface SerializedLike {
  name?: unknown;
  message?: unknown;
  exerciseId?: unknown;
  location?: unknown;
  stacks?: Array<{ file?: unknown; line?: unknown; column?: unknown }>;
  stack?: unknown;
}

function toEventError(error: unknown): EventError {
  const e = (typeof error === 'object' && error !== null ? error : {}) as SerializedLike;
  const name = typeof e.name === 'string' ? e.name : 'Error';
  const message = typeof e.message === 'string' ? e.message : String(error);
  const frames = (e.stacks ?? []).map(
    (s) => `${String(s.file)}:${String(s.line)}:${String(s.column)}`,
  );
  if (frames.length === 0 && typeof e.stack === 'string') {
    for (const m of e.stack.matchAll(/\(?((?:file:\/\/)?\/[^():\s]+):(\d+):(\d+)\)?/g)) {
      frames.push(`${(m[1] ?? '').replace(/^file:\/\//, '')}:${m[2]}:${m[3]}`);
    }
  }
  const withId =
    typeof e.exerciseId === 'string' && name === 'Error' ? 'NotImplementedError' : name;
  return {
    name: withId,
    message,
    frames,
    ...(typeof e.location === 'string' ? { location: e.location } : {}),
  };
}
