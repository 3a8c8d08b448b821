/**
 * Which time steps of a gradient through time are wrong, and what that pattern suggests.
 *
 * Backpropagation through time visits the steps from last to first, each step adding the
 * gradient that arrives from the step after it (Goodfellow, Bengio & Courville, Deep
 * Learning, section 10.2.2). Most bugs therefore leave a signature over time: a step
 * backward that is wrong everywhere, a missing recurrent term that leaves only the last
 * step right, a wrong start that spoils only the last step.
 */
import { formatRanges } from './format';

/** The shape of the set of wrong steps among T steps. */
export type TimePatternKind =
  | 'everywhere' //        every step wrong
  | 'only-last' //         only step T-1 wrong
  | 'all-but-last' //      every step wrong except T-1
  | 'only-first' //        only step 0 wrong
  | 'wrong-then-right' //  steps 0..k wrong, k+1..T-1 right
  | 'right-then-wrong' //  steps 0..k right, k+1..T-1 wrong
  | 'scattered'; //        anything else

/** The per-step picture of one gradient, passed to a suite's `diagnose`. */
export interface TimePattern {
  /** The gradient's or the value's name: 'dx', 'h'. */
  gradient: string;
  kind: TimePatternKind;
  /** Number of time steps T. */
  steps: number;
  /** Steps outside tolerance, ascending, and steps within it. */
  wrong: number[];
  right: number[];
  /** Worst relative error at each step. */
  stepErrors: number[];
  /** What the gradient was compared with. */
  against: 'numeric' | 'reference';
}

/**
 * Classifies the wrong steps. wrong: ascending step indices outside tolerance; steps: T.
 */
export function classifyTimePattern(wrong: readonly number[], steps: number): TimePatternKind {
  const n = wrong.length;
  if (n === steps) return 'everywhere';
  if (n === 1 && wrong[0] === steps - 1) return 'only-last';
  if (n === steps - 1 && !wrong.includes(steps - 1)) return 'all-but-last';
  if (n === 1 && wrong[0] === 0) return 'only-first';
  const contiguous = wrong.every((t, i) => i === 0 || t === (wrong[i - 1] ?? 0) + 1);
  if (contiguous && wrong[0] === 0) return 'wrong-then-right';
  if (contiguous && wrong[n - 1] === steps - 1) return 'right-then-wrong';
  return 'scattered';
}

/**
 * The pattern in words: "wrong at time steps 0-3, right at step 4", "wrong only at the last
 * step (4)", "wrong everywhere, at every time step 0-4".
 */
export function describeTimePattern(
  pattern: Pick<TimePattern, 'kind' | 'wrong' | 'right' | 'steps'>,
): string {
  const { kind, wrong, right, steps } = pattern;
  const stepsText = (list: readonly number[]): string =>
    `${list.length === 1 ? 'step' : 'steps'} ${formatRanges(list)}`;
  switch (kind) {
    case 'everywhere':
      return steps === 1
        ? 'wrong everywhere, at its only time step 0'
        : `wrong everywhere, at every time step 0-${steps - 1}`;
    case 'only-last':
      return `wrong only at the last step (${steps - 1}), right at ${stepsText(right)}`;
    case 'only-first':
      return `wrong only at the first step (0), right at ${stepsText(right)}`;
    default:
      return `wrong at time ${stepsText(wrong)}, right at ${stepsText(right)}`;
  }
}

/**
 * What the pattern suggests, in words that hold for any recurrence; a suite adds the
 * chapter's own through `expectGradients({ diagnose })`. Undefined when the pattern says
 * nothing in particular.
 */
export function genericDiagnosis(pattern: Pick<TimePattern, 'kind'>): string | undefined {
  switch (pattern.kind) {
    case 'everywhere':
      return 'every step is wrong: check what one step computes first, then what passes between steps';
    case 'all-but-last':
      return (
        'only the last step, which receives nothing from a later step, is right: ' +
        'check what each step passes back to the step before it'
      );
    case 'wrong-then-right':
      return 'the last steps are right and earlier ones wrong: check what each step passes back to the step before it';
    case 'only-last':
      return 'only the last step is wrong: check how the backward pass starts at the last step';
    case 'only-first':
      return (
        'only the first step is wrong: ' +
        'check what is special about step 0 (its previous state is the initial state)'
      );
    case 'right-then-wrong':
    case 'scattered':
      return undefined;
  }
}
