/**
 * Inputs are read-only. A forward that writes into `x`, or a clip that scales the caller's
 * gradients in place, passes a value check and then corrupts the next step of training, so
 * suites check it directly.
 *
 * The learner's code runs in the sandbox on copies of the inputs, so the caller's tensors never
 * change there: what counts is the sandbox's report of each call (it compares every input with
 * a private copy taken before the call). For functions that run here (the harness's own tests)
 * every input is snapshotted and compared bit for bit after the call.
 */
import type { NestedArray, Tensor } from '@rnn-course/core';
import type { Mutation } from '../sandbox/index';
import { heldBySandbox } from '../sandbox/index';
import { InputMutationError, type HintOptions } from './errors';
import { describeValue, formatIndex, formatNumber, isTensor, unravelIndex } from './format';
import { withCallLog, type LearnerCall } from './learner-calls';

/** What `expectNoInputMutation` watches: tensors, and arrays of numbers such as ids [N][T]. */
export type WatchedInput = Tensor | NestedArray;

/** Options of `expectNoInputMutation`. */
export interface MutationOptions extends HintOptions {
  /** The function's name in the message: 'rnnStepForward' (default 'the function under test'). */
  what?: string;
}

/** One changed input, in words. */
interface Change {
  readonly name: string;
  readonly text: string;
  readonly index: readonly number[];
}

/**
 * Runs `run` (and awaits it: learner code runs in another process) and asserts that it left
 * every input exactly as it was (bitwise, shape included). Names the inputs that changed and,
 * for the first, the first changed element: "rnnStepForward changed its input Wx: element
 * [1, 2] was 0.5 before the call, 0.25 after". inputs: named tensors or number arrays, any
 * shapes, as the suite passed them (also inside a cache the learner's forward returned, where
 * they are recognised by value). Resolves to what `run` returned.
 */
export async function expectNoInputMutation<T>(
  inputs: Record<string, WatchedInput>,
  run: () => T | Promise<T>,
  options: MutationOptions = {},
): Promise<T> {
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
  if (changes.length === 0) return result;
  throw mutationError(what, changes, options);
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
