/**
 * Recognises the core's NotImplementedError by its name rather than by `instanceof`, so that it
 * is recognised whichever copy of the core module threw it.
 */

/**
 * The exercise id carried by a NotImplementedError (also one found as the `cause` of another
 * error), or undefined for any other value.
 */
export function notImplementedId(error: unknown): string | undefined {
  for (let e = error, depth = 0; isObject(e) && depth < 5; e = e.cause, depth++) {
    if (e.name === 'NotImplementedError' || e.constructor?.name === 'NotImplementedError') {
      return typeof e.exerciseId === 'string' ? e.exerciseId : '';
    }
  }
  return undefined;
}

interface ErrorLike {
  name?: unknown;
  exerciseId?: unknown;
  cause?: unknown;
  constructor?: { name?: unknown };
}

function isObject(value: unknown): value is ErrorLike {
  return typeof value === 'object' && value !== null;
}
