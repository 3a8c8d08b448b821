/**
 * The vector-Jacobian product of a differentiable function, as named gradients: what a
 * hand-written backward returns, computed by the core's autograd instead. A layer written by
 * hand (CS231n style) can use it for a part it does not derive itself, e.g. the recurrent layer
 * of an earlier chapter inside a later chapter's layer.
 */
import { withGrad } from './autograd';
import { ShapeError, formatShape } from './errors';
import { Tensor, sameShape } from './tensor';

/**
 * Gradients of sum(fn(...inputs) ⊙ dout) with respect to each input (the gradient of fn itself
 * when it returns one value and dout is omitted), keyed 'd' + the input's name.
 *
 * fn runs on fresh leaf copies of the inputs, with gradient recording on even when called
 * inside `noGrad` (a custom op's backward runs there), so the caller's tensors and their
 * `.grad` are never touched. Every tensor fn reads that should get a gradient must be one of
 * `inputs`; tensors fn closes over must not require grad.
 *
 * @param fn     a function of the inputs, in the order of `inputs`, built from core ops
 * @param inputs named tensors, e.g. `{ x, h0, Wx, Wh, b }`
 * @param dout   the upstream gradient, of fn's output shape (omit for a one-element output)
 * @returns `{ dx, dh0, dWx, ... }`, each of its input's shape (zeros where fn does not depend
 *   on the input)
 */
export function vjp(
  fn: (...inputs: Tensor[]) => Tensor,
  inputs: Readonly<Record<string, Tensor>>,
  dout?: Tensor,
): Record<string, Tensor> {
  const names = Object.keys(inputs);
  const leaves = names.map((k) => new Tensor(inputs[k]!.data.slice(), inputs[k]!.shape, true));
  withGrad(() => {
    const out = fn(...leaves);
    if (dout !== undefined && !sameShape(dout.shape, out.shape)) {
      throw new ShapeError(
        'vjp',
        `dout ${formatShape(out.shape)} (the shape of fn's output)`,
        formatShape(dout.shape),
      );
    }
    if (out.requiresGrad) out.backward(dout);
  });
  return Object.fromEntries(
    names.map((k, i) => {
      const leaf = leaves[i]!;
      return [`d${k}`, leaf.grad ?? new Tensor(new Float64Array(leaf.size), leaf.shape)];
    }),
  );
}
