/**
 * The sandbox: learner code runs in a separate Node process under the permission model, and
 * the trusted side (a Vitest worker running the course's suites) calls into it. See
 * packages/grader/README.md, "What grading guarantees".
 */
export { bundleTarget, readChapterBundle, sandboxRoot } from './bundle';
export type { BundledFile, BundleOptions, ChapterBundle, TargetBundle } from './bundle';
export { describeViolation, importRuleOf } from './import-rule';
export type { ImportRule, ImportViolation } from './import-rule';
export {
  BundleError,
  ImportRefusedError,
  LearnerError,
  SandboxCrashError,
  SandboxTimeoutError,
} from './errors';
export type { Frame } from './errors';
export { HAND_DERIVED, handDerivedReason, permissionFlag, Sandbox } from './sandbox';
export type { BatchOptions, CallOptions, CallResult, SandboxOptions } from './sandbox';
export { remoteModule } from './remote';
export type { ModuleOptions, Remote, RemoteFunction } from './remote';
export type { Alias, CallReport, Mutation } from './protocol';
export { closeSandboxes, heldBySandbox, learnerModule, sandboxFor } from './worker';
export { numericGradientsBatched } from './finite-differences';
export type { BatchedGradientOptions } from './finite-differences';
