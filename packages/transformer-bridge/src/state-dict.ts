/**
 * Reading and writing PyTorch `state_dict` entries stored as JSON (nested arrays of numbers).
 *
 * PyTorch's `nn.Linear` keeps its weight as `[out_features, in_features]` and computes
 * `x Wᵀ + b`; this course multiplies rows from the right, `x W` with `W [in, out]`, so every
 * weight is transposed on the way in and on the way out. Biases are the same vectors.
 */
import { ShapeError, formatShape, tensor, transpose } from '@rnn-course/core';
import type { NestedArray, Tensor } from '@rnn-course/core';

/** A state_dict as JSON: parameter name -> nested arrays. */
export type StateDict = Record<string, NestedArray>;

/** `sd[key]` as a tensor of `shape`; throws naming `op`, the key and both shapes. */
export function stateTensor(op: string, sd: StateDict, key: string, shape: number[]): Tensor {
  const value = sd[key];
  if (value === undefined) {
    throw new ShapeError(op, `a state_dict entry '${key}' ${formatShape(shape)}`, 'no such key');
  }
  const t = tensor(value);
  if (t.ndim !== shape.length || t.shape.some((d, i) => d !== shape[i])) {
    throw new ShapeError(op, `'${key}' ${formatShape(shape)}`, formatShape(t.shape));
  }
  return t;
}

/** A trainable leaf (requiresGrad) holding a copy of `t`. */
export function parameter(t: Tensor): Tensor {
  const p = t.detach().clone();
  p.requiresGrad = true;
  return p;
}

/** PyTorch linear weight `[out, in]` -> this course's `W [in, out]`, a trainable leaf. */
export function linearWeightIn(op: string, sd: StateDict, key: string, shape: number[]): Tensor {
  const [inF, outF] = shape as [number, number];
  return parameter(transpose(stateTensor(op, sd, key, [outF, inF]))); // [out, in] -> [in, out]
}

/** This course's `W [in, out]` -> PyTorch's `[out, in]`, as nested arrays. */
export function linearWeightOut(W: Tensor): NestedArray {
  return transpose(W.detach()).toArray(); // [in, out] -> [out, in]
}
