/**
 * What the trusted side keeps of the calls a check makes into the learner's code, and the one
 * place where those calls can be deferred.
 *
 * - A call log: every call through `targetModule` is recorded, with the arguments the suite
 *   passed and the sandbox's report of it (inputs changed, outputs that alias inputs), in every
 *   log open around it. `check` opens one per check, `expectNoInputMutation` one around the run
 *   it watches. The logs follow the check through its awaits (AsyncLocalStorage).
 * - A capture: `captureCall(f)` runs `f` with calls into the learner's code recorded instead of
 *   made, so that a helper can find out which call `f` would make (finite differences then send
 *   all their perturbed calls in one batch, see gradients.ts).
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { CallReport, RemoteFunction } from '../sandbox/index';

/** One call into the learner's code, as the trusted side made it. */
export interface LearnerCall {
  /** The function's name: `rnnStepBackward`. */
  readonly what: string;
  /** The arguments as the suite passed them (trusted objects; the sandbox saw copies). */
  readonly args: readonly unknown[];
  /** What the call returned, as the trusted side decoded it (copies of the learner's tensors). */
  readonly value?: unknown;
  readonly report: CallReport;
}

const logs = new AsyncLocalStorage<readonly LearnerCall[][]>();

/** Runs `fn` with `log` receiving every learner call made inside it (and in the open logs). */
export function withCallLog<T>(log: LearnerCall[], fn: () => T): T {
  return logs.run([...(logs.getStore() ?? []), log], fn);
}

/** Records a call in every open log. */
export function recordCall(call: LearnerCall): void {
  for (const log of logs.getStore() ?? []) log.push(call);
}

/** A call `captureCall` recorded instead of making it. */
export interface CapturedCall {
  readonly fn: RemoteFunction<unknown[], unknown>;
  readonly args: readonly unknown[];
  /** The part of the result `f` returned, e.g. `['loss']`; `[]` for the whole result. */
  readonly pick: readonly (string | number)[];
}

interface Capture {
  call?: { fn: RemoteFunction<unknown[], unknown>; args: readonly unknown[] };
  /** More than one call, or something the capture cannot follow. */
  spoilt: boolean;
}

const captures = new AsyncLocalStorage<Capture>();
const PATH: unique symbol = Symbol('the path a recorded result was read along');

/**
 * Runs `f` once with learner calls recorded, not made: each resolves to a stand-in that notes
 * which properties `f` reads of it. Returns the call and the path `f` returned when `f` made
 * exactly one learner call and returned (a part of) its result unchanged, e.g.
 * `async () => (await tbpttStep(params, chunk, hPrev)).loss`; undefined for anything else
 * (then the caller runs `f` for real). `f` must have no other effects worth having twice.
 */
export async function captureCall(f: () => unknown): Promise<CapturedCall | undefined> {
  const capture: Capture = { spoilt: false };
  let returned: unknown;
  try {
    returned = await captures.run(capture, async () => f());
  } catch {
    return undefined;
  }
  const path = pathOf(returned);
  if (capture.spoilt || capture.call === undefined || path === undefined) return undefined;
  return { fn: capture.call.fn, args: capture.call.args, pick: path };
}

/**
 * For `targetModule`'s functions: when a capture is running, records the call and returns the
 * stand-in for its result; otherwise undefined (make the call).
 */
export function captured(
  fn: RemoteFunction<unknown[], unknown>,
  args: readonly unknown[],
): Promise<unknown> | undefined {
  const capture = captures.getStore();
  if (capture === undefined) return undefined;
  if (capture.call !== undefined) capture.spoilt = true;
  capture.call = { fn, args };
  return Promise.resolve(standIn([]));
}

/** A stand-in for a result not computed yet: reading `.a.b` gives one whose path is [a, b]. */
function standIn(path: readonly (string | number)[]): object {
  return new Proxy(Object.create(null) as object, {
    get(_, key) {
      if (key === PATH) return path;
      // not a thenable (awaiting it must not read on), and no coercion to a primitive
      if (typeof key !== 'string') return undefined;
      if (key === 'then') return undefined;
      return standIn([...path, /^\d+$/.test(key) ? Number(key) : key]);
    },
  });
}

function pathOf(value: unknown): readonly (string | number)[] | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const path = (value as { [PATH]?: readonly (string | number)[] })[PATH];
  return Array.isArray(path) ? path : undefined;
}
