/**
 * Gradient assertions: a learner's hand-written backward against central differences of
 * the learner's own forward, and against the reference's autograd gradients.
 *
 * The two comparisons catch different bugs. Finite differences need no reference, so they
 * test the backward against the forward it claims to differentiate; the reference catches a
 * backward that is consistent with a wrong forward. For a gradient through time the error is
 * measured per time step, and the pattern over steps is written out ("wrong at time steps
 * 0-3, right at step 4"), because in backpropagation through time the pattern usually points
 * at the bug (see `time-pattern.ts`).
 */
import {
  centralDifferences,
  fromData,
  mul,
  sameShape,
  sum,
  zerosLike,
  type Tensor,
} from '@rnn-course/core';
import { compareByStep, compareData, type Comparison } from './compare';
import { GradientError, GradingError, WrongShapeError, type HintOptions } from './errors';
import { describeWorst, expectFinite, expectShape } from './expect';
import { describeValue, formatIndex, isTensor, unravelIndex } from './format';
import {
  classifyTimePattern,
  describeTimePattern,
  genericDiagnosis,
  type TimePattern,
} from './time-pattern';
import { ABSOLUTE_FLOORS, TOLERANCES } from './tolerances';

/** A value, or a promise of one: learner code may run in another process. */
type MaybePromise<T> = T | Promise<T>;

/** A pair of numbers, one for each comparison `expectGradients` makes. */
export interface PerComparison {
  /** Against central differences (`numeric`). */
  numeric?: number;
  /** Against the reference's gradients (`reference`). */
  reference?: number;
}

/** Options of `expectGradients`. */
export interface GradientOptions extends HintOptions {
  /** The backward's name in the message: 'rnnBackward'. */
  what: string;
  /** The learner's gradients, keyed 'd' + input name: { dx, dh0, dWx, dWh, db }. */
  analytic: Record<string, Tensor>;
  /** Central differences of the learner's forward (`numericGradients`). */
  numeric?: Record<string, Tensor>;
  /** The reference's gradients (`referenceGradients`). */
  reference?: Record<string, Tensor>;
  /** Time axis per gradient that runs over time: { dx: 1 } for dx [N, T, D]. */
  timeAxis?: Record<string, number>;
  /**
   * Relative tolerance: one number for both comparisons, or one each. Defaults:
   * `TOLERANCES.numeric` and `TOLERANCES.gradient`.
   */
  tol?: number | PerComparison;
  /** Absolute floors for near-zero elements; defaults `ABSOLUTE_FLOORS`. */
  atol?: PerComparison;
  /** Accept gradient keys neither `numeric` nor `reference` has (default false). */
  allowExtra?: boolean;
}

/**
 * Asserts that the learner's gradients match, per name, central differences and/or the
 * reference's gradients. Reports every gradient that fails, in one error: missing and extra
 * keys by name; for a gradient with a time axis the pattern of wrong steps and what it usually
 * means (unless the suite's `explain` reads the failure itself, from the patterns it is given);
 * for a gradient without one (a parameter's, summed over time) "wrong overall" and the worst
 * index. Each gradient: shape as the expected one, e.g. dx [N, T, D], dWh [H, H].
 */
export function expectGradients(options: GradientOptions): void {
  const { what, numeric, reference } = options;
  if (numeric === undefined && reference === undefined) {
    throw new Error(
      `expectGradients(${what}): give numeric or reference gradients to compare with`,
    );
  }
  const expectedNames = [
    ...new Set([...Object.keys(reference ?? {}), ...Object.keys(numeric ?? {})]),
  ];
  const analytic: unknown = options.analytic;
  if (
    typeof analytic !== 'object' ||
    analytic === null ||
    Array.isArray(analytic) ||
    isTensor(analytic)
  ) {
    throw new GradientError(
      what,
      `${what}: expected an object of gradients { ${expectedNames.join(', ')} }, ` +
        `received ${describeValue(analytic)}`,
      expectedNames,
      options,
    );
  }
  const grads = analytic as Record<string, unknown>;
  const blocks: string[] = [];
  const failed: string[] = [];

  const present = expectedNames.filter((name) => grads[name] !== undefined);
  const missing = expectedNames.filter((name) => grads[name] === undefined);
  const extra = options.allowExtra
    ? []
    : Object.keys(grads).filter((key) => !expectedNames.includes(key) && grads[key] !== undefined);
  if (missing.length > 0) {
    failed.push(...missing);
    blocks.push(
      `missing ${plural(missing.length, 'gradient')} ${missing.join(', ')} ` +
        `(expected keys: ${expectedNames.join(', ')}; received: ${Object.keys(grads).join(', ') || 'none'})`,
    );
  }
  if (extra.length > 0) {
    failed.push(...extra);
    const guesses = extra.map((key) => {
      const near = missing.find((name) => looksLike(key, name));
      return near === undefined ? key : `${key} (did you mean ${near}?)`;
    });
    blocks.push(`unexpected ${plural(extra.length, 'gradient')} ${guesses.join(', ')}`);
  }

  const patterns: Record<string, TimePattern> = {};
  const wrong: GradientFailure[] = [];
  for (const name of present) {
    const failure = checkOne(name, grads[name], options);
    if (failure === undefined) continue;
    failed.push(name);
    wrong.push(failure);
    if (failure.pattern !== undefined) patterns[name] = failure.pattern;
  }
  if (failed.length === 0) return;
  const heading = `${what}: ${failed.length} ${plural(failed.length, 'gradient')} wrong: ${failed.join(', ')}`;
  const body = (read: boolean): string =>
    [heading, ...blocks, ...wrong.map((f) => f.block(read))].join('\n');
  throw new GradientError(what, body, failed, options, patterns);
}

/**
 * Central differences of a scalar function: d f() / d x, same shape as x. f reads x; x is
 * perturbed one element at a time (the core's `centralDifferences`) and restored, also when f
 * throws. f may return a promise (learner code), which is awaited.
 */
export async function numericGradient(
  f: () => MaybePromise<number>,
  x: Tensor,
  h = 1e-5,
): Promise<Tensor> {
  const steps = centralDifferences(x, h);
  try {
    let step = steps.next();
    while (!step.done) step = steps.next(await f());
    return step.value;
  } finally {
    steps.return(x); // restores the element being perturbed if f threw; nothing once done
  }
}

/**
 * Central differences of sum(forward(inputs) * dout) with respect to each input, restoring
 * every input afterwards (even when forward throws or writes into them).
 * forward: the learner's (or any) forward, reading its inputs from the record; inputs: named
 * tensors; dout: same shape as forward's output. Returns { ['d' + name]: shape of input }.
 * names: the inputs to differentiate (default all).
 */
export async function numericGradients(
  forward: (inputs: Record<string, Tensor>) => MaybePromise<Tensor>,
  inputs: Record<string, Tensor>,
  dout: Tensor,
  h = 1e-5,
  names: readonly string[] = Object.keys(inputs),
): Promise<Record<string, Tensor>> {
  const saved = new Map(Object.entries(inputs).map(([name, t]) => [name, t.data.slice()]));
  const weighted = async (): Promise<number> => {
    const out: unknown = await forward(inputs);
    expectShape(out, dout.shape, "the forward's output (differentiated by finite differences)");
    return sum(mul(out, dout)).item(); // sum(out * dout): its gradient is the backward's
  };
  const grads: Record<string, Tensor> = {};
  try {
    for (const name of names) {
      const x = inputs[name];
      if (x === undefined) throw new Error(`numericGradients: no input named ${name}`);
      grads[`d${name}`] = await numericGradient(weighted, x, h);
    }
  } finally {
    for (const [name, data] of saved) inputs[name]?.data.set(data);
  }
  return grads;
}

/**
 * The reference's gradients by autograd: runs `fn` on copies of the inputs that require
 * grad, back-propagates `dout` from its output and collects each copy's `.grad` under
 * 'd' + name (zeros for an input the output does not depend on). The inputs are untouched.
 * fn: takes the inputs in the record's order; dout: same shape as fn's output (omit it for a
 * scalar output, whose upstream gradient is 1).
 */
export function referenceGradients(
  fn: (...inputs: Tensor[]) => Tensor,
  inputs: Record<string, Tensor>,
  dout?: Tensor,
): Record<string, Tensor> {
  const names = Object.keys(inputs);
  const leaves = names.map((name) => {
    const x = inputs[name];
    return fromData(x.data, x.shape, { requiresGrad: true });
  });
  const out = fn(...leaves);
  if (!out.requiresGrad) {
    throw new Error('referenceGradients: the output does not depend on any input');
  }
  out.backward(dout);
  const grads: Record<string, Tensor> = {};
  names.forEach((name, i) => {
    grads[`d${name}`] = leaves[i].grad ?? zerosLike(leaves[i]);
  });
  return grads;
}

/** The three sets of gradients a backward suite compares (see `layerGradients`). */
export interface LayerGradients {
  /** The learner's backward, run on the cache of the learner's forward. */
  readonly analytic: Record<string, Tensor>;
  /** Central differences of the learner's own forward. */
  readonly numeric: Record<string, Tensor>;
  /** The chapter reference's autograd. */
  readonly reference: Record<string, Tensor>;
}

/**
 * Everything `expectGradients` needs for a layer written CS231n style: runs the learner's
 * forward and backward, differentiates the learner's forward by central differences, and
 * backpropagates `dout` through the reference. The learner's inputs are never the ones
 * perturbed. The learner's functions may return promises (they are awaited).
 *
 * @param spec.inputs    the differentiable inputs, in the order `forward` and `reference` take them
 * @param spec.dout      upstream gradient, the shape of the forward's output
 * @param spec.forward   the learner's forward, returning its output and a cache
 * @param spec.output    picks the differentiated output out of the forward's result (e.g. `r => r.h`)
 * @param spec.backward  the learner's backward; its keys are 'd' + input name
 * @param spec.reference the reference as a differentiable function of the same inputs
 * @param spec.h         finite-difference step (default 1e-5)
 */
export async function layerGradients<R extends { cache: unknown }>(spec: {
  readonly inputs: Record<string, Tensor>;
  readonly dout: Tensor;
  readonly forward: (...inputs: Tensor[]) => MaybePromise<R>;
  readonly output: (result: NoInfer<R>) => Tensor;
  readonly backward: (dout: Tensor, cache: NoInfer<R>['cache']) => MaybePromise<object>;
  readonly reference: (...inputs: Tensor[]) => Tensor;
  readonly h?: number;
}): Promise<LayerGradients> {
  const names = Object.keys(spec.inputs);
  const args = (record: Record<string, Tensor>): Tensor[] => names.map((n) => record[n]);
  const { cache } = await spec.forward(...args(spec.inputs));
  const analytic = (await spec.backward(spec.dout, cache)) as Record<string, Tensor>;
  const copies = Object.fromEntries(names.map((n) => [n, spec.inputs[n].clone()]));
  const numeric = await numericGradients(
    async (q) => spec.output(await spec.forward(...args(q))),
    copies,
    spec.dout,
    spec.h,
  );
  const reference = referenceGradients(spec.reference, spec.inputs, spec.dout);
  return { analytic, numeric, reference };
}

/** One comparison of a gradient: with what, under which tolerances. */
interface ComparisonSpec {
  against: 'reference' | 'numeric';
  /** How the message names it: 'the reference', 'finite differences'. */
  label: string;
  target: Tensor;
  tol: number;
  atol: number;
}

/** One failed gradient: its block of the message (with or without the generic reading). */
interface GradientFailure {
  readonly block: (read: boolean) => string;
  readonly pattern?: TimePattern;
}

/** One gradient's failure, or undefined when it passes. */
function checkOne(
  name: string,
  value: unknown,
  options: GradientOptions,
): GradientFailure | undefined {
  const expected = (options.reference?.[name] ?? options.numeric?.[name]) as Tensor;
  try {
    expectShape(value, expected.shape, name);
    expectFinite(value, name);
  } catch (error) {
    if (error instanceof GradingError) return { block: () => error.message };
    throw error;
  }
  const received = value as Tensor;
  const tol = perComparison(options.tol, TOLERANCES.numeric, TOLERANCES.gradient);
  const atol = perComparison(options.atol, ABSOLUTE_FLOORS.numeric, ABSOLUTE_FLOORS.reference);
  const ref = options.reference?.[name];
  const num = options.numeric?.[name];
  const checks: ComparisonSpec[] = [];
  if (ref !== undefined) {
    checks.push({
      against: 'reference',
      label: 'the reference',
      target: ref,
      tol: tol.reference,
      atol: atol.reference,
    });
  }
  if (num !== undefined) {
    checks.push({
      against: 'numeric',
      label: 'finite differences',
      target: num,
      tol: tol.numeric,
      atol: atol.numeric,
    });
  }

  const failures = checks
    .map((check) => {
      if (!sameShape(check.target.shape, expected.shape)) {
        throw new WrongShapeError(
          name,
          `expectGradients(${options.what}): the ${check.against} ${name} has shape ` +
            `${formatIndex(check.target.shape)}, the other ${formatIndex(expected.shape)}`,
          expected.shape,
          check.target.shape,
        );
      }
      return {
        ...check,
        result: compareData(received.data, check.target.data, check.tol, check.atol),
      };
    })
    .filter((check) => !check.result.ok);
  const primary = failures[0];
  if (primary === undefined) return undefined;

  // The message: what is wrong (pattern over time, or overall), against what, the worst
  // element of the first failing comparison, then what the pattern suggests.
  const against = failures.map((f) => f.label).join(' and ');
  const axis = options.timeAxis?.[name];
  let headline: string;
  let pattern: TimePattern | undefined;
  if (axis !== undefined) {
    if (!Number.isInteger(axis) || axis < 0 || axis >= expected.shape.length) {
      throw new Error(
        `expectGradients(${options.what}): timeAxis ${axis} of ${name} does not fit shape ${formatIndex(expected.shape)}`,
      );
    }
    const steps = compareByStep(
      received.data,
      primary.target.data,
      expected.shape,
      axis,
      primary.tol,
      primary.atol,
    );
    pattern = timePattern(name, steps, primary.against);
    headline = `${name}: ${describeTimePattern(pattern)} (against ${against})`;
  } else {
    headline = `${name}: wrong overall, ${outside(primary.result)} (against ${against})`;
  }
  const worst = primary.result.worst;
  const worstLine = `  ${describeWorst(
    unravelIndex(worst, expected.shape),
    axis,
    primary.target.data[worst] ?? NaN,
    received.data[worst] ?? NaN,
    primary.result.relError,
    primary.tol,
  )}`;
  const generic = pattern === undefined ? undefined : genericDiagnosis(pattern);
  let which: string | undefined;
  if (ref !== undefined && num !== undefined && failures.length === 1) {
    which =
      primary.against === 'reference'
        ? `  ${name} agrees with finite differences of your own forward but not with the reference: ` +
          'the backward matches your forward, so check the forward it differentiates'
        : `  ${name} agrees with the reference but not with finite differences of your own forward: ` +
          'the forward pass is the likely culprit';
  }
  const block = (read: boolean): string =>
    [headline, worstLine, ...(generic !== undefined && !read ? [`  ${generic}`] : []), which]
      .filter((line) => line !== undefined)
      .join('\n');
  return pattern === undefined ? { block } : { block, pattern };
}

function timePattern(
  name: string,
  steps: readonly Comparison[],
  against: 'numeric' | 'reference',
): TimePattern {
  const wrong = steps.flatMap((s, t) => (s.ok ? [] : [t]));
  const right = steps.flatMap((s, t) => (s.ok ? [t] : []));
  return {
    gradient: name,
    kind: classifyTimePattern(wrong, steps.length),
    steps: steps.length,
    wrong,
    right,
    stepErrors: steps.map((s) => s.relError),
    against,
  };
}

function perComparison(
  given: number | PerComparison | undefined,
  numeric: number,
  reference: number,
): { numeric: number; reference: number } {
  if (typeof given === 'number') return { numeric: given, reference: given };
  return { numeric: given?.numeric ?? numeric, reference: given?.reference ?? reference };
}

function outside(result: Comparison): string {
  return `${result.failing} of ${result.count} ${result.count === 1 ? 'element' : 'elements'} outside tolerance`;
}

function plural(n: number, word: string): string {
  return n === 1 ? word : `${word}s`;
}

/** 'dwx' for 'dWx', 'dh' for 'dh0', 'dprev_h' for 'dprevH': case, digits and '_' aside. */
function looksLike(a: string, b: string): boolean {
  const norm = (s: string): string => s.toLowerCase().replace(/[_\d]/g, '');
  return norm(a) === norm(b);
}
