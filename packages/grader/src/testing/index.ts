/**
 * `@rnn-course/grader/testing`: what a grading suite imports. `exercise` and `check` declare
 * graded checks with points; the assertion helpers compare values, shapes and gradients and
 * write failure messages that say what, where and by how much.
 */
export { check, exercise } from './exercise';
export * from './expect';
export * from './gradients';
export * from './mutation';
