/**
 * The Tensor: a flat `Float64Array` read in row-major (C) order plus a shape, and the few
 * fields reverse-mode autograd needs (`requiresGrad`, `grad`, and the node's parents and
 * backward closure, written by `record` in autograd.ts).
 *
 * Element `[i0, i1, ..., ik]` lives at `data[i0 * s0 + i1 * s1 + ... + ik * sk]`, where the
 * stride `s_j` is the product of the sizes of the axes after j.
 */
// tensor.ts and autograd.ts import each other: t.backward() walks the graph autograd.ts records.
import { backwardFrom } from './autograd';
import { ShapeError, formatShape } from './errors';
import { format } from './format';

/** A tensor shape: one size per axis, `[]` for a scalar. */
export type Shape = readonly number[];

/** A number, or arrays of arrays of numbers: `[[1, 2], [3, 4]]`. */
export type NestedArray = number | NestedArray[];

/** Options shared by the creation functions. */
export interface TensorOptions {
  /** Track operations on this tensor so `backward()` can fill its `.grad`. Default false. */
  requiresGrad?: boolean;
}

/** Backward closure of a graph node: reads the node's gradient, adds into its parents'. */
export type BackwardFn = (gout: Float64Array) => void;

/**
 * Number of elements of a shape (1 for a scalar `[]`). Throws if a size is not an integer >= 0.
 */
export function shapeSize(shape: Shape, op = 'tensor'): number {
  let n = 1;
  for (const d of shape) {
    if (!Number.isInteger(d) || d < 0) {
      throw new ShapeError(op, 'sizes that are integers >= 0', formatShape(shape));
    }
    n *= d;
  }
  return n;
}

/** Row-major strides of a shape: `[3, 4] -> [4, 1]`. */
export function stridesOf(shape: Shape): number[] {
  const strides = new Array<number>(shape.length);
  let s = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    strides[i] = s;
    s *= shape[i];
  }
  return strides;
}

/**
 * An axis index in 0..ndim-1; negative axes count from the end (-1 is the last axis).
 * Throws a RangeError naming `op` when the axis is out of range.
 */
export function normalizeAxis(op: string, axis: number, ndim: number): number {
  const a = axis < 0 ? axis + ndim : axis;
  if (!Number.isInteger(axis) || a < 0 || a >= ndim) {
    throw new RangeError(`${op}: axis ${axis} is out of range for a tensor with ${ndim} axes`);
  }
  return a;
}

/** True when two shapes are equal axis by axis. */
export function sameShape(a: Shape, b: Shape): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

/**
 * Creates a tensor from nested arrays; the nesting depth is the number of axes.
 *
 * @param values a number (shape `[]`) or rectangular nested arrays, e.g. `[[1, 2], [3, 4]]`
 *   (shape `[2, 2]`); a ragged array throws, naming the index where lengths disagree
 * @returns a new tensor owning a copy of the values
 */
export function tensor(values: NestedArray, opts: TensorOptions = {}): Tensor {
  const shape: number[] = [];
  let probe: NestedArray = values;
  while (Array.isArray(probe)) {
    shape.push(probe.length);
    if (probe.length === 0) break;
    probe = probe[0];
  }
  const data = new Float64Array(shapeSize(shape));
  let k = 0;
  const fill = (v: NestedArray, depth: number, path: number[]): void => {
    if (depth === shape.length) {
      if (typeof v !== 'number') {
        throw new ShapeError(
          'tensor',
          `a number at depth ${depth} (ragged nested array)`,
          `an array at index ${formatShape(path)}`,
        );
      }
      data[k++] = v;
      return;
    }
    if (!Array.isArray(v) || v.length !== shape[depth]) {
      const got = Array.isArray(v) ? `length ${v.length}` : `a number`;
      throw new ShapeError(
        'tensor',
        `length ${shape[depth]} at index ${formatShape(path)} (ragged nested array)`,
        got,
      );
    }
    for (let i = 0; i < v.length; i++) fill(v[i], depth + 1, [...path, i]);
  };
  fill(values, 0, []);
  return new Tensor(data, shape, opts.requiresGrad ?? false);
}

/**
 * Creates a tensor of `shape` from flat row-major values (copied).
 *
 * @param data `size(shape)` numbers in row-major order
 * @param shape the tensor's shape
 */
export function fromData(
  data: Float64Array | readonly number[],
  shape: Shape,
  opts: TensorOptions = {},
): Tensor {
  return new Tensor(Float64Array.from(data), shape, opts.requiresGrad ?? false);
}

/** A tensor of `shape` filled with `value`. */
export function full(shape: Shape, value: number, opts: TensorOptions = {}): Tensor {
  return new Tensor(new Float64Array(shapeSize(shape)).fill(value), shape, opts.requiresGrad);
}

/** A tensor of `shape` filled with zeros. */
export function zeros(shape: Shape, opts: TensorOptions = {}): Tensor {
  return new Tensor(new Float64Array(shapeSize(shape)), shape, opts.requiresGrad);
}

/** A tensor of `shape` filled with ones. */
export function ones(shape: Shape, opts: TensorOptions = {}): Tensor {
  return full(shape, 1, opts);
}

/** Zeros with the shape of `t` (no gradient tracking). */
export function zerosLike(t: Tensor): Tensor {
  return zeros(t.shape);
}

/** Ones with the shape of `t` (no gradient tracking). */
export function onesLike(t: Tensor): Tensor {
  return ones(t.shape);
}

/**
 * Evenly spaced values in `[start, stop)`, like `numpy.arange`; `arange(n)` is `0..n-1`.
 *
 * @returns shape `[ceil((stop - start) / step)]`
 */
export function arange(start: number, stop?: number, step = 1): Tensor {
  if (stop === undefined) {
    stop = start;
    start = 0;
  }
  if (step === 0 || !Number.isFinite(step)) {
    throw new RangeError(`arange: step must be finite and nonzero, received ${step}`);
  }
  const n = Math.max(0, Math.ceil((stop - start) / step));
  const data = new Float64Array(n);
  for (let i = 0; i < n; i++) data[i] = start + i * step;
  return new Tensor(data, [n]);
}

/**
 * `count` evenly spaced values from `start` to `stop`, both ends included (`numpy.linspace`).
 *
 * @returns shape `[count]`
 */
export function linspace(start: number, stop: number, count: number): Tensor {
  if (!Number.isInteger(count) || count < 0) {
    throw new RangeError(`linspace: count must be an integer >= 0, received ${count}`);
  }
  const data = new Float64Array(count);
  const step = count > 1 ? (stop - start) / (count - 1) : 0;
  for (let i = 0; i < count; i++) data[i] = start + i * step;
  if (count > 1) data[count - 1] = stop;
  return new Tensor(data, [count]);
}

/**
 * An n-dimensional array of float64 numbers, row-major, with an optional gradient.
 *
 * Operations are plain functions (`add(a, b)`, `matmul(a, b)`, ...). When grad is enabled and
 * an input has `requiresGrad`, the result records its parents and a backward closure, and
 * `backward()` on a scalar result fills `.grad` of every tensor that requires grad.
 */
export class Tensor {
  /** The values, row-major. Writing here bypasses autograd. */
  readonly data: Float64Array;
  /** Size of each axis; `[]` for a scalar. */
  readonly shape: number[];
  /** Whether operations on this tensor are recorded for `backward()`. */
  requiresGrad: boolean;
  /**
   * d(output)/d(this) after `backward()`, same shape; a leaf's accumulates across calls. An
   * intermediate result's is null after the walk unless `retainGrad()` was called on it.
   */
  grad: Tensor | null = null;
  /** Graph bookkeeping (written by `record` in autograd.ts): the op that made this tensor. */
  op = '';
  /** Graph bookkeeping: the tensors this one was computed from. Empty for a leaf. */
  parents: readonly Tensor[] = [];
  /** Graph bookkeeping: adds this node's gradient into its parents' `.grad`. */
  backwardFn: BackwardFn | null = null;
  /** Whether a backward walk keeps this intermediate tensor's `.grad` (see `retainGrad`). */
  retainsGrad = false;

  /**
   * Wraps `data` (not copied) as a tensor of `shape`. Prefer `tensor`, `fromData`, `zeros`.
   */
  constructor(data: Float64Array, shape: Shape, requiresGrad = false) {
    const size = shapeSize(shape);
    if (data.length !== size) {
      throw new ShapeError(
        'Tensor',
        `${size} values for shape ${formatShape(shape)}`,
        `${data.length}`,
      );
    }
    this.data = data;
    this.shape = Object.freeze([...shape]) as number[];
    this.requiresGrad = requiresGrad;
  }

  /** Number of elements. */
  get size(): number {
    return this.data.length;
  }

  /** Number of axes. */
  get ndim(): number {
    return this.shape.length;
  }

  /** Flat offset of a full index, with bounds checks. */
  private offset(op: string, index: number[]): number {
    if (index.length !== this.shape.length) {
      throw new RangeError(
        `${op}: expected ${this.shape.length} indices for shape ${formatShape(this.shape)}, ` +
          `received ${index.length}`,
      );
    }
    let off = 0;
    for (let i = 0; i < index.length; i++) {
      const k = index[i];
      const n = this.shape[i];
      if (!Number.isInteger(k) || k < 0 || k >= n) {
        throw new RangeError(
          `${op}: index ${formatShape(index)} out of range for shape ${formatShape(this.shape)}`,
        );
      }
      off = off * n + k;
    }
    return off;
  }

  /** The element at `index` (one integer per axis). */
  get(...index: number[]): number {
    return this.data[this.offset('get', index)];
  }

  /** Writes `value` at `index`: a raw write, not recorded by autograd. */
  set(value: number, ...index: number[]): void {
    this.data[this.offset('set', index)] = value;
  }

  /** The single value of a one-element tensor. */
  item(): number {
    if (this.size !== 1) {
      throw new ShapeError('item', 'a tensor with one element', formatShape(this.shape));
    }
    return this.data[0];
  }

  /** The values as nested arrays (a number for a scalar). */
  toArray(): NestedArray {
    const build = (axis: number, offset: number): NestedArray => {
      if (axis === this.shape.length) return this.data[offset];
      const n = this.shape[axis];
      const stride = n === 0 ? 0 : shapeSize(this.shape.slice(axis + 1));
      const out: NestedArray[] = [];
      for (let i = 0; i < n; i++) out.push(build(axis + 1, offset + i * stride));
      return out;
    };
    return build(0, 0);
  }

  /** A copy of the values, same shape and `requiresGrad`, outside any graph (a new leaf). */
  clone(): Tensor {
    return new Tensor(this.data.slice(), this.shape, this.requiresGrad);
  }

  /**
   * The same values (shared storage, not copied) as a leaf that does not require grad:
   * operations on it are not recorded.
   */
  detach(): Tensor {
    return new Tensor(this.data, this.shape, false);
  }

  /**
   * Reverse-mode differentiation from this tensor: every tensor in its graph that requires
   * grad gets `.grad += d(this)/d(tensor)` (contracted with `grad`).
   *
   * @param grad the upstream gradient, same shape as this; may be omitted for a one-element
   *   tensor (it is then 1)
   */
  backward(grad?: Tensor): void {
    if (!this.requiresGrad) {
      throw new Error('backward: this tensor does not require grad (no input had requiresGrad)');
    }
    if (grad === undefined) {
      if (this.size !== 1) {
        throw new ShapeError(
          'backward',
          'a one-element tensor, or a grad argument',
          `shape ${formatShape(this.shape)} without a grad`,
        );
      }
      backwardFrom(this, new Float64Array([1]));
      return;
    }
    if (!sameShape(grad.shape, this.shape)) {
      throw new ShapeError('backward', `grad ${formatShape(this.shape)}`, formatShape(grad.shape));
    }
    backwardFrom(this, grad.data);
  }

  /**
   * Keeps this tensor's gradient after `backward()` even though it is an intermediate result
   * (PyTorch's `retain_grad`). Without it, a backward walk drops an intermediate's gradient as
   * soon as it has been passed on to the tensors it was computed from; leaves always keep theirs.
   *
   * @returns this tensor
   */
  retainGrad(): this {
    this.retainsGrad = true;
    return this;
  }

  /** Clears the gradient (`grad = null`, as PyTorch's `zero_grad(set_to_none=True)`). */
  zeroGrad(): void {
    this.grad = null;
  }

  /** A readable, numpy-like print of the values and the shape; see `format`. */
  toString(): string {
    return format(this);
  }
}
