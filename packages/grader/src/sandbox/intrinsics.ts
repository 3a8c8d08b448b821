/**
 * Private references to the JavaScript built-ins the sandbox's own bookkeeping uses, taken when
 * this module is evaluated: in the sandbox process that is before any learner code loads. A
 * learner who patches `Array.prototype.push`, `Float64Array.prototype.slice` or
 * `Object.keys` at import time then changes only what the learner's own code sees; the encoder
 * and the mutation check keep using the originals. Lists are grown with `defineProperty`, which
 * no setter on `Array.prototype` can intercept, and walked with indexed loops, never with an
 * iterator that a patched `Symbol.iterator` could replace.
 */

type AnyFn = (...args: never[]) => unknown;

/** `fn.call` as a plain function: `uncurry(Array.prototype.push)(list, x)`. */
function uncurry<F extends AnyFn>(fn: F): (self: unknown, ...args: Parameters<F>) => ReturnType<F> {
  return Function.prototype.call.bind(fn) as never;
}

function getter(proto: object, key: PropertyKey): (self: unknown) => unknown {
  const descriptor = Object.getOwnPropertyDescriptor(proto, key);
  if (descriptor?.get === undefined) throw new Error(`no getter ${String(key)}`);
  return uncurry(descriptor.get as AnyFn);
}

const TypedArrayPrototype = Object.getPrototypeOf(Uint8Array.prototype) as object;

export const ObjectPrototype = Object.prototype;
export const objectIs = Object.is;
export const objectKeys = Object.keys;
export const objectCreate = Object.create;
export const getPrototypeOf = Object.getPrototypeOf;
export const defineProperty = Object.defineProperty;
export const isArray = Array.isArray;
export const isView = ArrayBuffer.isView;
export const isPrototypeOf = uncurry(Object.prototype.isPrototypeOf);
export const reflectApply = Reflect.apply;
export const StringOf = String;
export const numberIsInteger = Number.isInteger;
export const F64 = Float64Array;
export const now = performance.now.bind(performance);
const functionToString = uncurry(Function.prototype.toString as AnyFn) as (fn: unknown) => string;

/**
 * The parameter names of a function as its source writes them (`['dnextH', 'cache']`), read with
 * the original `Function.prototype.toString` and a loop over characters (no patchable method); a
 * parameter that is not a plain name (destructured) is `''`. Empty when the source has no
 * parenthesised list (`x => x`) or cannot be read.
 */
export function parameterNames(fn: unknown): string[] {
  let text: string;
  try {
    text = functionToString(fn);
  } catch {
    return [];
  }
  let i = 0;
  while (i < text.length && text[i] !== '(') {
    if (text[i] === '=' && text[i + 1] === '>') return [];
    i++;
  }
  const pieces: string[] = [];
  let depth = 0;
  let piece = '';
  for (i++; i < text.length; i++) {
    const c = text[i] as string;
    if (depth === 0 && (c === ',' || c === ')')) {
      append(pieces, piece);
      piece = '';
      if (c === ')') break;
      continue;
    }
    if (c === '(' || c === '[' || c === '{') depth++;
    else if (c === ')' || c === ']' || c === '}') depth--;
    piece += c;
  }
  const names: string[] = [];
  for (let k = 0; k < pieces.length; k++) {
    const p = pieces[k] as string;
    let j = 0;
    while (j < p.length && (p[j] === ' ' || p[j] === '\n' || p[j] === '\t' || p[j] === '.')) j++;
    let name = '';
    for (; j < p.length; j++) {
      const c = p[j] as string;
      const word =
        (c >= 'a' && c <= 'z') ||
        (c >= 'A' && c <= 'Z') ||
        (c >= '0' && c <= '9') ||
        c === '_' ||
        c === '$';
      if (!word) break;
      name += c;
    }
    if (k === pieces.length - 1 && name === '' && p === '') continue; // `f()` or a trailing comma
    append(names, name);
  }
  return names;
}

/** `Symbol.toStringTag` of a typed array (`'Float64Array'`), undefined for anything else. */
export const typedArrayTag = getter(TypedArrayPrototype, Symbol.toStringTag) as (
  self: unknown,
) => string | undefined;
export const typedArrayBuffer = getter(TypedArrayPrototype, 'buffer') as (
  self: unknown,
) => ArrayBufferLike;
export const typedArrayLength = getter(TypedArrayPrototype, 'length') as (self: unknown) => number;
const typedArraySet = uncurry(
  (TypedArrayPrototype as { set: (source: ArrayLike<number>) => void }).set,
);
const mapForEach = uncurry(Map.prototype.forEach as AnyFn);
const setForEach = uncurry(Set.prototype.forEach as AnyFn);
const weakSetHas = uncurry(WeakSet.prototype.has);
const weakSetAdd = uncurry(WeakSet.prototype.add);
const weakSetDelete = uncurry(WeakSet.prototype.delete);
const mapGet = uncurry(Map.prototype.get);
const mapSet = uncurry(Map.prototype.set);
const mapHas = uncurry(Map.prototype.has);
const mapDelete = uncurry(Map.prototype.delete);
const MapConstructor = Map;
const WeakSetConstructor = WeakSet;

const constructors: Record<string, new (length: number) => ArrayLike<unknown>> = objectCreate(null);
for (const C of [
  Float64Array,
  Float32Array,
  Int32Array,
  Uint32Array,
  Int16Array,
  Uint16Array,
  Int8Array,
  Uint8Array,
  Uint8ClampedArray,
  BigInt64Array,
  BigUint64Array,
]) {
  constructors[C.name] = C as never;
}

/**
 * A fresh, compact copy of a typed array (never a view of a larger buffer), made without the
 * array's own `slice` (whose species constructor the learner could replace).
 */
export function copyTyped<T>(source: T): T {
  const tag = typedArrayTag(source);
  const C = tag === undefined ? undefined : constructors[tag];
  if (C === undefined) throw new TypeError('copyTyped: not a typed array');
  const out = new C(typedArrayLength(source));
  typedArraySet(out, source as never);
  return out as T;
}

/** Appends to a list the way no patched `Array.prototype` can intercept. */
export function append<T>(list: T[], value: T): void {
  defineProperty(list, list.length, {
    value,
    writable: true,
    enumerable: true,
    configurable: true,
  });
}

/** Calls `fn(value, key)` for every entry of a Map, with the original `forEach`. */
export function eachOfMap(map: Map<unknown, unknown>, fn: (v: unknown, k: unknown) => void): void {
  mapForEach(map, fn as never);
}

/** Calls `fn(value)` for every member of a Set, with the original `forEach`. */
export function eachOfSet(set: Set<unknown>, fn: (v: unknown) => void): void {
  setForEach(set, fn as never);
}

/** A Map whose methods are the originals, whatever happens to `Map.prototype` later. */
export class SafeMap<K, V> {
  private readonly map = new MapConstructor<K, V>();
  get(key: K): V | undefined {
    return mapGet(this.map, key) as V | undefined;
  }
  set(key: K, value: V): void {
    mapSet(this.map, key, value);
  }
  has(key: K): boolean {
    return mapHas(this.map, key) as boolean;
  }
  delete(key: K): void {
    mapDelete(this.map, key);
  }
}

/** A WeakSet whose methods are the originals. */
export class SafeWeakSet {
  private readonly set = new WeakSetConstructor<object>();
  has(value: object): boolean {
    return weakSetHas(this.set, value) as boolean;
  }
  add(value: object): void {
    weakSetAdd(this.set, value);
  }
  delete(value: object): void {
    weakSetDelete(this.set, value);
  }
}
