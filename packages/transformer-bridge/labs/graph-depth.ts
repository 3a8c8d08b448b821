/**
 * The shape of a computation, read off the autograd graph that produced a tensor: how many
 * operations it recorded, the length of its longest chain of operations, each waiting for the
 * one before it, and the multiply-adds of its matrix products. The longest chain is the number
 * of *sequential operations* of Vaswani et al. 2017, table 1: however many processors there are,
 * the chain runs one op after another. The multiply-adds are the bulk of the work a single
 * processor has to do.
 */
import { topologicalSort } from '@rnn-course/core';
import type { Tensor } from '@rnn-course/core';

/**
 * @param out a tensor computed from inputs that require grad
 * @returns `ops`, the recorded operations; `depth`, the most operations on one path from an
 *   input to `out`; `multiplyAdds`, the multiply-adds of the recorded matrix products (an
 *   `[..., M, K] · [..., K, N]` product costs K for each of its outputs)
 */
export function graphShape(out: Tensor): { ops: number; depth: number; multiplyAdds: number } {
  const order = topologicalSort(out); // parents before children
  const depth = new Map<Tensor, number>();
  let ops = 0;
  let multiplyAdds = 0;
  for (const node of order) {
    if (node.backwardFn === null) {
      depth.set(node, 0); // a leaf: an input or a parameter
      continue;
    }
    ops++;
    if (node.op === 'matmul') {
      const a = node.parents[0] as Tensor; // [..., M, K]
      multiplyAdds += node.size * (a.shape[a.shape.length - 1] as number);
    }
    let deepest = 0;
    for (const p of node.parents) deepest = Math.max(deepest, depth.get(p) ?? 0);
    depth.set(node, deepest + 1);
  }
  return { ops, depth: depth.get(out) ?? 0, multiplyAdds };
}
