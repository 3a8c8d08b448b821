/**
 * Values across the sandbox boundary (see protocol.ts for the encoded form). The same code runs
 * on both sides; each side passes the tensor and generator classes of its own copy of the core.
 *
 * Sandbox side: `decodeArgs` rebuilds the arguments and records every input tensor (and array of
 * numbers) with a private copy of its values; `inspectCall` compares them after the call and
 * lists the inputs that changed and the outputs that are (or share the buffer of) an input;
 * `encodeValue` turns the learner's result into plain data, keeping a handle to every object.
 *
 * Trusted side: `encodeArgs` turns tensors into copies, generators into their state and objects
 * that came from the sandbox into references; `decodeValue` rebuilds results as the trusted
 * core's tensors, with functions the learner returned callable through their handles.
 */
import {
  append,
  copyTyped,
  defineProperty,
  eachOfMap,
  eachOfSet,
  F64,
  getPrototypeOf,
  isArray,
  isPrototypeOf,
  isView,
  numberIsInteger,
  objectCreate,
  objectIs,
  objectKeys,
  ObjectPrototype,
  SafeWeakSet,
  StringOf,
  typedArrayBuffer,
  typedArrayTag,
} from './intrinsics';
import type { Alias, CallReport, Encoded, EncodedRng, Mutation, TypedArray } from './protocol';

/** The two core classes the codec recognises, from the side's own copy of the core. */
export interface CoreClasses {
  readonly Tensor: new (
    data: Float64Array,
    shape: readonly number[],
    requiresGrad?: boolean,
  ) => TensorLike;
  readonly Rng: abstract new (...args: never[]) => object;
}

/** What the codec reads of a tensor. */
export interface TensorLike {
  readonly data: Float64Array;
  readonly shape: readonly number[];
}

/** Nesting deeper than this is described, not encoded. */
const MAX_DEPTH = 64;
/** How deep the mutation and alias checks look into objects. */
const WATCH_DEPTH = 8;

// ---------------------------------------------------------------- sandbox side

/** An input as the call received it, with a private copy of its values. */
interface Watched {
  readonly path: string;
  readonly value: object;
  /** A tensor's own data array at decode time (a later `x.data = ...` does not fool the check). */
  readonly data?: Float64Array;
  readonly buffer?: ArrayBufferLike;
  readonly shape?: readonly number[];
  readonly before: Float64Array | readonly unknown[];
}

/** The inputs of one call, for `inspectCall`. */
export interface CallInputs {
  /** False in a batch: no copies are kept, nothing is inspected. */
  readonly watch: boolean;
  readonly watched: Watched[];
  readonly rngs: Array<{ readonly slot: number; readonly rng: object }>;
  readonly seen: SafeWeakSet;
}

/**
 * Rebuilds the arguments of a call in the sandbox. `handles` holds the objects the learner
 * returned earlier, by id. Every tensor and every array of numbers among the arguments,
 * including the tensors inside an object passed back by reference (a cache), is recorded with
 * a copy of its values.
 */
export function decodeArgs(
  args: readonly Encoded[],
  core: CoreClasses,
  handles: { get(id: number): unknown },
  watch: boolean,
): { values: unknown[]; inputs: CallInputs } {
  const inputs: CallInputs = { watched: [], rngs: [], seen: new SafeWeakSet(), watch };
  const values: unknown[] = [];
  for (let i = 0; i < args.length; i++) {
    append(values, decodeInSandbox(args[i], `args[${i}]`, core, handles, inputs));
  }
  return { values, inputs };
}

function decodeInSandbox(
  e: Encoded,
  path: string,
  core: CoreClasses,
  handles: { get(id: number): unknown },
  inputs: CallInputs,
  inArray = false,
): unknown {
  if (typeof e !== 'object' || e === null) return e;
  switch (e.k) {
    case 'tensor': {
      // a copy: the deserialiser hands out views into one buffer per message, and a tensor that
      // shares its buffer with another would read as an alias of it
      const t = new core.Tensor(copyTyped(e.data), e.shape);
      watchTensor(t, path, inputs);
      return t;
    }
    case 'array': {
      const out: unknown[] = [];
      for (let i = 0; i < e.items.length; i++) {
        append(out, decodeInSandbox(e.items[i], `${path}[${i}]`, core, handles, inputs, true));
      }
      // an array of numbers (ids [N][T], a mask) is watched as a whole, from its outermost level
      if (inputs.watch && !inArray && isNumberArray(out)) {
        append(inputs.watched, { path, value: out, before: flattenNumbers(out) });
      }
      return out;
    }
    case 'object': {
      const out: Record<string, unknown> = {};
      for (let i = 0; i < e.entries.length; i++) {
        const [key, value] = e.entries[i] as readonly [string, Encoded];
        defineProperty(out, key, {
          value: decodeInSandbox(value, `${path}.${key}`, core, handles, inputs),
          writable: true,
          enumerable: true,
          configurable: true,
        });
      }
      return out;
    }
    case 'typed':
      return copyTyped(e.data);
    case 'map': {
      const out = new Map<unknown, unknown>();
      for (let i = 0; i < e.entries.length; i++) {
        const [k, v] = e.entries[i] as readonly [Encoded, Encoded];
        out.set(
          decodeInSandbox(k, `${path}.key`, core, handles, inputs),
          decodeInSandbox(v, `${path}.get(${i})`, core, handles, inputs),
        );
      }
      return out;
    }
    case 'set': {
      const out = new Set<unknown>();
      for (let i = 0; i < e.items.length; i++) {
        out.add(decodeInSandbox(e.items[i], `${path}[${i}]`, core, handles, inputs));
      }
      return out;
    }
    case 'ref': {
      const original = handles.get(e.h);
      if (original === undefined) {
        throw new Error(
          `${path}: this object is no longer held by the sandbox (it was released, or the sandbox restarted)`,
        );
      }
      watchInside(original, path, core, inputs, 0);
      return original;
    }
    case 'rng': {
      const rng = objectCreate(core.Rng.prototype) as Record<string, unknown>;
      for (let i = 0; i < e.fields.length; i++) {
        const [key, value] = e.fields[i] as readonly [string, number | null];
        defineProperty(rng, key, { value, writable: true, enumerable: true, configurable: true });
      }
      append(inputs.rngs, { slot: e.slot, rng });
      return rng;
    }
    case 'function':
    case 'opaque':
      throw new Error(`${path}: this value cannot be passed into the sandbox (${e.k})`);
  }
}

function watchTensor(t: TensorLike, path: string, inputs: CallInputs): void {
  if (!inputs.watch || inputs.seen.has(t)) return;
  inputs.seen.add(t);
  const data = t.data;
  if (typedArrayTagIs(data, 'Float64Array') === false) return;
  append(inputs.watched, {
    path,
    value: t,
    data,
    buffer: typedArrayBuffer(data),
    shape: copyList(t.shape),
    before: copyTyped(data),
  });
}

/** Records the tensors inside an object the learner made (a cache), a few levels deep. */
function watchInside(
  value: unknown,
  path: string,
  core: CoreClasses,
  inputs: CallInputs,
  depth: number,
): void {
  if (!inputs.watch || typeof value !== 'object' || value === null || depth > WATCH_DEPTH) return;
  if (isPrototypeOf(core.Tensor.prototype, value)) {
    watchTensor(value as TensorLike, path, inputs);
    return;
  }
  if (inputs.seen.has(value)) return;
  inputs.seen.add(value);
  if (isView(value)) return;
  if (isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      watchInside(read(value, i), `${path}[${i}]`, core, inputs, depth + 1);
    }
    return;
  }
  const keys = safeKeys(value);
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i] as string;
    watchInside(read(value, key), `${path}.${key}`, core, inputs, depth + 1);
  }
}

/**
 * After the call: which inputs changed, which output tensors are inputs (or share their
 * buffer), and the new state of every generator passed in.
 */
export function inspectCall(
  inputs: CallInputs,
  result: unknown,
  core: CoreClasses,
): { report: CallReport; rngs: EncodedRng[] } {
  const mutated: Mutation[] = [];
  for (let i = 0; i < inputs.watched.length; i++) {
    const w = inputs.watched[i] as Watched;
    const change = w.data === undefined ? arrayChange(w) : tensorChange(w);
    if (change !== undefined) append(mutated, change);
  }
  const aliased: Alias[] = [];
  const seen = new SafeWeakSet();
  const visit = (value: unknown, path: string, depth: number): void => {
    if (typeof value !== 'object' || value === null || depth > WATCH_DEPTH) return;
    if (seen.has(value)) return;
    seen.add(value);
    if (isPrototypeOf(core.Tensor.prototype, value)) {
      const data = read(value, 'data');
      const buffer = isView(data) ? typedArrayBuffer(data) : undefined;
      for (let i = 0; i < inputs.watched.length; i++) {
        const w = inputs.watched[i] as Watched;
        if (w.data === undefined) continue;
        if (w.value === value || (buffer !== undefined && w.buffer === buffer)) {
          append(aliased, { output: path, input: w.path, same: w.value === value });
          break;
        }
      }
      return;
    }
    if (isView(value)) return;
    if (isArray(value)) {
      for (let i = 0; i < value.length; i++) visit(read(value, i), `${path}[${i}]`, depth + 1);
      return;
    }
    const keys = safeKeys(value);
    for (let i = 0; i < keys.length; i++) {
      const key = keys[i] as string;
      visit(read(value, key), `${path}.${key}`, depth + 1);
    }
  };
  visit(result, 'result', 0);
  const rngs: EncodedRng[] = [];
  for (let i = 0; i < inputs.rngs.length; i++) {
    const { slot, rng } = inputs.rngs[i] as { slot: number; rng: object };
    append(rngs, { k: 'rng', slot, fields: rngFields(rng) });
  }
  return { report: { mutated, aliased }, rngs };
}

function tensorChange(w: Watched): Mutation | undefined {
  const t = w.value as { data?: unknown; shape?: unknown };
  const before = w.before as Float64Array;
  const data = w.data as Float64Array;
  if (read(t, 'data') !== data) {
    return { path: w.path, text: 'its data array was replaced by another one' };
  }
  const shape = read(t, 'shape');
  if (!sameList(shape, w.shape as readonly number[])) {
    return {
      path: w.path,
      text: `its shape changed from ${listText(w.shape)} to ${isArray(shape) ? listText(shape) : StringOf(shape)}`,
    };
  }
  let first = -1;
  let count = 0;
  for (let i = 0; i < before.length; i++) {
    if (!objectIs(before[i], data[i])) {
      if (first < 0) first = i;
      count++;
    }
  }
  if (first < 0) return undefined;
  const tally =
    count === 1 ? 'only this element changed' : `${count} of ${before.length} elements changed`;
  return {
    path: w.path,
    index: first,
    before: before[first] as number,
    after: data[first] as number,
    changed: count,
    size: before.length,
    text:
      `flat element ${first} was ${StringOf(before[first])} before the call, ` +
      `${StringOf(data[first])} after (${tally})`,
  };
}

function arrayChange(w: Watched): Mutation | undefined {
  const now = flattenNumbers(w.value as unknown[]);
  const before = w.before as readonly unknown[];
  if (now.length !== before.length) {
    return { path: w.path, text: 'its nesting or lengths changed' };
  }
  let k = 0; // numbers seen so far, level markers not counted
  let first = -1;
  let firstK = 0;
  let changed = 0;
  for (let i = 0; i < before.length; i++) {
    if (!objectIs(before[i], now[i])) {
      if (before[i] === END || now[i] === END) {
        return { path: w.path, text: 'its nesting or lengths changed' };
      }
      if (first < 0) {
        first = i;
        firstK = k;
      }
      changed++;
    }
    if (before[i] !== END) k++;
  }
  if (first < 0) return undefined;
  return {
    path: w.path,
    index: firstK,
    ...(typeof before[first] === 'number' ? { before: before[first] as number } : {}),
    ...(typeof now[first] === 'number' ? { after: now[first] as number } : {}),
    changed,
    size: k,
    text: `number ${firstK} (in reading order) was ${StringOf(before[first])} before the call, ${StringOf(now[first])} after`,
  };
}

/** The generator's own fields (its state), as name/value pairs. */
export function rngFields(rng: object): Array<readonly [string, number | null]> {
  const out: Array<readonly [string, number | null]> = [];
  const keys = safeKeys(rng);
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i] as string;
    const value = read(rng, key);
    if (typeof value === 'number' || value === null) append(out, [key, value] as const);
  }
  return out;
}

/** Keeps a learner's object and returns its handle (sandbox side). */
export type Keep = (value: object) => number;

/**
 * Turns a learner's value into plain data. With `keep`, every object and function also gets a
 * handle; without (a batch), functions arrive as names only.
 */
export function encodeValue(value: unknown, core: CoreClasses, keep?: Keep): Encoded {
  const active = new SafeWeakSet();
  const encode = (v: unknown, depth: number): Encoded => {
    if (v === null || v === undefined) return v;
    switch (typeof v) {
      case 'number':
      case 'string':
      case 'boolean':
      case 'bigint':
        return v;
      case 'symbol':
        return { k: 'opaque', text: `a symbol` };
      case 'function': {
        const name = read(v, 'name');
        const text = typeof name === 'string' ? name : '';
        return keep === undefined
          ? { k: 'function', name: text }
          : { k: 'function', name: text, h: keep(v) };
      }
    }
    const obj = v as object;
    if (depth > MAX_DEPTH) return { k: 'opaque', text: `nesting deeper than ${MAX_DEPTH} levels` };
    if (active.has(obj))
      return { k: 'opaque', text: 'a reference to an enclosing object (a cycle)' };
    if (isPrototypeOf(core.Tensor.prototype, obj)) {
      const data = read(obj, 'data');
      const shape = read(obj, 'shape');
      return {
        k: 'tensor',
        shape: isArray(shape) ? copyList(shape as number[]) : [],
        data:
          isView(data) && typedArrayTagIs(data, 'Float64Array')
            ? copyTyped(data as Float64Array)
            : new F64(0),
        rg: read(obj, 'requiresGrad') === true,
      };
    }
    if (isView(obj)) {
      return typedArrayTagIs(obj, undefined)
        ? { k: 'opaque', text: 'a DataView' }
        : { k: 'typed', data: copyTyped(obj as TypedArray) };
    }
    if (isPrototypeOf(core.Rng.prototype, obj)) {
      return { k: 'rng', slot: -1, fields: rngFields(obj) };
    }
    active.add(obj);
    try {
      const h = keep?.(obj);
      const withHandle = <T extends object>(o: T): T => (h === undefined ? o : { ...o, h });
      if (isArray(obj)) {
        const items: Encoded[] = [];
        for (let i = 0; i < obj.length; i++) append(items, encode(read(obj, i), depth + 1));
        return withHandle({ k: 'array' as const, items });
      }
      if (obj instanceof Map) {
        const entries: Array<readonly [Encoded, Encoded]> = [];
        eachOfMap(obj, (val, key) =>
          append(entries, [encode(key, depth + 1), encode(val, depth + 1)] as const),
        );
        return withHandle({ k: 'map' as const, entries });
      }
      if (obj instanceof Set) {
        const items: Encoded[] = [];
        eachOfSet(obj, (val) => append(items, encode(val, depth + 1)));
        return withHandle({ k: 'set' as const, items });
      }
      const entries: Array<readonly [string, Encoded]> = [];
      if (obj instanceof Error) {
        append(entries, ['name', encode(read(obj, 'name'), depth + 1)] as const);
        append(entries, ['message', encode(read(obj, 'message'), depth + 1)] as const);
      }
      const keys = safeKeys(obj);
      for (let i = 0; i < keys.length; i++) {
        const key = keys[i] as string;
        append(entries, [key, encode(read(obj, key), depth + 1)] as const);
      }
      const proto = getPrototypeOf(obj) as { constructor?: { name?: unknown } } | null;
      const cls = proto === null || proto === ObjectPrototype ? undefined : className(proto);
      return withHandle(
        cls === undefined
          ? { k: 'object' as const, entries }
          : { k: 'object' as const, entries, cls },
      );
    } finally {
      active.delete(obj);
    }
  };
  return encode(value, 0);
}

/** Follows `pick` (`['nextH']`) into a result; undefined when a step is missing. */
export function pickPath(value: unknown, pick: ReadonlyArray<string | number>): unknown {
  let v = value;
  for (let i = 0; i < pick.length; i++) {
    if (typeof v !== 'object' || v === null) return undefined;
    v = read(v, pick[i] as string | number);
  }
  return v;
}

// ---------------------------------------------------------------- trusted side

/** What the trusted side needs to pass objects back by reference and call returned functions. */
export interface TrustedCodec {
  readonly core: CoreClasses;
  /** The handle of an object that came from the sandbox, if it did (and is still valid). */
  handleOf(value: object): number | undefined;
  /** Remembers that `value` stands for the sandbox's object `h`. */
  register(value: object, h: number): void;
  /** A callable stand-in for the learner's function `h`. */
  remoteFunction(h: number, name: string): (...args: unknown[]) => Promise<unknown>;
}

/**
 * Encodes the arguments of a call on the trusted side. Tensors travel as copies; generators as
 * their state (their slot in `rngs` says where to write the new state back); objects that came
 * from the sandbox as references to the originals. Throws a TypeError naming the argument for a
 * value that cannot travel (a function of the trusted side).
 */
export function encodeArgs(
  args: readonly unknown[],
  codec: TrustedCodec,
): { encoded: Encoded[]; rngs: object[] } {
  const rngs: object[] = [];
  const active = new WeakSet<object>();
  const encode = (v: unknown, path: string, depth: number): Encoded => {
    if (v === null || v === undefined) return v;
    if (
      typeof v === 'number' ||
      typeof v === 'string' ||
      typeof v === 'boolean' ||
      typeof v === 'bigint'
    ) {
      return v;
    }
    if (typeof v === 'function' || typeof v === 'symbol') {
      const h = typeof v === 'function' ? codec.handleOf(v) : undefined;
      if (h !== undefined) return { k: 'ref', h };
      throw new TypeError(`${path}: a ${typeof v} cannot be passed to the learner's code`);
    }
    const obj = v as object;
    if (depth > MAX_DEPTH) throw new TypeError(`${path}: nesting deeper than ${MAX_DEPTH} levels`);
    if (obj instanceof codec.core.Tensor) {
      const t = obj as TensorLike;
      return { k: 'tensor', shape: [...t.shape], data: copyTyped(t.data) };
    }
    if (obj instanceof codec.core.Rng) {
      rngs.push(obj);
      return { k: 'rng', slot: rngs.length - 1, fields: rngFields(obj) };
    }
    const h = codec.handleOf(obj);
    if (h !== undefined) return { k: 'ref', h };
    if (ArrayBuffer.isView(obj)) {
      if (obj instanceof DataView) throw new TypeError(`${path}: a DataView cannot be passed`);
      return { k: 'typed', data: copyTyped(obj as TypedArray) };
    }
    if (active.has(obj)) throw new TypeError(`${path}: a cycle cannot be passed`);
    active.add(obj);
    try {
      if (Array.isArray(obj)) {
        return { k: 'array', items: obj.map((x, i) => encode(x, `${path}[${i}]`, depth + 1)) };
      }
      if (obj instanceof Map) {
        return {
          k: 'map',
          entries: [...obj].map(
            ([key, val], i) =>
              [
                encode(key, `${path}.key(${i})`, depth + 1),
                encode(val, `${path}.get(${i})`, depth + 1),
              ] as const,
          ),
        };
      }
      if (obj instanceof Set) {
        return { k: 'set', items: [...obj].map((x, i) => encode(x, `${path}[${i}]`, depth + 1)) };
      }
      return {
        k: 'object',
        entries: Object.keys(obj).map(
          (key) =>
            [
              key,
              encode((obj as Record<string, unknown>)[key], `${path}.${key}`, depth + 1),
            ] as const,
        ),
      };
    } finally {
      active.delete(obj);
    }
  };
  return { encoded: args.map((a, i) => encode(a, `argument ${i + 1}`, 0)), rngs };
}

/** Writes a generator's new state (from the sandbox) into the trusted side's generator. */
export function restoreRng(rng: object, fields: EncodedRng['fields']): void {
  for (const [key, value] of fields) (rng as Record<string, unknown>)[key] = value;
}

/**
 * Rebuilds a result on the trusted side. A tensor whose values do not fit its shape throws a
 * TypeError that says so (the learner's object was broken, not the channel).
 */
export function decodeValue(e: Encoded, codec: TrustedCodec, path = 'the result'): unknown {
  if (typeof e !== 'object' || e === null) return e;
  const withHandle = <T extends object>(value: T, h: number | undefined): T => {
    if (h !== undefined) codec.register(value, h);
    return value;
  };
  switch (e.k) {
    case 'tensor': {
      const size = e.shape.reduce((a, b) => a * b, 1);
      const validShape = e.shape.every((d) => numberIsInteger(d) && d >= 0);
      if (!validShape || size !== e.data.length) {
        throw new TypeError(
          `${path} is a Tensor whose data has ${e.data.length} values for shape [${e.shape.join(', ')}]`,
        );
      }
      // a copy, not a view into the message's buffer (see decodeInSandbox)
      return new codec.core.Tensor(copyTyped(e.data), e.shape, e.rg === true);
    }
    case 'array':
      return withHandle(
        e.items.map((x, i) => decodeValue(x, codec, `${path}[${i}]`)),
        e.h,
      );
    case 'object': {
      const out: Record<string, unknown> = {};
      for (const [key, value] of e.entries) {
        Object.defineProperty(out, key, {
          value: decodeValue(value, codec, `${path}.${key}`),
          writable: true,
          enumerable: true,
          configurable: true,
        });
      }
      return withHandle(out, e.h);
    }
    case 'typed':
      return copyTyped(e.data);
    case 'map':
      return withHandle(
        new Map(
          e.entries.map(([k, v]) => [decodeValue(k, codec, path), decodeValue(v, codec, path)]),
        ),
        e.h,
      );
    case 'set':
      return withHandle(new Set(e.items.map((x) => decodeValue(x, codec, path))), e.h);
    case 'function': {
      if (e.h === undefined) {
        const name = e.name;
        return () => {
          throw new TypeError(
            `${path} is the learner's function ${name}, which a batch does not keep`,
          );
        };
      }
      return withHandle(codec.remoteFunction(e.h, e.name), e.h);
    }
    case 'rng': {
      const rng = Object.create(codec.core.Rng.prototype) as object;
      restoreRng(rng, e.fields);
      return rng;
    }
    case 'ref':
      throw new TypeError(
        `${path}: the sandbox sent a reference, which only the trusted side sends`,
      );
    case 'opaque':
      return `[${e.text}]`;
  }
}

// ---------------------------------------------------------------- helpers

function typedArrayTagIs(value: unknown, tag: string | undefined): boolean {
  return typedArrayTag(value) === tag;
}

/** `obj[key]`, with a learner's throwing getter read as undefined. */
function read(obj: object, key: string | number): unknown {
  try {
    return (obj as Record<string | number, unknown>)[key];
  } catch {
    return undefined;
  }
}

function safeKeys(obj: object): string[] {
  try {
    return objectKeys(obj);
  } catch {
    return [];
  }
}

function className(proto: { constructor?: { name?: unknown } }): string | undefined {
  try {
    const name = proto.constructor?.name;
    return typeof name === 'string' && name !== '' ? name : 'an object of an unnamed class';
  } catch {
    return undefined;
  }
}

function copyList<T>(list: readonly T[]): T[] {
  const out: T[] = [];
  for (let i = 0; i < list.length; i++) append(out, list[i] as T);
  return out;
}

function sameList(a: unknown, b: readonly number[]): boolean {
  if (!isArray(a) || a.length !== b.length) return false;
  for (let i = 0; i < b.length; i++) if (!objectIs(a[i], b[i])) return false;
  return true;
}

function listText(list: readonly unknown[] | undefined): string {
  if (list === undefined) return '[]';
  let s = '[';
  for (let i = 0; i < list.length; i++) s += (i === 0 ? '' : ', ') + StringOf(list[i]);
  return `${s}]`;
}

function isNumberArray(list: readonly unknown[]): boolean {
  for (let i = 0; i < list.length; i++) {
    const v = list[i];
    if (typeof v === 'number') continue;
    if (isArray(v) && isNumberArray(v)) continue;
    return false;
  }
  return true;
}

/** Marks the end of one level of a nested array in `flattenNumbers`. */
const END: unique symbol = Symbol('end of a level');

/** The numbers of a nested array in reading order, with a marker where each level ends. */
function flattenNumbers(list: readonly unknown[]): unknown[] {
  const out: unknown[] = [];
  const walk = (v: unknown): void => {
    if (isArray(v)) {
      for (let i = 0; i < v.length; i++) walk(read(v, i));
      append(out, END);
    } else {
      append(out, v);
    }
  };
  walk(list);
  return out;
}
