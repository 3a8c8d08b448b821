/**
 * The errors grading helpers throw, and how their messages are put together. A message is the
 * helper's own account of what is wrong (what, where, by how much), then the chapter's reading
 * of the failure when the suite gives one (`explain`), then a pointer to the hint to read.
 */
import { currentExercise, hintPointer } from './context';
import type { TimePattern } from './time-pattern';

/** What a failure looked like, for a suite's `explain`. */
export interface FailureDetail {
  /** The gradients that failed (expectGradients). */
  readonly failed?: readonly string[];
  /** The pattern over time of each failed gradient that runs over time (expectGradients). */
  readonly patterns?: Readonly<Record<string, TimePattern>>;
  /** The pattern over time of a value compared with a time axis (expectClose). */
  readonly pattern?: TimePattern;
}

/**
 * The chapter's reading of a failure: a sentence, or a sentence and the key of the hint that
 * teaches the fix (which then replaces the check's own `hint`); undefined when it has nothing
 * to add.
 */
export type Explanation = string | { readonly text?: string; readonly hint?: string } | undefined;

/** What every helper's options may carry for the end of its message. */
export interface HintOptions {
  /** The key of the hint to read, as the exercise's manifest names it: 'tanhOutput'. */
  hint?: string;
  /**
   * The chapter's reading of a failure, called only when the check fails (an exception inside
   * it is ignored): its text goes into the message, its hint replaces `hint`.
   */
  explain?: (detail: FailureDetail) => Explanation;
  /** Exercise id for the pointer; defaults to the exercise being graded. */
  exercise?: string;
}

/**
 * The message of a failed check: what is wrong, then the chapter's reading, then the hint pointer.
 * A body may depend on whether the chapter reads the failure (the harness's generic reading of
 * a gradient's pattern over time gives way to the chapter's own).
 */
export type Body = string | ((read: boolean) => string);

/** The full message of a failed check, and the hint it points at. */
function compose(
  body: Body,
  options: HintOptions,
  detail: FailureDetail,
): { message: string; hint: string | undefined } {
  let reading: { text?: string; hint?: string } | undefined;
  try {
    const r = options.explain?.(detail);
    reading = typeof r === 'string' ? { text: r } : r;
  } catch {
    reading = undefined; // a reading that fails must not hide the failure it reads
  }
  const hint = reading?.hint ?? options.hint;
  const read = reading?.text !== undefined && reading.text !== '';
  const lines = [typeof body === 'string' ? body : body(read)];
  if (read) lines.push(reading?.text ?? '');
  if (hint !== undefined) lines.push(hintPointer(hint, options.exercise));
  return { message: lines.join('\n'), hint };
}

/** Base class: a check of the learner's code failed. */
export class GradingError extends Error {
  override name = 'GradingError';
  /** The value or function the check was about: 'nextH', 'rnnBackward'. */
  readonly what: string;
  /** The key of the hint the message points at, if any. */
  readonly hint: string | undefined;
  /** The exercise being graded when the check failed, if known. */
  readonly exercise: string | undefined;

  constructor(what: string, body: Body, options: HintOptions = {}, detail: FailureDetail = {}) {
    const { message, hint } = compose(body, options, detail);
    super(message);
    this.what = what;
    this.hint = hint;
    this.exercise = options.exercise ?? currentExercise();
  }
}

/**
 * Fails the current check with a message the suite wrote itself (for what no helper checks),
 * followed by the chapter's reading and the hint pointer like any other failure.
 *
 * @param what the value or function the check is about, e.g. 'sampleWithTemperature'
 * @param body what is wrong, where and by how much
 */
export function fail(what: string, body: string, options: HintOptions = {}): never {
  throw new GradingError(what, body, options);
}

/** The value is not a Tensor (or not a number where a number was expected). */
export class WrongTypeError extends GradingError {
  override name = 'WrongTypeError';
}

/** A Tensor of the wrong shape. */
export class WrongShapeError extends GradingError {
  override name = 'WrongShapeError';
  constructor(
    what: string,
    body: string,
    readonly expectedShape: readonly number[],
    readonly receivedShape: readonly number[],
    options: HintOptions = {},
  ) {
    super(what, body, options);
  }
}

/** A NaN or an Infinity where only finite numbers belong. */
export class NonFiniteError extends GradingError {
  override name = 'NonFiniteError';
  constructor(
    what: string,
    body: string,
    /** Multi-index of the first non-finite element. */
    readonly index: readonly number[],
    options: HintOptions = {},
  ) {
    super(what, body, options);
  }
}

/** Values differ by more than the tolerance. */
export class NotCloseError extends GradingError {
  override name = 'NotCloseError';
  constructor(
    what: string,
    body: string,
    /** Multi-index of the worst element (empty for a number). */
    readonly index: readonly number[],
    readonly expected: number,
    readonly received: number,
    readonly relError: number,
    readonly tol: number,
    options: HintOptions = {},
    detail: FailureDetail = {},
  ) {
    super(what, body, options, detail);
  }
}

/** One or more gradients are missing, extra, misshapen or wrong. */
export class GradientError extends GradingError {
  override name = 'GradientError';
  constructor(
    what: string,
    body: Body,
    /** Names of the gradients that failed, missing ones included: ['dx', 'dWh']. */
    readonly failed: readonly string[],
    options: HintOptions = {},
    patterns: Readonly<Record<string, TimePattern>> = {},
  ) {
    super(what, body, options, { failed, patterns });
  }
}

/** The code under test wrote into one of its inputs. */
export class InputMutationError extends GradingError {
  override name = 'InputMutationError';
  constructor(
    what: string,
    body: string,
    /** Name of the first input that changed. */
    readonly input: string,
    /** Multi-index of its first changed element (empty if its shape or type changed). */
    readonly index: readonly number[],
    options: HintOptions = {},
  ) {
    super(what, body, options);
  }
}

/** The code under test returned one of its inputs, or a view of an input's storage, as an output. */
export class AliasedOutputError extends GradingError {
  override name = 'AliasedOutputError';
  constructor(
    what: string,
    body: string,
    /** Where the output is in the result: 'nextH', 'grads.dWx'. */
    readonly output: string,
    /** Name of the input it aliases. */
    readonly input: string,
    options: HintOptions = {},
  ) {
    super(what, body, options);
  }
}
