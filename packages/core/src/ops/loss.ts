/**
 * Softmax cross-entropy over a vocabulary, with an optional mask for padded positions.
 *
 * For one position with logits x [V] and target y: ℓ = -log softmax(x)_y = logsumexp(x) - x_y,
 * and dℓ/dx = softmax(x) - onehot(y). The loss combines positions with weights w_i:
 *
 *   L = Σ_i w_i ℓ_i,   w_i = mask_i / Z,   dL/dx_i = w_i (softmax(x_i) - onehot(y_i))
 *
 * where Z is the number of unmasked positions ('mean') or 1 ('sum'). A chapter that divides by
 * something else (the batch size, say) takes the 'sum' and divides it.
 */
import { accumulate, record } from '../autograd';
import { outputBuffer, releaseBuffer, zeroBuffer } from '../buffers';
import { ShapeError, formatShape } from '../errors';
import { Tensor, sameShape, shapeSize } from '../tensor';
import { flattenIds } from './sequence';
import type { Ids } from './sequence';
import { softmaxInto } from './softmax';

/** A 0/1 mask given as nested arrays, as flat values and a shape. */
function maskOf(mask: Ids): { data: Float64Array; shape: number[] } {
  const { values, shape } = flattenIds('crossEntropy', mask);
  return { data: Float64Array.from(values), shape };
}

/** How `crossEntropy` combines per-position losses. */
export type Reduction = 'mean' | 'sum';

/** Options of `crossEntropy`. */
export interface CrossEntropyOptions {
  /** 1 where a position counts, 0 where it is padding; the targets' shape. */
  mask?: Tensor | Ids;
  /** Default 'mean': the mean over unmasked positions. */
  reduction?: Reduction;
}

/**
 * Softmax cross-entropy of logits against integer targets, as one scalar.
 *
 * Masked positions (mask 0) contribute nothing and their targets are not checked, so padding
 * may use any id. With every position masked, 'mean' returns 0.
 *
 * @param logits [..., V], e.g. [N, T, V] or [N, V]
 * @param targets ids in 0..V-1 with the leading shape of logits, e.g. [N][T]
 * @returns a scalar tensor (shape `[]`)
 */
export function crossEntropy(logits: Tensor, targets: Ids, opts: CrossEntropyOptions = {}): Tensor {
  const { reduction = 'mean' } = opts;
  if (logits.ndim < 1) {
    throw new ShapeError('crossEntropy', 'logits [..., V]', formatShape(logits.shape));
  }
  const V = logits.shape[logits.ndim - 1];
  const lead = logits.shape.slice(0, -1);
  const { values: y, shape: yShape } = flattenIds('crossEntropy', targets);
  const P = shapeSize(lead); // number of positions
  // targets have the leading shape of logits, or are a flat list with one id per position
  const fits = (shape: readonly number[]): boolean =>
    sameShape(shape, lead) || (shape.length === 1 && shape[0] === P);
  if (!fits(yShape)) {
    throw new ShapeError(
      'crossEntropy',
      `targets ${formatShape(lead)} (the leading shape of logits ${formatShape(logits.shape)})`,
      formatShape(yShape),
    );
  }
  let mask: Float64Array;
  if (opts.mask === undefined) {
    mask = new Float64Array(P).fill(1);
  } else {
    const m = opts.mask instanceof Tensor ? opts.mask : maskOf(opts.mask);
    if (!fits(m.shape)) {
      throw new ShapeError('crossEntropy', `mask ${formatShape(lead)}`, formatShape(m.shape));
    }
    mask = Float64Array.from(m.data);
  }
  let Z: number;
  if (reduction === 'mean') Z = mask.reduce((s, v) => s + v, 0);
  else if (reduction === 'sum') Z = 1;
  else throw new RangeError(`crossEntropy: unknown reduction '${String(reduction)}'`);

  const logp = outputBuffer(logits.size);
  softmaxInto(logits.data, logits.shape, logits.ndim - 1, logp, true);
  let loss = 0;
  for (let i = 0; i < P; i++) {
    if (mask[i] === 0) continue;
    const target = y[i];
    if (target < 0 || target >= V) {
      throw new RangeError(
        `crossEntropy: target ${target} at flat position ${i} is outside 0..${V - 1}`,
      );
    }
    loss -= mask[i] * logp[i * V + target];
  }
  releaseBuffer(logp); // only the loss is kept
  const scaleBy = Z === 0 ? 0 : 1 / Z;
  const out = new Tensor(new Float64Array([loss * scaleBy]), []); // a scalar
  return record(out, 'crossEntropy', [logits], (g) => {
    const p = outputBuffer(logits.size);
    softmaxInto(logits.data, logits.shape, logits.ndim - 1, p);
    const gx = zeroBuffer(logits.size); // rows outside the mask stay 0
    for (let i = 0; i < P; i++) {
      const w = mask[i] * scaleBy * g[0];
      if (w === 0) continue;
      for (let v = 0; v < V; v++) gx[i * V + v] = w * p[i * V + v]; // w softmax(x_i)
      gx[i * V + y[i]] -= w; // - w onehot(y_i)
    }
    releaseBuffer(p);
    accumulate(logits, gx, true);
  });
}
