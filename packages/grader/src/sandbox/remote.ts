/**
 * `Remote<M>`: a learner's module as a grading suite calls it. Each exported function
 * `(...args) => R` of the module's type `M` becomes `(...args) => Promise<R>`, and also has
 * `.withReport(...)` (the value with what the sandbox saw: inputs changed, outputs that alias
 * inputs) and `.batch(argSets)` (many calls in one message, for finite differences).
 *
 * ```ts
 * import type * as RnnStep from '@target/rnn/rnn-step'; // a type: no learner code loads here
 * const learner = learnerModule<typeof RnnStep>('rnn/rnn-step.ts');
 * const { nextH, cache } = await learner.rnnStepForward(x, prevH, Wx, Wh, b);
 * const grads = await learner.rnnStepBackward(dnextH, cache); // the sandbox's own cache object
 * ```
 */
import type { BatchOptions, CallOptions, CallResult, Sandbox } from './sandbox';

/** A learner's function, called in the sandbox. */
export interface RemoteFunction<A extends readonly unknown[], R> {
  (...args: A): Promise<R>;
  /** The same call, with the sandbox's report of it. */
  withReport(...args: A): Promise<CallResult<R>>;
  /**
   * Calls the function once per argument set, in one message; the results in order (with
   * `pick`, only that part of each result).
   */
  batch<P = R>(argSets: ReadonlyArray<A>, options?: BatchOptions): Promise<P[]>;
}

/** Every exported function of `M`, returning a promise. Other exports are left out. */
export type Remote<M> = {
  readonly [K in keyof M as M[K] extends (...args: never[]) => unknown ? K : never]: M[K] extends (
    ...args: infer A
  ) => infer R
    ? RemoteFunction<A, Awaited<R>>
    : never;
};

/** Options for every call through one `Remote` module. */
export interface ModuleOptions extends CallOptions {}

/**
 * Builds a `Remote` for `file` (`rnn/rnn-step.ts`, relative to the target) whose calls go to
 * the sandbox `sandbox()` resolves to (started lazily, on the first call).
 */
export function remoteModule<M>(
  sandbox: () => Promise<Sandbox>,
  file: string,
  options: ModuleOptions = {},
): Remote<M> {
  const functions = new Map<string, RemoteFunction<unknown[], unknown>>();
  const make = (name: string): RemoteFunction<unknown[], unknown> => {
    const call = async (...args: unknown[]): Promise<unknown> =>
      (await (await sandbox()).call(file, name, args, options)).value;
    const withReport = async (...args: unknown[]): Promise<CallResult<unknown>> =>
      (await sandbox()).call(file, name, args, options);
    const batch = async <P>(
      argSets: ReadonlyArray<unknown[]>,
      batchOptions: BatchOptions = {},
    ): Promise<P[]> =>
      (await sandbox()).batch<P>(file, name, argSets, { ...options, ...batchOptions });
    Object.defineProperty(call, 'name', { value: name });
    return Object.assign(call, { withReport, batch });
  };
  const target = Object.create(null) as Record<string, unknown>;
  return new Proxy(target, {
    get(_, key) {
      // `then` stays undefined, so that awaiting the module itself does not call into it
      if (typeof key !== 'string' || key === 'then') return undefined;
      let fn = functions.get(key);
      if (fn === undefined) {
        fn = make(key);
        functions.set(key, fn);
      }
      return fn;
    },
  }) as Remote<M>;
}
