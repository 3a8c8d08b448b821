/**
 * Every tolerance the grading suites use, in one place, with its reason. Relative tolerances
 * apply to the CS231n relative error |a - b| / max(1e-8, |a| + |b|), all in float64; each
 * comparison also accepts an element within an absolute floor of the expected value (below).
 *
 * Calibrated on what the CS231n RNN assignment expects (assignment 3, "RNN_Captioning": about
 * 1e-8 for a step forward, 1e-7 for a sequence forward and the temporal softmax loss, 1e-6 to
 * 1e-8 for BPTT gradients against central differences with h = 1e-5), on the CS231n notes on
 * gradient checks (cs231n.github.io/neural-networks-3, "Gradient checks") and on chapter 1's
 * suites, where correct code agrees with the reference to about 1e-14 and the usual mistakes
 * are off by 1e-2 or more: every tolerance below leaves a margin of a hundred or more on both
 * sides.
 */
export const TOLERANCES = {
  /** A number computed exactly, or copied: a lookup, a factor of exactly 1, a masked zero. */
  exact: 0,
  /** One or two float64 operations (a square root, a norm of the identity): a few ulps. */
  roundoff: 1e-15,
  /**
   * A forward value against the reference: a step, a sequence, an affine map, a loss, a clip.
   * Two correct float64 computations of a few sums and a tanh per element differ by a few ulps
   * (about 1e-15), and rounding grows slowly over T steps when tanh' < 1 (about 1e-14).
   */
  value: 1e-10,
  /**
   * A hand-written backward, a whole model's loss and gradients, or a product of Jacobians,
   * against the reference's autograd: two exact derivations that differ by rounding over many
   * operations in another order (about 1e-13 for the sizes the suites use).
   */
  gradient: 1e-9,
  /**
   * A backward against central differences of the learner's own forward at h = 1e-5: the
   * truncation error h² f‴ / 6 and the rounding error ε |f| / h are each about 1e-10 relative
   * to gradients of order 0.1.
   */
  numeric: 1e-7,
  /** The same for a linear map (affine, lookup): no truncation error, rounding only. */
  numericLinear: 1e-8,
  /**
   * A whole model's loss gradient against central differences (many layers and T steps; CS231n
   * checks whole models at 1e-5 to 1e-6).
   */
  numericModel: 1e-6,
  /** `agrees`: a learner's value matches a known mistake's value (used to explain, not grade). */
  recognise: 1e-7,
} as const;

/**
 * Absolute floors under the relative tolerances: an element also passes when
 * |a - b| <= floor. Relative error says nothing for elements near zero, where it compares two
 * roundings of almost nothing.
 *
 * - reference: two float64 computations of the same sums differ by about 1e-16 times the size
 *   of the terms; measured on a BPTT with N = 4, T = 20, H = 8: at most 1.1e-14.
 * - numeric: a central difference at h = 1e-5 is off by about eps |f| / h + h² |f‴| / 6, with
 *   f = sum(out * dout) of size 10 to 100; measured on the same BPTT: up to 7e-9 absolute. The
 *   floor sits above that; a real bug moves gradients by far more, and the comparison with the
 *   reference (floor 1e-12) still sees small errors.
 * - numericLoss: the same for the gradient of a loss of order 1 (f itself is the loss, not a sum
 *   weighted by an upstream gradient), about 1e-11; 1e-9 leaves a margin.
 */
export const ABSOLUTE_FLOORS = {
  /** Values and gradients compared with a reference computation. */
  reference: 1e-12,
  /** Gradients compared with central differences. */
  numeric: 1e-7,
  /** A loss's gradient compared with central differences of the loss. */
  numericLoss: 1e-9,
  /** `agrees`. */
  recognise: 1e-10,
} as const;
