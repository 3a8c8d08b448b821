/**
 * How a grading suite reaches the code under test. `targetModule(file)` resolves to the module
 * of the target (exercises/, solutions/ or a submission, whichever the grading run's `@target/`
 * alias points at) as a `Remote`: every exported function returns a promise, so every call to
 * learner code in a suite is awaited. Today the module runs in the grading worker; the same
 * interface lets it run in another process, where tensors travel as copies and the objects the
 * learner's code returns (caches) stay with it and are handed back by reference.
 *
 *   const { rnnStepForward } = await targetModule<typeof import('@target/rnn/rnn-step')>(
 *     'rnn/rnn-step.ts',
 *   );
 *   const { nextH } = await rnnStepForward(x, prevH, Wx, Wh, b);
 *
 * The type comes from the stub (the suites typecheck against exercises/); the file is the
 * manifest's. Loading at the top of the suite (top-level await) makes a file that fails to
 * import fail the whole suite, which the grader reports as `error`, "could not import".
 */

/** A module as suites see it: each exported function, returning a promise of its result. */
export type Remote<M> = {
  readonly [K in keyof M as M[K] extends (...args: never[]) => unknown ? K : never]: M[K] extends (
    ...args: infer A
  ) => infer R
    ? (...args: A) => Promise<Awaited<R>>
    : never;
};

/**
 * Loads `file` of the target and wraps each exported function to return a promise. Using an
 * export the file does not have rejects with an error naming the file and the export.
 *
 * @param file relative to the target folder, as the manifest names it, e.g. `rnn/rnn-step.ts`
 */
export async function targetModule<M>(file: string): Promise<Remote<M>> {
  const specifier = `@target/${file.replace(/\.ts$/, '')}`;
  const mod = (await import(/* @vite-ignore */ specifier)) as Record<string, unknown>;
  const remote = new Map<string, (...args: unknown[]) => Promise<unknown>>();
  for (const [name, value] of Object.entries(mod)) {
    if (typeof value === 'function') remote.set(name, async (...args) => value(...args));
  }
  const missing = (name: string) => async (): Promise<never> => {
    const found = [...remote.keys()].join(', ') || 'no functions';
    throw new Error(`${file} does not export a function ${name} (it exports ${found})`);
  };
  return new Proxy({} as Remote<M>, {
    get: (_target, name) => {
      if (typeof name !== 'string' || name === 'then') return undefined; // not a thenable
      return remote.get(name) ?? missing(name);
    },
  });
}
