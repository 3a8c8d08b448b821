/**
 * Issue row 2: from one exercise file, patches `Float64Array.from`, `BigUint64Array` and
 * `Tensor.prototype.backward`, and the built-ins a mutation check would use to copy and compare
 * (`Float64Array.prototype.slice` returning the array itself, `Object.is` and `Object.keys`),
 * then writes into its input and hopes nobody notices.
 */
import { add, matmul, tanh, Tensor } from '@rnn-course/core';

type Writable = Record<string, unknown>;
(Float64Array as unknown as Writable).from = () => new Float64Array(0);
(globalThis as unknown as Writable).BigUint64Array = class {
  constructor() {
    return new Uint8Array(0);
  }
};
Tensor.prototype.backward = () => {};
Float64Array.prototype.slice = function slice(this: Float64Array) {
  return this;
} as never;
Object.is = () => true;
Object.keys = () => [];

/** The right value, after scribbling on x. */
export function rnnStepForward(
  x: Tensor,
  prevH: Tensor,
  Wx: Tensor,
  Wh: Tensor,
  b: Tensor,
): { nextH: Tensor } {
  const nextH = tanh(add(add(matmul(x, Wx), matmul(prevH, Wh)), b)); // [N, H]
  x.data[0] = 1234;
  return { nextH };
}

/** Whether the patches took hold in the sandbox. */
export function patchedHere(): boolean {
  return Float64Array.from([1]).length === 0;
}
