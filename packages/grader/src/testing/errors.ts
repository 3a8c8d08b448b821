/**
 * The errors grading helpers throw. Each names what was checked (`what`), and the message
 * ends with a pointer to the hint to read when the suite gives one.
 */
import { currentExercise, hintPointer } from './context';

/** What every helper's options may carry for the last line of its message. */
export interface HintOptions {
  /** 1-based hint number in the exercise's manifest to point the learner at. */
  hint?: number;
  /** Exercise id for the pointer; defaults to `currentExercise()`. */
  exercise?: string;
}

/** Base class: a check of the learner's code failed. */
export class GradingError extends Error {
  override name = 'GradingError';
  /** The value or function the check was about: 'nextH', 'rnnBackward'. */
  readonly what: string;
  readonly hint: number | undefined;
  /** The exercise being graded when the check failed, if known. */
  readonly exercise: string | undefined;

  constructor(what: string, body: string, options: HintOptions = {}) {
    super(
      options.hint === undefined ? body : `${body}\n${hintPointer(options.hint, options.exercise)}`,
    );
    this.what = what;
    this.hint = options.hint;
    this.exercise = options.exercise ?? currentExercise();
  }
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
  ) {
    super(what, body, options);
  }
}

/** One or more gradients are missing, extra, misshapen or wrong. */
export class GradientError extends GradingError {
  override name = 'GradientError';
  constructor(
    what: string,
    body: string,
    /** Names of the gradients that failed, missing ones included: ['dx', 'dWh']. */
    readonly failed: readonly string[],
    options: HintOptions = {},
  ) {
    super(what, body, options);
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
