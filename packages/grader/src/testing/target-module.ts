/**
 * How a grading suite reaches the code under test. `targetModule(file)` resolves to the module
 * of the target (exercises/, solutions/ or a submission, whichever the grading run names) as a
 * `Remote`: the module runs in the sandbox, a Node process of its own (src/sandbox/), never in
 * the Vitest worker that runs the suite, so every call is awaited. Tensors travel as copies;
 * an object the learner's code returns (a cache) stays with it and is handed back by reference.
 *
 *   const { rnnStepForward } = await targetModule<typeof import('@target/rnn/rnn-step')>(
 *     'rnn/rnn-step.ts',
 *   );
 *   const { nextH } = await rnnStepForward(x, prevH, Wx, Wh, b);
 *   const { value, report } = await rnnStepForward.withReport(x, prevH, Wx, Wh, b);
 *
 * The type comes from the stub (`typeof import(...)` loads nothing: the grading config refuses
 * a run-time import of `@target/`); the file is the manifest's. Loading at the top of the suite
 * (top-level await) imports the file in the sandbox, so a file that fails to import fails the
 * whole suite, which the grader reports as `error`, "could not import". The functions of a
 * hand-derived exercise's file run with the core's autograd switched off (the manifest's
 * `handDerived`). Every call is recorded with the sandbox's report of it (learner-calls.ts), for
 * `expectNoInputMutation` and for a check whose comparisons read values from a call that
 * changed its inputs.
 */
import type { CallResult, Remote, RemoteFunction } from '../sandbox/index';
import { learnerModule, sandboxFor } from '../sandbox/index';
import { captured, recordCall } from './learner-calls';

export type { Remote, RemoteFunction } from '../sandbox/index';

/**
 * Loads `file` of the target in this worker's sandbox and returns its functions. Using an
 * export the file does not have rejects with an error naming the file and its exports.
 *
 * @param file relative to the target folder, as the manifest names it, e.g. `rnn/rnn-step.ts`
 */
export async function targetModule<M>(file: string): Promise<Remote<M>> {
  await (await sandboxFor(file)).load(file);
  const inner = learnerModule<Record<string, (...args: unknown[]) => unknown>>(file);
  const wrapped = new Map<string, RemoteFunction<unknown[], unknown>>();
  return new Proxy(Object.create(null) as Remote<M>, {
    get: (_target, name) => {
      if (typeof name !== 'string' || name === 'then') return undefined; // not a thenable
      let fn = wrapped.get(name);
      if (fn === undefined) {
        fn = recorded(name, inner[name] as unknown as RemoteFunction<unknown[], unknown>);
        wrapped.set(name, fn);
      }
      return fn;
    },
  });
}

/** `remote`, with each call recorded (and deferred while a capture runs). */
function recorded(
  name: string,
  remote: RemoteFunction<unknown[], unknown>,
): RemoteFunction<unknown[], unknown> {
  const withReport = async (...args: unknown[]): Promise<CallResult<unknown>> => {
    const result = await remote.withReport(...args);
    recordCall({ what: name, args, value: result.value, report: result.report });
    return result;
  };
  const fn = (async (...args: unknown[]): Promise<unknown> => {
    const deferred = captured(fn, args);
    if (deferred !== undefined) return deferred;
    return (await withReport(...args)).value;
  }) as RemoteFunction<unknown[], unknown>;
  Object.defineProperty(fn, 'name', { value: name });
  return Object.assign(fn, { withReport, batch: remote.batch });
}

/** True for a function `targetModule` gave (it can take a batch of calls in one message). */
export function isRemote(fn: unknown): fn is RemoteFunction<unknown[], unknown> {
  return (
    typeof fn === 'function' &&
    typeof (fn as { batch?: unknown }).batch === 'function' &&
    typeof (fn as { withReport?: unknown }).withReport === 'function'
  );
}
