/**
 * Two promises every stub of this chapter makes, graded: bad input is refused with the error
 * its doc comment names (`@throws`), and outputs are new tensors, never an input handed back.
 * The grader's testing entry point is getting helpers for both (`expectThrows` and aliasing in
 * `expectNoInputMutation`); these have the same contract, and the suites switch to them when
 * they land.
 */
import { fail, isTensor, type HintOptions } from '@rnn-course/grader/testing';
import type { Tensor } from '@rnn-course/core';

/** Options of `expectThrows`. */
export interface ThrowsOptions extends HintOptions {
  /** The function under test, which the message must name: 'causalMask'. */
  what: string;
  /** The error's class name, as the doc comment's `@throws` says: 'RangeError', 'ShapeError'. */
  name: string;
  /** The argument that must be refused, as the doc comment names it: 'T'. */
  argument: string;
  /** The bad input, in words: 'T = 0'. */
  when: string;
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

/** True when `text` holds `word` not as part of a longer identifier. */
function namesWord(text: string, word: string): boolean {
  const escaped = word.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`(^|[^\\w$])${escaped}($|[^\\w$])`).test(text);
}

/**
 * Calls `run` (and awaits it) and asserts that it throws an error named `options.name` whose
 * message names `options.what` and `options.argument`. A NotImplementedError is passed on, so
 * that a stub stays `not-started`.
 */
export async function expectThrows(run: () => unknown, options: ThrowsOptions): Promise<void> {
  const { what, name, argument, when } = options;
  const promise = `${what} must throw a ${name} naming ${argument} (its doc comment's @throws)`;
  try {
    await run();
  } catch (error) {
    const got = errorParts(error);
    if (got.name === 'NotImplementedError') throw error;
    if (got.name !== name) {
      fail(what, `${what} threw ${got.name} '${got.message}' for ${when}; ${promise}.`, options);
    }
    const missing = [what, argument].filter((w) => !namesWord(got.message, w));
    if (missing.length > 0) {
      fail(
        what,
        `${what} threw ${name} '${got.message}' for ${when}, but the message does not name ` +
          `${missing.join(' or ')}: ${promise}, saying what was expected.`,
        options,
      );
    }
    return;
  }
  fail(
    what,
    `${what} returned for ${when}; ${promise}. Check ${argument} at the start of ${what}.`,
    options,
  );
}

/**
 * Asserts that no tensor `outputs` names is one of `inputs`, or shares its data: a caller who
 * changes an output must not change an input. Names the output and the input it aliases.
 */
export function expectNewTensors(
  outputs: Record<string, unknown>,
  inputs: Record<string, Tensor>,
  what: string,
  options: HintOptions = {},
): void {
  for (const [out, value] of Object.entries(outputs)) {
    if (!isTensor(value)) continue;
    for (const [input, t] of Object.entries(inputs)) {
      if (value === t || value.data.buffer === t.data.buffer) {
        fail(
          out,
          `${what} returned its input ${input} as ${out} (the same tensor or the same data): ` +
            'return a new tensor, so that the caller can change one without the other.',
          options,
        );
      }
    }
  }
}
