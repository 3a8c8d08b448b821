/**
 * The messages between the trusted side (a Vitest worker, or any grader process) and the
 * sandbox process that runs the learner's code, and the encoded form of the values they carry.
 *
 * The channel is Node's IPC with `serialization: 'advanced'` (the structured clone algorithm), so
 * numbers keep NaN, -0 and the infinities and a `Float64Array` travels as its bytes. Objects are
 * tagged explicitly rather than cloned as they are: a tensor becomes its shape and a copy of its
 * values; an object the learner returned also gets a handle, so that the trusted side can pass
 * it back (`backward(dout, cache)`) and the sandbox uses the original, closures and all.
 */

/** A typed array, carried as its bytes. */
export type TypedArray =
  | Float64Array
  | Float32Array
  | Int32Array
  | Uint32Array
  | Int16Array
  | Uint16Array
  | Int8Array
  | Uint8Array
  | Uint8ClampedArray
  | BigInt64Array
  | BigUint64Array;

/** A value in transit. Primitives travel as they are; everything else is tagged. */
export type Encoded =
  | null
  | undefined
  | boolean
  | number
  | string
  | bigint
  | EncodedTensor
  | EncodedArray
  | EncodedObject
  | EncodedTyped
  | EncodedMap
  | EncodedSet
  | EncodedFunction
  | EncodedRef
  | EncodedRng
  | EncodedOpaque;

/**
 * A tensor: its shape and a copy of its values (never a view of a larger buffer). `rg`: the
 * learner's tensor requires gradients (a loaded layer must be trainable); only results carry it,
 * and never its graph.
 */
export interface EncodedTensor {
  readonly k: 'tensor';
  readonly shape: readonly number[];
  readonly data: Float64Array;
  readonly rg?: boolean;
}

/** An array; `h` is its handle on the sandbox side when it came from the learner. */
export interface EncodedArray {
  readonly k: 'array';
  readonly items: readonly Encoded[];
  readonly h?: number;
}

/** A plain object or a class instance (own enumerable properties); `cls` names the class. */
export interface EncodedObject {
  readonly k: 'object';
  readonly entries: ReadonlyArray<readonly [string, Encoded]>;
  readonly cls?: string;
  readonly h?: number;
}

export interface EncodedTyped {
  readonly k: 'typed';
  readonly data: TypedArray;
}

export interface EncodedMap {
  readonly k: 'map';
  readonly entries: ReadonlyArray<readonly [Encoded, Encoded]>;
  readonly h?: number;
}

export interface EncodedSet {
  readonly k: 'set';
  readonly items: readonly Encoded[];
  readonly h?: number;
}

/** A function the learner returned: callable through its handle (none in a batch). */
export interface EncodedFunction {
  readonly k: 'function';
  readonly name: string;
  readonly h?: number;
}

/** Trusted side to sandbox: "the object you gave me under handle h"; the original is used. */
export interface EncodedRef {
  readonly k: 'ref';
  readonly h: number;
}

/**
 * The core's seeded generator, by state. The sandbox rebuilds it from `fields`, and after the call
 * sends the new state back (`CallResult.rngs`), so that draws advance on the trusted side too.
 */
export interface EncodedRng {
  readonly k: 'rng';
  readonly slot: number;
  readonly fields: ReadonlyArray<readonly [string, number | null]>;
}

/** Something that does not travel (a symbol, a cycle, nesting too deep), described in words. */
export interface EncodedOpaque {
  readonly k: 'opaque';
  readonly text: string;
}

/** An error thrown by the learner's code, or by the sandbox on its behalf. */
export interface EncodedError {
  readonly name: string;
  readonly message: string;
  /** The exercise id a NotImplementedError carries. */
  readonly exerciseId?: string;
  /** Node's error code, e.g. `ERR_ACCESS_DENIED` from the permission model. */
  readonly code?: string;
  /** What the permission model refused (`FileSystemRead`, `ChildProcess`, ...), and on what. */
  readonly permission?: string;
  readonly resource?: string;
  /** The stack as the sandbox saw it: frames in the bundled files, mapped by the trusted side. */
  readonly stack: string;
  readonly cause?: EncodedError;
}

/** An input the call changed: where (`args[1].x`) and how, in words. */
export interface Mutation {
  readonly path: string;
  readonly text: string;
  /** For a tensor, the flat index of the first changed element; for an array of numbers, the
   * position of the first changed number in reading order. */
  readonly index?: number;
  /** The first changed value before and after the call. */
  readonly before?: number;
  readonly after?: number;
  /** How many values changed, of how many. */
  readonly changed?: number;
  readonly size?: number;
}

/** An output tensor that is an input, or shares its buffer with one. */
export interface Alias {
  readonly output: string;
  readonly input: string;
  /** The very same tensor object (otherwise a different tensor over the same values). */
  readonly same: boolean;
}

/** What the sandbox saw of one call, besides the value. */
export interface CallReport {
  readonly mutated: readonly Mutation[];
  readonly aliased: readonly Alias[];
  /**
   * The called function's parameter names as its source writes them, for messages
   * (`dnextH`, `cache`); empty where one is not a plain name (a destructured parameter).
   */
  readonly params?: readonly string[];
}

/** Trusted side to sandbox. `release` frees handles the trusted side no longer holds. */
export type Request = ImportRequest | CallRequest | BatchRequest;

interface RequestBase {
  readonly id: number;
  /** The exercise file, relative to the target: `rnn/rnn-step.ts`. */
  readonly file: string;
  /** Its bundle, relative to the sandbox's folder. */
  readonly module: string;
  readonly release: readonly number[];
}

export interface ImportRequest extends RequestBase {
  readonly type: 'import';
}

export interface CallRequest extends RequestBase {
  readonly type: 'call';
  /** An export of the module, or a function the learner returned earlier (its handle). */
  readonly target: { readonly exportName: string } | { readonly handle: number };
  readonly args: readonly Encoded[];
  /** Set to switch the core's autograd off during the call; the text says why. */
  readonly withoutAutograd?: string;
}

export interface BatchRequest extends RequestBase {
  readonly type: 'batch';
  readonly exportName: string;
  readonly argSets: ReadonlyArray<readonly Encoded[]>;
  /** Keep only this part of each result, e.g. `['nextH']`. */
  readonly pick: ReadonlyArray<string | number>;
  readonly withoutAutograd?: string;
}

/** Sandbox to trusted side. */
export type Reply =
  | { readonly type: 'ready' }
  | { readonly type: 'imported'; readonly id: number }
  | { readonly type: 'pending'; readonly id: number }
  | { readonly type: 'progress'; readonly id: number; readonly done: number }
  | {
      readonly type: 'result';
      readonly id: number;
      readonly value: Encoded;
      readonly report: CallReport;
      readonly rngs: ReadonlyArray<EncodedRng>;
    }
  | { readonly type: 'results'; readonly id: number; readonly values: readonly Encoded[] }
  | {
      readonly type: 'error';
      readonly id: number;
      readonly phase: 'import' | 'call';
      readonly error: EncodedError;
      /** For a batch: the argument set that failed. */
      readonly index?: number;
    }
  | { readonly type: 'uncaught'; readonly error: EncodedError };
