/**
 * Reverse-mode automatic differentiation, in the style of micrograd (Karpathy): each op
 * computes its forward value and, right beside it, a small backward closure that adds
 * (`+=`) its inputs' gradients given its output's gradient. `backward()` sorts the graph
 * topologically and walks it once in reverse, calling each closure after every consumer of
 * its node has already contributed (the chain rule, summed over paths).
 *
 * Leaves (tensors made by the user, with `requiresGrad`) keep accumulating `.grad` across
 * backward calls until `zeroGrad()`. An intermediate node's gradient lives only while the walk
 * needs it: once the node has passed it on to its parents, the walk drops it (`.grad` is null
 * afterwards, as in PyTorch) and its buffer is reused by later ops (buffers.ts); call
 * `retainGrad()` on an intermediate tensor before `backward()` to keep its gradient.
 */
import { copyBuffer, releaseBuffer, zeroBuffer } from './buffers';
import { Tensor } from './tensor';
import type { BackwardFn } from './tensor';

let gradEnabled = true;
/** Why autograd is switched off (`withoutAutograd`), or undefined while it is on. */
let disabledBecause: string | undefined;

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
 * Runs `fn` with the core's autograd switched off: building a graph (an op on a tensor that
 * requires grad), `backward()` and accumulating into `.grad` throw an error that names the
 * operation and says `reason`. The grader wraps a learner's hand-written backward in it, so
 * that "hand-derived" cannot mean "computed by the core". Nested calls keep the outermost
 * reason, and nothing inside `fn` can switch autograd back on: the flag is private to this
 * module and is restored only when `fn` returns or throws. `fn` must be synchronous (the flag
 * does not follow a promise).
 *
 * @param reason the end of the error message, e.g. `this exercise asks for a hand-derived
 *   backward; the core's autograd is switched off here`
 */
export function withoutAutograd<T>(reason: string, fn: () => T): T {
  const previous = disabledBecause;
  disabledBecause = previous ?? reason;
  try {
    return fn();
  } finally {
    disabledBecause = previous;
  }
}

/** Throws when inside `withoutAutograd`; `what` names the operation in the message. */
function assertAutogradOn(what: string): void {
  if (disabledBecause !== undefined) throw new Error(`${what}: ${disabledBecause}`);
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
  assertAutogradOn(`${op} on a tensor that requires grad`);
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
 * @param owned true when `g` was allocated for this call and nothing else holds it: on first
 *   use it becomes `t.grad`'s storage instead of being copied (one allocation and one pass
 *   fewer per op in a backward walk). Leave false for a buffer someone else may still read or
 *   write, such as the upstream gradient passed through unchanged.
 */
export function accumulate(t: Tensor, g: Float64Array, owned = false): void {
  if (!t.requiresGrad) return;
  assertAutogradOn('accumulating a gradient');
  if (g.length !== t.size) {
    throw new Error(`accumulate: gradient has ${g.length} entries, tensor has ${t.size}`);
  }
  if (t.grad === null) {
    t.grad = new Tensor(owned ? g : copyBuffer(g), t.shape);
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
  assertAutogradOn('accumulating a gradient');
  if (t.grad === null) t.grad = new Tensor(zeroBuffer(t.size), t.shape);
  add(t.grad.data);
}

/**
 * Adds a gradient of `rows` rows of `width` values into the slice of `t` they were read from:
 * `t.grad[start + r·stride + e] += g[r·width + e]` for r < rows, e < width (a column block of a
 * matrix, a time step of a sequence). `accumulateSlice` with the loop written out: the backward
 * of `narrow` and `timeStep`, which run once per gate and per time step.
 */
export function accumulateRows(
  t: Tensor,
  g: Float64Array,
  rows: number,
  width: number,
  start: number,
  stride: number,
): void {
  if (!t.requiresGrad) return;
  assertAutogradOn('accumulating a gradient');
  if (t.grad === null) t.grad = new Tensor(zeroBuffer(t.size), t.shape);
  addRows(t.grad.data, g, rows, width, start, stride);
}

/** acc[start + r·stride + e] += g[r·width + e] for r < rows, e < width. */
function addRows(
  acc: Float64Array,
  g: Float64Array,
  rows: number,
  width: number,
  start: number,
  stride: number,
): void {
  for (let r = 0, k = 0; r < rows; r++) {
    const at = start + r * stride;
    for (let e = 0; e < width; e++, k++) acc[at + e] += g[k];
  }
}

/** The gradient buffer the walk is passing to the closure that runs now, while it may be given away. */
let passing: Float64Array | null = null;

/**
 * `t.grad += g` for a backward closure that passes its own upstream gradient `g` on unchanged
 * (the `add` of a residual path, a reshape): when `t` has no gradient yet, `g` itself becomes
 * `t.grad`, with no copy, since the walk would drop it anyway after this closure. Only the
 * first such call of a closure takes `g`; later ones (and calls outside a walk) add a copy, as
 * `accumulate` does.
 *
 * @param g the gradient the running closure received
 */
export function passGradient(t: Tensor, g: Float64Array): void {
  if (t.requiresGrad && t.grad === null && g === passing) {
    assertAutogradOn('accumulating a gradient');
    t.grad = new Tensor(keepGradient(g), t.shape);
    return;
  }
  accumulate(t, g);
}

/**
 * For a backward closure that needs its upstream gradient `g` after it returns (matmul gathers a
 * weight's products for the end of the walk): `g` itself when the walk was going to drop it
 * (the closure now owns it, and may hand it to `releaseBuffer` when done), a copy otherwise.
 */
export function keepGradient(g: Float64Array): Float64Array {
  if (g !== passing) return copyBuffer(g);
  passing = null; // taken: the walk must not release it, and no one else may take it
  return g;
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
 * Work that ops' backward closures leave for the end of the walk they run in: `tasks` run in
 * order once every closure has run, `pending` holds what they gather, keyed by whatever the op
 * chooses (matmul keys a weight's gathered products by the weight). Lets an op that receives
 * many small gradient contributions for one leaf (a weight matrix used at every time step)
 * combine them into one computation.
 */
export interface WalkEnd {
  tasks: (() => void)[];
  pending: Map<object, unknown>;
}

let walkEnd: WalkEnd | null = null;

/** The current backward walk's end-of-walk work, or null outside a walk. */
export function currentWalkEnd(): WalkEnd | null {
  return walkEnd;
}

/**
 * The reverse walk behind `Tensor.backward`: seeds `root`'s gradient with `seed` and runs
 * every node's backward closure in reverse topological order.
 *
 * @param seed flat d(loss)/d(root), `root.size` entries
 */
export function backwardFrom(root: Tensor, seed: Float64Array): void {
  assertAutogradOn('backward');
  const order = topologicalSort(root);
  // Intermediate gradients belong to this walk only; leaves keep what they had.
  for (const node of order) if (node.backwardFn !== null) node.grad = null;
  accumulate(root, seed);
  // Backward closures may call ops (a customOp's hand-written backward does); those
  // computations are not themselves recorded.
  const previous = walkEnd;
  const end: WalkEnd = { tasks: [], pending: new Map() };
  walkEnd = end;
  const outerPassing = passing; // a walk may run inside a closure of another (a customOp's vjp)
  try {
    noGrad(() => {
      for (let i = order.length - 1; i >= 0; i--) {
        const node = order[i];
        if (node.backwardFn === null || node.grad === null) continue;
        const g = node.grad.data;
        const keep = node.retainsGrad;
        passing = keep ? null : g;
        node.backwardFn(g);
        if (keep) continue;
        // The node's gradient has been passed on: drop it, and reuse its buffer unless a
        // parent took it (passGradient) as its own.
        node.grad = null;
        if (passing === g) releaseBuffer(g);
      }
      passing = null;
      walkEnd = previous; // the tasks' own work is not deferred again
      for (const task of end.tasks) task();
    });
  } finally {
    walkEnd = previous;
    passing = outerPassing;
  }
}
