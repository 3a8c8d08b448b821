/**
 * The sandbox's runtime: the entry point of the process that runs a learner's code (bundled to
 * `host.mjs` in the chapter's bundle folder; see bundle.ts). It loads the core and the allowed
 * packages, then waits for requests from the trusted side: import a learner file, call one of
 * its exports with encoded arguments, or call it once per argument set (a batch).
 *
 * Node's permission model does the containing (the trusted side starts this process with file
 * reads limited to the bundle folder and no writes, child processes or workers, and without
 * code generation from strings). What this file adds, before any learner code loads:
 *
 * - the IPC `send` is taken into a private reference and removed from `process`, so learner code
 *   cannot post replies of its own; `process.kill` and `process._kill` refuse to signal;
 * - `process.getBuiltinModule` and a global `require` refuse with a message that says what was
 *   refused, and so do the global network clients (`fetch`, `WebSocket`, `EventSource`), which the
 *   permission model of Node 20 does not cover (the bundler turns every `import()` and `require()` it could not resolve at build
 *   time into a call of that `require`; the only modules it hands out are the allowed packages);
 * - the built-ins its own bookkeeping uses are private references (intrinsics.ts), so patched
 *   globals change only what the learner's own code computes.
 */
import { fileURLToPath } from 'node:url';
import * as core from '@rnn-course/core';
import { decodeArgs, encodeValue, inspectCall, pickPath, type CoreClasses } from './codec';
import {
  append,
  defineProperty,
  now,
  parameterNames,
  reflectApply,
  SafeMap,
  StringOf,
} from './intrinsics';
import type { BatchRequest, CallRequest, Encoded, EncodedError, Reply, Request } from './protocol';

const classes: CoreClasses = { Tensor: core.Tensor, Rng: core.Rng };
const withoutAutograd = core.withoutAutograd;
const hostUrl = import.meta.url;
const sendRaw = process.send?.bind(process);
const listen = process.on.bind(process);
const exit = process.exit.bind(process);
const URLConstructor = URL;
const Thenable = (value: unknown): value is PromiseLike<unknown> =>
  typeof value === 'object' &&
  value !== null &&
  typeof (value as { then?: unknown }).then === 'function';

if (sendRaw === undefined) {
  throw new Error('host.mjs runs as a sandbox child with an IPC channel, started by the grader');
}
const send = sendRaw;

function reply(message: Reply): void {
  send(message);
}

// ---------------------------------------------------------------- what learner code may not reach

/** An error with Node's shape for a refusal, so the trusted side can name what was refused. */
function refusal(message: string): Error {
  const error = new Error(message);
  defineProperty(error, 'code', { value: 'ERR_SANDBOX_REFUSED', enumerable: true });
  return error;
}

function seal(target: object, key: string, value: unknown): void {
  defineProperty(target, key, { value, writable: false, enumerable: false, configurable: false });
}

/** The allowed packages, by the absolute path the bundler wrote into the learner's imports. */
const packages = new SafeMap<string, unknown>();

seal(process, 'send', undefined);
seal(process, 'kill', () => {
  throw refusal('process.kill was refused: code in the sandbox may not send signals');
});
seal(process, '_kill', () => {
  throw refusal('process._kill was refused: code in the sandbox may not send signals');
});
seal(process, '_getActiveHandles', () => {
  throw refusal(
    "process._getActiveHandles was refused: the sandbox's handles are not the learner's",
  );
});
seal(process, 'getBuiltinModule', (id: unknown) => {
  throw refusal(
    `process.getBuiltinModule('${StringOf(id)}') was refused: exercises may not use Node's built-in modules`,
  );
});
// Node's permission model (Node 20) does not cover the network: the global clients that would
// reach it refuse, as the built-in `net`, `http` and `dns` modules do through the refusals above.
for (const name of ['fetch', 'WebSocket', 'EventSource']) {
  seal(globalThis, name, () => {
    throw refusal(`${name} was refused: code in the sandbox may not use the network`);
  });
}
seal(globalThis, 'require', (id: unknown) => {
  const found = packages.get(StringOf(id));
  if (found !== undefined) return found;
  throw refusal(
    `import or require of '${StringOf(id)}' was refused: the sandbox loads only what the bundler ` +
      'resolved when it read your files, so an import must name its file or package in quotes',
  );
});

// ---------------------------------------------------------------- learner modules and handles

const modules = new SafeMap<string, Promise<Record<string, unknown>>>();
const handles = new SafeMap<number, unknown>();
let nextHandle = 1;

function keep(value: object): number {
  const h = nextHandle++;
  handles.set(h, value);
  return h;
}

function importModule(req: Request): Promise<Record<string, unknown>> {
  const known = modules.get(req.file);
  if (known !== undefined) return known;
  if (req.module.startsWith('/') || req.module.split('/').includes('..')) {
    return Promise.reject(new Error(`bad module path ${req.module}`));
  }
  const loading = import(new URLConstructor(req.module, hostUrl).href) as Promise<
    Record<string, unknown>
  >;
  modules.set(req.file, loading);
  return loading;
}

function exported(ns: Record<string, unknown>, file: string, name: string): Function {
  const fn = ns[name];
  if (typeof fn === 'function') return fn;
  const names: string[] = [];
  for (const key in ns) if (typeof ns[key] === 'function') append(names, key);
  const error = new Error(
    `${file} has no exported function '${name}' (its exported functions: ${names.join(', ') || 'none'})`,
  );
  defineProperty(error, 'name', { value: 'MissingExportError' });
  throw error;
}

// ---------------------------------------------------------------- requests

async function handle(req: Request): Promise<void> {
  for (let i = 0; i < req.release.length; i++) handles.delete(req.release[i] as number);
  let phase: 'import' | 'call' = 'import';
  try {
    const ns = await importModule(req);
    reply({ type: 'imported', id: req.id });
    phase = 'call';
    if (req.type === 'import') {
      reply({
        type: 'result',
        id: req.id,
        value: undefined,
        report: { mutated: [], aliased: [] },
        rngs: [],
      });
    } else if (req.type === 'call') {
      await call(req, ns);
    } else {
      await batch(req, ns);
    }
  } catch (error) {
    const index = (error as { batchIndex?: unknown } | null)?.batchIndex;
    reply({
      type: 'error',
      id: req.id,
      phase,
      error: encodeError(error, 0),
      ...(typeof index === 'number' ? { index } : {}),
    });
  }
}

async function call(req: CallRequest, ns: Record<string, unknown>): Promise<void> {
  const target = req.target;
  let fn: unknown;
  let name: string;
  if ('handle' in target) {
    fn = handles.get(target.handle);
    name = 'a function your code returned';
    if (typeof fn !== 'function') throw new Error('this function is no longer held by the sandbox');
  } else {
    fn = exported(ns, req.file, target.exportName);
    name = target.exportName;
  }
  const { values, inputs } = decodeArgs(req.args, classes, handles, true);
  const params = parameterNames(fn);
  const finish = (result: unknown): Reply => {
    const { report, rngs } = inspectCall(inputs, result, classes);
    return {
      type: 'result',
      id: req.id,
      value: encodeValue(result, classes, keep),
      report: { ...report, params },
      rngs,
    };
  };
  if (req.withoutAutograd !== undefined) {
    // the result is inspected and encoded inside too: a getter on it runs with autograd off
    reply(
      withoutAutograd(req.withoutAutograd, () => {
        const result: unknown = reflectApply(fn as Function, undefined, values);
        if (Thenable(result)) {
          settleQuietly(result); // its rejection, if any, is not the sandbox's crash
          throw new Error(
            `${name} returned a promise: while the core's autograd is switched off, return the result itself`,
          );
        }
        return finish(result);
      }),
    );
    return;
  }
  let result: unknown = reflectApply(fn as Function, undefined, values);
  if (Thenable(result)) {
    reply({ type: 'pending', id: req.id });
    result = await result;
  }
  reply(finish(result));
}

async function batch(req: BatchRequest, ns: Record<string, unknown>): Promise<void> {
  const fn = exported(ns, req.file, req.exportName);
  const values: Encoded[] = [];
  let beat = now();
  for (let i = 0; i < req.argSets.length; i++) {
    try {
      const { values: args } = decodeArgs(req.argSets[i] as Encoded[], classes, handles, false);
      const run = (): unknown => reflectApply(fn, undefined, args);
      let result: unknown;
      if (req.withoutAutograd !== undefined) {
        result = withoutAutograd(req.withoutAutograd, () => {
          const r = run();
          if (Thenable(r)) settleQuietly(r);
          return Thenable(r) ? r : encodeValue(pickPath(r, req.pick), classes);
        });
        if (Thenable(result)) {
          throw new Error(
            `${req.exportName} returned a promise: while the core's autograd is switched off, return the result itself`,
          );
        }
        append(values, result as Encoded);
      } else {
        result = run();
        if (Thenable(result)) result = await result;
        append(values, encodeValue(pickPath(result, req.pick), classes));
      }
    } catch (error) {
      throw withIndex(error, i);
    }
    if (now() - beat > 100) {
      reply({ type: 'progress', id: req.id, done: i + 1 });
      beat = now();
    }
  }
  reply({ type: 'results', id: req.id, values });
}

/** Observes a promise the sandbox will not wait for, so that its rejection is not "unhandled". */
function settleQuietly(value: PromiseLike<unknown>): void {
  try {
    reflectApply(value.then, value, [undefined, () => {}]);
  } catch {
    // a thenable whose then throws: nothing will be unhandled
  }
}

function withIndex(error: unknown, index: number): unknown {
  if (typeof error === 'object' && error !== null) {
    try {
      defineProperty(error, 'batchIndex', { value: index, enumerable: false, configurable: true });
      return error;
    } catch {
      // a frozen error: wrap it below
    }
  }
  const wrapped = new Error(StringOf(error)) as Error & { batchIndex?: number; cause?: unknown };
  wrapped.cause = error;
  defineProperty(wrapped, 'batchIndex', { value: index });
  return wrapped;
}

// ---------------------------------------------------------------- errors

function text(value: unknown, fallback: string): string {
  return typeof value === 'string' ? value : fallback;
}

function readSafely(obj: object, key: string): unknown {
  try {
    return (obj as Record<string, unknown>)[key];
  } catch {
    return undefined;
  }
}

/** An error (or any thrown value) as plain data; getters that throw read as absent. */
function encodeError(error: unknown, depth: number): EncodedError {
  if (typeof error !== 'object' || error === null) {
    const shown = typeof error === 'string' ? `'${error}'` : StringOf(error);
    return {
      name: 'Error',
      message: `threw ${typeof error === 'string' ? 'a string' : typeof error} ${shown} instead of an Error`,
      stack: '',
    };
  }
  const out: {
    name: string;
    message: string;
    stack: string;
    exerciseId?: string;
    code?: string;
    permission?: string;
    resource?: string;
    cause?: EncodedError;
  } = {
    name: text(readSafely(error, 'name'), 'Error'),
    message: text(readSafely(error, 'message'), ''),
    stack: text(readSafely(error, 'stack'), ''),
  };
  const exerciseId = readSafely(error, 'exerciseId');
  if (typeof exerciseId === 'string') out.exerciseId = exerciseId;
  const code = readSafely(error, 'code');
  if (typeof code === 'string') out.code = code;
  const permission = readSafely(error, 'permission');
  if (typeof permission === 'string') out.permission = permission;
  const resource = readSafely(error, 'resource');
  if (typeof resource === 'string') out.resource = resource;
  const cause = readSafely(error, 'cause');
  if (cause !== undefined && depth < 3) out.cause = encodeError(cause, depth + 1);
  return out;
}

// ---------------------------------------------------------------- start

function fatal(error: unknown): void {
  try {
    send({ type: 'uncaught', error: encodeError(error, 0) } satisfies Reply, () => exit(70));
  } catch {
    exit(70);
  }
}

listen('uncaughtException', fatal);
listen('unhandledRejection', fatal);
// the trusted side went away: nothing will ever ask for a result again
listen('disconnect', () => exit(0));

// the allowed packages besides the core, named on the command line: `host.mjs rnn ...`
packages.set(fileURLToPath(new URLConstructor('./deps/core.mjs', hostUrl)), core);
for (const name of process.argv.slice(2)) {
  const url = new URLConstructor(`./deps/${name}.mjs`, hostUrl);
  packages.set(fileURLToPath(url), await import(url.href));
}

listen('message', (req: Request) => {
  void handle(req);
});
reply({ type: 'ready' });
