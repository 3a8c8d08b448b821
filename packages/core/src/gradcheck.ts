/**
 * Gradient checking: compare autograd's (or a hand-written) gradient with central finite
 * differences, (f(x + h e_i) - f(x - h e_i)) / 2h, whose error is O(h²) (plus rounding of
 * about 1e-16 |f| / h). In float64 the best step is near 1e-5 (chapter 0, "Choosing the step h"),
 * where a correct gradient agrees to about 1e-10 absolute.
 *
 * `gradcheck` follows `torch.autograd.gradcheck`: an element passes when
 * |analytic - numeric| <= atol + rtol |numeric| (the test of allclose). Its 'full' mode
 * differentiates vᵀ f(x) (v random) with respect to every input element; its
 * 'random-direction' mode compares directional derivatives vᵀ J u with
 * (vᵀ f(x + εu) - vᵀ f(x - εu)) / 2ε for a few random unit vectors u per input, as PyTorch's
 * fast mode does with one.
 *
 * The defaults are tighter than PyTorch's (eps 1e-6, atol 1e-5, rtol 1e-3), which let a
 * gradient off by 0.1% pass: here eps 1e-5, atol 1e-8, rtol 1e-6, what float64 and central
 * differences allow. Chapter 0, "Absolute and relative tolerance", says why.
 */
import { noGrad } from './autograd';
import { maxRelError } from './compare';
import { formatShape, ShapeError } from './errors';
import { centralDifferences } from './finite-differences';
import { Rng } from './random';
import { Tensor, sameShape, stridesOf } from './tensor';

/**
 * Central-difference gradient of a scalar function of x: entry i is
 * (f(x + h e_i) - f(x - h e_i)) / 2h. Perturbs x.data in place and restores it; f runs with
 * grad recording off.
 *
 * @param f reads x (by closure) and returns a number
 * @param x the tensor to differentiate against, any shape
 * @returns df/dx, the shape of x
 */
export function numericalGradient(f: () => number, x: Tensor, h = 1e-5): Tensor {
  return noGrad(() => {
    const steps = centralDifferences(x, h);
    let step = steps.next();
    while (!step.done) step = steps.next(f());
    return step.value;
  });
}

/**
 * Central-difference gradient of sum(f() ⊙ dout) with respect to x: the vector-Jacobian
 * product a backward pass computes for upstream gradient dout.
 *
 * @param f reads x (by closure) and returns a tensor of dout's shape
 * @param x any shape
 * @param dout the upstream gradient, shape of f()
 * @returns the shape of x
 */
export function numericalGradientOfOutput(
  f: () => Tensor,
  x: Tensor,
  dout: Tensor,
  h = 1e-5,
): Tensor {
  return numericalGradient(
    () => dot(checkedOutput('numericalGradientOfOutput', f(), dout), dout.data),
    x,
    h,
  );
}

function checkedOutput(op: string, out: Tensor, dout: Tensor): Float64Array {
  if (!sameShape(out.shape, dout.shape)) {
    throw new ShapeError(
      op,
      `f() of the shape of dout ${formatShape(dout.shape)}`,
      formatShape(out.shape),
    );
  }
  return out.data;
}

function dot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
}

/** The default tolerances of `gradcheck`: float64 with central differences (see the module doc). */
export const GRADCHECK_DEFAULTS = {
  eps: 1e-5,
  atol: 1e-8,
  rtol: 1e-6,
  directions: 16,
} as const;

/** Options of `gradcheck` (defaults: `GRADCHECK_DEFAULTS`). */
export interface GradcheckOptions {
  /** finite-difference step, default 1e-5 (PyTorch: 1e-6) */
  eps?: number;
  /** absolute tolerance, default 1e-8 (PyTorch: 1e-5) */
  atol?: number;
  /** relative tolerance, default 1e-6 (PyTorch: 1e-3) */
  rtol?: number;
  /** 'full' (default): every element; 'random-direction': a few directional derivatives per input */
  mode?: 'full' | 'random-direction';
  /**
   * Random unit directions u per input in 'random-direction' mode, default 16. Each costs two
   * evaluations of f. See `gradcheck` for what a number of directions can and cannot catch.
   */
  directions?: number;
  /** draws the output weights v (and directions u); default `new Rng(0)` */
  rng?: Rng;
  /** names of the inputs in the report, default 'input0', 'input1', ... */
  names?: readonly string[];
}

/** The result for one input of `gradcheck`. */
export interface GradcheckInputReport {
  name: string;
  /** CS231n relative error between analytic and numeric, max over elements (or directions) */
  maxRelError: number;
  /** where maxRelError is reached (often a tiny entry, not the worst element) */
  maxRelErrorIndex: number[];
  /** allclose(analytic, numeric, atol, rtol) */
  ok: boolean;
  /**
   * The "worst" element: the one with the largest |a - n| / (atol + rtol |n|), the one furthest
   * outside (or least inside) the tolerance. Not necessarily the element of `maxRelError`. In
   * 'random-direction' mode, `[d]` names the direction d.
   */
  worstIndex: number[];
  /** |a - n| / (atol + rtol |n|) at worstIndex: above 1 fails, at most 1 passes */
  worstRatio: number;
  /** the analytic value at worstIndex (the directional derivative in random-direction mode) */
  analytic: number;
  /** the numeric value at worstIndex */
  numeric: number;
}

/** The result of `gradcheck`: ok when every checked input is ok. */
export interface GradcheckReport {
  ok: boolean;
  inputs: GradcheckInputReport[];
  /** the tolerances used */
  eps: number;
  atol: number;
  rtol: number;
  mode: 'full' | 'random-direction';
}

/**
 * Checks the gradients autograd gives for f against central differences.
 *
 * The inputs checked are those with `requiresGrad` (all of them if none has it). f runs on
 * copies, so the inputs are left untouched. The output may have any shape: the check is on
 * L = sum(v ⊙ f(inputs)) for a random v.
 *
 * 'full' mode compares every element of dL/dx (2 evaluations of f per element). With the
 * default tolerances it flags a gradient off by 0.1% anywhere its entries exceed about 1e-5.
 *
 * 'random-direction' mode compares, for each of `directions` random unit vectors u, the
 * directional derivative (dL/dx)·u with the central difference of L along u: 2 evaluations of f
 * per direction, whatever the size of x. An error δ in one element k shows up in direction u as
 * δ u_k, against a tolerance of about rtol |(dL/dx)·u|; both are spread over all n elements, so
 * for that element the test is about ‖dL/dx‖ / |dL/dx_k| times less sensitive than 'full' mode.
 * One direction misses it with probability about (2/π) arctan(rtol ‖dL/dx‖ / |δ|), k directions
 * with that probability to the power k. For a 16×32 weight, one element of the gradient 0.1%
 * too large is caught by 1 direction in 277 of 300 seeded cases, by 4 in 299, by the default 16
 * in all 300 (chapter 0, "Random directions"). No number of directions catches an error much
 * smaller than rtol ‖dL/dx‖ in a single element: use 'full' mode to rule those out.
 *
 * @param f a differentiable function of the inputs, built from core ops
 * @param inputs tensors of any shapes
 * @returns per checked input: maxRelError, ok, and the worst element's index, ratio and values
 */
export function gradcheck(
  f: (...inputs: Tensor[]) => Tensor,
  inputs: readonly Tensor[],
  opts: GradcheckOptions = {},
): GradcheckReport {
  const {
    eps = GRADCHECK_DEFAULTS.eps,
    atol = GRADCHECK_DEFAULTS.atol,
    rtol = GRADCHECK_DEFAULTS.rtol,
    directions = GRADCHECK_DEFAULTS.directions,
    mode = 'full',
    rng = new Rng(0),
  } = opts;
  if (!Number.isInteger(directions) || directions < 1) {
    throw new RangeError(`gradcheck: directions must be an integer >= 1, received ${directions}`);
  }
  const anyMarked = inputs.some((t) => t.requiresGrad);
  const checked = inputs.map((t) => !anyMarked || t.requiresGrad);
  const xs = inputs.map((t, i) => new Tensor(t.data.slice(), t.shape, checked[i]));
  const name = (i: number): string => opts.names?.[i] ?? `input${i}`;

  // Analytic: one backward pass of L = sum(v ⊙ f(xs)).
  const out = f(...xs);
  const v = new Float64Array(out.size);
  for (let k = 0; k < v.length; k++) v[k] = rng.normal();
  if (out.requiresGrad) out.backward(new Tensor(v, out.shape));
  const L = (): number => dot(checkedOutput('gradcheck', f(...xs), new Tensor(v, out.shape)), v);

  const reports: GradcheckInputReport[] = [];
  xs.forEach((x, i) => {
    if (!checked[i]) return;
    const analytic = x.grad?.data ?? new Float64Array(x.size);
    if (mode === 'full') {
      const numeric = numericalGradient(L, x, eps).data;
      reports.push(compare(name(i), analytic, numeric, x.shape, atol, rtol));
      return;
    }
    // Random directions: unit vectors, so that the step along u has length eps, as in 'full'.
    const base = x.data.slice();
    const along = new Float64Array(directions); // (dL/dx)·u per direction
    const numeric = new Float64Array(directions);
    for (let d = 0; d < directions; d++) {
      const u = unitVector(x.size, rng);
      const at = (sign: number): number => {
        for (let k = 0; k < u.length; k++) x.data[k] = base[k]! + sign * eps * u[k]!;
        return noGrad(L);
      };
      numeric[d] = (at(1) - at(-1)) / (2 * eps);
      along[d] = dot(analytic, u);
    }
    x.data.set(base);
    reports.push(compare(name(i), along, numeric, [directions], atol, rtol));
  });
  return { ok: reports.every((r) => r.ok), inputs: reports, eps, atol, rtol, mode };
}

/** A vector of n standard normal draws divided by its norm: uniform on the unit sphere. */
function unitVector(n: number, rng: Rng): Float64Array {
  const u = new Float64Array(n);
  for (let k = 0; k < n; k++) u[k] = rng.normal();
  const norm = Math.sqrt(dot(u, u));
  for (let k = 0; k < n; k++) u[k] = u[k]! / norm;
  return u;
}

/** allclose and CS231n error between analytic and numeric, with the worst element. */
function compare(
  name: string,
  analytic: Float64Array,
  numeric: Float64Array,
  shape: readonly number[],
  atol: number,
  rtol: number,
): GradcheckInputReport {
  let worst = 0;
  let worstRatio = -1;
  let ok = true;
  let largestRel = 0;
  let largestRelError = -1;
  for (let k = 0; k < analytic.length; k++) {
    const a = analytic[k]!;
    const n = numeric[k]!;
    // the CS231n relative error of this element, as in maxRelError
    const rel = Math.abs(a - n) / Math.max(1e-8, Math.abs(a) + Math.abs(n));
    if (!(rel <= largestRelError)) {
      largestRelError = rel;
      largestRel = k;
    }
    // how far outside (> 1) or inside (<= 1) the tolerance atol + rtol |n| this element is
    const ratio = Math.abs(a - n) / (atol + rtol * Math.abs(n));
    if (!(ratio <= 1)) ok = false;
    if (!(ratio <= worstRatio)) {
      worstRatio = ratio;
      worst = k;
    }
  }
  const strides = stridesOf(shape);
  const indexOf = (flat: number): number[] =>
    shape.map((d, axis) => Math.floor(flat / strides[axis]!) % d);
  const worstIndex = indexOf(worst);
  return {
    name,
    maxRelError: maxRelError(
      new Tensor(analytic, [analytic.length]),
      new Tensor(numeric, [numeric.length]),
    ),
    maxRelErrorIndex: indexOf(largestRel),
    ok,
    worstIndex,
    worstRatio: Math.max(worstRatio, 0),
    analytic: analytic[worst] ?? 0,
    numeric: numeric[worst] ?? 0,
  };
}

/**
 * A readable summary of a gradcheck report (for test failure messages): the verdict and the
 * tolerances, what "worst" means, then one line per input.
 */
export function formatGradcheckReport(report: GradcheckReport): string {
  const where = report.mode === 'full' ? 'element' : 'direction';
  const header = [
    `gradcheck ${report.ok ? 'passed' : 'failed'} (${report.mode}, eps ${short(report.eps)}, ` +
      `atol ${short(report.atol)}, rtol ${short(report.rtol)})`,
    `  worst = the ${where} with the largest |a - n| / tol, tol = atol + rtol |n|; above 1 fails`,
  ];
  const lines = report.inputs.map(
    (r) =>
      `${r.ok ? 'ok  ' : 'FAIL'} ${r.name}: maxRelError ${r.maxRelError.toExponential(2)} ` +
      `at ${formatShape(r.maxRelErrorIndex)}; ` +
      `worst ${formatShape(r.worstIndex)}, |a - n| / tol ${r.worstRatio.toExponential(1)}: ` +
      `analytic ${r.analytic}, numeric ${r.numeric}`,
  );
  return [...header, ...lines].join('\n');
}

/** 1e-5 rather than 0.00001. */
function short(x: number): string {
  return x !== 0 && Math.abs(x) < 1e-3 ? x.toExponential() : String(x);
}
