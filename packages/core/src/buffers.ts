/**
 * Where the ops get their `Float64Array`s: fresh from the engine, or one that a backward walk
 * handed back after it was done with it.
 *
 * Why: in V8 every `new Float64Array(n)` beyond a few values is an ArrayBuffer outside the
 * JavaScript heap, and creating one cost 3 to 12 µs for 4,096 values (Node 20, measured while
 * profiling chapter 2's LSTM step), several times the arithmetic an op does on it; the memory
 * they hold is what makes V8 run its garbage collector ("external memory pressure"). A training
 * step of an LSTM makes thousands of them. The intermediate gradients of a backward walk die
 * as soon as the node they belong to has passed them on (autograd.ts), so the walk returns
 * them here, and the next op that needs a buffer of the same length takes one back instead of
 * allocating.
 *
 * Only whole buffers are kept (not views into a larger one), only of at least `MIN_LENGTH`
 * values (smaller ones are cheap to allocate), and at most `MAX_BYTES` in all; anything else is
 * left to the garbage collector. A buffer is returned here only by its one owner (a graph
 * node's released gradient), so no one else can still read or write it.
 */

/** Buffers shorter than this are not kept: allocating them is cheap. */
const MIN_LENGTH = 64;
/** At most this many bytes wait here; beyond, returned buffers go to the garbage collector. */
const MAX_BYTES = 64 * 1024 * 1024;

/** Free buffers by length. */
const free = new Map<number, Float64Array[]>();
/** The same buffers, to refuse a second release of one (two owners would share it). */
const isFree = new WeakSet<Float64Array>();
let freeBytes = 0;

/** A free buffer of exactly n values, or undefined. */
function takeFree(n: number): Float64Array | undefined {
  if (n < MIN_LENGTH) return undefined;
  const list = free.get(n);
  const buf = list?.pop();
  if (buf !== undefined) {
    freeBytes -= buf.byteLength;
    isFree.delete(buf);
  }
  return buf;
}

/** n zeros, in a reused buffer when one is free (for a result that is summed into). */
export function zeroBuffer(n: number): Float64Array {
  const buf = takeFree(n);
  return buf === undefined ? new Float64Array(n) : buf.fill(0);
}

/**
 * A buffer of n values whose contents are unspecified: for a result the caller overwrites in
 * full before anyone reads it (an op's output, a gradient computed entry by entry).
 */
export function outputBuffer(n: number): Float64Array {
  return takeFree(n) ?? new Float64Array(n);
}

/** A copy of `values` in a reused or fresh buffer. */
export function copyBuffer(values: Float64Array): Float64Array {
  const buf = outputBuffer(values.length);
  buf.set(values);
  return buf;
}

/**
 * Hands `buf` back for reuse. The caller must be its only owner and must not touch it again.
 * Views into a larger ArrayBuffer, small buffers and anything beyond `MAX_BYTES` are ignored
 * (left to the garbage collector).
 */
export function releaseBuffer(buf: Float64Array): void {
  const n = buf.length;
  if (n < MIN_LENGTH || buf.byteOffset !== 0 || buf.buffer.byteLength !== buf.byteLength) return;
  if (freeBytes + buf.byteLength > MAX_BYTES || isFree.has(buf)) return;
  isFree.add(buf);
  let list = free.get(n);
  if (list === undefined) {
    list = [];
    free.set(n, list);
  }
  list.push(buf);
  freeBytes += buf.byteLength;
}

/** Bytes waiting for reuse (for tests). */
export function freeBufferBytes(): number {
  return freeBytes;
}
