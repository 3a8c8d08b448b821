/**
 * Promised errors are graded. A stub's doc comment says what bad input it refuses (`@throws
 * RangeError when \`maxNorm\` is not a positive number`); `expectThrows` calls the learner's
 * function that way and asserts the promise: an error of that class, whose message names the
 * function and the argument it refused. `course verify` checks that every `@throws` of a
 * solution has such a call in its suite, naming the class and the argument as string literals.
 */
import { GradingError, type HintOptions } from './errors';
import { describeValue } from './format';
import { notImplementedId } from './not-implemented';

/** Options of `expectThrows`. */
export interface ThrowsOptions extends HintOptions {
  /** The function under test, which the message must name: 'clipGradNorm'. */
  what: string;
  /** The error's class name, as the doc comment's `@throws` says: 'RangeError', 'ShapeError'. */
  name: string;
  /** The argument that must be refused, as the doc comment names it: 'maxNorm'. */
  argument: string;
  /** The bad input, in words: 'maxNorm = 0', 'Wx of shape [5, 5] where x is [3, 4]'. */
  when: string;
  /** Something else the message must match (it must name `what` and `argument` in any case). */
  message?: RegExp;
}

/** The code under test did not refuse bad input the way its doc comment promises. */
export class MissingRefusalError extends GradingError {
  override name = 'MissingRefusalError';
  constructor(
    what: string,
    body: string,
    /** The argument that should have been refused. */
    readonly argument: string,
    options: HintOptions = {},
  ) {
    super(what, body, options);
  }
}

/**
 * Calls `run` (and awaits it: learner code may run in another process) and asserts that it
 * throws an error named `options.name` whose message names `options.what` and
 * `options.argument` (as whole words) and matches `options.message`. A NotImplementedError is
 * passed on unchanged, so a stub stays `not-started`.
 *
 * Failure messages say which argument should have been refused and how: "clipGradNorm returned
 * { grads, totalNorm } for maxNorm = 0; it must throw a RangeError naming maxNorm".
 */
export async function expectThrows(run: () => unknown, options: ThrowsOptions): Promise<void> {
  const { what, name, argument, when } = options;
  const promise = `${what} must throw a ${name} naming ${argument} (its doc comment's @throws)`;
  let result: unknown;
  try {
    result = await run();
  } catch (error) {
    if (notImplementedId(error) !== undefined) throw error;
    const got = errorParts(error);
    if (got.name !== name) {
      throw refusal(
        `${what} threw ${got.name} ${quote(got.message)} for ${when}; ${promise}. ` +
          `Check ${argument} yourself at the start of ${what}, before it is used.`,
        options,
      );
    }
    const missing = [what, argument].filter((w) => !namesWord(got.message, w));
    if (missing.length > 0) {
      const fromCore = /^\w+: expected /.test(got.message) && !namesWord(got.message, what);
      throw refusal(
        `${what} threw ${name} ${quote(got.message)} for ${when}, but the message does not name ` +
          `${missing.join(' or ')}` +
          (fromCore
            ? ': it comes from a core operation inside. Check the argument at the start of ' +
              `${what}, so the error says which argument was wrong and what was expected.`
            : `: ${promise}, saying what was expected.`),
        options,
      );
    }
    if (options.message !== undefined && !options.message.test(got.message)) {
      throw refusal(
        `${what} threw ${name} ${quote(got.message)} for ${when}; the message must match ` +
          `${options.message}.`,
        options,
      );
    }
    return;
  }
  throw refusal(
    `${what} returned ${describeValue(result)} for ${when}; ${promise}. Check ${argument} at ` +
      `the start of ${what} and throw before computing anything.`,
    options,
  );
}

function refusal(body: string, options: ThrowsOptions): MissingRefusalError {
  return new MissingRefusalError(options.what, body, options.argument, options);
}

/** The name and message of whatever was thrown. */
function errorParts(error: unknown): { name: string; message: string } {
  if (typeof error === 'object' && error !== null) {
    const e = error as { name?: unknown; message?: unknown };
    return {
      name: typeof e.name === 'string' ? e.name : 'an error',
      message: typeof e.message === 'string' ? e.message : String(error),
    };
  }
  return { name: `a ${typeof error}`, message: String(error) };
}

/** True when `text` contains `word` not as part of a longer identifier. */
function namesWord(text: string, word: string): boolean {
  const escaped = word.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`(^|[^\\w$])${escaped}($|[^\\w$])`).test(text);
}

function quote(message: string): string {
  const short = message.length > 160 ? `${message.slice(0, 160)}...` : message;
  return `'${short}'`;
}
