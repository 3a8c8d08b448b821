/**
 * Turns a hand-written forward/backward pair (CS231n style: forward returns `{ out, cache }`,
 * backward takes `(dout, cache)` and returns named gradients) into a single node of the
 * autograd graph. A learner's own layer can then be trained by `loss.backward()` and checked
 * against the core's autograd: the pair runs outside the graph, on detached tensors, and the
 * node's backward closure hands each input the gradient named `'d' + name`.
 */
import { accumulate, needsGrad, record } from './autograd';
import { ShapeError, formatShape } from './errors';
import { Tensor, sameShape } from './tensor';

/** What `customOp` needs: the op's name, its input names, and the forward/backward pair. */
export interface CustomOpSpec<Names extends string> {
  /** Named in every error, e.g. 'rnnStep'. */
  name: string;
  /** Input names in call order, e.g. ['x', 'h0', 'Wx', 'Wh', 'b']. */
  inputs: readonly Names[];
  /** Receives the inputs (detached, in the order of `inputs`); returns the output and a cache. */
  forward: (...inputs: Tensor[]) => { out: Tensor; cache: unknown };
  /** Receives d(loss)/d(out) and the cache; returns 'd' + name for each input, e.g. dx, dWx. */
  backward: (dout: Tensor, cache: any) => Record<string, Tensor>;
}

/**
 * Makes a graph op from a forward/backward pair.
 *
 * The forward and backward see detached tensors (they share storage with the real inputs and
 * must not write into them). On the backward walk, every input that requires grad must have
 * its gradient under the key 'd' + its name, with the input's shape; otherwise the call throws
 * an error naming the op, the key and the shapes. Gradients of inputs that need none may be
 * left out.
 *
 * @returns a function of the inputs (in the order of `spec.inputs`) returning `out`, recorded
 *   as one node named `spec.name` when an input requires grad
 */
export function customOp<Names extends string>(
  spec: CustomOpSpec<Names>,
): (...inputs: Tensor[]) => Tensor {
  const { name, inputs: names } = spec;
  return (...inputs: Tensor[]): Tensor => {
    if (inputs.length !== names.length) {
      throw new ShapeError(
        name,
        `${names.length} inputs (${names.join(', ')})`,
        `${inputs.length}`,
      );
    }
    inputs.forEach((t, i) => {
      if (!(t instanceof Tensor)) {
        throw new TypeError(`${name}: input ${names[i]} must be a Tensor`);
      }
    });
    const { out, cache } = spec.forward(...inputs.map((t) => t.detach()));
    if (!(out instanceof Tensor)) {
      throw new TypeError(`${name}: forward must return { out: Tensor, cache }`);
    }
    if (!needsGrad(...inputs)) return out;
    const node = new Tensor(out.data, out.shape);
    return record(node, name, inputs, (g) => {
      const dout = new Tensor(Float64Array.from(g), node.shape);
      const grads = spec.backward(dout, cache);
      inputs.forEach((t, i) => {
        if (!t.requiresGrad) return;
        const key = `d${names[i]}`;
        const gt = grads[key];
        if (gt === undefined) {
          const keys = Object.keys(grads).join(', ') || 'none';
          throw new Error(
            `${name}: backward returned no gradient '${key}' for input ${names[i]} ` +
              `${formatShape(t.shape)} (keys returned: ${keys})`,
          );
        }
        if (!(gt instanceof Tensor) || !sameShape(gt.shape, t.shape)) {
          const got = gt instanceof Tensor ? formatShape(gt.shape) : typeof gt;
          throw new ShapeError(
            name,
            `gradient '${key}' of shape ${formatShape(t.shape)} (the shape of ${names[i]})`,
            got,
          );
        }
        accumulate(t, gt.data);
      });
    });
  };
}
