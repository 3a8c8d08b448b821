/**
 * @rnn-course/core: the tensor core every chapter shares. This file is the whole public API.
 */

// Errors: shape mismatches name the op and both shapes; stubs throw NotImplementedError.
export {
  ShapeError,
  NotImplementedError,
  notImplemented,
  assertShape,
  formatShape,
} from './errors';

// Tensors: float64, row-major; creation and printing.
export {
  Tensor,
  tensor,
  fromData,
  zeros,
  ones,
  full,
  zerosLike,
  onesLike,
  arange,
  linspace,
} from './tensor';
export { shapeSize, stridesOf, sameShape, normalizeAxis } from './tensor';
export type { Shape, NestedArray, TensorOptions, BackwardFn } from './tensor';
export { format } from './format';

// Randomness: one seeded generator, bit-identical on every machine.
export { Rng, randn, randu } from './random';
export type { RandnOptions, RanduOptions } from './random';

// Autograd: the graph, the reverse walk, and switching recording off.
export {
  noGrad,
  withGrad,
  isGradEnabled,
  needsGrad,
  record,
  accumulate,
  accumulateSlice,
  accumulateRows,
  passGradient,
  topologicalSort,
  withoutAutograd,
} from './autograd';
// Named gradients of a differentiable function, for hand-written backward passes.
export { vjp } from './vjp';
export { broadcastShapes, broadcastOffsets, sumToShape } from './broadcast';

// Elementwise ops (binary ones broadcast like numpy).
export {
  add,
  sub,
  mul,
  div,
  neg,
  scale,
  exp,
  log,
  sqrt,
  square,
  pow,
  abs,
  tanh,
  sigmoid,
  sigmoidOf,
  relu,
} from './ops/elementwise';
// Reductions over axes.
export { sum, mean, max } from './ops/reduce';
// Moving values: reshape, transpose, slicing and joining.
export { reshape, permute, transpose, concat, stack, split, narrow } from './ops/shape';
// Matrix product (through the kernel below).
export { matmul } from './ops/matmul';
// Softmax, stable.
export { softmax, logSoftmax } from './ops/softmax';
// Replacing masked entries by a constant (attention masks).
export { maskedFill } from './ops/masked-fill';
// Loss: softmax cross-entropy with mask.
export { crossEntropy } from './ops/loss';
export type { CrossEntropyOptions, Reduction } from './ops/loss';
// Sequences [N, T, D]: time steps, embeddings, one-hot codes, masks.
export {
  timeStep,
  stepsToSequence,
  embedding,
  gatherRows,
  oneHot,
  sequenceMask,
  paddingMask,
  flattenIds,
  reverseSequence,
} from './ops/sequence';
// Inverted dropout with a seeded mask.
export { dropout, dropoutMask } from './ops/dropout';
export type { Ids } from './ops/sequence';

// Matmul kernels: a readable reference, a register-blocked one in TypeScript (the fallback) and
// the WebAssembly SIMD default, swappable.
export { referenceKernel, blockedKernel, getMatmulKernel, setMatmulKernel } from './kernels/matmul';
export { wasmKernel, wasmActivations } from './kernels/wasm';
export type { MatmulKernel } from './kernels/matmul';
// The sigmoid and tanh of an array: a readable reference and the WebAssembly SIMD default.
export {
  referenceActivations,
  getActivationKernel,
  setActivationKernel,
} from './kernels/activations';
export type { ActivationKernel } from './kernels/activations';

// A hand-written forward/backward pair as one graph node.
export { customOp } from './custom-op';
export type { CustomOpSpec } from './custom-op';

// Checking gradients and comparing values.
export { centralDifferences } from './finite-differences';
export {
  numericalGradient,
  numericalGradientOfOutput,
  gradcheck,
  formatGradcheckReport,
  GRADCHECK_DEFAULTS,
} from './gradcheck';
export type { GradcheckOptions, GradcheckReport, GradcheckInputReport } from './gradcheck';
export { allClose, maxRelError, relativeError } from './compare';
export type { AllCloseOptions } from './compare';
// Gradient clipping by global norm.
export { clipGradNormInPlace } from './clip';

// Training: initialisers, optimisers, batches.
export * from './init';
export * from './optim';
export * from './data';
