/**
 * Central differences of a learner's forward, run in the sandbox in one batch: every perturbed
 * argument set, (x + h e_i) and (x - h e_i) for each element i of each input, goes in one message
 * (256 sets per message), so a gradient check does not pay a round trip per element.
 *
 * Entry i of the gradient of input x is (f(x + h e_i) - f(x - h e_i)) · dout / 2h, where f is the
 * differentiated output (`output`, e.g. `['nextH']`) and · sums the elementwise product: the
 * vector-Jacobian product a backward computes for the upstream gradient dout.
 */
import { formatShape, sameShape, Tensor } from '@rnn-course/core';
import type { BatchOptions } from './sandbox';

/** What to differentiate. */
export interface BatchedGradientOptions {
  /** The forward's tensor inputs by name, in the order of its arguments: `{ x, prevH, Wx, Wh, b }`. */
  readonly inputs: Readonly<Record<string, Tensor>>;
  /** The upstream gradient, the shape of the differentiated output. */
  readonly dout: Tensor;
  /** The part of the result to differentiate, e.g. `['nextH']`; the whole result when absent. */
  readonly output?: ReadonlyArray<string | number>;
  /** The inputs to differentiate (default all). */
  readonly names?: readonly string[];
  /** The step (default 1e-5, as the chapters' gradient checks). */
  readonly h?: number;
  /** Arguments after the inputs, the same in every call. */
  readonly rest?: readonly unknown[];
  /** Options passed on to the batch (a time limit, autograd switched off). */
  readonly batch?: Omit<BatchOptions, 'pick'>;
}

/** Anything with a `batch` like a `RemoteFunction`'s. */
export interface Batchable {
  batch<P>(argSets: ReadonlyArray<readonly unknown[]>, options?: BatchOptions): Promise<P[]>;
}

/**
 * Central differences of the forward's output with respect to each input, contracted with
 * `dout`: `{ ['d' + name]: tensor of the input's shape }`. Throws an error naming the shapes when
 * the output is not a tensor of `dout`'s shape.
 */
export async function numericGradientsBatched(
  forward: Batchable,
  options: BatchedGradientOptions,
): Promise<Record<string, Tensor>> {
  const h = options.h ?? 1e-5;
  const names = Object.keys(options.inputs);
  const wanted = options.names ?? names;
  const base = names.map((n) => options.inputs[n] as Tensor);
  const rest = options.rest ?? [];
  const argSets: unknown[][] = [];
  for (const name of wanted) {
    const k = names.indexOf(name);
    const x = base[k];
    if (x === undefined) throw new Error(`numericGradientsBatched: no input named ${name}`);
    for (let i = 0; i < x.size; i++) {
      for (const step of [h, -h]) {
        const data = x.data.slice();
        data[i] = (data[i] as number) + step;
        const args: unknown[] = [...base, ...rest];
        args[k] = new Tensor(data, x.shape);
        argSets.push(args);
      }
    }
  }
  const outputs = await forward.batch<unknown>(argSets, {
    ...options.batch,
    pick: options.output ?? [],
  });
  const dout = options.dout.data;
  const grads: Record<string, Tensor> = {};
  let j = 0;
  for (const name of wanted) {
    const x = base[names.indexOf(name)] as Tensor;
    const g = new Float64Array(x.size);
    for (let i = 0; i < x.size; i++) {
      const plus = dot(checked(outputs[j++], options.dout), dout);
      const minus = dot(checked(outputs[j++], options.dout), dout);
      g[i] = (plus - minus) / (2 * h);
    }
    grads[`d${name}`] = new Tensor(g, x.shape);
  }
  return grads;
}

function checked(out: unknown, dout: Tensor): Float64Array {
  if (!(out instanceof Tensor)) {
    throw new TypeError(
      `the forward's output (differentiated by finite differences) should be a Tensor ${formatShape(dout.shape)}, received ${out === null ? 'null' : typeof out}`,
    );
  }
  if (!sameShape(out.shape, dout.shape)) {
    throw new TypeError(
      `the forward's output (differentiated by finite differences) has shape ${formatShape(out.shape)}, expected ${formatShape(dout.shape)}`,
    );
  }
  return out.data;
}

function dot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += (a[i] as number) * (b[i] as number);
  return s;
}
