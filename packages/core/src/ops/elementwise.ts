/**
 * Elementwise ops. Binary ops broadcast like numpy (`[N, T, H] + [H]`); their backward sums
 * the gradient back down to each input's shape. Each op's derivative sits beside its forward:
 * for z = f(x, y), dL/dx = dL/dz * ∂f/∂x.
 */
import { accumulate, record } from '../autograd';
import { broadcastOffsets, broadcastShapes, sumToShape } from '../broadcast';
import { Tensor, shapeSize } from '../tensor';

/** A number operand becomes a constant scalar tensor (shape `[]`, no gradient). */
function asTensor(x: Tensor | number): Tensor {
  return typeof x === 'number' ? new Tensor(new Float64Array([x]), []) : x;
}

type Binary = (x: number, y: number) => number;
type Partial = (x: number, y: number, z: number) => number;

/** z = f(x, y) with broadcasting; dfdx and dfdy give ∂z/∂x and ∂z/∂y at (x, y, z). */
function binary(
  op: string,
  a: Tensor | number,
  b: Tensor | number,
  f: Binary,
  dfdx: Partial,
  dfdy: Partial,
): Tensor {
  const A = asTensor(a);
  const B = asTensor(b);
  const shape = broadcastShapes(op, A.shape, B.shape);
  const ia = broadcastOffsets(shape, A.shape);
  const ib = broadcastOffsets(shape, B.shape);
  const x = A.data;
  const y = B.data;
  const n = shapeSize(shape);
  const z = new Float64Array(n);
  for (let k = 0; k < n; k++) z[k] = f(x[ia === null ? k : ia[k]], y[ib === null ? k : ib[k]]);
  return record(new Tensor(z, shape), op, [A, B], (g) => {
    if (A.requiresGrad) {
      const gx = new Float64Array(n);
      for (let k = 0; k < n; k++) {
        gx[k] = g[k] * dfdx(x[ia === null ? k : ia[k]], y[ib === null ? k : ib[k]], z[k]);
      }
      accumulate(A, sumToShape(gx, shape, A.shape));
    }
    if (B.requiresGrad) {
      const gy = new Float64Array(n);
      for (let k = 0; k < n; k++) {
        gy[k] = g[k] * dfdy(x[ia === null ? k : ia[k]], y[ib === null ? k : ib[k]], z[k]);
      }
      accumulate(B, sumToShape(gy, shape, B.shape));
    }
  });
}

/** y = f(x) elementwise; dfdx gives dy/dx at (x, y). */
function unary(
  op: string,
  a: Tensor,
  f: (x: number) => number,
  dfdx: (x: number, y: number) => number,
): Tensor {
  const x = a.data;
  const n = x.length;
  const y = new Float64Array(n);
  for (let k = 0; k < n; k++) y[k] = f(x[k]);
  return record(new Tensor(y, a.shape), op, [a], (g) => {
    const gx = new Float64Array(n);
    for (let k = 0; k < n; k++) gx[k] = g[k] * dfdx(x[k], y[k]);
    accumulate(a, gx);
  });
}

/**
 * a + b, broadcasting. Either side may be a number (a constant).
 *
 * @returns shape broadcast(a.shape, b.shape), e.g. `[N, T, H] + [H] -> [N, T, H]`
 */
export function add(a: Tensor | number, b: Tensor | number): Tensor {
  return binary(
    'add',
    a,
    b,
    (x, y) => x + y,
    () => 1,
    () => 1,
  );
}

/** a - b, broadcasting (`sub(1, z)` is 1 - z). @returns shape broadcast(a.shape, b.shape) */
export function sub(a: Tensor | number, b: Tensor | number): Tensor {
  return binary(
    'sub',
    a,
    b,
    (x, y) => x - y,
    () => 1,
    () => -1,
  );
}

/** a ⊙ b (elementwise product), broadcasting. @returns shape broadcast(a.shape, b.shape) */
export function mul(a: Tensor | number, b: Tensor | number): Tensor {
  return binary(
    'mul',
    a,
    b,
    (x, y) => x * y,
    (_x, y) => y,
    (x) => x,
  );
}

/** a / b elementwise, broadcasting. @returns shape broadcast(a.shape, b.shape) */
export function div(a: Tensor | number, b: Tensor | number): Tensor {
  // d(x/y)/dx = 1/y, d(x/y)/dy = -x/y^2 = -z/y
  return binary(
    'div',
    a,
    b,
    (x, y) => x / y,
    (_x, y) => 1 / y,
    (_x, y, z) => -z / y,
  );
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

/** a^2 elementwise. @returns shape of a */
export function square(a: Tensor): Tensor {
  return unary(
    'square',
    a,
    (x) => x * x,
    (x) => 2 * x,
  );
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

/** tanh elementwise; d tanh(x)/dx = 1 - tanh(x)^2. @returns shape of a */
export function tanh(a: Tensor): Tensor {
  return unary('tanh', a, Math.tanh, (_x, y) => 1 - y * y);
}

/**
 * The logistic sigmoid σ(x) = 1 / (1 + e^-x), computed without overflow: for x < 0 it uses
 * e^x / (1 + e^x), so e^(-x) is never evaluated at large |x|. dσ/dx = σ (1 - σ).
 *
 * @returns shape of a
 */
export function sigmoid(a: Tensor): Tensor {
  return unary('sigmoid', a, sigmoidOf, (_x, y) => y * (1 - y));
}

/** σ(x) for one number, stable for any x (see `sigmoid`). */
export function sigmoidOf(x: number): number {
  if (x >= 0) return 1 / (1 + Math.exp(-x));
  const e = Math.exp(x);
  return e / (1 + e);
}

/** max(a, 0) elementwise; its derivative is taken as 0 at 0. @returns shape of a */
export function relu(a: Tensor): Tensor {
  return unary(
    'relu',
    a,
    (x) => (x > 0 ? x : 0),
    (x) => (x > 0 ? 1 : 0),
  );
}
