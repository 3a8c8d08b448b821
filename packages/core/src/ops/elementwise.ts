/**
 * Elementwise ops. Binary ops broadcast like numpy (`[N, T, H] + [H]`); their backward sums
 * the gradient back down to each input's shape. Each op's derivative sits beside its forward:
 * for z = f(x, y), dL/dx = dL/dz * ∂f/∂x.
 *
 * The loops are written out per op rather than calling a function per element: in V8 a
 * callback shared by several ops is not inlined, and the call cost more than the arithmetic
 * (profiled on chapter 1's and chapter 2's training steps). Broadcast inputs are read in place
 * (`broadcastBlocks`), and a broadcast input's gradient is summed straight into a buffer of its
 * own size.
 */
import { accumulate, passGradient, record } from '../autograd';
import { broadcastBlocks, broadcastShapes } from '../broadcast';
import type { BlockRead } from '../broadcast';
import { outputBuffer, zeroBuffer } from '../buffers';
import { getActivationKernel } from '../kernels/activations';
import { Tensor, sameShape, shapeSize } from '../tensor';

/** A number operand becomes a constant scalar tensor (shape `[]`, no gradient). */
function asTensor(x: Tensor | number): Tensor {
  return typeof x === 'number' ? new Tensor(new Float64Array([x]), []) : x;
}

/** How an input of the output's own shape is read: one block, from its first value on. */
const RUN_FROM_ZERO: BlockRead = { starts: new Int32Array(1), step: 1 };

/** The four binary ops, as codes for the loops below. */
const ADD = 0;
const SUB = 1;
const MUL = 2;
const DIV = 3;
type BinaryCode = typeof ADD | typeof SUB | typeof MUL | typeof DIV;

// The backward loops of the hot ops, as functions of their arrays: a loop inside a backward
// closure reads the arrays it captured from the closure's context on every pass, and ran about
// 1.5 times slower in V8 than the same loop here, with the arrays in registers.

/** out[k] = g[k] · v[k], k < n (the gradient of a product with respect to one factor). */
function productInto(out: Float64Array, g: Float64Array, v: Float64Array, n: number): void {
  for (let k = 0; k < n; k++) out[k] = g[k] * v[k];
}

/** out[k] = −g[k], k < n. */
function negativeInto(out: Float64Array, g: Float64Array, n: number): void {
  for (let k = 0; k < n; k++) out[k] = -g[k];
}

/** out[k] = g[k] / y[k] (as g · (1/y)), k < n: d(x/y)/dx. */
function quotientGradInto(out: Float64Array, g: Float64Array, y: Float64Array, n: number): void {
  for (let k = 0; k < n; k++) out[k] = g[k] * (1 / y[k]);
}

/** out[k] = −g[k] z[k] / y[k], k < n: d(x/y)/dy with z = x/y. */
function divisorGradInto(
  out: Float64Array,
  g: Float64Array,
  z: Float64Array,
  y: Float64Array,
  n: number,
): void {
  for (let k = 0; k < n; k++) out[k] = g[k] * (-z[k] / y[k]);
}

/** gx[k] = g[k] (1 − y[k]²): the backward of y = tanh(x). */
function tanhGradInto(gx: Float64Array, g: Float64Array, y: Float64Array): void {
  for (let k = 0; k < gx.length; k++) gx[k] = g[k] * (1 - y[k] * y[k]);
}

/** gx[k] = g[k] y[k] (1 − y[k]): the backward of y = σ(x). */
function sigmoidGradInto(gx: Float64Array, g: Float64Array, y: Float64Array): void {
  for (let k = 0; k < gx.length; k++) gx[k] = g[k] * (y[k] * (1 - y[k]));
}

/** gx[k] = g[k] · 2x[k]: the backward of y = x². */
function squareGradInto(gx: Float64Array, g: Float64Array, x: Float64Array): void {
  for (let k = 0; k < gx.length; k++) gx[k] = g[k] * (2 * x[k]);
}

/**
 * z = x ∘ y with broadcasting, ∘ one of + − × ÷ (`code`). Backward, for g = dL/dz:
 *
 *   add: dx = g,      dy = g
 *   sub: dx = g,      dy = −g
 *   mul: dx = g y,    dy = g x
 *   div: dx = g / y,  dy = −g z / y   (d(x/y)/dy = −x/y² = −z/y)
 *
 * each summed over the positions an input was repeated to (its broadcast).
 */
function binary(op: string, code: BinaryCode, a: Tensor | number, b: Tensor | number): Tensor {
  const A = asTensor(a);
  const B = asTensor(b);
  const shape = broadcastShapes(op, A.shape, B.shape);
  // Equal shapes (the common case) are one block in which both inputs run: no need to work out
  // the blocks of a broadcast.
  const { outer, inner, reads } = sameShape(A.shape, B.shape)
    ? { outer: 1, inner: A.size, reads: [RUN_FROM_ZERO, RUN_FROM_ZERO] }
    : broadcastBlocks(shape, [A.shape, B.shape]);
  const { starts: startsA, step: sa } = reads[0];
  const { starts: startsB, step: sb } = reads[1];
  const x = A.data;
  const y = B.data;
  const z = outputBuffer(shapeSize(shape));
  for (let o = 0, k = 0; o < outer; o++) {
    let i = startsA[o];
    let j = startsB[o];
    const end = k + inner;
    if (code === ADD) for (; k < end; k++, i += sa, j += sb) z[k] = x[i] + y[j];
    else if (code === SUB) for (; k < end; k++, i += sa, j += sb) z[k] = x[i] - y[j];
    else if (code === MUL) for (; k < end; k++, i += sa, j += sb) z[k] = x[i] * y[j];
    else for (; k < end; k++, i += sa, j += sb) z[k] = x[i] / y[j];
  }
  return record(new Tensor(z, shape), op, [A, B], (g) => {
    // An input of the output's size gets one gradient entry per output entry, in order.
    const n = z.length;
    if (A.requiresGrad) {
      if (A.size === n && (code === ADD || code === SUB)) {
        passGradient(A, g); // dx = g, same shape: nothing to compute
      } else if (A.size === n && B.size === n) {
        const gx = outputBuffer(n);
        if (code === MUL) productInto(gx, g, y, n);
        else quotientGradInto(gx, g, y, n);
        accumulate(A, gx, true);
      } else {
        const gx = zeroBuffer(A.size); // summed into in place: the broadcast's backward
        for (let o = 0, k = 0; o < outer; o++) {
          let i = startsA[o];
          let j = startsB[o];
          const end = k + inner;
          if (code === ADD || code === SUB) for (; k < end; k++, i += sa) gx[i] += g[k];
          else if (code === MUL) for (; k < end; k++, i += sa, j += sb) gx[i] += g[k] * y[j];
          else for (; k < end; k++, i += sa, j += sb) gx[i] += g[k] * (1 / y[j]);
        }
        accumulate(A, gx, true);
      }
    }
    if (B.requiresGrad) {
      if (B.size === n && code === ADD) {
        passGradient(B, g);
      } else if (B.size === n && A.size === n) {
        const gy = outputBuffer(n);
        if (code === SUB) negativeInto(gy, g, n);
        else if (code === MUL) productInto(gy, g, x, n);
        else divisorGradInto(gy, g, z, y, n);
        accumulate(B, gy, true);
      } else {
        const gy = zeroBuffer(B.size);
        for (let o = 0, k = 0; o < outer; o++) {
          let i = startsA[o];
          let j = startsB[o];
          const end = k + inner;
          if (code === ADD) for (; k < end; k++, j += sb) gy[j] += g[k];
          else if (code === SUB) for (; k < end; k++, j += sb) gy[j] -= g[k];
          else if (code === MUL) for (; k < end; k++, i += sa, j += sb) gy[j] += g[k] * x[i];
          else for (; k < end; k++, j += sb) gy[j] += g[k] * (-z[k] / y[j]);
        }
        accumulate(B, gy, true);
      }
    }
  });
}

/**
 * y = f(x) elementwise; dfdx gives dy/dx at (x, y). For the ops used less often: the hot ones
 * (tanh, sigmoid, square) have their own loops.
 */
function unary(
  op: string,
  a: Tensor,
  f: (x: number) => number,
  dfdx: (x: number, y: number) => number,
): Tensor {
  const x = a.data;
  const n = x.length;
  const y = outputBuffer(n);
  for (let k = 0; k < n; k++) y[k] = f(x[k]);
  return record(new Tensor(y, a.shape), op, [a], (g) => {
    const gx = outputBuffer(n);
    for (let k = 0; k < n; k++) gx[k] = g[k] * dfdx(x[k], y[k]);
    accumulate(a, gx, true);
  });
}

/**
 * a + b, broadcasting. Either side may be a number (a constant).
 *
 * @returns shape broadcast(a.shape, b.shape), e.g. `[N, T, H] + [H] -> [N, T, H]`
 */
export function add(a: Tensor | number, b: Tensor | number): Tensor {
  return binary('add', ADD, a, b);
}

/** a - b, broadcasting (`sub(1, z)` is 1 - z). @returns shape broadcast(a.shape, b.shape) */
export function sub(a: Tensor | number, b: Tensor | number): Tensor {
  return binary('sub', SUB, a, b);
}

/** a ⊙ b (elementwise product), broadcasting. @returns shape broadcast(a.shape, b.shape) */
export function mul(a: Tensor | number, b: Tensor | number): Tensor {
  return binary('mul', MUL, a, b);
}

/** a / b elementwise, broadcasting. @returns shape broadcast(a.shape, b.shape) */
export function div(a: Tensor | number, b: Tensor | number): Tensor {
  return binary('div', DIV, a, b);
}

/** -a. @returns shape of a */
export function neg(a: Tensor): Tensor {
  return unary(
    'neg',
    a,
    (x) => -x,
    () => -1,
  );
}

/** s * a for a constant number s. @returns shape of a */
export function scale(a: Tensor, s: number): Tensor {
  return unary(
    'scale',
    a,
    (x) => s * x,
    () => s,
  );
}

/** e^a elementwise. @returns shape of a */
export function exp(a: Tensor): Tensor {
  return unary('exp', a, Math.exp, (_x, y) => y);
}

/** Natural log elementwise. @returns shape of a */
export function log(a: Tensor): Tensor {
  return unary('log', a, Math.log, (x) => 1 / x);
}

/** Square root elementwise. @returns shape of a */
export function sqrt(a: Tensor): Tensor {
  return unary('sqrt', a, Math.sqrt, (_x, y) => 0.5 / y);
}

/** a^2 elementwise (a loss's square error, so its own loop). @returns shape of a */
export function square(a: Tensor): Tensor {
  const x = a.data;
  const y = outputBuffer(x.length);
  for (let k = 0; k < x.length; k++) y[k] = x[k] * x[k];
  return record(new Tensor(y, a.shape), 'square', [a], (g) => {
    const gx = outputBuffer(x.length);
    squareGradInto(gx, g, x);
    accumulate(a, gx, true);
  });
}

/** a^p elementwise for a constant exponent p. @returns shape of a */
export function pow(a: Tensor, p: number): Tensor {
  return unary(
    'pow',
    a,
    (x) => x ** p,
    (x) => (p === 0 ? 0 : p * x ** (p - 1)),
  );
}

/** |a| elementwise; its derivative is sign(a), taken as 0 at 0. @returns shape of a */
export function abs(a: Tensor): Tensor {
  return unary('abs', a, Math.abs, (x) => Math.sign(x));
}

/**
 * tanh elementwise, by the current activation kernel (kernels/activations.ts: WebAssembly SIMD
 * where it runs, Math.tanh otherwise); d tanh(x)/dx = 1 - tanh(x)^2.
 *
 * @returns shape of a
 */
export function tanh(a: Tensor): Tensor {
  const x = a.data;
  const y = outputBuffer(x.length);
  getActivationKernel().tanh(x, y);
  return record(new Tensor(y, a.shape), 'tanh', [a], (g) => {
    const gx = outputBuffer(x.length);
    tanhGradInto(gx, g, y);
    accumulate(a, gx, true);
  });
}

/**
 * The logistic sigmoid σ(x) = 1 / (1 + e^-x), computed without overflow: for x < 0 it uses
 * e^x / (1 + e^x), so e^(-x) is never evaluated at large |x|. By the current activation kernel
 * (kernels/activations.ts: WebAssembly SIMD where it runs, `sigmoidOf` otherwise).
 * dσ/dx = σ (1 - σ).
 *
 * @returns shape of a
 */
export function sigmoid(a: Tensor): Tensor {
  const x = a.data;
  const y = outputBuffer(x.length);
  getActivationKernel().sigmoid(x, y);
  return record(new Tensor(y, a.shape), 'sigmoid', [a], (g) => {
    const gx = outputBuffer(x.length);
    sigmoidGradInto(gx, g, y);
    accumulate(a, gx, true);
  });
}

/** σ(x) for one number, stable for any x (see `sigmoid`). */
export { sigmoidOf } from '../kernels/activations';

/** max(a, 0) elementwise; its derivative is taken as 0 at 0. @returns shape of a */
export function relu(a: Tensor): Tensor {
  return unary(
    'relu',
    a,
    (x) => (x > 0 ? x : 0),
    (x) => (x > 0 ? 1 : 0),
  );
}
