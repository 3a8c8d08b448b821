/**
 * Reverse-mode automatic differentiation, in the style of micrograd (Karpathy): each op
 * computes its forward value and, right beside it, a small backward closure that adds
 * (`+=`) its inputs' gradients given its output's gradient. `backward()` sorts the graph
 * topologically and walks it once in reverse, calling each closure after every consumer of
 * its node has already contributed (the chain rule, summed over paths).
 *
 * Leaves (tensors made by the user, with `requiresGrad`) keep accumulating `.grad` across
 * backward calls until `zeroGrad()`; intermediate nodes get a fresh `.grad` on every walk.
 */
import { Tensor } from './tensor';
import type { BackwardFn } from './tensor';

let gradEnabled = true;

/** True unless inside `noGrad(...)`. */
export function isGradEnabled(): boolean {
  return gradEnabled;
}

/**
 * Runs `fn` with gradient recording off: results of ops inside are plain tensors with no
 * graph (cheaper; used for evaluation, sampling and finite differences).
 */
export function noGrad<T>(fn: () => T): T {
  const previous = gradEnabled;
  gradEnabled = false;
  try {
    return fn();
  } finally {
    gradEnabled = previous;
  }
}

/**
 * Runs `fn` with gradient recording on, even inside `noGrad` (PyTorch's `enable_grad`): for a
 * computation that needs its own backward pass while the enclosing one is not recorded.
 */
export function withGrad<T>(fn: () => T): T {
  const previous = gradEnabled;
  gradEnabled = true;
  try {
    return fn();
  } finally {
    gradEnabled = previous;
  }
}

/** True when an op on `inputs` must be recorded: grad is enabled and some input requires it. */
export function needsGrad(...inputs: readonly Tensor[]): boolean {
  return gradEnabled && inputs.some((t) => t.requiresGrad);
}

/**
 * Makes `out` a graph node: `op` names it, `parents` are its inputs, `backward` adds the
 * parents' gradients given `out`'s. Does nothing when no parent needs a gradient.
 *
 * @returns `out`
 */
export function record(
  out: Tensor,
  op: string,
  parents: readonly Tensor[],
  backward: BackwardFn,
): Tensor {
  if (!needsGrad(...parents)) return out;
  out.requiresGrad = true;
  out.op = op;
  out.parents = parents;
  out.backwardFn = backward;
  return out;
}

/**
 * `t.grad += g` (allocating `t.grad` on first use); ignored when `t` does not require grad.
 *
 * @param g a flat gradient with `t.size` entries, row-major in `t.shape`
 */
export function accumulate(t: Tensor, g: Float64Array): void {
  if (!t.requiresGrad) return;
  if (g.length !== t.size) {
    throw new Error(`accumulate: gradient has ${g.length} entries, tensor has ${t.size}`);
  }
  if (t.grad === null) {
    t.grad = new Tensor(Float64Array.from(g), t.shape);
    return;
  }
  const acc = t.grad.data;
  for (let i = 0; i < acc.length; i++) acc[i] += g[i];
}

/**
 * Adds a gradient that touches only part of `t` (a slice of it) into `t.grad`, allocated as
 * zeros on first use: `add(acc)` adds its entries into the flat buffer `acc` (`t.size`
 * entries, row-major). Ignored when `t` does not require grad. A graph that slices one tensor
 * T times (the time steps of a sequence) then costs O(slice) per slice instead of O(t.size),
 * which would make backpropagation through T steps quadratic in T.
 */
export function accumulateSlice(t: Tensor, add: (acc: Float64Array) => void): void {
  if (!t.requiresGrad) return;
  if (t.grad === null) t.grad = new Tensor(new Float64Array(t.size), t.shape);
  add(t.grad.data);
}

/**
 * Nodes reachable from `root` through parents that require grad, ordered so that every node
 * comes after all of its parents. Iterative depth-first search: a graph unrolled over
 * thousands of time steps would overflow a recursive one.
 */
export function topologicalSort(root: Tensor): Tensor[] {
  const order: Tensor[] = [];
  const visited = new Set<Tensor>([root]);
  const stack: Array<{ node: Tensor; next: number }> = [{ node: root, next: 0 }];
  while (stack.length > 0) {
    const frame = stack[stack.length - 1];
    const parent = frame.node.parents[frame.next++];
    if (parent === undefined) {
      order.push(frame.node);
      stack.pop();
    } else if (parent.requiresGrad && !visited.has(parent)) {
      visited.add(parent);
      stack.push({ node: parent, next: 0 });
    }
  }
  return order;
}

/**
 * The reverse walk behind `Tensor.backward`: seeds `root`'s gradient with `seed` and runs
 * every node's backward closure in reverse topological order.
 *
 * @param seed flat d(loss)/d(root), `root.size` entries
 */
export function backwardFrom(root: Tensor, seed: Float64Array): void {
  const order = topologicalSort(root);
  // Intermediate gradients belong to this walk only; leaves keep what they had.
  for (const node of order) if (node.backwardFn !== null) node.grad = null;
  accumulate(root, seed);
  // Backward closures may call ops (a customOp's hand-written backward does); those
  // computations are not themselves recorded.
  noGrad(() => {
    for (let i = order.length - 1; i >= 0; i--) {
      const node = order[i];
      if (node.backwardFn !== null && node.grad !== null) node.backwardFn(node.grad.data);
    }
  });
}
