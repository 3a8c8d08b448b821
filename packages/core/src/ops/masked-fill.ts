/**
 * `maskedFill`, as PyTorch's `Tensor.masked_fill`: the entries of `a` where a (broadcast)
 * mask is nonzero are replaced by a constant, the others are kept. Attention uses it to set
 * the scores of keys a query may not see to -∞ before the softmax, so that their weights are
 * exactly 0.
 *
 * Backward: a filled entry is a constant, so its gradient is 0; a kept entry passes the
 * gradient through unchanged. The mask gets no gradient.
 */
import { accumulate, record } from '../autograd';
import { outputBuffer } from '../buffers';
import { broadcastOffsets, broadcastShapes } from '../broadcast';
import { ShapeError, formatShape } from '../errors';
import { Tensor, sameShape } from '../tensor';

/**
 * out = value where mask != 0, else a.
 *
 * @param a     any shape S
 * @param mask  a constant that broadcasts to S without enlarging it (e.g. `[T, T]` or
 *   `[N, 1, T]` against scores `[N, T, T]`); nonzero means "fill"
 * @param value the fill value, e.g. `-Infinity`
 * @returns shape S
 * @throws ShapeError naming `maskedFill` and both shapes when the mask does not broadcast to S
 */
export function maskedFill(a: Tensor, mask: Tensor, value: number): Tensor {
  const shape = broadcastShapes('maskedFill', a.shape, mask.shape);
  if (!sameShape(shape, a.shape)) {
    throw new ShapeError(
      'maskedFill',
      `a mask that broadcasts to a ${formatShape(a.shape)}`,
      `mask ${formatShape(mask.shape)}`,
    );
  }
  const im = broadcastOffsets(a.shape, mask.shape);
  const m = mask.data;
  const x = a.data;
  const fill = new Uint8Array(x.length); // 1 where the mask says fill
  const out = outputBuffer(x.length);
  for (let k = 0; k < x.length; k++) {
    fill[k] = m[im === null ? k : im[k]!] !== 0 ? 1 : 0;
    out[k] = fill[k] === 1 ? value : x[k]!;
  }
  return record(new Tensor(out, a.shape), 'maskedFill', [a], (g) => {
    const ga = outputBuffer(x.length);
    for (let k = 0; k < ga.length; k++) ga[k] = fill[k] === 1 ? 0 : g[k]!;
    accumulate(a, ga, true);
  });
}
