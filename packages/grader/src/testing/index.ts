/**
 * `@rnn-course/grader/testing`: what a grading suite imports, and nothing else. `exercise` and
 * `check` declare graded checks with points (a check that code doing nothing could pass
 * `requires` the values); `targetModule` reaches the code under test; the assertion helpers
 * compare values, shapes and gradients, hold inputs read-only and outputs new
 * (`expectNoInputMutation`), grade promised errors (`expectThrows`) and write failure messages
 * that say what, where and by how much; `explain` (an option of every helper) and `fail` add the
 * chapter's reading and point at a hint by its key. The harness's internals (formatting,
 * comparison, time patterns) are imported by path in the harness's own tests.
 */
export { check, exercise, type CheckOptions } from './exercise';
export { targetModule, type Remote } from './target-module';
export { ABSOLUTE_FLOORS, TOLERANCES } from './tolerances';
export { expectClose, expectFinite, expectShape, type CloseOptions } from './expect';
export {
  expectGradients,
  layerGradients,
  numericGradient,
  numericGradients,
  referenceGradients,
  type GradientOptions,
  type LayerGradients,
} from './gradients';
export { expectNoInputMutation, type MutationOptions } from './mutation';
export { expectThrows, type ThrowsOptions } from './throws';
export { rngBefore } from './rng';
export { agrees } from './compare';
export { isTensor } from './format';
export { fail, type Explanation, type FailureDetail, type HintOptions } from './errors';
export type { TimePattern } from './time-pattern';
