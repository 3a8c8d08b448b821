/**
 * What the grading run's Vitest reporter writes, one JSON object per line, and the grader
 * reads back. Written as they happen, so a run killed by the watchdog still leaves the results
 * of everything that finished.
 */

/** A failure, reduced to what a report needs. */
export interface EventError {
  readonly name: string;
  readonly message: string;
  /** Stack frames as `file:line:column`, innermost first. */
  readonly frames: readonly string[];
  /**
   * For an error thrown by the learner's code in the sandbox: where in the learner's own files,
   * `exercises/rnn/rnn-step.ts:7:7` (the innermost frame there, even when the error was thrown
   * in the core, as a ShapeError is).
   */
  readonly location?: string;
}

/** A test module's checks, known once Vitest has collected them. */
export interface CollectedEvent {
  readonly type: 'collected';
  readonly file: string;
  readonly tests: ReadonlyArray<{ exercise: string; name: string; points: number }>;
}

/** One check's result. */
export interface TestEvent {
  readonly type: 'test';
  readonly file: string;
  readonly exercise: string;
  readonly name: string;
  readonly points: number;
  readonly state: 'passed' | 'failed' | 'skipped' | 'pending';
  readonly errors: readonly EventError[];
  /** The id carried by a NotImplementedError the check threw. */
  readonly notImplemented?: string;
  readonly durationMs: number;
}

/** An exercise's `describe` finished; `errors` are those of its hooks. */
export interface SuiteEvent {
  readonly type: 'suite';
  readonly file: string;
  readonly exercise: string;
  readonly errors: readonly EventError[];
}

/** A test module finished; `errors` are load errors (a failed import shows up here). */
export interface ModuleEvent {
  readonly type: 'module';
  readonly file: string;
  readonly errors: readonly EventError[];
}

/** The run finished. */
export interface EndEvent {
  readonly type: 'end';
  readonly unhandled: readonly EventError[];
}

export type GradeEvent = CollectedEvent | TestEvent | SuiteEvent | ModuleEvent | EndEvent;
