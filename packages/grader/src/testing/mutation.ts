/**
/**
 * Inputs are read-only, and outputs are new tensors. A forward that writes into `x`, or a clip
 * that scales the caller's gradients in place, passes a value check and then corrupts the next
 * step of training; a clip that hands back the caller's own tensor when no clipping is needed
 * does the same one step later, when the caller updates what it was given. Suites check both
 * directly, through this one helper.
 *
 * The learner's code runs in the sandbox on copies of the inputs, so the caller's tensors never
 * change there and an output is never the caller's object: what counts is the sandbox's report
 * of each call (it compares every input with a private copy taken before the call, and says
 * which output tensors are an input or share its storage). For functions that run here (the
 * harness's own tests) every input is snapshotted and compared bit for bit after the call, and
 * the result's tensors are compared with the inputs by identity and storage.
 */
import type { NestedArray, Tensor } from '@rnn-course/core';
import type { Alias, Mutation } from '../sandbox/index';
import { heldBySandbox } from '../sandbox/index';
import { AliasedOutputError, InputMutationError, type HintOptions } from './errors';
import { describeValue, formatIndex, formatNumber, isTensor, unravelIndex } from './format';
import { withCallLog, type LearnerCall } from './learner-calls';

/** What `expectNoInputMutation` watches: tensors, and arrays of numbers such as ids [N][T]. */
export type WatchedInput = Tensor | NestedArray;

/** Options of `expectNoInputMutation`. */
export interface MutationOptions<T = unknown> extends HintOptions {
  /** The function's name in the message: 'rnnStepForward' (default 'the function under test'). */
  what?: string;
  /**
   * The part of the result whose tensors must be new: none of them may be an input or share an
   * input's storage (a `reshape` or `detach` of it). Default: the whole result except a field
   * named `cache` (a cache may hold the inputs: the backward reads them).
   */
  outputs?: (result: T) => unknown;
}

/** One changed input, in words. */
interface Change {
  readonly name: string;
  readonly text: string;
  readonly index: readonly number[];
}

/**
 * Runs `run` (and awaits it: learner code runs in another process) and asserts that it left
 * every input exactly as it was (bitwise, shape included), then that no tensor of the result is
 * one of the input tensors or a view of one's storage. Names the inputs that changed and, for
 * the first, the first changed element: "rnnStepForward changed its input Wx: element [1, 2]
 * was 0.5 before the call, 0.25 after"; or the output and the input it aliases: "clipGradNorm
 * returned its input dWx itself as grads.dWx". inputs: named tensors or number arrays, any
 * shapes, as the suite passed them (also inside a cache the learner's forward returned, where
 * they are recognised by value). Resolves to what `run` returned.
 */
export async function expectNoInputMutation<T>(
  inputs: Record<string, WatchedInput>,
  run: () => T | Promise<T>,
  options: MutationOptions<Awaited<T>> = {},
): Promise<Awaited<T>> {
  const what = options.what ?? 'the function under test';
  const before = Object.entries(inputs).map(([name, value]) => ({
    name,
    value,
    snap: snapshot(value),
  }));
  const calls: LearnerCall[] = [];
  const result = await withCallLog(calls, run);
  const reported = namedMutations(calls, inputs);
  const changes =
    reported.length > 0
      ? reported
      : before.flatMap(({ name, value, snap }) => {
          const change = firstChange(snap, snapshot(value));
          return change === undefined ? [] : [{ name, ...change }];
        });
  if (changes.length > 0) throw mutationError(what, changes, options);
  const outputs = options.outputs === undefined ? withoutCache(result) : options.outputs(result);
  const alias = reportedAlias(calls, outputs, inputs) ?? firstAlias(outputs, inputs);
  if (alias !== undefined) {
    const how = alias.same
      ? `returned its input ${alias.input} itself as ${alias.output}`
      : `returned ${alias.output}, which shares its storage with the input ${alias.input} (a view of it, such as reshape or detach, not a copy)`;
    const body =
      `${what} ${how}. Outputs must be new tensors: a caller that updates ${alias.output} ` +
      `would change ${alias.input} too. Build the output from new data (fromData, clone, or an op ` +
      "that computes a new tensor), even when its values equal the input's.";
    throw new AliasedOutputError(what, body, alias.output, alias.input, options);
  }
  return result;
}

/** An output that is (or views) an input, as `firstAlias` finds it and the message names it. */
interface FoundAlias {
  readonly output: string;
  readonly input: string;
  readonly same: boolean;
}

/**
 * The first alias the sandbox reported for a call made inside the run, among the tensors of
 * `outputs` (the trusted copies the call returned are recognised by identity): the output's
 * path within the result, and the input's name (`inputs`' key, else the parameter's name).
 */
function reportedAlias(
  calls: readonly LearnerCall[],
  outputs: unknown,
  inputs: Record<string, WatchedInput>,
): FoundAlias | undefined {
  for (const call of calls) {
    for (const a of call.report.aliased as readonly Alias[]) {
      const returned = resolveResult(call.value, a.output);
      if (returned === undefined || !contains(outputs, returned)) continue;
      const at = resolvePath(call.args, a.input);
      const named = Object.entries(inputs).find(([, v]) => v === at?.value);
      const output = a.output.replace(/^result\.?/, '');
      return {
        output: output === '' ? 'its result' : output,
        input: named?.[0] ?? label(call, a.input),
        same: a.same,
      };
    }
  }
  return undefined;
}

/** `result.grads.dWx` → that object of the trusted copy of a call's result. */
function resolveResult(value: unknown, path: string): unknown {
  if (!path.startsWith('result')) return undefined;
  let at: unknown = value;
  for (const step of path.slice('result'.length).matchAll(/\.([^.[\]]+)|\[(\d+)\]/g)) {
    if (typeof at !== 'object' || at === null) return undefined;
    at = (at as Record<string | number, unknown>)[step[1] ?? Number(step[2])];
  }
  return at;
}

/** True when `target` is `root` or found inside it, a few levels deep. */
function contains(root: unknown, target: unknown, depth = 0): boolean {
  if (root === target) return true;
  if (depth > 4 || typeof root !== 'object' || root === null || ArrayBuffer.isView(root))
    return false;
  if (isTensor(root)) return false;
  const values = Array.isArray(root) ? root : Object.values(root);
  return values.some((v) => contains(v, target, depth + 1));
}

/**
 * The first input a learner call changed that the caller passed in itself (an argument, or a
 * tensor or array inside one; not an object the learner's code returned earlier, such as its
 * cache), as the error `expectNoInputMutation` would throw; undefined when the calls changed
 * nothing of the caller's. `check` reports it in place of a failed comparison: values computed
 * from a changed input are not worth comparing.
 */
export function callerInputMutation(
  calls: readonly LearnerCall[],
  options: HintOptions = {},
): InputMutationError | undefined {
  for (const call of calls) {
    for (const m of call.report.mutated) {
      const at = resolvePath(call.args, m.path);
      if (at === undefined || at.throughLearnerObject) continue;
      const name = label(call, m.path);
      const change = describeMutation(m, at.value, name);
      const error = mutationError(call.what, [change], options);
      error.message +=
        "\n(Reported in place of this check's comparisons: they would read values computed from a changed input.)";
      return error;
    }
  }
  return undefined;
}

/** The error for `changes` (the first is described, the others named). */
function mutationError(
  what: string,
  changes: readonly Change[],
  options: HintOptions,
): InputMutationError {
  const first = changes[0] as Change;
  const names = changes.map((c) => c.name);
  const others = names.length > 1 ? ` (also changed: ${names.slice(1).join(', ')})` : '';
  const body =
    `${what} changed its ${names.length === 1 ? 'input' : 'inputs'} ${names.join(', ')}: ` +
    `${first.text}${others}. ` +
    'Inputs are read-only: compute results into new tensors (clone first if you must write).';
  return new InputMutationError(what, body, first.name, first.index, options);
}

/**
 * The sandbox's mutations of the named inputs, first per name. An input is the object the call
 * received (the same trusted object) or, inside an object the learner returned earlier (a cache
 * holding `x`), an object with the input's values.
 */
function namedMutations(
  calls: readonly LearnerCall[],
  inputs: Record<string, WatchedInput>,
): Change[] {
  const found = new Map<string, Change>();
  for (const call of calls) {
    for (const m of call.report.mutated) {
      const at = resolvePath(call.args, m.path);
      if (at === undefined) continue;
      const entries = Object.entries(inputs);
      const named =
        entries.find(([, v]) => v === at.value) ??
        (at.throughLearnerObject ? entries.find(([, v]) => sameValues(v, at.value)) : undefined);
      if (named === undefined || found.has(named[0])) continue;
      found.set(named[0], describeMutation(m, named[1], named[0]));
    }
  }
  return [...found.values()];
}

/** A mutation the sandbox reported, in the words of a trusted-side comparison. */
function describeMutation(m: Mutation, value: unknown, name: string): Change {
  if (m.index === undefined || m.before === undefined || m.after === undefined) {
    return { name, text: m.text, index: [] };
  }
  const index = isTensor(value)
    ? unravelIndex(m.index, value.shape)
    : Array.isArray(value)
      ? arrayIndex(
          m.index,
          JSON.stringify(value, (_k, v: unknown) => (typeof v === 'number' ? 0 : v)),
        )
      : [m.index];
  const count = m.changed ?? 1;
  const tally =
    count === 1 ? 'only this element changed' : `${count} of ${m.size ?? '?'} elements changed`;
  return {
    name,
    index,
    text:
      `element ${formatIndex(index)} was ${formatNumber(m.before, 17)} before the call, ` +
      `${formatNumber(m.after, 17)} after${m.changed === undefined ? '' : ` (${tally})`}`,
  };
}

/**
 * `args[1].x` → the trusted object at that place, and whether the way there passes through an
 * object the learner's code returned (a cache, whose contents are copies of what it held).
 */
function resolvePath(
  args: readonly unknown[],
  path: string,
): { value: unknown; throughLearnerObject: boolean } | undefined {
  const steps = [...path.matchAll(/\.([^.[\]()]+)|\[(\d+)\]/g)];
  if (!path.startsWith('args')) return undefined;
  let value: unknown = args;
  let through = false;
  for (const step of steps) {
    if (typeof value !== 'object' || value === null) return undefined;
    if (value !== args && heldBySandbox(value)) through = true;
    const key = step[1] ?? Number(step[2]);
    value = (value as Record<string | number, unknown>)[key];
  }
  if (typeof value === 'object' && value !== null && heldBySandbox(value)) through = true;
  return { value, throughLearnerObject: through };
}

/** `dnextH`, `cache.nextH` (the parameter names the learner wrote), or `argument 2 (.x)`. */
function label(call: LearnerCall, path: string): string {
  const m = /^args\[(\d+)\](.*)$/.exec(path);
  if (m === null) return path;
  const i = Number(m[1]);
  const param = call.report.params?.[i];
  const rest = m[2] ?? '';
  return param !== undefined && param !== ''
    ? `${param}${rest}`
    : `argument ${i + 1}${rest === '' ? '' : ` (${rest})`}`;
}

/** Equal shape and bitwise-equal values (tensors), or equal nesting and numbers (arrays). */
function sameValues(a: unknown, b: unknown): boolean {
  const x = snapshot(a);
  const y = snapshot(b);
  return x.kind !== 'other' && firstChange(x, y) === undefined;
}

/** The result without its `cache` field, which may hold the inputs by design. */
function withoutCache(result: unknown): unknown {
  if (typeof result !== 'object' || result === null || Array.isArray(result) || isTensor(result))
    return result;
  return Object.fromEntries(Object.entries(result).filter(([key]) => key !== 'cache'));
}

/** The first tensor of `outputs` (searched a few levels deep) that is or views an input tensor. */
function firstAlias(
  outputs: unknown,
  inputs: Record<string, WatchedInput>,
): { output: string; input: string; same: boolean } | undefined {
  const watched = Object.entries(inputs).filter((e): e is [string, Tensor] => isTensor(e[1]));
  let found: { output: string; input: string; same: boolean } | undefined;
  const visit = (value: unknown, path: string, depth: number): void => {
    if (found !== undefined || depth > 4 || typeof value !== 'object' || value === null) return;
    if (isTensor(value)) {
      for (const [name, input] of watched) {
        if (value === input || value.data.buffer === input.data.buffer) {
          found = { output: path, input: name, same: value === input };
          return;
        }
      }
      return;
    }
    if (ArrayBuffer.isView(value)) return;
    const entries = Array.isArray(value)
      ? value.map((v, i) => [`${path}[${i}]`, v] as const)
      : Object.entries(value).map(([k, v]) => [path === '' ? k : `${path}.${k}`, v] as const);
    for (const [p, v] of entries) visit(v, p, depth + 1);
  };
  visit(outputs, '', 0);
  if (found !== undefined && found.output === '') found = { ...found, output: 'its result' };
  return found;
}

/** A copy of an input: its shape (or nesting) and its values as raw 64-bit patterns. */
interface Snapshot {
  kind: 'tensor' | 'array' | 'other';
  shape: number[];
  bits: BigUint64Array;
  values: Float64Array;
  description: string;
}

function snapshot(value: unknown): Snapshot {
  const of = (
    kind: Snapshot['kind'],
    shape: number[],
    values: Float64Array,
    description: string,
  ): Snapshot => ({
    kind,
    shape,
    bits: new BigUint64Array(values.buffer), // the same 8 bytes per element, compared as integers
    values,
    description,
  });
  if (isTensor(value)) {
    return of('tensor', [...value.shape], Float64Array.from(value.data), describeValue(value));
  }
  if (Array.isArray(value) || typeof value === 'number') {
    const flat: number[] = [];
    flatten(value, flat);
    // the nesting with every number zeroed: equal skeletons mean equal lengths at every level
    const skeleton = JSON.stringify(value, (_key, v: unknown) => (typeof v === 'number' ? 0 : v));
    return of('array', arrayShape(value), Float64Array.from(flat), skeleton);
  }
  return of('other', [], new Float64Array(0), describeValue(value));
}

/** Where two snapshots of one input first differ, in words, or undefined if they are equal. */
function firstChange(a: Snapshot, b: Snapshot): { text: string; index: number[] } | undefined {
  if (a.kind !== b.kind || a.kind === 'other') {
    if (a.description === b.description) return undefined;
    return { text: `it was ${a.description}, now ${b.description}`, index: [] };
  }
  if (a.kind === 'tensor' && formatIndex(a.shape) !== formatIndex(b.shape)) {
    return {
      text: `its shape changed from ${formatIndex(a.shape)} to ${formatIndex(b.shape)}`,
      index: [],
    };
  }
  if (a.kind === 'array' && (a.description !== b.description || a.bits.length !== b.bits.length)) {
    return { text: 'its nesting or lengths changed', index: [] };
  }
  let first = -1;
  let count = 0;
  for (let i = 0; i < a.bits.length; i++) {
    if (a.bits[i] !== b.bits[i]) {
      if (first < 0) first = i;
      count++;
    }
  }
  if (first < 0) return undefined;
  const index =
    a.kind === 'tensor' ? unravelIndex(first, a.shape) : arrayIndex(first, a.description);
  const tally =
    count === 1 ? 'only this element changed' : `${count} of ${a.bits.length} elements changed`;
  return {
    text:
      `element ${formatIndex(index)} was ${formatNumber(a.values[first] ?? NaN, 17)} before the call, ` +
      `${formatNumber(b.values[first] ?? NaN, 17)} after (${tally})`,
    index,
  };
}

function flatten(value: unknown, out: number[]): void {
  if (Array.isArray(value)) for (const v of value) flatten(v, out);
  else out.push(typeof value === 'number' ? value : NaN);
}

function arrayShape(value: unknown): number[] {
  const shape: number[] = [];
  let level = value;
  while (Array.isArray(level)) {
    shape.push(level.length);
    level = level[0];
  }
  return shape;
}

/** The path [i, j, ...] to the `flat`-th number of a nested array, from its JSON skeleton. */
function arrayIndex(flat: number, skeleton: string): number[] {
  const nested: unknown = JSON.parse(skeleton);
  let seen = 0;
  const walk = (v: unknown, path: number[]): number[] | undefined => {
    if (!Array.isArray(v)) return seen++ === flat ? path : undefined;
    for (let i = 0; i < v.length; i++) {
      const found = walk(v[i], [...path, i]);
      if (found !== undefined) return found;
    }
    return undefined;
  };
  return walk(nested, []) ?? [];
}
