/**
 * Gradient checking: compare autograd's (or a hand-written) gradient with central finite
 * differences, (f(x + h e_i) - f(x - h e_i)) / 2h, whose error is O(h²) (plus rounding of
 * about 1e-16 / h). In float64 with h = 1e-5 or 1e-6 a correct gradient agrees to about 1e-8.
 *
 * `gradcheck` follows `torch.autograd.gradcheck`: it passes when analytic and numeric agree
 * by allclose(atol, rtol). Its 'full' mode differentiates vᵀ f(x) (v random) with respect to
 * every input element; its 'random-direction' mode compares a single directional derivative
 * vᵀ J u with (vᵀ f(x + εu) - vᵀ f(x - εu)) / 2ε per input, as PyTorch's fast mode does.
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

/** Options of `gradcheck` (defaults are torch.autograd.gradcheck's). */
export interface GradcheckOptions {
  /** finite-difference step, default 1e-6 */
  eps?: number;
  /** absolute tolerance, default 1e-5 */
  atol?: number;
  /** relative tolerance, default 1e-3 */
  rtol?: number;
  /** 'full' (default): every element; 'random-direction': one directional derivative per input */
  mode?: 'full' | 'random-direction';
  /** draws the output weights v (and directions u); default `new Rng(0)` */
  rng?: Rng;
  /** names of the inputs in the report, default 'input0', 'input1', ... */
  names?: readonly string[];
}

/** The result for one input of `gradcheck`. */
export interface GradcheckInputReport {
  name: string;
  /** CS231n relative error between analytic and numeric, max over elements */
  maxRelError: number;
  /** allclose(analytic, numeric, atol, rtol) */
  ok: boolean;
  /** the element furthest outside the tolerance ([] in random-direction mode) */
  worstIndex: number[];
  /** the analytic value at worstIndex (the directional derivative in random-direction mode) */
  analytic: number;
  /** the numeric value at worstIndex */
  numeric: number;
}

/** The result of `gradcheck`: ok when every checked input is ok. */
export interface GradcheckReport {
  ok: boolean;
  inputs: GradcheckInputReport[];
}

/**
 * Checks the gradients autograd gives for f against central differences.
 *
 * The inputs checked are those with `requiresGrad` (all of them if none has it). f runs on
 * copies, so the inputs are left untouched. The output may have any shape: the check is on
 * L = sum(v ⊙ f(inputs)) for a random v.
 *
 * @param f a differentiable function of the inputs, built from core ops
 * @param inputs tensors of any shapes
 * @returns per checked input: maxRelError, ok, and the worst element's index and values
 */
export function gradcheck(
  f: (...inputs: Tensor[]) => Tensor,
  inputs: readonly Tensor[],
  opts: GradcheckOptions = {},
): GradcheckReport {
  const { eps = 1e-6, atol = 1e-5, rtol = 1e-3, mode = 'full', rng = new Rng(0) } = opts;
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
    } else {
      const u = new Float64Array(x.size);
      for (let k = 0; k < u.length; k++) u[k] = rng.normal();
      const base = x.data.slice();
      const at = (sign: number): number => {
        for (let k = 0; k < u.length; k++) x.data[k] = base[k]! + sign * eps * u[k]!;
        return noGrad(L);
      };
      const numeric = (at(1) - at(-1)) / (2 * eps);
      x.data.set(base);
      const r = compare(
        name(i),
        new Float64Array([dot(analytic, u)]),
        new Float64Array([numeric]),
        [],
        atol,
        rtol,
      );
      reports.push(r);
    }
  });
  return { ok: reports.every((r) => r.ok), inputs: reports };
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
  let worstExcess = -1;
  let ok = true;
  for (let k = 0; k < analytic.length; k++) {
    const a = analytic[k]!;
    const n = numeric[k]!;
    // how far outside (> 1) or inside (<= 1) the tolerance atol + rtol |n| this element is
    const excess = Math.abs(a - n) / (atol + rtol * Math.abs(n));
    const within = excess <= 1;
    if (!within) ok = false;
    if (!(excess <= worstExcess)) {
      worstExcess = excess;
      worst = k;
    }
  }
  const strides = stridesOf(shape);
  const worstIndex = shape.map((d, axis) => Math.floor(worst / strides[axis]!) % d);
  return {
    name,
    maxRelError: maxRelError(
      new Tensor(analytic, [analytic.length]),
      new Tensor(numeric, [numeric.length]),
    ),
    ok,
    worstIndex,
    analytic: analytic[worst] ?? 0,
    numeric: numeric[worst] ?? 0,
  };
}

/** A readable summary of a gradcheck report, one line per input (for test failure messages). */
export function formatGradcheckReport(report: GradcheckReport): string {
  const lines = report.inputs.map(
    (r) =>
      `${r.ok ? 'ok  ' : 'FAIL'} ${r.name}: maxRelError ${r.maxRelError.toExponential(2)}, ` +
      `worst at ` +
      `${formatShape(r.worstIndex)}: analytic ${r.analytic}, numeric ${r.numeric}`,
  );
  return [`gradcheck ${report.ok ? 'passed' : 'failed'}`, ...lines].join('\n');
}
