/**
 * `@rnn-course/grader/testing`: what a grading suite imports. `exercise` and `check` declare
 * graded checks with points; the assertion helpers compare values, shapes and gradients and
 * write failure messages that say what, where and by how much.
 */
export { check, exercise } from './exercise';
export * from './expect';
export * from './gradients';
export * from './mutation';
// The learner's code, called in the sandbox (src/sandbox/): `learnerModule<typeof M>(file)`.
export {
  HAND_DERIVED,
  learnerModule,
  numericGradientsBatched,
  type CallReport,
  type Remote,
  type RemoteFunction,
} from '../sandbox/index';
