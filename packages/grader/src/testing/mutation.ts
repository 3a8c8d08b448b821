/**
 * Inputs are read-only, and outputs are new tensors. A forward that writes into `x`, or a clip
 * that scales the caller's gradients in place, passes a value check and then corrupts the next
 * step of training; a clip that hands back the caller's own tensor when no clipping is needed
 * does the same one step later, when the caller updates what it was given. Suites check both
 * directly, through this one helper: snapshot every input, run, compare bit for bit, then look
 * at every tensor the call returned.
 */
import type { NestedArray, Tensor } from '@rnn-course/core';
import { AliasedOutputError, InputMutationError, type HintOptions } from './errors';
import { describeValue, formatIndex, formatNumber, isTensor, unravelIndex } from './format';

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

/**
 * Runs `run` (and awaits it: learner code may run in another process) and asserts that it left
 * every input exactly as it was (bitwise, shape included), then that no tensor of the result is
 * one of the input tensors or a view of one's storage. Names the inputs that changed and, for
 * the first, the first changed element: "rnnStepForward changed its input Wx: element [1, 2]
 * was 0.5 before the call, 0.25 after"; or the output and the input it aliases: "clipGradNorm
 * returned its input dWx itself as grads.dWx". inputs: named tensors or number arrays, any
 * shapes. Resolves to what `run` returned.
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
  const result = await run();
  const changes = before.flatMap(({ name, value, snap }) => {
    const change = firstChange(snap, snapshot(value));
    return change === undefined ? [] : [{ name, change }];
  });
  const first = changes[0];
  if (first !== undefined) {
    const names = changes.map((c) => c.name);
    const others = names.length > 1 ? ` (also changed: ${names.slice(1).join(', ')})` : '';
    const body =
      `${what} changed its ${names.length === 1 ? 'input' : 'inputs'} ${names.join(', ')}: ` +
      `${first.change.text}${others}. ` +
      'Inputs are read-only: compute results into new tensors (clone first if you must write).';
    throw new InputMutationError(what, body, first.name, first.change.index, options);
  }
  const outputs = options.outputs === undefined ? withoutCache(result) : options.outputs(result);
  const alias = firstAlias(outputs, inputs);
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
