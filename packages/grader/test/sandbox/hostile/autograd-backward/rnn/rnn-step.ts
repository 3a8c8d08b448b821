/**
 * Issue row 7: the "hand-written" backward computed with the core's autograd, and a subtler
 * version that runs autograd in the forward (to build the Jacobian) and only multiplies in the
 * backward.
 */
import { add, fromData, matmul, mul, sum, tanh, type Tensor } from '@rnn-course/core';

interface Cache {
  readonly inputs: Tensor[];
}

/** eq. 1.1, with leaves that require grad. */
function step(x: Tensor, prevH: Tensor, Wx: Tensor, Wh: Tensor, b: Tensor): Tensor {
  return tanh(add(add(matmul(x, Wx), matmul(prevH, Wh)), b)); // [N, H]
}

export function rnnStepForward(
  x: Tensor,
  prevH: Tensor,
  Wx: Tensor,
  Wh: Tensor,
  b: Tensor,
): { nextH: Tensor; cache: Cache } {
  return { nextH: step(x, prevH, Wx, Wh, b), cache: { inputs: [x, prevH, Wx, Wh, b] } };
}

/** The backward by autograd: leaves with requiresGrad, then `.backward(dnextH)`. */
export function rnnStepBackward(dnextH: Tensor, cache: Cache): Record<string, Tensor> {
  const leaves = cache.inputs.map((t) => fromData(t.data, t.shape, { requiresGrad: true }));
  const [x, prevH, Wx, Wh, b] = leaves as [Tensor, Tensor, Tensor, Tensor, Tensor];
  sum(mul(step(x, prevH, Wx, Wh, b), dnextH)).backward();
  const names = ['dx', 'dprevH', 'dWx', 'dWh', 'db'];
  return Object.fromEntries(leaves.map((t, i) => [names[i], t.grad as Tensor]));
}

/** The forward that builds a graph, so a backward could reuse it. */
export function forwardWithGraph(
  x: Tensor,
  prevH: Tensor,
  Wx: Tensor,
  Wh: Tensor,
  b: Tensor,
): Tensor {
  const leaf = fromData(x.data, x.shape, { requiresGrad: true });
  return step(leaf, prevH, Wx, Wh, b);
}
